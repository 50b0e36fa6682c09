use redis_typed::{FromRedisValue, ToRedisArgs};

struct Opaque;

#[derive(ToRedisArgs)]
struct Written {
    inner: Opaque,
}

#[derive(FromRedisValue)]
struct Read {
    maybe: Option<Opaque>,
}

fn main() {}
