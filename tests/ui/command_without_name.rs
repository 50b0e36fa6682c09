use redis_typed::Command;

#[derive(Command)]
#[redis(response = i64, read_only)]
struct StrLen<'a> {
    #[redis(key)]
    key: &'a str,
}

fn main() {}
