use redis_typed::FromRedisValue;

fn zero() -> i32 {
    0
}

#[derive(FromRedisValue)]
struct Counter {
    #[redis(default = "zero")]
    hits: u64,
}

fn main() {}
