use redis_typed::{FromRedisValue, ToRedisArgs};

// Every unknown attribute is reported, in one compilation.
#[derive(ToRedisArgs)]
#[redis(rename_al = "camelCase")]
struct User {
    #[redis(skip_if_none)]
    name: Option<String>,
    #[redis(rename = "n", serialize_with = "f")]
    nick: String,
}

#[derive(FromRedisValue)]
enum Color {
    #[redis(alias = "r")]
    Red,
}

fn main() {}
