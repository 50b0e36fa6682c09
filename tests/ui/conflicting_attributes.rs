use redis_typed::ToRedisArgs;

#[derive(ToRedisArgs)]
struct Address {
    city: String,
}

#[derive(ToRedisArgs)]
struct User {
    #[redis(skip, rename = "n")]
    name: String,
    #[redis(flatten, rename = "addr")]
    address: Address,
    #[redis(skip, json)]
    cache: Vec<u8>,
    #[redis(rename = "a", rename = "b")]
    age: u32,
}

fn main() {}
