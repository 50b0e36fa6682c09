use redis_typed::Command;

#[derive(Command)]
#[redis(name = "SET", response = ())]
struct SetEx<'a> {
    #[redis(key)]
    key: &'a str,
    value: &'a str,
    #[redis(token = "EX")]
    seconds: u64,
    #[redis(token = "NX")]
    only_new: &'a str,
    #[redis(token = "")]
    empty: bool,
}

fn main() {}
