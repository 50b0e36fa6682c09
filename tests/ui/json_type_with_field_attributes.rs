use redis_typed::ToRedisArgs;

#[derive(serde::Serialize, ToRedisArgs)]
#[redis(json, rename_all = "camelCase")]
struct Doc {
    #[redis(rename = "t")]
    title: String,
}

fn main() {}
