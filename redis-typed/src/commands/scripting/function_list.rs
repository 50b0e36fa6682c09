//! `FUNCTION LIST`: the loaded function libraries.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, FunctionList};
//!
//! let mut out = BytesMut::new();
//! encode(&FunctionList::new().library_name("my*").with_code(), &mut out);
//! assert_eq!(
//!     &out[..],
//!     &b"*5\r\n$8\r\nFUNCTION\r\n$4\r\nLIST\r\n$11\r\nLIBRARYNAME\r\n$3\r\nmy*\r\n$8\r\nWITHCODE\r\n"[..]
//! );
//! ```

use crate::commands::fields::Fields;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]`: the
/// loaded libraries and their functions (Redis 7.0+).
///
/// Reply: `Vec<`[`FunctionLibrary`]`>`; [`FunctionLibrary::code`] is
/// `Some` only with [`with_code`](Self::with_code).
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct FunctionList {
    library_name: Option<String>,
    with_code: bool,
}

impl FunctionList {
    /// `FUNCTION LIST`: every library, without source code.
    pub fn new() -> Self {
        FunctionList::default()
    }

    /// `LIBRARYNAME pattern`: only the libraries whose name matches the
    /// glob-style pattern.
    pub fn library_name(mut self, pattern: impl Into<String>) -> Self {
        self.library_name = Some(pattern.into());
        self
    }

    /// `WITHCODE`: include each library's source code.
    pub fn with_code(mut self) -> Self {
        self.with_code = true;
        self
    }
}

impl Command for FunctionList {
    type Response = Vec<FunctionLibrary>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"FUNCTION");
        out.write_arg(b"LIST");
        if let Some(pattern) = &self.library_name {
            out.write_arg(b"LIBRARYNAME");
            out.write_arg(pattern.as_bytes());
        }
        if self.with_code {
            out.write_arg(b"WITHCODE");
        }
    }
}

/// One library of `FUNCTION LIST`, from a RESP3 map or a RESP2 flat array.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FunctionLibrary {
    /// `library_name`.
    pub name: String,
    /// `engine`: `"LUA"`.
    pub engine: String,
    /// The library's functions.
    pub functions: Vec<FunctionInfo>,
    /// `library_code`: the source, when asked for with `WITHCODE`.
    pub code: Option<String>,
}

/// One function of a [`FunctionLibrary`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FunctionInfo {
    /// The function's name (what `FCALL` takes).
    pub name: String,
    /// Its description, if it registered one.
    pub description: Option<String>,
    /// `"no-writes"`, `"allow-oom"`, `"allow-stale"`, `"no-cluster"`,
    /// `"allow-cross-slot-keys"`.
    pub flags: Vec<String>,
}

impl FunctionInfo {
    /// True when the function declared `no-writes` (it may run on replicas
    /// and through `FCALL_RO`).
    pub fn is_read_only(&self) -> bool {
        self.flags.iter().any(|f| f == "no-writes")
    }
}

impl FromRedisValue for FunctionLibrary {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<FunctionLibrary>::new(value)?;
        Ok(FunctionLibrary {
            name: f.required("library_name")?,
            engine: f.required("engine")?,
            functions: f.required("functions")?,
            code: f.optional("library_code")?,
        })
    }
}

impl FromRedisValue for FunctionInfo {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<FunctionInfo>::new(value)?;
        Ok(FunctionInfo {
            name: f.required("name")?,
            description: f.optional("description")?,
            flags: f.or_default("flags")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    fn library(code: bool) -> Value {
        let mut pairs = vec![
            (bulk("library_name"), bulk("mylib")),
            (bulk("engine"), bulk("LUA")),
            (
                bulk("functions"),
                Value::Array(vec![
                    Value::Map(vec![
                        (bulk("name"), bulk("plain")),
                        (bulk("description"), Value::Nil),
                        (bulk("flags"), Value::Set(vec![])),
                    ]),
                    Value::Map(vec![
                        (bulk("name"), bulk("myfunc")),
                        (bulk("description"), bulk("echoes")),
                        (bulk("flags"), Value::Set(vec![bulk("no-writes")])),
                    ]),
                ]),
            ),
        ];
        if code {
            pairs.push((bulk("library_code"), bulk("#!lua name=mylib\n...")));
        }
        Value::Map(pairs)
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&FunctionList::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$8\r\nFUNCTION\r\n$4\r\nLIST\r\n");
        assert!(!FunctionList::new().read_only());
    }

    #[test]
    fn decodes_with_and_without_code() {
        let lib = FunctionLibrary::from_redis_value(library(false)).unwrap();
        assert_eq!(
            (lib.name.as_str(), lib.engine.as_str(), lib.code),
            ("mylib", "LUA", None)
        );
        assert_eq!(lib.functions[0].description, None);
        assert!(!lib.functions[0].is_read_only());
        assert_eq!(lib.functions[1].description.as_deref(), Some("echoes"));
        assert!(lib.functions[1].is_read_only());
        let lib = FunctionLibrary::from_redis_value(library(true)).unwrap();
        assert!(lib.code.unwrap().starts_with("#!lua"));
    }

    #[test]
    fn a_missing_field_is_named() {
        let err =
            FunctionLibrary::from_redis_value(Value::Map(vec![(bulk("engine"), bulk("LUA"))]))
                .unwrap_err()
                .to_string();
        assert!(
            err.contains("FunctionLibrary") && err.contains("library_name"),
            "{err}"
        );
    }
}
