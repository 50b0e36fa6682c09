//! `GEORADIUS`, `GEORADIUS_RO`, `GEORADIUSBYMEMBER`,
//! `GEORADIUSBYMEMBER_RO`: the geo queries `GEOSEARCH` replaced in Redis
//! 6.2, deprecated here as there. They stay for older servers.

// The types below are deprecated; their own impls still name them.
#![allow(deprecated)]

use std::marker::PhantomData;

use bytes::Bytes;

use super::geosearch::{GeoFrom, GeoOptions, GeoUnit};
use crate::commands::marker_data::{GeoNames, GeoReply, GeoStored, GeoWithInfo};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

/// Builder methods every `GEORADIUS*` type has: order, count, `WITH*`.
macro_rules! radius_options {
    ($name:ident) => {
        impl<K, V, R> $name<K, V, R> {
            /// `ASC`: nearest first.
            pub fn asc(mut self) -> Self {
                self.options.asc();
                self
            }

            /// `DESC`: farthest first.
            pub fn desc(mut self) -> Self {
                self.options.desc();
                self
            }

            /// `COUNT count`: at most `count` members (the nearest, after
            /// sorting).
            pub fn count(mut self, count: u64) -> Self {
                self.options.count(count, false);
                self
            }

            /// `COUNT count ANY`: stop as soon as `count` members are found.
            pub fn count_any(mut self, count: u64) -> Self {
                self.options.count(count, true);
                self
            }
        }

        impl<K, V> $name<K, V, GeoNames> {
            fn with(self, set: fn(&mut GeoOptions)) -> $name<K, V, GeoWithInfo> {
                let mut options = self.options;
                set(&mut options);
                $name {
                    key: self.key,
                    center: self.center,
                    radius: self.radius,
                    unit: self.unit,
                    options,
                    store: self.store,
                    _reply: PhantomData,
                }
            }

            /// `WITHCOORD`: each match's position; replies
            /// `Vec<GeoMatch<V>>`.
            pub fn with_coord(self) -> $name<K, V, GeoWithInfo> {
                self.with(GeoOptions::with_coord)
            }

            /// `WITHDIST`: each match's distance from the center; replies
            /// `Vec<GeoMatch<V>>`.
            pub fn with_dist(self) -> $name<K, V, GeoWithInfo> {
                self.with(GeoOptions::with_dist)
            }

            /// `WITHHASH`: each match's geohash; replies `Vec<GeoMatch<V>>`.
            pub fn with_hash(self) -> $name<K, V, GeoWithInfo> {
                self.with(GeoOptions::with_hash)
            }
        }

        impl<K, V> $name<K, V, GeoWithInfo> {
            /// `WITHCOORD`: each match's position.
            pub fn with_coord(mut self) -> Self {
                self.options.with_coord();
                self
            }

            /// `WITHDIST`: each match's distance from the center.
            pub fn with_dist(mut self) -> Self {
                self.options.with_dist();
                self
            }

            /// `WITHHASH`: each match's geohash.
            pub fn with_hash(mut self) -> Self {
                self.options.with_hash();
                self
            }
        }

        impl<K: RedisKey, V: FromRedisValue, R: GeoReply<V>> Command for $name<K, V, R> {
            type Response = R::Response;

            fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_arg(Self::NAME);
                self.key.write_redis_args(out);
                self.center.write_bare(out);
                out.write_f64(self.radius);
                out.write_arg(self.unit.as_bytes());
                self.options.write_with(out);
                self.options.write_count(out);
                self.options.write_order(out);
                if let Some((token, dest)) = &self.store {
                    out.write_arg(token);
                    dest.write_redis_args(out);
                }
            }

            fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
                f(self.key.key_bytes());
                if let Some((_, dest)) = &self.store {
                    f(dest.key_bytes());
                }
            }

            fn read_only(&self) -> bool {
                Self::READ_ONLY
            }
        }
    };
}

