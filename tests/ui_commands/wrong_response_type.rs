// XLEN replies an integer: decoding it as a String does not compile.
use redis_typed::commands::XLen;
use redis_typed::Client;

async fn length(client: &Client) -> redis_typed::Result<String> {
    let len: String = client.send(XLen::new("events")).await?;
    Ok(len)
}

fn main() {
    let _ = length;
}
