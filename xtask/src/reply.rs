//! Reply mapping: a command's `reply_schema` (JSON Schema) becomes the Rust
//! type its reply decodes into, plus the reply's documentation.
//!
//! | schema                                   | Rust                          |
//! |------------------------------------------|-------------------------------|
//! | `integer`                                | `i64`                         |
//! | `number`, numeric-pattern `string`       | `f64`                         |
//! | `const: "OK"` (any lone string const)    | `()`                          |
//! | `oneOf` of `const: 0` and `const: 1`     | `bool`                        |
//! | `string`, user data                      | `R` (defaults to `Bytes`)     |
//! | `string`, server text                    | `String`                      |
//! | `null` among alternatives                | `Option<...>`                 |
//! | `array` with `items: {...}`              | `Vec<...>`                    |
//! | `array` with `items: [...]`              | a tuple                       |
//! | `object` with `additionalProperties`     | `HashMap<String, ...>`        |
//! | `object` with `properties`               | a generated struct            |
//! | no type (script results)                 | `R` (defaults to `Value`)     |
//! | anything else                            | `Value` (listed by the tool)  |
//!
//! Per-command corrections live in [`crate::catalogue::REPLY_OVERRIDES`].

use serde_json::{Map, Value};

use crate::catalogue;
use crate::naming;
use crate::spec::Command;

/// The mapped reply of one command.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The response type, naming `R` when the caller chooses part of it.
    pub ty: String,
    /// The default of `R`, when `ty` uses it.
    pub r_default: Option<String>,
    /// Markdown lines describing the reply.
    pub doc: Vec<String>,
    /// Generated reply structs (Rust code), emitted after the command.
    pub structs: Vec<String>,
    /// True when part of the reply could not be typed (`Value`).
    pub untyped: bool,
}

/// Maps `cmd`'s reply; `type_name` names generated structs.
pub fn map(cmd: &Command, type_name: &str) -> Result<Reply, String> {
    if let Some(o) = catalogue::reply_override(&cmd.name) {
        let mut doc = vec![format!("Reply: `{}`{}", o.ty, r_note(o.r_default))];
        doc.extend(o.doc.iter().map(|l| (*l).to_owned()));
        return Ok(Reply {
            ty: o.ty.to_owned(),
            r_default: o.r_default.map(str::to_owned),
            doc,
            structs: Vec::new(),
            untyped: o.ty.contains("Value"),
        });
    }
    let Some(schema) = &cmd.reply_schema else {
        return Ok(Reply {
            ty: "Value".to_owned(),
            r_default: None,
            doc: vec![
                "Reply: [`Value`], as received (the specs describe no reply for this command)."
                    .to_owned(),
            ],
            structs: Vec::new(),
            untyped: true,
        });
    };
    let mut mapper = Mapper {
        data: catalogue::reply_is_data(cmd),
        type_name: type_name.to_owned(),
        structs: Vec::new(),
        untyped: false,
        uses_r: None,
    };
    let ty = mapper.ty(schema, "Reply")?;
    let mut doc = vec![format!("Reply: `{ty}`{}", r_note(mapper.uses_r.as_deref()))];
    doc.extend(describe(schema, &mut mapper)?);
    Ok(Reply {
        ty,
        r_default: mapper.uses_r,
        doc,
        structs: mapper.structs,
        untyped: mapper.untyped,
    })
}

fn r_note(default: Option<&str>) -> String {
    match default {
        Some("Value") => " (`R` is chosen by the caller: any `FromRedisValue` type, `Value` by \
                          default)."
            .to_owned(),
        Some(d) => format!(" (`R` is any `FromRedisValue` type, `{d}` by default)."),
        None => ".".to_owned(),
    }
}

struct Mapper {
    /// String replies are user data (`R`) rather than server text.
    data: bool,
    type_name: String,
    structs: Vec<String>,
    untyped: bool,
    /// The default of `R` once used.
    uses_r: Option<String>,
}

impl Mapper {
    fn r(&mut self, default: &str) -> String {
        self.uses_r.get_or_insert_with(|| default.to_owned());
        "R".to_owned()
    }

    fn value(&mut self) -> String {
        self.untyped = true;
        "Value".to_owned()
    }

