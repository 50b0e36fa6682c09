use redis_typed::{FromRedisValue, ToRedisArgs};

#[derive(FromRedisValue)]
#[redis(rename_all = "camelCase")]
struct User {
    user_name: String,
    #[redis(rename = "userName")]
    login: String,
    #[redis(rename = "mail")]
    email: String,
    #[redis(rename = "mail")]
    backup_email: String,
}

#[derive(ToRedisArgs)]
#[redis(rename_all = "lowercase")]
enum Level {
    Info,
    #[redis(rename = "info")]
    Notice,
}

fn main() {}
