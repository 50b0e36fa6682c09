use redis_typed::FromRedisValue;

#[derive(FromRedisValue)]
struct Address {
    city: String,
}

#[derive(FromRedisValue)]
struct User {
    #[redis(flatten)]
    name: String,
    #[redis(flatten)]
    address: Option<Address>,
    #[redis(flatten, default)]
    home: Address,
}

#[derive(FromRedisValue)]
struct Pair(#[redis(flatten)] Address, u32);

fn main() {}
