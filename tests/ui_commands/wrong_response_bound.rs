// HEXISTS replies a bool, not a count.
use redis_typed::commands::{Command, HExists};

fn count<C: Command<Response = i64>>(_: C) {}

fn main() {
    count(HExists::new("user:1", "name"));
}
