pub struct User {
    pub display_name: String,
    pub age: u32,
    pub email: Option<String>,
    pub login_count: u64,
}

const _: () = {
    use redis_typed::__private::{self, FieldValue, ReadFields, WriteFields};
    use redis_typed::resp::ArgWriter;
    use redis_typed::{FromRedisValue, Result, ToRedisArgs, Value};

    // A value goes through `FieldValue`, implemented by every `SingleArg`:
    // a field whose type writes several arguments (a `Vec`) or none (an
    // `Option` inside an `Option`) would unpair names and values, and does
    // not compile.
    impl ToRedisArgs for User {
        fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
            out.write_arg(b"displayName");
            <String as FieldValue>::write_field_value(&self.display_name, out);
            out.write_arg(b"years");
            <u32 as FieldValue>::write_field_value(&self.age, out);
            // `None` writes neither the name nor a value.
            if let Some(value) = &self.email {
                out.write_arg(b"email");
                <String as FieldValue>::write_field_value(value, out);
            }
            out.write_arg(b"loginCount");
            <u64 as FieldValue>::write_field_value(&self.login_count, out);
        }
    }

    // Lets another struct `#[redis(flatten)]` a `User`.
    impl WriteFields for User {
        fn write_fields<W: ArgWriter + ?Sized>(&self, out: &mut W) {
            ToRedisArgs::write_redis_args(self, out)
        }
    }

    // The fields read so far.
    pub struct Fields {
        display_name: Option<String>,
        age: Option<u32>,
        email: Option<Option<String>>,
        login_count: Option<u64>,
    }

    impl ReadFields for User {
        type Builder = Fields;

        fn builder() -> Self::Builder {
            Fields {
                display_name: None,
                age: None,
                email: None,
                login_count: None,
            }
        }

        // Called once per entry of the reply, in one pass.
        fn take_field(
            fields: &mut Self::Builder,
            name: &[u8],
            value: Value,
        ) -> Result<Option<Value>> {
            match name {
                b"displayName" => {
                    fields.display_name = Some(
                        <String as FromRedisValue>::from_redis_value(value)
                            .map_err(|e| __private::field_error::<Self>("displayName", e))?,
                    )
                }
                b"years" => {
                    fields.age = Some(
                        <u32 as FromRedisValue>::from_redis_value(value)
                            .map_err(|e| __private::field_error::<Self>("years", e))?,
                    )
                }
                b"email" => {
                    fields.email = Some(
                        <Option<String> as FromRedisValue>::from_redis_value(value)
                            .map_err(|e| __private::field_error::<Self>("email", e))?,
                    )
                }
                b"loginCount" => {
                    fields.login_count = Some(
                        <u64 as FromRedisValue>::from_redis_value(value)
                            .map_err(|e| __private::field_error::<Self>("loginCount", e))?,
                    )
                }
                // Not a field of `User` (nor of a struct it flattens): handed
                // back, and ignored.
                _ => return Ok(Some(value)),
            }
            Ok(None)
        }

        fn finish(fields: Self::Builder) -> Result<Self> {
            Ok(User {
                display_name: match fields.display_name {
                    Some(value) => value,
                    None => return Err(__private::missing_field::<Self>("displayName")),
                },
                age: match fields.age {
                    Some(value) => value,
                    None => return Err(__private::missing_field::<Self>("years")),
                },
                // Missing: `None`.
                email: fields.email.unwrap_or_default(),
                // Missing: `Default::default()`.
                login_count: fields.login_count.unwrap_or_default(),
            })
        }
    }

    impl FromRedisValue for User {
        fn from_redis_value(value: Value) -> Result<Self> {
            // A RESP3 map, a RESP2 flat array or an array of pairs; each
            // entry goes through `take_field`, then `finish`.
            __private::read_fields(value)
        }
    }
};
