// Only strings and byte buffers name keys.
use redis_typed::commands::{Get, LLen, Rename};

fn main() {
    let _ = Get::<_, String>::new(3.5);
    let _ = LLen::new(42);
    let _ = Rename::new(vec!["a", "b"], vec!["c"]);
}