/// The `STORE` / `STOREDIST` builders of the writing variants.
macro_rules! radius_store {
    ($name:ident) => {
        impl<K, V> $name<K, V, GeoNames> {
            fn into_store(self, token: &'static [u8], dest: K) -> $name<K, V, GeoStored> {
                $name {
                    key: self.key,
                    center: self.center,
                    radius: self.radius,
                    unit: self.unit,
                    options: self.options,
                    store: Some((token, dest)),
                    _reply: PhantomData,
                }
            }

            /// `STORE key`: store the matches (with their geohashes) in a
            /// sorted set at `dest`; replies `i64`, how many were stored.
            /// Not combinable with `WITH*`.
            pub fn store(self, dest: K) -> $name<K, V, GeoStored> {
                self.into_store(b"STORE", dest)
            }

            /// `STOREDIST key`: store the matches with their distance as
            /// the score; replies `i64`. Not combinable with `WITH*`.
            pub fn store_dist(self, dest: K) -> $name<K, V, GeoStored> {
                self.into_store(b"STOREDIST", dest)
            }
        }
    };
}

macro_rules! radius_struct {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[deprecated(note = "use GeoSearch")]
        #[derive(Debug, Clone)]
        #[must_use = "a command does nothing until it is sent"]
        pub struct $name<K, V = Bytes, R = GeoNames> {
            key: K,
            center: GeoFrom,
            radius: f64,
            unit: GeoUnit,
            options: GeoOptions,
            store: Option<(&'static [u8], K)>,
            _reply: PhantomData<fn() -> (V, R)>,
        }
    };
}

radius_struct!(
    /// `GEORADIUS key longitude latitude radius m | km | ft | mi
    /// [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
    /// [STORE key | STOREDIST key]`: the members within `radius` of a point.
    ///
    /// | built with                          | reply                 |
    /// |-------------------------------------|-----------------------|
    /// | `GeoRadius::new(..)`                | `Vec<V>`: names       |
    /// | `.with_coord()`/`.with_dist()`/`.with_hash()` | `Vec<GeoMatch<V>>` |
    /// | `.store(dest)` / `.store_dist(dest)` | `i64`: members stored |
    ///
    /// Flagged as a write command by Redis (because of `STORE`), so never
    /// read-only: use [`GeoRadiusRo`] or `GeoSearch` on replicas.
    ///
    /// `STORE` replies a count, so it cannot be combined with `WITH*`:
    ///
    /// ```compile_fail
    /// # #![allow(deprecated)]
    /// # use redis_typed::commands::{GeoRadius, GeoUnit};
    /// let _ = GeoRadius::<_, String>::new("g", 15.0, 37.0, 10.0, GeoUnit::Kilometers)
    ///     .store("dest")
    ///     .with_dist();
    /// ```
    GeoRadius
);

radius_struct!(
    /// `GEORADIUS_RO key longitude latitude radius m | km | ft | mi
    /// [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]`:
    /// the read-only [`GeoRadius`] (no `STORE`).
    ///
    /// Reply: `Vec<V>`, or `Vec<GeoMatch<V>>` after any `WITH*`.
    GeoRadiusRo
);

radius_struct!(
    /// `GEORADIUSBYMEMBER key member radius m | km | ft | mi [WITHCOORD]
    /// [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
    /// [STORE key | STOREDIST key]`: the members within `radius` of another
    /// member.
    ///
    /// Replies as [`GeoRadius`]: `Vec<V>`, `Vec<GeoMatch<V>>` after any
    /// `WITH*`, `i64` after `STORE`. Never read-only.
    GeoRadiusByMember
);

radius_struct!(
    /// `GEORADIUSBYMEMBER_RO key member radius m | km | ft | mi [WITHCOORD]
    /// [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]`: the
    /// read-only [`GeoRadiusByMember`] (no `STORE`).
    GeoRadiusByMemberRo
);

impl<K, V, R> GeoRadius<K, V, R> {
    const NAME: &'static [u8] = b"GEORADIUS";
    const READ_ONLY: bool = false;
}
impl<K, V, R> GeoRadiusRo<K, V, R> {
    const NAME: &'static [u8] = b"GEORADIUS_RO";
    const READ_ONLY: bool = true;
}
impl<K, V, R> GeoRadiusByMember<K, V, R> {
    const NAME: &'static [u8] = b"GEORADIUSBYMEMBER";
    const READ_ONLY: bool = false;
}
impl<K, V, R> GeoRadiusByMemberRo<K, V, R> {
    const NAME: &'static [u8] = b"GEORADIUSBYMEMBER_RO";
    const READ_ONLY: bool = true;
}

