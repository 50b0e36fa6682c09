//! Fault injection over real sockets: a small misbehaving RESP3 server on
//! 127.0.0.1 sends an unexpected push frame between replies, resets the
//! connection in the middle of a reply, or replies to a command that was
//! never sent. Each gives a typed error to exactly the callers affected (a
//! push affects none), and the next commands get their own replies on a new
//! connection.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use redis_typed::commands::{Get, Set};
use redis_typed::resp::{write_value, Decoder};
use redis_typed::{Client, ConnectionConfig, Error, Protocol, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn bulk(s: impl Into<Bytes>) -> Value {
    Value::BulkString(s.into())
}

fn encoded(value: &Value) -> BytesMut {
    let mut out = BytesMut::new();
    write_value(&mut out, value);
    out
}

/// One accepted connection of the fake server, with its read state.
struct Peer {
    stream: TcpStream,
    buf: BytesMut,
    decoder: Decoder,
}

impl Peer {
    fn new(stream: TcpStream) -> Self {
        Peer {
            stream,
            buf: BytesMut::new(),
            decoder: Decoder::new(),
        }
    }

    /// The next command (an array of bulk strings), or `None` at EOF.
    async fn command(&mut self) -> Option<Vec<Bytes>> {
        loop {
            if let Some(v) = self
                .decoder
                .decode(&mut self.buf)
                .expect("client sent bad RESP")
            {
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
            match self.stream.read_buf(&mut self.buf).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// Answers the handshake (`HELLO 3 ...` with a proper map, and any
    /// `CLIENT SETNAME`/`SELECT`) until the first other command, returned.
    async fn after_handshake(&mut self) -> Option<Vec<Bytes>> {
        loop {
            let cmd = self.command().await?;
            match reply_to(&cmd) {
                Some(reply) if is_handshake(&cmd) => self.send(&reply).await,
                _ => return Some(cmd),
            }
        }
    }

    async fn send(&mut self, value: &Value) {
        let _ = self.stream.write_all(&encoded(value)).await;
    }

    /// Waits until the client hangs up; returns what it sent meanwhile.
    async fn until_closed(&mut self) -> Vec<u8> {
        let mut rest = Vec::new();
        let _ = self.stream.read_to_end(&mut rest).await;
        rest
    }
}

fn is_handshake(cmd: &[Bytes]) -> bool {
    let name = cmd[0].to_ascii_uppercase();
    matches!(&name[..], b"HELLO" | b"CLIENT" | b"SELECT" | b"AUTH")
}

/// What a healthy server answers: `HELLO` a RESP3 map, `GET k` the bulk
/// `value-of-k`, anything else `+OK`.
fn reply_to(cmd: &[Bytes]) -> Option<Value> {
    let name = cmd.first()?.to_ascii_uppercase();
    Some(match &name[..] {
        b"HELLO" => Value::Map(vec![
            (bulk("server"), bulk("redis")),
            (bulk("version"), bulk("7.0.0")),
            (bulk("proto"), Value::Integer(3)),
            (bulk("id"), Value::Integer(7)),
            (bulk("mode"), bulk("standalone")),
            (bulk("role"), bulk("master")),
            (bulk("modules"), Value::Array(vec![])),
        ]),
        b"GET" => bulk(format!("value-of-{}", String::from_utf8_lossy(cmd.get(1)?))),
        b"PING" => Value::SimpleString(Bytes::from_static(b"PONG")),
        _ => Value::SimpleString(Bytes::from_static(b"OK")),
    })
}

/// Serves a healthy connection until the client hangs up.
async fn serve_healthy(stream: TcpStream) {
    let mut peer = Peer::new(stream);
    while let Some(cmd) = peer.command().await {
        if let Some(reply) = reply_to(&cmd) {
            peer.send(&reply).await;
        }
    }
}

/// A listener whose first connection is handed to `first` (the fault) and
/// every later one served healthily. Returns the address and the number of
/// connections accepted so far.
async fn misbehaving_server<F, Fut>(first: F) -> (String, Arc<AtomicUsize>)
where
    F: FnOnce(Peer) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut first = Some(first);
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            match first.take() {
                Some(fault) => {
                    tokio::spawn(fault(Peer::new(stream)));
                }
                None => {
                    tokio::spawn(serve_healthy(stream));
                }
            }
        }
    });
    (url, accepted)
}

