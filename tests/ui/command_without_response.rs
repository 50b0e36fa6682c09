use redis_typed::Command;

#[derive(Command)]
#[redis(name = "STRLEN", read_only)]
struct StrLen<'a> {
    #[redis(key)]
    key: &'a str,
}

fn main() {}