macro_rules! lon_lat_constructor {
    ($name:ident, $wire:literal) => {
        impl<K: RedisKey, V: FromRedisValue> $name<K, V> {
            #[doc = concat!("`", $wire, " key longitude latitude radius unit`.")]
            pub fn new(key: K, longitude: f64, latitude: f64, radius: f64, unit: GeoUnit) -> Self {
                $name {
                    key,
                    center: GeoFrom::LonLat(longitude, latitude),
                    radius,
                    unit,
                    options: GeoOptions::default(),
                    store: None,
                    _reply: PhantomData,
                }
            }
        }
    };
}

macro_rules! member_constructor {
    ($name:ident, $wire:literal) => {
        impl<K: RedisKey, V: FromRedisValue> $name<K, V> {
            #[doc = concat!("`", $wire, " key member radius unit`.")]
            pub fn new(key: K, member: impl SingleArg, radius: f64, unit: GeoUnit) -> Self {
                $name {
                    key,
                    center: GeoFrom::member(member),
                    radius,
                    unit,
                    options: GeoOptions::default(),
                    store: None,
                    _reply: PhantomData,
                }
            }
        }
    };
}

lon_lat_constructor!(GeoRadius, "GEORADIUS");
lon_lat_constructor!(GeoRadiusRo, "GEORADIUS_RO");
member_constructor!(GeoRadiusByMember, "GEORADIUSBYMEMBER");
member_constructor!(GeoRadiusByMemberRo, "GEORADIUSBYMEMBER_RO");

radius_options!(GeoRadius);
radius_options!(GeoRadiusRo);
radius_options!(GeoRadiusByMember);
radius_options!(GeoRadiusByMemberRo);

radius_store!(GeoRadius);
radius_store!(GeoRadiusByMember);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::commands::GeoMatch;

    #[test]
    fn radius_around_a_point() {
        let cmd = GeoRadius::<_, String>::new("g", 15.0, 37.0, 200.0, GeoUnit::Kilometers)
            .asc()
            .count(2);
        check(
            &cmd,
            &[
                "GEORADIUS",
                "g",
                "15.0",
                "37.0",
                "200.0",
                "km",
                "COUNT",
                "2",
                "ASC",
            ],
            &["g"],
            false,
        );
        assert_response::<Vec<String>, _>(&cmd);
        let with = cmd.clone().with_dist().with_coord();
        check(
            &with,
            &[
                "GEORADIUS",
                "g",
                "15.0",
                "37.0",
                "200.0",
                "km",
                "WITHCOORD",
                "WITHDIST",
                "COUNT",
                "2",
                "ASC",
            ],
            &["g"],
            false,
        );
        assert_response::<Vec<GeoMatch<String>>, _>(&with);
        let stored = cmd.store_dist("dest");
        check(
            &stored,
            &[
                "GEORADIUS",
                "g",
                "15.0",
                "37.0",
                "200.0",
                "km",
                "COUNT",
                "2",
                "ASC",
                "STOREDIST",
                "dest",
            ],
            &["g", "dest"],
            false,
        );
        assert_response::<i64, _>(&stored);

        let ro = GeoRadiusRo::<_, String>::new("g", 1.0, 2.0, 3.0, GeoUnit::Meters).with_hash();
        check(
            &ro,
            &["GEORADIUS_RO", "g", "1.0", "2.0", "3.0", "m", "WITHHASH"],
            &["g"],
            true,
        );
        assert_response::<Vec<GeoMatch<String>>, _>(&ro);
    }

    #[test]
    fn radius_around_a_member() {
        let cmd = GeoRadiusByMember::<_, String>::new("g", "Agrigento", 100.0, GeoUnit::Feet)
            .store("dest");
        check(
            &cmd,
            &[
                "GEORADIUSBYMEMBER",
                "g",
                "Agrigento",
                "100.0",
                "ft",
                "STORE",
                "dest",
            ],
            &["g", "dest"],
            false,
        );
        assert_response::<i64, _>(&cmd);
        let ro = GeoRadiusByMemberRo::<_, String>::new("g", "Agrigento", 1.0, GeoUnit::Miles)
            .desc()
            .count_any(1);
        check(
            &ro,
            &[
                "GEORADIUSBYMEMBER_RO",
                "g",
                "Agrigento",
                "1.0",
                "mi",
                "COUNT",
                "1",
                "ANY",
                "DESC",
            ],
            &["g"],
            true,
        );
        assert_response::<Vec<String>, _>(&ro);
    }
}
