// LINSERT needs a pivot and an element.
use redis_typed::commands::LInsert;

fn main() {
    let _ = LInsert::before("list", "pivot");
}
