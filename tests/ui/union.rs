use redis_typed::ToRedisArgs;

#[derive(ToRedisArgs)]
union Number {
    int: i64,
    float: f64,
}

fn main() {}
