use redis_typed::Command;

#[derive(Command)]
#[redis(name = "PING", response = String)]
enum Ping {
    Plain,
    WithMessage(String),
}

fn main() {}
