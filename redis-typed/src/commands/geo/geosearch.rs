//! `GEOSEARCH`, and the values the geo queries share: units, centers,
//! shapes, coordinates and matches.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, GeoFrom, GeoSearch, GeoShape, GeoUnit};
//!
//! // The 5 nearest members within 10 km of a point, nearest first, with
//! // their distance: Vec<GeoMatch<String>>.
//! let near = GeoSearch::<_, String>::new(
//!     "places",
//!     GeoFrom::lon_lat(13.361389, 38.115556),
//!     GeoShape::radius(10.0, GeoUnit::Kilometers),
//! )
//! .asc()
//! .count(5)
//! .with_dist();
//! let mut out = BytesMut::new();
//! encode(&near, &mut out);
//! assert!(out.ends_with(b"$3\r\nASC\r\n$5\r\nCOUNT\r\n$1\r\n5\r\n$8\r\nWITHDIST\r\n"));
//! ```

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::fields::{conversion, strip, Items};
use crate::commands::marker_data::{GeoNames, GeoReply, GeoWithInfo};
use crate::commands::stream::fields::arg_bytes;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{unexpected, FromRedisValue, RedisKey, SingleArg};

/// The unit of a radius, box or distance: `m`, `km`, `ft` or `mi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GeoUnit {
    /// `m`.
    #[default]
    Meters,
    /// `km`.
    Kilometers,
    /// `ft`.
    Feet,
    /// `mi`.
    Miles,
}

impl GeoUnit {
    /// The unit as sent.
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            GeoUnit::Meters => b"m",
            GeoUnit::Kilometers => b"km",
            GeoUnit::Feet => b"ft",
            GeoUnit::Miles => b"mi",
        }
    }
}

/// The center of a `GEOSEARCH`: a member's position or a point.
#[derive(Debug, Clone, PartialEq)]
pub enum GeoFrom {
    /// `FROMMEMBER member`.
    Member(Bytes),
    /// `FROMLONLAT longitude latitude`.
    LonLat(f64, f64),
}

impl GeoFrom {
    /// `FROMMEMBER member`: the position of a member of the same key.
    pub fn member(member: impl SingleArg) -> Self {
        GeoFrom::Member(arg_bytes(&member))
    }

    /// `FROMLONLAT longitude latitude`.
    pub fn lon_lat(longitude: f64, latitude: f64) -> Self {
        GeoFrom::LonLat(longitude, latitude)
    }

    /// Writes the center without a token (`GEORADIUS*` style).
    pub(crate) fn write_bare<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        match self {
            GeoFrom::Member(member) => out.write_arg(member),
            GeoFrom::LonLat(longitude, latitude) => {
                out.write_f64(*longitude);
                out.write_f64(*latitude);
            }
        }
    }
}

/// The area of a `GEOSEARCH`: a circle or a box around the center.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GeoShape {
    /// `BYRADIUS radius unit`.
    Radius(f64, GeoUnit),
    /// `BYBOX width height unit`.
    Box(f64, f64, GeoUnit),
}

impl GeoShape {
    /// `BYRADIUS radius unit`: a circle.
    pub fn radius(radius: f64, unit: GeoUnit) -> Self {
        GeoShape::Radius(radius, unit)
    }

    /// `BYBOX width height unit`: an axis-aligned rectangle centered on
    /// the center.
    pub fn rect(width: f64, height: f64, unit: GeoUnit) -> Self {
        GeoShape::Box(width, height, unit)
    }
}

/// A longitude/latitude pair, as `GEOPOS` and `WITHCOORD` reply it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GeoCoord {
    /// Degrees east, -180 to 180.
    pub longitude: f64,
    /// Degrees north, about -85.05 to 85.05.
    pub latitude: f64,
}

impl FromRedisValue for GeoCoord {
    /// `[longitude, latitude]` (RESP3 doubles or RESP2 strings).
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 2, 2)?;
        Ok(GeoCoord {
            longitude: items.required("longitude")?,
            latitude: items.required("latitude")?,
        })
    }
}

/// One member found by `GEOSEARCH` / `GEORADIUS*` with `WITHCOORD`,
/// `WITHDIST` or `WITHHASH`: its name and the parts that were asked for
/// (the others are `None`).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct GeoMatch<V = Bytes> {
    /// The member.
    pub name: V,
    /// `WITHDIST`: the distance from the center, in the query's unit.
    pub dist: Option<f64>,
    /// `WITHHASH`: the raw 52-bit geohash score.
    pub hash: Option<i64>,
    /// `WITHCOORD`: the member's position.
    pub coord: Option<GeoCoord>,
}

