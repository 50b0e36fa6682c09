use redis_typed::ToRedisArgs;

// Implements ToRedisArgs by hand: not a derived struct, cannot be flattened.
struct Address {
    city: String,
}

impl ToRedisArgs for Address {
    fn write_redis_args<W: redis_typed::resp::ArgWriter + ?Sized>(&self, out: &mut W) {
        self.city.write_redis_args(out)
    }
}

#[derive(ToRedisArgs)]
struct User {
    name: String,
    #[redis(flatten)]
    address: Address,
}

fn main() {}
