use redis_typed::FromRedisValue;

#[derive(FromRedisValue)]
enum Shape {
    Empty,
    Circle(f64),
    Rect { w: f64, h: f64 },
}

fn main() {}