impl<V: FromRedisValue> FromRedisValue for GeoMatch<V> {
    /// `[name, dist?, hash?, coord?]`: each part is told apart by its kind
    /// (the distance is a string, the hash an integer, the position an
    /// array), which is also the order Redis sends them in.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 1, 4)?;
        let mut found = GeoMatch {
            name: items.required("name")?,
            dist: None,
            hash: None,
            coord: None,
        };
        while let Some(part) = items.next_raw() {
            match strip(part) {
                Value::Integer(hash) => found.hash = Some(hash),
                coord @ Value::Array(_) => found.coord = Some(GeoCoord::from_redis_value(coord)?),
                dist @ (Value::BulkString(_) | Value::SimpleString(_) | Value::Double(_)) => {
                    found.dist = Some(f64::from_redis_value(dist)?)
                }
                Value::Error(message) => return Err(unexpected::<Self>(&Value::Error(message))),
                other => {
                    return Err(conversion::<Self>(format!(
                        "{} after the name (expected a distance, hash or position)",
                        other.summary()
                    )))
                }
            }
        }
        Ok(found)
    }
}

/// The options `GEOSEARCH` and `GEORADIUS*` share: order, count, `WITH*`.
#[derive(Debug, Clone, Default)]
pub(crate) struct GeoOptions {
    order: Option<&'static [u8]>,
    count: Option<(u64, bool)>,
    with_coord: bool,
    with_dist: bool,
    with_hash: bool,
}

impl GeoOptions {
    pub(crate) fn asc(&mut self) {
        self.order = Some(b"ASC");
    }
    pub(crate) fn desc(&mut self) {
        self.order = Some(b"DESC");
    }
    pub(crate) fn count(&mut self, count: u64, any: bool) {
        self.count = Some((count, any));
    }
    pub(crate) fn with_coord(&mut self) {
        self.with_coord = true;
    }
    pub(crate) fn with_dist(&mut self) {
        self.with_dist = true;
    }
    pub(crate) fn with_hash(&mut self) {
        self.with_hash = true;
    }

    pub(crate) fn write_order<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        if let Some(order) = self.order {
            out.write_arg(order);
        }
    }

    pub(crate) fn write_count<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        if let Some((count, any)) = self.count {
            out.write_arg(b"COUNT");
            out.write_u64(count);
            if any {
                out.write_arg(b"ANY");
            }
        }
    }

    pub(crate) fn write_with<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        if self.with_coord {
            out.write_arg(b"WITHCOORD");
        }
        if self.with_dist {
            out.write_arg(b"WITHDIST");
        }
        if self.with_hash {
            out.write_arg(b"WITHHASH");
        }
    }
}

/// `GEOSEARCH key FROMMEMBER member | FROMLONLAT longitude latitude
/// BYRADIUS radius unit | BYBOX width height unit [ASC | DESC]
/// [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]`: the members of
/// a geo set inside a circle or box (Redis 6.2+).
///
/// | built with                                  | reply                   |
/// |---------------------------------------------|-------------------------|
/// | `GeoSearch::new(key, from, shape)`          | `Vec<V>`: member names  |
/// | `.with_coord()` / `.with_dist()` / `.with_hash()` (any of them) | `Vec<GeoMatch<V>>` |
///
/// `V` defaults to [`Bytes`]. Without `asc`/`desc` the order is
/// unspecified.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct GeoSearch<K, V = Bytes, R = GeoNames> {
    key: K,
    from: GeoFrom,
    shape: GeoShape,
    options: GeoOptions,
    _reply: PhantomData<fn() -> (V, R)>,
}

impl<K: RedisKey, V: FromRedisValue> GeoSearch<K, V> {
    /// `GEOSEARCH key <from> <shape>`.
    pub fn new(key: K, from: GeoFrom, shape: GeoShape) -> Self {
        GeoSearch {
            key,
            from,
            shape,
            options: GeoOptions::default(),
            _reply: PhantomData,
        }
    }
}

impl<K, V, R> GeoSearch<K, V, R> {
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

    /// `COUNT count`: at most `count` members (the nearest, after sorting).
    pub fn count(mut self, count: u64) -> Self {
        self.options.count(count, false);
        self
    }

    /// `COUNT count ANY`: stop as soon as `count` members are found (faster,
    /// not necessarily the nearest).
    pub fn count_any(mut self, count: u64) -> Self {
        self.options.count(count, true);
        self
    }

