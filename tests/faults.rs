//! Fault injection through the in-memory transport: a scripted fake server
//! tears replies, sends garbage, replies to nothing, or hangs up. Each
//! fault gives a typed error to exactly the callers affected, and later
//! commands get their own replies on a new connection.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use redis_typed::auth::StaticCredentials;
use redis_typed::commands::Get;
use redis_typed::resp::{write_value, Decoder};
use redis_typed::transport::{MemoryServerEnd, MemoryTransport};
use redis_typed::{Client, ConnectionConfig, Error, Protocol, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

fn config() -> ConnectionConfig {
    ConnectionConfig::default()
        .protocol(Protocol::Resp2)
        .response_timeout(Some(Duration::from_secs(2)))
}

async fn client() -> (Client<MemoryTransport, StaticCredentials>, MemoryServerEnd) {
    let (transport, server) = MemoryTransport::new();
    let client = Client::connect_with(config(), transport, StaticCredentials::none())
        .await
        .unwrap();
    (client, server)
}

/// Reads one command (an array of bulk strings) from the fake server's end.
async fn read_command(
    end: &mut DuplexStream,
    buf: &mut BytesMut,
    decoder: &mut Decoder,
) -> Option<Vec<Bytes>> {
    loop {
        if let Some(v) = decoder.decode(buf).unwrap() {
            let Value::Array(items) = v else {
                panic!("not a command: {v:?}")
            };
            return Some(
                items
                    .into_iter()
                    .map(|i| match i {
                        Value::BulkString(b) => b,
                        other => panic!("not a bulk: {other:?}"),
                    })
                    .collect(),
            );
        }
        if end.read_buf(buf).await.ok()? == 0 {
            return None;
        }
    }
}

fn encoded(value: &Value) -> BytesMut {
    let mut out = BytesMut::new();
    write_value(&mut out, value);
    out
}

/// A fake server that answers GET with a fixed value, SET with OK, writing
/// each reply one byte at a time.
async fn serve_torn(mut end: DuplexStream) {
    let (mut buf, mut decoder) = (BytesMut::new(), Decoder::new());
    while let Some(cmd) = read_command(&mut end, &mut buf, &mut decoder).await {
        let reply = match &cmd[0][..] {
            b"GET" => Value::BulkString(Bytes::from(format!(
                "value-of-{}",
                String::from_utf8_lossy(&cmd[1])
            ))),
            _ => Value::SimpleString(Bytes::from_static(b"OK")),
        };
        for byte in encoded(&reply).iter() {
            if end.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::task::yield_now().await;
        }
    }
}

#[tokio::test]
async fn replies_torn_at_every_byte_still_reach_the_right_callers() {
    let (client, mut server) = client().await;
    tokio::spawn(async move { serve_torn(server.accept().await.unwrap()).await });
    let mut tasks = Vec::new();
    for t in 0..16 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..20 {
                let key = format!("k{t}-{i}");
                let v: Option<String> = client.send(Get::new(key.as_str())).await.unwrap();
                assert_eq!(v, Some(format!("value-of-{key}")));
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test]
async fn garbage_fails_the_callers_in_flight_and_a_new_connection_serves_the_next() {
    let (client, mut server) = client().await;
    let first = server.accept().await.unwrap();
    let fake = tokio::spawn(async move {
        let mut end = first;
        let (mut buf, mut decoder) = (BytesMut::new(), Decoder::new());
        read_command(&mut end, &mut buf, &mut decoder)
            .await
            .unwrap();
        end.write_all(b"?this is not RESP\r\n").await.unwrap();
        // Keep the stream open: the client must close it itself.
        let mut rest = Vec::new();
        let _ = end.read_to_end(&mut rest).await;
    });
    let err = client.send(Get::<_, String>::new("a")).await.unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err:?}");
    fake.await.unwrap();
    // The next command reconnects and gets its own reply.
    let next = tokio::spawn(async move { serve_torn(server.accept().await.unwrap()).await });
    let v: Option<String> = client.send(Get::new("b")).await.unwrap();
    assert_eq!(v.as_deref(), Some("value-of-b"));
    drop(client);
    next.await.unwrap();
}

#[tokio::test]
async fn a_reply_nobody_asked_for_closes_the_connection_and_the_next_one_is_clean() {
    let (client, mut server) = client().await;
    let mut end = server.accept().await.unwrap();
    // A reply while no request is in flight: the client must hang up rather
    // than keep it around to pair with the next command.
    end.write_all(b"+SURPRISE\r\n").await.unwrap();
    let mut sink = Vec::new();
    end.read_to_end(&mut sink).await.unwrap();
    assert!(
        sink.is_empty(),
        "the client sent {sink:?} before hanging up"
    );
    // The next command goes to a fresh connection and gets its own reply.
    let fake = tokio::spawn(async move { serve_torn(server.accept().await.unwrap()).await });
    let v: Option<String> = client.send(Get::new("mine")).await.unwrap();
    assert_eq!(v.as_deref(), Some("value-of-mine"));
    drop(client);
    fake.await.unwrap();
}

#[tokio::test]
async fn a_stalled_server_times_out_callers() {
    let (transport, mut server) = MemoryTransport::new();
    let config = config().response_timeout(Some(Duration::from_millis(100)));
    let client = Client::connect_with(config, transport, StaticCredentials::none())
        .await
        .unwrap();
    let _end = server.accept().await.unwrap(); // never answers
    let err = client.send(Get::<_, String>::new("a")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn a_reset_mid_reply_fails_the_caller_with_a_typed_error() {
    let (client, mut server) = client().await;
    let mut end = server.accept().await.unwrap();
    let fake = tokio::spawn(async move {
        let (mut buf, mut decoder) = (BytesMut::new(), Decoder::new());
        read_command(&mut end, &mut buf, &mut decoder)
            .await
            .unwrap();
        end.write_all(b"$10\r\nhalf").await.unwrap();
        drop(end);
    });
    let err = client.send(Get::<_, String>::new("a")).await.unwrap_err();
    assert!(err.is_connection_error(), "{err:?}");
    fake.await.unwrap();
}

/// Pipelines whose replies arrive as runs of scalars (read in one scan by
/// the driver), cut at every possible point, with a null, an integer and
/// (RESP3) a push frame among them: every pipeline gets exactly its own
/// replies, in order, and the next request its own.
#[tokio::test]
async fn pipelined_reply_runs_cut_anywhere_reach_the_right_pipeline() {
    use redis_typed::commands::Incr;
    use tokio::io::AsyncWriteExt;

    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let (transport, mut server) = MemoryTransport::new();
        let config = config().protocol(protocol);
        let connect = tokio::spawn(Client::connect_with(
            config,
            transport,
            StaticCredentials::none(),
        ));
        let mut end = server.accept().await.unwrap();
        let (mut buf, mut decoder) = (BytesMut::new(), Decoder::new());
        if protocol == Protocol::Resp3 {
            // The handshake: HELLO 3 gets a minimal map.
            read_command(&mut end, &mut buf, &mut decoder)
                .await
                .unwrap();
            let hello = Value::Map(vec![(
                Value::BulkString(Bytes::from_static(b"proto")),
                Value::Integer(3),
            )]);
            end.write_all(&encoded(&hello)).await.unwrap();
        }
        let client = connect.await.unwrap().unwrap();
        // Replies of one pipeline of 6 commands, then a lone GET's reply.
        let mut wire = BytesMut::new();
        for v in [
            Value::BulkString(Bytes::from_static(b"a")),
            Value::Nil,
            Value::Integer(7),
            Value::BulkString(Bytes::from_static(b"d")),
            Value::BulkString(Bytes::from_static(b"e")),
            Value::BulkString(Bytes::from_static(b"f")),
        ] {
            if protocol == Protocol::Resp3 && v == Value::Integer(7) {
                // A push between two replies: nobody's reply.
                let push = Value::Push(vec![
                    Value::BulkString(Bytes::from_static(b"invalidate")),
                    Value::Array(vec![Value::BulkString(Bytes::from_static(b"x"))]),
                ]);
                wire.extend_from_slice(&encoded(&push));
            }
            wire.extend_from_slice(&encoded(&v));
        }
        wire.extend_from_slice(&encoded(&Value::BulkString(Bytes::from_static(b"lone"))));
        for cut in 0..=wire.len() {
            let pipeline = {
                let client = client.clone();
                tokio::spawn(async move {
                    client
                        .pipeline()
                        .add(Get::<_, String>::new("a"))
                        .add(Get::<_, String>::new("b"))
                        .add(Incr::new("c"))
                        .add(Get::<_, String>::new("d"))
                        .add(Get::<_, String>::new("e"))
                        .add(Get::<_, String>::new("f"))
                        .send()
                        .await
                })
            };
            for _ in 0..6 {
                read_command(&mut end, &mut buf, &mut decoder)
                    .await
                    .unwrap();
            }
            let lone = {
                let client = client.clone();
                tokio::spawn(async move { client.send(Get::<_, String>::new("g")).await })
            };
            read_command(&mut end, &mut buf, &mut decoder)
                .await
                .unwrap();
            end.write_all(&wire[..cut]).await.unwrap();
            tokio::task::yield_now().await;
            end.write_all(&wire[cut..]).await.unwrap();
            let got = pipeline.await.unwrap().unwrap();
            let some = |s: &str| Some(s.to_string());
            assert_eq!(
                got,
                (some("a"), None, 7, some("d"), some("e"), some("f")),
                "cut {cut} {protocol:?}"
            );
            let lone: Option<String> = lone.await.unwrap().unwrap();
            assert_eq!(lone.as_deref(), Some("lone"), "cut {cut} {protocol:?}");
        }
    }
}
