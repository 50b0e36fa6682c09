//! Lua scripts (`Script`: EVALSHA with the NOSCRIPT fallback) and functions
//! (`FunctionCall`: FCALL / FCALL_RO) against a real server.

mod support;

use redis_typed::commands::{FunctionCall, Get, LuaLibrary, Script, Set};
use redis_typed::{Client, Cmd, Connection, ErrorKind};
use support::RedisServer;

async fn script_exists(client: &Client, script: &Script) -> bool {
    let found: Vec<i64> = client
        .send(
            Cmd::<Vec<i64>>::new("SCRIPT")
                .arg("EXISTS")
                .arg(script.sha1()),
        )
        .await
        .unwrap();
    found == [1]
}

#[tokio::test]
async fn evalsha_then_fallback_after_flush() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    let incr_by = Script::new("return redis.call('INCRBY', KEYS[1], ARGV[1])");

    // Loaded: runs as EVALSHA.
    let sha: String = client.send(incr_by.load()).await.unwrap();
    assert_eq!(sha, incr_by.sha1());
    let inv = incr_by.key("n").arg(&5).invoke::<i64>();
    assert_eq!(client.send(&inv).await.unwrap(), 5);
    assert_eq!(inv.send(&client).await.unwrap(), 10);

    // Flushed: plain EVALSHA fails with NOSCRIPT, `send` falls back to EVAL.
    client
        .send(Cmd::<()>::new("SCRIPT").arg("FLUSH"))
        .await
        .unwrap();
    let err = client.send(&inv).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::NoScript), "{err:?}");
    assert_eq!(inv.send(&client).await.unwrap(), 15);
    // EVAL cached it again: EVALSHA alone works now.
    assert!(script_exists(&client, &incr_by).await);
    assert_eq!(client.send(&inv).await.unwrap(), 20);

    // The same on a dedicated connection.
    let mut conn = Connection::open(&server.url()).await.unwrap();
    conn.send(Cmd::<()>::new("SCRIPT").arg("FLUSH"))
        .await
        .unwrap();
    assert_eq!(inv.send_on(&mut conn).await.unwrap(), 25);
}

#[tokio::test]
async fn typed_responses() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    client.send(Set::new("greeting", "hello")).await.unwrap();

    let get = Script::new("return redis.call('GET', KEYS[1])");
    let s: Option<String> = get
        .key("greeting")
        .invoke::<Option<String>>()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(s.as_deref(), Some("hello"));
    let missing = get
        .key("missing")
        .invoke::<Option<String>>()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(missing, None);

    let echo = Script::new("return ARGV");
    let v = echo
        .arg("a")
        .arg(&["b", "c"][..])
        .invoke::<Vec<String>>()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(v, ["a", "b", "c"]);

    let text = Script::new("return 'x' .. ARGV[1]")
        .arg(&7)
        .invoke::<String>()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(text, "x7");

    let n = Script::new("return 42")
        .invoke::<i64>()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(n, 42);

    // Script errors are server errors, not NOSCRIPT: no second attempt.
    let err = Script::new("return redis.call('INCR', KEYS[1])")
        .key("greeting")
        .invoke::<i64>()
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.kind().is_some(), "{err:?}");
    assert_ne!(err.kind(), Some(ErrorKind::NoScript));
}

#[tokio::test]
async fn inside_a_pipeline() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    let script = Script::new("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    client
        .send(Cmd::<()>::new("SCRIPT").arg("FLUSH"))
        .await
        .unwrap();
    let by_one = script.key("p").arg(&1).invoke::<i64>();
    let by_ten = script.key("p").arg(&10).invoke::<i64>();

    // Never loaded: as EVAL it runs anyway; SCRIPT LOAD then EVALSHA in the
    // same write works too.
    let (a, sha, b, v): (i64, String, i64, Option<i64>) = client
        .pipeline()
        .add(by_one.as_eval())
        .add(script.load())
        .add(&by_ten)
        .add(Get::new("p"))
        .send()
        .await
        .unwrap();
    assert_eq!((a, b, v), (1, 11, Some(11)));
    assert_eq!(sha, script.sha1());

    // In a transaction, EVAL as well.
    let (c,): (i64,) = client
        .transaction()
        .add(by_one.as_eval())
        .send()
        .await
        .unwrap();
    assert_eq!(c, 12);
}

const LIBRARY: &str = "#!lua name=mylib
redis.register_function('incr_by', function(keys, args)
  return redis.call('INCRBY', keys[1], args[1])
end)
redis.register_function{
  function_name = 'get_len',
  callback = function(keys, args) return redis.call('STRLEN', keys[1]) end,
  flags = { 'no-writes' }
}
redis.register_function('hello', function(keys, args) return 'hi ' .. args[1] end)
";

#[tokio::test]
async fn fcall_and_fcall_ro() {
    if !RedisServer::version_at_least((7, 0, 0), "FUNCTION LOAD / FCALL") {
        return;
    }
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    let lib = LuaLibrary::new(LIBRARY);
    assert_eq!(client.send(lib.load()).await.unwrap(), "mylib");
    // Loading again fails; REPLACE succeeds.
    assert!(client.send(lib.load()).await.is_err());
    assert_eq!(client.send(lib.load_replace()).await.unwrap(), "mylib");

    let n = client
        .send(
            FunctionCall::new("incr_by")
                .key("f")
                .arg(&3)
                .returning::<i64>(),
        )
        .await
        .unwrap();
    assert_eq!(n, 3);

    let ro = FunctionCall::new("get_len")
        .key("f")
        .read_only()
        .returning::<i64>();
    assert!(redis_typed::Command::read_only(&ro));
    assert_eq!(client.send(&ro).await.unwrap(), 1);

    let hello: String = client
        .send(FunctionCall::new("hello").arg("bob").returning::<String>())
        .await
        .unwrap();
    assert_eq!(hello, "hi bob");

    // FCALL_RO of a function that may write is refused by the server.
    let err = client
        .send(
            FunctionCall::new("incr_by")
                .key("f")
                .arg(&1)
                .read_only()
                .returning::<i64>(),
        )
        .await
        .unwrap_err();
    assert!(err.kind().is_some(), "{err:?}");

    client.send(lib.delete().unwrap()).await.unwrap();
    assert!(client
        .send(FunctionCall::new("hello").arg("x").returning::<String>())
        .await
        .is_err());
}

#[tokio::test]
async fn fallback_through_any_sender() {
    use redis_typed::pool::Pool;

    let server = RedisServer::start();
    let pool = Pool::open(&server.url()).await.unwrap();
    let script = Script::new("return tonumber(ARGV[1]) * 2");
    let inv = script.arg(&21).invoke::<i64>();
    // Never loaded: EVALSHA gets NOSCRIPT, then EVAL runs it.
    assert_eq!(inv.send_with(|cmd| pool.send(cmd)).await.unwrap(), 42);
    assert_eq!(pool.send(&inv).await.unwrap(), 42);
}
