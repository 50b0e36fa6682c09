// Options that change the reply are typestate: set once, never twice.
use redis_typed::commands::{Set, Sort, ZRank};

fn main() {
    let _ = ZRank::new("board", "ann").with_score().with_score();
    let _ = Sort::<_, String>::new("list").store("a").store("b");
    let _ = Set::new("k", "v").nx().xx();
}
