// A value position takes exactly one argument: a Vec would send a
// malformed command.
use redis_typed::commands::HSetNx;

fn main() {
    let _ = HSetNx::new("h", "field", vec!["a", "b"]);
}