    /// The Rust type for `schema`; `hint` names a struct generated for it.
    fn ty(&mut self, schema: &Value, hint: &str) -> Result<String, String> {
        let Some(obj) = schema.as_object() else {
            return Ok(self.value());
        };
        if let Some(alts) = obj.get("oneOf").or_else(|| obj.get("anyOf")) {
            return self.union(alts.as_array().map(Vec::as_slice).unwrap_or(&[]), hint);
        }
        if let Some(c) = obj.get("const") {
            return Ok(match c {
                Value::String(_) | Value::Null => "()".to_owned(),
                Value::Number(_) => "i64".to_owned(),
                _ => self.value(),
            });
        }
        match obj.get("type").and_then(Value::as_str) {
            Some("integer") => Ok("i64".to_owned()),
            Some("number") => Ok("f64".to_owned()),
            Some("boolean") => Ok("bool".to_owned()),
            Some("null") => Ok("()".to_owned()),
            Some("string") => {
                let numeric = obj
                    .get("pattern")
                    .and_then(Value::as_str)
                    .is_some_and(is_numeric_pattern);
                Ok(if numeric {
                    "f64".to_owned()
                } else if self.data {
                    self.r("Bytes")
                } else {
                    "String".to_owned()
                })
            }
            Some("array") => match obj.get("items") {
                Some(Value::Array(items)) => {
                    let parts = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.ty(item, &format!("{hint}{i}")))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(match parts.len() {
                        1 => format!("({},)", parts[0]),
                        _ => format!("({})", parts.join(", ")),
                    })
                }
                Some(item) => Ok(format!("Vec<{}>", self.ty(item, hint)?)),
                None => Ok(format!("Vec<{}>", self.value())),
            },
            Some("object") => self.object(obj, hint),
            None if obj.contains_key("description") && obj.len() == 1 => {
                // "Return value depends on the script that is executed".
                Ok(self.r("Value"))
            }
            _ => Ok(self.value()),
        }
    }

    fn union(&mut self, alts: &[Value], hint: &str) -> Result<String, String> {
        let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
        let nullable = alts.iter().any(is_null);
        let rest: Vec<&Value> = alts.iter().filter(|v| !is_null(v)).collect();
        let consts: Vec<&Value> = rest.iter().filter_map(|v| v.get("const")).collect();
        let inner = if !rest.is_empty()
            && consts.len() == rest.len()
            && consts
                .iter()
                .all(|c| c.as_i64() == Some(0) || c.as_i64() == Some(1))
        {
            "bool".to_owned()
        } else {
            let mut types = Vec::new();
            for alt in &rest {
                let ty = match alt.get("const") {
                    // A string const among other strings is one of their values.
                    Some(Value::String(_)) if rest.len() > 1 => "String".to_owned(),
                    _ => self.ty(alt, hint)?,
                };
                if !types.contains(&ty) {
                    types.push(ty);
                }
            }
            // `R` and `String` together: the text is data too.
            if types.len() == 2
                && types.contains(&"String".to_owned())
                && types.contains(&"R".to_owned())
            {
                types.retain(|t| t != "String");
            }
            match types.len() {
                0 => "()".to_owned(),
                1 => types.remove(0),
                _ => self.value(),
            }
        };
        Ok(if nullable && inner != "()" {
            format!("Option<{inner}>")
        } else {
            inner
        })
    }

    fn object(&mut self, obj: &Map<String, Value>, hint: &str) -> Result<String, String> {
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            return self.structure(obj, props, hint);
        }
        let values = obj
            .get("additionalProperties")
            .filter(|v| v.is_object())
            .or_else(|| {
                obj.get("patternProperties")
                    .and_then(Value::as_object)
                    .and_then(|p| p.values().next())
            });
        match values {
            Some(v) => Ok(format!("HashMap<String, {}>", self.ty(v, hint)?)),
            None => Ok(format!("HashMap<String, {}>", self.value())),
        }
    }

    /// A named struct for an object with known properties, decoded from a
    /// RESP3 map or a RESP2 flat array through `commands::fields`.
    fn structure(
        &mut self,
        obj: &Map<String, Value>,
        props: &Map<String, Value>,
        hint: &str,
    ) -> Result<String, String> {
        let name = format!("{}{}", self.type_name, hint);
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        for (key, schema) in props {
            let field = naming::field(key);
            let hint = naming::pascal(key).unwrap_or_else(|_| field.clone());
            let ty = self.ty(schema, &hint)?;
            let doc = schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            fields.push((
                key.clone(),
                field,
                ty,
                required.contains(&key.as_str()),
                doc,
            ));
        }
        let mut code = format!(
            "/// A reply of [`{}`] (a map with these fields).\n\
             #[derive(Debug, Clone, PartialEq, Default)]\n#[non_exhaustive]\npub struct {name} {{\n",
            self.type_name
        );
        for (key, field, ty, required, doc) in &fields {
            let doc = if doc.is_empty() {
                format!("`{key}`.")
            } else {
                format!("`{key}`: {doc}")
            };
            let ty = if *required {
                ty.clone()
            } else {
                format!("Option<{ty}>")
            };
            code += &format!("    /// {doc}\n    pub {field}: {ty},\n");
        }
        code += "}\n\n";
        code += &format!(
            "impl FromRedisValue for {name} {{\n    fn from_redis_value(value: Value) -> Result<Self> {{\n        \
             let mut reply = Fields::<Self>::new(value)?;\n        Ok({name} {{\n"
        );
        for (key, field, _, required, _) in &fields {
            let get = if *required { "required" } else { "optional" };
            code += &format!("            {field}: reply.{get}({key:?})?,\n");
        }
        code += "        })\n    }\n}\n";
        self.structs.push(code);
        Ok(name)
    }
}

