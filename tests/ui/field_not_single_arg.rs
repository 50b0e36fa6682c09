use redis_typed::ToRedisArgs;

// A hash field's value must be ONE argument: a set would unpair the
// names and values of HSET.
#[derive(ToRedisArgs)]
struct Post {
    title: String,
    tags: std::collections::HashSet<String>,
    editors: Option<std::collections::HashSet<String>>,
}

fn main() {}
