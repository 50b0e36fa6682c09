use redis_typed::Command;

#[derive(Command)]
#[redis(name = "GET", response = Option<String>, read_only)]
struct GetById {
    #[redis(key)]
    id: u64,
}

fn main() {}
