//! [`Value`]: one RESP2 or RESP3 reply, as received.

use std::fmt;

use bytes::Bytes;

/// One reply from the server, covering every RESP3 type (RESP2 replies use
/// the subset `SimpleString`, `Error`, `Integer`, `BulkString`, `Array` and
/// `Nil`).
///
/// Bulk payloads are `Bytes` slices of the read buffer: no copy is made.
#[derive(Clone, PartialEq)]
pub enum Value {
    /// RESP2 null bulk / null array, RESP3 `_`.
    Nil,
    /// `+OK`.
    SimpleString(Bytes),
    /// `-ERR ...` or RESP3 blob error `!`.
    Error(Bytes),
    /// `:42`.
    Integer(i64),
    /// `$5\r\nhello`.
    BulkString(Bytes),
    /// `*N`.
    Array(Vec<Value>),
    /// RESP3 `%N`: key/value pairs in the order received.
    Map(Vec<(Value, Value)>),
    /// RESP3 `~N`.
    Set(Vec<Value>),
    /// RESP3 `,3.14` (also `inf`, `-inf`, `nan`).
    Double(f64),
    /// RESP3 `#t` / `#f`.
    Boolean(bool),
    /// RESP3 `(` big number, kept as its decimal digits.
    BigNumber(Bytes),
    /// RESP3 `=` verbatim string: a three-letter format and the text.
    Verbatim {
        /// The format (`txt`, `mkd`).
        format: VerbatimFormat,
        /// The text after the `fmt:` prefix.
        text: Bytes,
    },
    /// RESP3 `>N` out-of-band push (pub/sub messages, invalidations).
    Push(Vec<Value>),
    /// RESP3 `|N` attributes followed by the value they describe.
    Attribute {
        /// The attribute key/value pairs.
        attributes: Vec<(Value, Value)>,
        /// The value the attributes belong to.
        value: Box<Value>,
    },
}

/// The three-byte format tag of a verbatim string (`txt`, `mkd`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerbatimFormat(pub [u8; 3]);

impl fmt::Debug for VerbatimFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", String::from_utf8_lossy(&self.0))
    }
}

impl Value {
    /// A short, human-readable name of the reply's kind (`"bulk string"`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::SimpleString(_) => "simple string",
            Value::Error(_) => "error",
            Value::Integer(_) => "integer",
            Value::BulkString(_) => "bulk string",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Set(_) => "set",
            Value::Double(_) => "double",
            Value::Boolean(_) => "boolean",
            Value::BigNumber(_) => "big number",
            Value::Verbatim { .. } => "verbatim string",
            Value::Push(_) => "push",
            Value::Attribute { .. } => "attribute",
        }
    }

    /// A description of the value no longer than about 100 characters, for
    /// error messages: huge payloads are never dumped.
    pub fn summary(&self) -> String {
        const MAX: usize = 64;
        fn bytes(b: &[u8]) -> String {
            let shown = &b[..b.len().min(MAX)];
            let mut s = format!("{:?}", String::from_utf8_lossy(shown));
            if b.len() > MAX {
                s.push_str(&format!("... ({} bytes)", b.len()));
            }
            s
        }
        match self {
            Value::Nil => "nil".to_string(),
            Value::SimpleString(b) => format!("simple string {}", bytes(b)),
            Value::Error(b) => format!("error {}", bytes(b)),
            Value::Integer(i) => format!("integer {i}"),
            Value::BulkString(b) => format!("bulk string {}", bytes(b)),
            Value::Array(v) => format!("array of {} elements", v.len()),
            Value::Map(v) => format!("map of {} entries", v.len()),
            Value::Set(v) => format!("set of {} elements", v.len()),
            Value::Double(d) => format!("double {d}"),
            Value::Boolean(b) => format!("boolean {b}"),
            Value::BigNumber(b) => format!("big number {}", bytes(b)),
            Value::Verbatim { text, .. } => format!("verbatim string {}", bytes(text)),
            Value::Push(v) => format!("push of {} elements", v.len()),
            Value::Attribute { value, .. } => format!("attributed {}", value.summary()),
        }
    }

    /// True for `Value::Nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// True for a RESP3 out-of-band push (`>`: pub/sub messages, tracking
    /// invalidations), also behind attributes: never a reply to a request.
    pub fn is_push(&self) -> bool {
        match self {
            Value::Push(_) => true,
            Value::Attribute { value, .. } => value.is_push(),
            _ => false,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn b(bytes: &Bytes) -> String {
            format!("{:?}", String::from_utf8_lossy(bytes))
        }
        match self {
            Value::Nil => write!(f, "Nil"),
            Value::SimpleString(s) => write!(f, "SimpleString({})", b(s)),
            Value::Error(s) => write!(f, "Error({})", b(s)),
            Value::Integer(i) => write!(f, "Integer({i})"),
            Value::BulkString(s) => write!(f, "BulkString({})", b(s)),
            Value::Array(v) => f.debug_tuple("Array").field(v).finish(),
            Value::Map(v) => f.debug_tuple("Map").field(v).finish(),
            Value::Set(v) => f.debug_tuple("Set").field(v).finish(),
            Value::Double(d) => write!(f, "Double({d})"),
            Value::Boolean(x) => write!(f, "Boolean({x})"),
            Value::BigNumber(s) => write!(f, "BigNumber({})", b(s)),
            Value::Verbatim { format, text } => write!(f, "Verbatim({format:?}, {})", b(text)),
            Value::Push(v) => f.debug_tuple("Push").field(v).finish(),
            Value::Attribute { attributes, value } => f
                .debug_struct("Attribute")
                .field("attributes", attributes)
                .field("value", value)
                .finish(),
        }
    }
}
