use redis_typed::FromRedisValue;

#[derive(FromRedisValue)]
#[redis(rename_all = camelCase, crate = "not a path")]
struct User {
    #[redis(rename = 5)]
    name: String,
    #[redis(skip = true)]
    cache: Vec<u8>,
    #[redis(default = 0)]
    visits: u64,
    #[redis(rename)]
    email: String,
}

fn main() {}
