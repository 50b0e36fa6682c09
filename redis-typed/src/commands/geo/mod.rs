//! Geospatial commands: members with a longitude and latitude, stored in a sorted set.
//!
//! `GEOSEARCH`, `GEORADIUS*` and `GEOPOS` are hand-tuned (their replies follow their options); the
//! shared [`GeoUnit`], [`GeoFrom`] and [`GeoShape`] are theirs.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, Command, GeoAdd, GeoDist, GeoUnit};
//!
//! // GEOADD takes (longitude, latitude, member) triples.
//! let mut out = BytesMut::new();
//! encode(&GeoAdd::new("places", [(13.361389, 38.115556, "Palermo")]).nx(), &mut out);
//! assert!(out.ends_with(b"$2\r\nNX\r\n$9\r\n13.361389\r\n$9\r\n38.115556\r\n$7\r\nPalermo\r\n"));
//!
//! // GEODIST replies the distance, None when a member is missing.
//! fn dist<C: Command<Response = Option<f64>>>(_: &C) {}
//! dist(&GeoDist::new("places", "Palermo", "Catania").unit(GeoUnit::Kilometers));
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod geoadd;
pub use geoadd::*;
mod geodist;
pub use geodist::*;
mod geohash;
pub use geohash::*;
mod geosearchstore;
pub use geosearchstore::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
pub(crate) mod geosearch;
pub use geosearch::*;
mod georadius;
pub use georadius::*;
mod geopos;
pub use geopos::*;
