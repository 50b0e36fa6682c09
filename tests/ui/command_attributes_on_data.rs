use redis_typed::ToRedisArgs;

// `name`, `response`, `key` and `token` belong to derive(Command).
#[derive(ToRedisArgs)]
#[redis(name = "HSET", response = i64)]
struct User {
    #[redis(key)]
    id: String,
    #[redis(token = "NX")]
    new: bool,
}

fn main() {}
