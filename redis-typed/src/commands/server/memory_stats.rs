//! `MEMORY STATS`: where the server's memory goes.
//!
//! ```
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::MemoryStatsReply;
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! // RESP2: a flat array, doubles as text.
//! let reply = Value::Array(vec![
//!     s("peak.allocated"), Value::Integer(2000), s("total.allocated"), Value::Integer(1500),
//!     s("startup.allocated"), Value::Integer(800), s("overhead.total"), Value::Integer(900),
//!     s("keys.count"), Value::Integer(3), s("dataset.bytes"), Value::Integer(600),
//!     s("dataset.percentage"), s("85.5"), s("allocator.muzzy"), Value::Integer(0),
//! ]);
//! let stats = MemoryStatsReply::from_redis_value(reply)?;
//! assert_eq!((stats.total_allocated, stats.keys_count), (1500, 3));
//! assert_eq!(stats.dataset_percentage, Some(85.5));
//! assert!(stats.other.contains_key("allocator.muzzy"));
//! # Ok::<(), redis_typed::Error>(())
//! ```

use std::collections::HashMap;

use crate::commands::fields::{field, Fields};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `MEMORY STATS`: the server's memory usage, broken down (Redis 4.0+).
///
/// Reply: [`MemoryStatsReply`].
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct MemoryStats;

impl MemoryStats {
    /// `MEMORY STATS`.
    pub fn new() -> Self {
        MemoryStats
    }
}

impl Command for MemoryStats {
    type Response = MemoryStatsReply;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"MEMORY");
        out.write_arg(b"STATS");
    }
}

/// The reply of `MEMORY STATS` (a RESP3 map, or a RESP2 flat array whose
/// ratios are text). Sizes are in bytes.
///
/// The six fields every version sends are required; the others are `None`
/// when absent, and fields this struct does not know are kept in
/// [`other`](Self::other), undecoded.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct MemoryStatsReply {
    /// `peak.allocated`: the most memory ever allocated.
    pub peak_allocated: i64,
    /// `total.allocated`: memory allocated now.
    pub total_allocated: i64,
    /// `startup.allocated`: memory allocated at start-up.
    pub startup_allocated: i64,
    /// `replication.backlog`: the replication backlog.
    pub replication_backlog: Option<i64>,
    /// `clients.slaves`: replica connections' buffers.
    pub clients_replicas: Option<i64>,
    /// `clients.normal`: other clients' buffers.
    pub clients_normal: Option<i64>,
    /// `cluster.links`: cluster bus links (7.0+).
    pub cluster_links: Option<i64>,
    /// `aof.buffer`: AOF buffers.
    pub aof_buffer: Option<i64>,
    /// `lua.caches`: cached Lua scripts.
    pub lua_caches: Option<i64>,
    /// `functions.caches`: loaded functions (7.0+).
    pub functions_caches: Option<i64>,
    /// `overhead.total`: all overhead (everything but the dataset).
    pub overhead_total: i64,
    /// `keys.count`: keys in all databases.
    pub keys_count: i64,
    /// `keys.bytes-per-key`: average net memory per key.
    pub keys_bytes_per_key: Option<i64>,
    /// `dataset.bytes`: memory used by the data itself.
    pub dataset_bytes: i64,
    /// `dataset.percentage`: the dataset's share of net memory.
    pub dataset_percentage: Option<f64>,
    /// `peak.percentage`: `total.allocated` as a share of the peak.
    pub peak_percentage: Option<f64>,
    /// `allocator.allocated`: bytes the allocator handed out.
    pub allocator_allocated: Option<i64>,
    /// `allocator.active`: bytes in active allocator pages.
    pub allocator_active: Option<i64>,
    /// `allocator.resident`: bytes resident in the allocator.
    pub allocator_resident: Option<i64>,
    /// `allocator-fragmentation.ratio`.
    pub allocator_fragmentation_ratio: Option<f64>,
    /// `allocator-fragmentation.bytes`.
    pub allocator_fragmentation_bytes: Option<i64>,
    /// `allocator-rss.ratio`.
    pub allocator_rss_ratio: Option<f64>,
    /// `allocator-rss.bytes`.
    pub allocator_rss_bytes: Option<i64>,
    /// `rss-overhead.ratio`.
    pub rss_overhead_ratio: Option<f64>,
    /// `rss-overhead.bytes`.
    pub rss_overhead_bytes: Option<i64>,
    /// `fragmentation`: RSS over allocated memory.
    pub fragmentation: Option<f64>,
    /// `fragmentation.bytes`.
    pub fragmentation_bytes: Option<i64>,
    /// `db.N`: the hash table overhead of each non-empty database, by index.
    pub databases: Vec<DbMemoryOverhead>,
    /// Every other field, undecoded (`allocator.muzzy`,
    /// `overhead.db.hashtable.lut`... on newer servers).
    pub other: HashMap<String, Value>,
}

/// The hash table overhead of one database (a `db.N` entry).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DbMemoryOverhead {
    /// The database index, `N` in `db.N`.
    pub db: u32,
    /// `overhead.hashtable.main`: the main key table.
    pub hashtable_main: i64,
    /// `overhead.hashtable.expires`: the expiry table.
    pub hashtable_expires: i64,
    /// `overhead.hashtable.slot-to-keys`: the cluster slot index (7.0+).
    pub hashtable_slot_to_keys: Option<i64>,
}

