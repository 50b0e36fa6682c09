use redis_typed::ToRedisArgs;

#[derive(ToRedisArgs)]
#[redis(rename_all = "camel")]
struct User {
    display_name: String,
}

fn main() {}
