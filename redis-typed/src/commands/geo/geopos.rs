//! `GEOPOS`: the positions of members of a geo set.

use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{RedisKey, SingleArg};

use super::geosearch::GeoCoord;

/// `GEOPOS key [member [member ...]]`: the longitude and latitude of each
/// member.
///
/// Reply: `Vec<Option<GeoCoord>>`, one per member in order, `None` for a
/// member that is not in the set (or a missing key).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct GeoPos<K, M> {
    key: K,
    members: Vec<M>,
}

impl<K: RedisKey, M: SingleArg> GeoPos<K, M> {
    /// `GEOPOS key member [member ...]`.
    pub fn new(key: K, members: impl IntoIterator<Item = M>) -> Self {
        GeoPos {
            key,
            members: members.into_iter().collect(),
        }
    }
}

impl<K: RedisKey, M: SingleArg> Command for GeoPos<K, M> {
    type Response = Vec<Option<GeoCoord>>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"GEOPOS");
        self.key.write_redis_args(out);
        for member in &self.members {
            member.write_redis_args(out);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::resp::Value;

    #[test]
    fn positions_or_none() {
        let cmd = GeoPos::new("g", ["a", "b"]);
        check(&cmd, &["GEOPOS", "g", "a", "b"], &["g"], true);
        assert_response::<Vec<Option<GeoCoord>>, _>(&cmd);
        let reply = arr(vec![arr(vec![bulk("13.5"), bulk("38.1")]), Value::Nil]);
        let got = decode(&cmd, reply).unwrap();
        assert_eq!(
            got,
            [
                Some(GeoCoord {
                    longitude: 13.5,
                    latitude: 38.1
                }),
                None
            ]
        );
    }
}
