pub struct JsonSet<'a, T> {
    pub key: &'a str,
    pub path: &'a str,
    pub value: &'a T,
    pub nx: bool,
    pub xx: bool,
}

const _: () = {
    use redis_typed::__private::{self, json};
    use redis_typed::resp::ArgWriter;
    use redis_typed::{Command, ToRedisArgs};

    // `T` appears in a `json` field: it must be `Serialize`.
    impl<'a, T> Command for JsonSet<'a, T>
    where
        T: json::Serialize,
    {
        type Response = Option<()>;

        fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
            out.write_arg(b"JSON.SET");
            <&'a str as ToRedisArgs>::write_redis_args(&self.key, out);
            <&'a str as ToRedisArgs>::write_redis_args(&self.path, out);
            json::write::<&'a T, _>(&self.value, out);
            if self.nx {
                out.write_arg(b"NX");
            }
            if self.xx {
                out.write_arg(b"XX");
            }
        }

        fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
            // `key_bytes::<K>` requires `K: RedisKey`, checked at the field.
            f(__private::key_bytes::<&'a str>(&self.key));
        }
    }
};