impl FromRedisValue for DbMemoryOverhead {
    /// The map of one `db.N` entry; `db` is filled in by the caller.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<DbMemoryOverhead>::new(value)?;
        Ok(DbMemoryOverhead {
            db: 0,
            hashtable_main: f.required("overhead.hashtable.main")?,
            hashtable_expires: f.required("overhead.hashtable.expires")?,
            hashtable_slot_to_keys: f.optional("overhead.hashtable.slot-to-keys")?,
        })
    }
}

impl FromRedisValue for MemoryStatsReply {
    fn from_redis_value(value: Value) -> Result<Self> {
        type M = MemoryStatsReply;
        let mut f = Fields::<M>::new(value)?;
        let mut stats = MemoryStatsReply {
            peak_allocated: f.required("peak.allocated")?,
            total_allocated: f.required("total.allocated")?,
            startup_allocated: f.required("startup.allocated")?,
            replication_backlog: f.optional("replication.backlog")?,
            clients_replicas: f.optional("clients.slaves")?,
            clients_normal: f.optional("clients.normal")?,
            cluster_links: f.optional("cluster.links")?,
            aof_buffer: f.optional("aof.buffer")?,
            lua_caches: f.optional("lua.caches")?,
            functions_caches: f.optional("functions.caches")?,
            overhead_total: f.required("overhead.total")?,
            keys_count: f.required("keys.count")?,
            keys_bytes_per_key: f.optional("keys.bytes-per-key")?,
            dataset_bytes: f.required("dataset.bytes")?,
            dataset_percentage: f.optional("dataset.percentage")?,
            peak_percentage: f.optional("peak.percentage")?,
            allocator_allocated: f.optional("allocator.allocated")?,
            allocator_active: f.optional("allocator.active")?,
            allocator_resident: f.optional("allocator.resident")?,
            allocator_fragmentation_ratio: f.optional("allocator-fragmentation.ratio")?,
            allocator_fragmentation_bytes: f.optional("allocator-fragmentation.bytes")?,
            allocator_rss_ratio: f.optional("allocator-rss.ratio")?,
            allocator_rss_bytes: f.optional("allocator-rss.bytes")?,
            rss_overhead_ratio: f.optional("rss-overhead.ratio")?,
            rss_overhead_bytes: f.optional("rss-overhead.bytes")?,
            fragmentation: f.optional("fragmentation")?,
            fragmentation_bytes: f.optional("fragmentation.bytes")?,
            databases: Vec::new(),
            other: HashMap::new(),
        };
        for (name, value) in f.into_rest() {
            let db = name.strip_prefix("db.").and_then(|n| n.parse::<u32>().ok());
            match db {
                Some(db) => {
                    let mut overhead: DbMemoryOverhead = field::<M, _>(&name, value)?;
                    overhead.db = db;
                    stats.databases.push(overhead);
                }
                None => {
                    stats.other.insert(name, value);
                }
            }
        }
        stats.databases.sort_by_key(|d| d.db);
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    fn resp3() -> Value {
        let int = |n| Value::Integer(n);
        Value::Map(vec![
            (bulk("peak.allocated"), int(1337504)),
            (bulk("total.allocated"), int(1303368)),
            (bulk("startup.allocated"), int(876072)),
            (bulk("replication.backlog"), int(0)),
            (bulk("clients.slaves"), int(0)),
            (bulk("clients.normal"), int(22272)),
            (bulk("functions.caches"), int(200)),
            (
                bulk("db.0"),
                Value::Map(vec![
                    (bulk("overhead.hashtable.main"), int(72)),
                    (bulk("overhead.hashtable.expires"), int(0)),
                    (bulk("overhead.hashtable.slot-to-keys"), int(0)),
                ]),
            ),
            (bulk("overhead.total"), int(898616)),
            (bulk("keys.count"), int(1)),
            (bulk("dataset.bytes"), int(404752)),
            (bulk("dataset.percentage"), Value::Double(94.5)),
            (bulk("fragmentation"), Value::Double(9.55)),
            (bulk("db.dict.rehashing.count"), int(0)),
        ])
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&MemoryStats::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$6\r\nMEMORY\r\n$5\r\nSTATS\r\n");
    }

    #[test]
    fn decodes_typed_fields_databases_and_the_rest() {
        let stats = MemoryStatsReply::from_redis_value(resp3()).unwrap();
        assert_eq!(stats.peak_allocated, 1337504);
        assert_eq!(stats.functions_caches, Some(200));
        assert_eq!(stats.cluster_links, None);
        assert_eq!(stats.dataset_percentage, Some(94.5));
        assert_eq!(stats.databases.len(), 1);
        assert_eq!(
            (stats.databases[0].db, stats.databases[0].hashtable_main),
            (0, 72)
        );
        // "db.dict..." is not a database index.
        assert_eq!(stats.other.len(), 1);
        assert!(stats.other.contains_key("db.dict.rehashing.count"));
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let reply = Value::Map(vec![(bulk("peak.allocated"), Value::Integer(1))]);
        let err = MemoryStatsReply::from_redis_value(reply)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("MemoryStatsReply") && err.contains("total.allocated"),
            "{err}"
        );
    }
}