    fn with(self, set: fn(&mut GeoOptions)) -> GeoSearch<K, V, GeoWithInfo> {
        let mut options = self.options;
        set(&mut options);
        GeoSearch {
            key: self.key,
            from: self.from,
            shape: self.shape,
            options,
            _reply: PhantomData,
        }
    }

    /// `WITHCOORD`: each match's position; replies `Vec<GeoMatch<V>>`.
    pub fn with_coord(self) -> GeoSearch<K, V, GeoWithInfo> {
        self.with(GeoOptions::with_coord)
    }

    /// `WITHDIST`: each match's distance from the center; replies
    /// `Vec<GeoMatch<V>>`.
    pub fn with_dist(self) -> GeoSearch<K, V, GeoWithInfo> {
        self.with(GeoOptions::with_dist)
    }

    /// `WITHHASH`: each match's geohash; replies `Vec<GeoMatch<V>>`.
    pub fn with_hash(self) -> GeoSearch<K, V, GeoWithInfo> {
        self.with(GeoOptions::with_hash)
    }
}

impl<K: RedisKey, V: FromRedisValue, R: GeoReply<V>> Command for GeoSearch<K, V, R> {
    type Response = R::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"GEOSEARCH");
        self.key.write_redis_args(out);
        match &self.from {
            GeoFrom::Member(member) => {
                out.write_arg(b"FROMMEMBER");
                out.write_arg(member);
            }
            GeoFrom::LonLat(longitude, latitude) => {
                out.write_arg(b"FROMLONLAT");
                out.write_f64(*longitude);
                out.write_f64(*latitude);
            }
        }
        match self.shape {
            GeoShape::Radius(radius, unit) => {
                out.write_arg(b"BYRADIUS");
                out.write_f64(radius);
                out.write_arg(unit.as_bytes());
            }
            GeoShape::Box(width, height, unit) => {
                out.write_arg(b"BYBOX");
                out.write_f64(width);
                out.write_f64(height);
                out.write_arg(unit.as_bytes());
            }
        }
        self.options.write_order(out);
        self.options.write_count(out);
        self.options.write_with(out);
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

    #[test]
    fn names_or_matches() {
        let cmd = GeoSearch::<_, String>::new(
            "g",
            GeoFrom::member("a"),
            GeoShape::rect(2.0, 3.0, GeoUnit::Miles),
        )
        .desc()
        .count_any(3);
        check(
            &cmd,
            &[
                "GEOSEARCH",
                "g",
                "FROMMEMBER",
                "a",
                "BYBOX",
                "2.0",
                "3.0",
                "mi",
                "DESC",
                "COUNT",
                "3",
                "ANY",
            ],
            &["g"],
            true,
        );
        assert_response::<Vec<String>, _>(&cmd);

        let cmd = GeoSearch::<_, String>::new(
            "g",
            GeoFrom::lon_lat(15.0, 37.5),
            GeoShape::radius(200.0, GeoUnit::Kilometers),
        )
        .with_hash()
        .with_coord()
        .with_dist();
        check(
            &cmd,
            &[
                "GEOSEARCH",
                "g",
                "FROMLONLAT",
                "15.0",
                "37.5",
                "BYRADIUS",
                "200.0",
                "km",
                "WITHCOORD",
                "WITHDIST",
                "WITHHASH",
            ],
            &["g"],
            true,
        );
        assert_response::<Vec<GeoMatch<String>>, _>(&cmd);
        // RESP3: coordinates are doubles; RESP2: strings. The distance is a
        // string on both.
        let resp3 = arr(vec![arr(vec![
            bulk("Palermo"),
            bulk("190.4424"),
            int(3479099956230698),
            arr(vec![double(13.36), double(38.11)]),
        ])]);
        let resp2 = arr(vec![arr(vec![
            bulk("Palermo"),
            bulk("190.4424"),
            int(3479099956230698),
            arr(vec![bulk("13.36"), bulk("38.11")]),
        ])]);
        for reply in [resp3, resp2] {
            let found = decode(&cmd, reply).unwrap();
            assert_eq!(found[0].name, "Palermo");
            assert_eq!(found[0].dist, Some(190.4424));
            assert_eq!(found[0].hash, Some(3479099956230698));
            assert_eq!(
                found[0].coord,
                Some(GeoCoord {
                    longitude: 13.36,
                    latitude: 38.11
                })
            );
        }
        // Only WITHCOORD.
        let only = decode(
            &cmd,
            arr(vec![arr(vec![
                bulk("x"),
                arr(vec![double(1.0), double(2.0)]),
            ])]),
        )
        .unwrap();
        assert_eq!((only[0].dist, only[0].hash), (None, None));
        assert!(only[0].coord.is_some());
    }
}
