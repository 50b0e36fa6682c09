use redis_typed::Command;

struct NotDecodable;

#[derive(Command)]
#[redis(name = "PING", response = NotDecodable)]
struct Ping;

fn main() {}