async fn client(url: &str) -> Client {
    let config = ConnectionConfig::from_url(url)
        .unwrap()
        .protocol(Protocol::Resp3)
        .client_name("faulty")
        .response_timeout(Some(Duration::from_secs(3)));
    let client = Client::connect(config).await.unwrap();
    assert_eq!(client.protocol(), Protocol::Resp3);
    client
}

async fn get(client: &Client, key: &str) -> Result<Option<String>, Error> {
    client.send(Get::<_, String>::new(key)).await
}

/// Checks that later commands get their own replies.
async fn later_commands_get_their_own_replies(client: &Client) {
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let key = format!("later-{i}");
                client.send(Set::new(key.as_str(), "x")).await.unwrap();
                assert_eq!(
                    get(&client, &key).await.unwrap(),
                    Some(format!("value-of-{key}"))
                );
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

/// Sends `GET a` and `GET b` concurrently: both are in flight together.
async fn two_gets(
    client: &Client,
) -> (Result<Option<String>, Error>, Result<Option<String>, Error>) {
    let (a, b) = (client.clone(), client.clone());
    let first = tokio::spawn(async move { get(&a, "a").await });
    tokio::task::yield_now().await;
    let second = tokio::spawn(async move { get(&b, "b").await });
    (first.await.unwrap(), second.await.unwrap())
}

/// A RESP3 push frame (a pub/sub message nobody subscribed to) between two
/// replies is out of band: it is not anybody's reply, both callers get
/// their own, and the connection stays in use.
#[tokio::test]
async fn an_unexpected_push_between_replies_is_nobodys_reply() {
    let (url, accepted) = misbehaving_server(|mut peer| async move {
        let first = peer.after_handshake().await.unwrap();
        let second = peer.command().await.unwrap();
        let push = Value::Push(vec![bulk("message"), bulk("news"), bulk("value-of-b")]);
        peer.send(&push).await;
        peer.send(&reply_to(&first).unwrap()).await;
        peer.send(&push).await;
        peer.send(&reply_to(&second).unwrap()).await;
        // Then behave.
        while let Some(cmd) = peer.command().await {
            peer.send(&push).await;
            peer.send(&reply_to(&cmd).unwrap()).await;
        }
    })
    .await;
    let client = client(&url).await;
    let (a, b) = two_gets(&client).await;
    assert_eq!(a.unwrap().as_deref(), Some("value-of-a"));
    assert_eq!(b.unwrap().as_deref(), Some("value-of-b"));
    later_commands_get_their_own_replies(&client).await;
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "a push must not cost the connection"
    );
}