/// `^[0-9]*(.[0-9]*)?$` and friends: a number sent as a string.
fn is_numeric_pattern(pattern: &str) -> bool {
    pattern.contains("[0-9]")
        && pattern
            .replace("[0-9]", "")
            .chars()
            .all(|c| "^$*+?.()".contains(c))
}

/// The reply's documentation: its description, or one line per
/// alternative.
fn describe(schema: &Value, mapper: &mut Mapper) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        out.push(String::new());
        out.push(sentence(d));
    }
    let alts = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array);
    if let Some(alts) = alts {
        out.push(String::new());
        for alt in alts {
            let label = match (alt.get("const"), alt.get("type").and_then(Value::as_str)) {
                (Some(c), _) => format!("`{c}`"),
                (None, Some("null")) => "nil (`None`)".to_owned(),
                (None, Some(_)) => format!("`{}`", mapper.ty(alt, "Reply")?),
                (None, None) => "other".to_owned(),
            };
            let label = label.replace('"', "");
            match alt.get("description").and_then(Value::as_str) {
                Some(d) => out.push(format!("- {label}: {}", sentence(d))),
                None => out.push(format!("- {label}.")),
            }
        }
    }
    Ok(out)
}

/// `text` with a capital letter and a final period.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut s = match chars.next() {
        Some(c) => format!("{}{}", c.to_uppercase(), chars.as_str()),
        None => return String::new(),
    };
    if !s.ends_with(['.', '!', '?', ':']) {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn command(group: &str, schema: Value) -> Command {
        Command {
            name: "TEST".into(),
            group: group.into(),
            summary: String::new(),
            complexity: None,
            since: "7.0.0".into(),
            flags: Vec::new(),
            doc_flags: Vec::new(),
            key_specs: Vec::new(),
            arguments: Vec::new(),
            reply_schema: Some(schema),
            deprecated_since: None,
            replaced_by: None,
            history: Vec::new(),
        }
    }

    fn ty(group: &str, schema: Value) -> (String, Option<String>) {
        let reply = map(&command(group, schema), "Test").unwrap();
        (reply.ty, reply.r_default)
    }

    #[test]
    fn scalars() {
        assert_eq!(ty("server", json!({"type": "integer"})).0, "i64");
        assert_eq!(ty("server", json!({"type": "number"})).0, "f64");
        assert_eq!(ty("server", json!({"const": "OK"})).0, "()");
        assert_eq!(
            ty("server", json!({"oneOf": [{"const": 0}, {"const": 1}]})).0,
            "bool"
        );
        assert_eq!(
            ty(
                "geo",
                json!({"type": "string", "pattern": "^[0-9]*(.[0-9]*)?$"})
            )
            .0,
            "f64"
        );
        // A stream ID is not a number.
        assert_eq!(
            ty(
                "server",
                json!({"type": "string", "pattern": "[0-9]+-[0-9]+"})
            )
            .0,
            "String"
        );
    }

    #[test]
    fn strings_are_data_in_data_groups() {
        let nullable = json!({"oneOf": [{"type": "string"}, {"type": "null"}]});
        assert_eq!(
            ty("list", nullable.clone()),
            ("Option<R>".into(), Some("Bytes".into()))
        );
        assert_eq!(ty("server", nullable), ("Option<String>".into(), None));
        // Script results: the caller's choice, `Value` by default.
        let script = json!({"description": "Return value depends on the script"});
        assert_eq!(ty("scripting", script), ("R".into(), Some("Value".into())));
    }

    #[test]
    fn collections() {
        let tuple = json!({"type": "array", "items": [{"type": "string"}, {"type": "number"}]});
        assert_eq!(ty("server", tuple).0, "(String, f64)");
        let list =
            json!({"type": "array", "items": {"oneOf": [{"type": "integer"}, {"type": "null"}]}});
        assert_eq!(ty("server", list).0, "Vec<Option<i64>>");
        let object = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        assert_eq!(ty("server", object).0, "HashMap<String, i64>");
        let mixed = json!({"oneOf": [{"type": "integer"}, {"type": "array"}]});
        let reply = map(&command("server", mixed), "Test").unwrap();
        assert_eq!(reply.ty, "Value");
        assert!(reply.untyped);
    }

    #[test]
    fn objects_become_structs_decoded_field_by_field() {
        let schema = json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "integer", "description": "the id"},
                "last-name": {"type": "string"}
            }
        });
        let reply = map(&command("server", schema), "Test").unwrap();
        assert_eq!(reply.ty, "TestReply");
        let code = &reply.structs[0];
        if std::env::var("PRINT_STRUCT").is_ok() {
            println!("{code}");
        }
        assert!(code.contains("pub struct TestReply {"), "{code}");
        assert!(code.contains("pub id: i64,"), "{code}");
        assert!(code.contains("pub last_name: Option<String>,"), "{code}");
        assert!(code.contains("Fields::<Self>::new(value)?"), "{code}");
        assert!(code.contains("id: reply.required(\"id\")?"), "{code}");
        assert!(
            code.contains("last_name: reply.optional(\"last-name\")?"),
            "{code}"
        );
    }
}
