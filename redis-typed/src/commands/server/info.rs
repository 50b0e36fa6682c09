//! `INFO`: the server's report, parsed into sections of `name:value`
//! fields.
//!
//! ```
//! use redis_typed::commands::InfoReply;
//!
//! let text = "# Server\r\nredis_version:7.2.4\r\nuptime_in_seconds:42\r\n\r\n# Keyspace\r\n\
//!             db0:keys=3,expires=1,avg_ttl=0\r\n";
//! let info = InfoReply::parse(text);
//! assert_eq!(info.get("server", "redis_version"), Some("7.2.4"));
//! assert_eq!(info.get_as::<i64>("Server", "uptime_in_seconds"), Some(42));
//! let db0 = info.section("keyspace").unwrap().get_map("db0").unwrap();
//! assert_eq!(db0[0], ("keys", "3"));
//! ```

use std::convert::Infallible;
use std::str::FromStr;

use crate::commands::server::fields::text;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `INFO [section ...]`: information and statistics about the server.
///
/// Without a section the server picks its default set; `"all"` adds the
/// command stats and latency percentiles, `"everything"` adds module
/// sections. Several sections in one call need Redis 7.0+.
///
/// Reply: [`InfoReply`], parsed from the text (a verbatim string in RESP3,
/// a bulk string in RESP2).
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct Info {
    sections: Vec<String>,
}

impl Info {
    /// `INFO`: the default sections.
    pub fn new() -> Self {
        Info {
            sections: Vec::new(),
        }
    }

    /// Adds a section: `"server"`, `"memory"`, `"commandstats"`, `"all"`...
    pub fn section(mut self, name: impl Into<String>) -> Self {
        self.sections.push(name.into());
        self
    }

    /// Adds several sections.
    pub fn sections<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.sections.extend(names.into_iter().map(Into::into));
        self
    }
}

impl Command for Info {
    type Response = InfoReply;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"INFO");
        for section in &self.sections {
            out.write_arg(section.as_bytes());
        }
    }
}

/// The `INFO` report: its sections in order, each a list of `name:value`
/// fields. Section names are matched without regard to case
/// (`"server"` finds `# Server`).
///
/// Fields before any `# Section` header (some forks, old servers) land in a
/// section named `""`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct InfoReply {
    /// The sections, in the order the server wrote them.
    pub sections: Vec<InfoSection>,
}

/// One `# Name` section of an `INFO` report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct InfoSection {
    /// The name as written in the header (`"Server"`, `"Keyspace"`).
    pub name: String,
    /// `(name, value)` pairs in order; a line without `:` has an empty
    /// value.
    pub fields: Vec<(String, String)>,
}

impl InfoSection {
    /// The value of field `name` in this section.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of field `name` parsed as `T`; `None` when absent or when
    /// it does not parse.
    pub fn get_as<T: FromStr>(&self, name: &str) -> Option<T> {
        self.get(name)?.parse().ok()
    }

    /// A field whose value is itself a list of `k=v` pairs separated by
    /// commas (`db0:keys=3,expires=1`, `cmdstat_get:calls=2,usec=15,...`).
    pub fn get_map(&self, name: &str) -> Option<Vec<(&str, &str)>> {
        let value = self.get(name)?;
        Some(
            value
                .split(',')
                .filter(|p| !p.is_empty())
                .map(|p| p.split_once('=').unwrap_or((p, "")))
                .collect(),
        )
    }
}

impl InfoReply {
    /// The section called `name` (case-insensitive).
    pub fn section(&self, name: &str) -> Option<&InfoSection> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The value of field `name` in section `section`.
    pub fn get(&self, section: &str, name: &str) -> Option<&str> {
        self.section(section)?.get(name)
    }

    /// The value of field `name` in section `section`, parsed as `T`; `None`
    /// when absent or when it does not parse.
    pub fn get_as<T: FromStr>(&self, section: &str, name: &str) -> Option<T> {
        self.section(section)?.get_as(name)
    }

    /// The value of field `name` in whichever section holds it first.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.sections.iter().find_map(|s| s.get(name))
    }
}

impl InfoReply {
    /// Parses the report; every line is accepted (`\r\n` or `\n` endings).
    pub fn parse(text: &str) -> Self {
        let mut sections: Vec<InfoSection> = Vec::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            if let Some(header) = line.strip_prefix('#') {
                sections.push(InfoSection {
                    name: header.trim().to_owned(),
                    fields: Vec::new(),
                });
                continue;
            }
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            if sections.is_empty() {
                sections.push(InfoSection::default());
            }
            if let Some(section) = sections.last_mut() {
                section.fields.push((name.to_owned(), value.to_owned()));
            }
        }
        InfoReply { sections }
    }
}

impl FromStr for InfoReply {
    type Err = Infallible;

    /// As [`InfoReply::parse`]: never fails.
    fn from_str(text: &str) -> std::result::Result<Self, Infallible> {
        Ok(InfoReply::parse(text))
    }
}

impl FromRedisValue for InfoReply {
    fn from_redis_value(value: Value) -> Result<Self> {
        Ok(InfoReply::parse(&text::<InfoReply>(value)?))
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::resp::VerbatimFormat;

    const REPORT: &str = "# Server\r\nredis_version:7.0.15\r\nexecutable:/usr/bin/redis-server\r\n\
        \r\n# Clients\r\nconnected_clients:2\r\n\r\n# Commandstats\r\n\
        cmdstat_client|list:calls=3,usec=40,usec_per_call=13.33,rejected_calls=0,failed_calls=0\r\n\
        \r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n";

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&Info::new().section("server").section("clients"), &mut out);
        assert_eq!(
            &out[..],
            b"*3\r\n$4\r\nINFO\r\n$6\r\nserver\r\n$7\r\nclients\r\n"
        );
        assert!(!Info::new().read_only());
    }

    #[test]
    fn parses_sections_and_fields() {
        let info: InfoReply = REPORT.parse().unwrap();
        let names: Vec<_> = info.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Server", "Clients", "Commandstats", "Keyspace"]);
        assert_eq!(
            info.get("SERVER", "executable"),
            Some("/usr/bin/redis-server")
        );
        assert_eq!(info.get_as::<u32>("clients", "connected_clients"), Some(2));
        assert_eq!(info.get_as::<u32>("server", "redis_version"), None);
        assert_eq!(info.field("connected_clients"), Some("2"));
        let stats = info
            .section("commandstats")
            .unwrap()
            .get_map("cmdstat_client|list")
            .unwrap();
        assert_eq!(stats[0], ("calls", "3"));
        assert_eq!(stats[2], ("usec_per_call", "13.33"));
    }

    #[test]
    fn decodes_verbatim_and_bulk_alike() {
        let verbatim = Value::Verbatim {
            format: VerbatimFormat(*b"txt"),
            text: Bytes::from_static(REPORT.as_bytes()),
        };
        let bulk = Value::BulkString(Bytes::from_static(REPORT.as_bytes()));
        assert_eq!(
            InfoReply::from_redis_value(verbatim).unwrap(),
            InfoReply::from_redis_value(bulk).unwrap()
        );
        assert!(InfoReply::from_redis_value(Value::Integer(1)).is_err());
    }

    #[test]
    fn headerless_lines_go_to_an_unnamed_section() {
        let info: InfoReply = "role:master\nbare line\n".parse().unwrap();
        assert_eq!(info.get("", "role"), Some("master"));
        assert_eq!(info.get("", "bare line"), Some(""));
    }
}
