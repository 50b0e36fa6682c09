use redis_typed::Command;

#[derive(Command)]
#[redis(name = "JSON.SET", response = (), rename_all = "camelCase")]
struct JsonSet<'a> {
    #[redis(key, token = "KEY")]
    key: &'a str,
    #[redis(rename = "p")]
    path: &'a str,
    #[redis(default)]
    value: &'a str,
    #[redis(key, skip)]
    other: &'a str,
}

fn main() {}