/// A reset (RST, via `SO_LINGER` 0) in the middle of the second reply: the
/// first caller has its reply, the second gets a typed connection error,
/// and the next commands go to a new connection.
#[tokio::test]
async fn a_reset_in_the_middle_of_a_reply_fails_only_that_caller() {
    let (url, accepted) = misbehaving_server(|mut peer| async move {
        let first = peer.after_handshake().await.unwrap();
        let second = peer.command().await.unwrap();
        peer.send(&reply_to(&first).unwrap()).await;
        let torn = encoded(&reply_to(&second).unwrap());
        let _ = peer.stream.write_all(&torn[..torn.len() / 2]).await;
        let _ = peer.stream.flush().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        #[allow(deprecated)] // set_linger: the one portable way to send a RST
        let _ = peer.stream.set_linger(Some(Duration::ZERO));
        drop(peer);
    })
    .await;
    let client = client(&url).await;
    let (a, b) = two_gets(&client).await;
    // The first caller's reply arrived whole before the reset.
    assert_eq!(a.unwrap().as_deref(), Some("value-of-a"));
    let err = b.unwrap_err();
    assert!(
        err.is_connection_error(),
        "the torn reply must give a typed connection error: {err:?}"
    );
    later_commands_get_their_own_replies(&client).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// A reply for a command that was never sent, while nothing is in flight:
/// the client hangs up instead of keeping it for the next caller, and the
/// next commands get their own replies on a new connection.
#[tokio::test]
async fn a_reply_to_a_command_never_sent_closes_the_connection() {
    let (hung_up, hang_up_seen) = tokio::sync::oneshot::channel();
    let (url, accepted) = misbehaving_server(|mut peer| async move {
        let first = peer.after_handshake().await.unwrap();
        peer.send(&reply_to(&first).unwrap()).await;
        // Give the client time to take its reply, then say more.
        tokio::time::sleep(Duration::from_millis(100)).await;
        peer.send(&bulk("value-of-later-0")).await;
        let _ = hung_up.send(peer.until_closed().await);
    })
    .await;
    let client = client(&url).await;
    assert_eq!(
        get(&client, "a").await.unwrap().as_deref(),
        Some("value-of-a")
    );
    // The client hangs up on its own, sending nothing more on that
    // connection.
    let sent = tokio::time::timeout(Duration::from_secs(5), hang_up_seen)
        .await
        .expect("the client kept the connection after a reply nobody asked for")
        .unwrap();
    assert!(
        sent.is_empty(),
        "the client sent {:?} before hanging up",
        String::from_utf8_lossy(&sent)
    );
    later_commands_get_their_own_replies(&client).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// A reply for a command never sent, arriving *with* the reply of the one
/// that was (two replies to one request): the caller gets the first, and
/// the surplus closes the connection before any later caller can take it.
#[tokio::test]
async fn a_surplus_reply_after_a_real_one_never_reaches_the_next_caller() {
    let (url, accepted) = misbehaving_server(|mut peer| async move {
        let first = peer.after_handshake().await.unwrap();
        let mut out = encoded(&reply_to(&first).unwrap());
        out.extend_from_slice(&encoded(&bulk("value-of-later-0")));
        let _ = peer.stream.write_all(&out).await;
        let _ = peer.until_closed().await;
    })
    .await;
    let client = client(&url).await;
    assert_eq!(
        get(&client, "a").await.unwrap().as_deref(),
        Some("value-of-a")
    );
    // The surplus (`value-of-later-0`) must never be handed to a later
    // caller: none of these keys could take it for its own reply.
    for i in 0..8 {
        let key = format!("after-surplus-{i}");
        match get(&client, &key).await {
            Ok(v) => assert_eq!(v, Some(format!("value-of-{key}"))),
            // The surplus may still be in flight when the first of these is
            // sent: that caller then shares the broken connection's fate.
            Err(e) => assert!(e.is_connection_error(), "{e:?}"),
        }
    }
    later_commands_get_their_own_replies(&client).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// Serves a connection the way Redis 5 would: `HELLO` is an unknown
/// command, everything else is answered (in RESP2, which is all it speaks).
async fn serve_without_resp3(stream: TcpStream) {
    let mut peer = Peer::new(stream);
    while let Some(cmd) = peer.command().await {
        if cmd[0].eq_ignore_ascii_case(b"HELLO") {
            let refusal = Value::Error(Bytes::from_static(b"ERR unknown command 'HELLO'"));
            peer.send(&refusal).await;
        } else if let Some(reply) = reply_to(&cmd) {
            peer.send(&reply).await;
        }
    }
}

/// A RESP3 client whose server comes back without RESP3 (downgraded in
/// place) does not carry on over RESP2 underneath callers, a driver and
/// shared subscriptions set up for RESP3: every such reconnect is refused
/// like a failed one, with a typed error naming both protocols, and
/// retried.
#[tokio::test]
async fn a_reconnect_that_negotiates_another_protocol_is_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                // The first connection: RESP3, one command, then the
                // server "restarts" (the connection closes).
                tokio::spawn(async move {
                    let mut peer = Peer::new(stream);
                    if let Some(cmd) = peer.after_handshake().await {
                        peer.send(&reply_to(&cmd).unwrap()).await;
                    }
                });
            } else {
                tokio::spawn(serve_without_resp3(stream));
            }
        }
    });
    let client = client(&url).await;
    assert_eq!(
        get(&client, "a").await.unwrap().as_deref(),
        Some("value-of-a")
    );
    // Every later attempt gets RESP2 only: each command fails with the
    // reason, none is answered over the other protocol.
    let mut refused = 0;
    while refused < 3 {
        match get(&client, "b").await {
            Err(Error::ConnectionClosed(reason)) if reason.contains("negotiated Resp2") => {
                assert!(reason.contains("speaks Resp3"), "{reason}");
                refused += 1;
            }
            // The first one may find the old connection closing.
            Err(Error::ConnectionClosed(_)) if refused == 0 => {}
            other => panic!("expected the protocol refusal, got {other:?}"),
        }
    }
    assert!(accepted.load(Ordering::SeqCst) >= 4);
    assert_eq!(client.protocol(), Protocol::Resp3);
}
