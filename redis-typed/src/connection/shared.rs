//! The state shared by a multiplexed connection's callers and its driver.
//!
//! Callers encode their command straight into `out` under a short lock and
//! leave a [`Pending`] slot in `queued`, in the same order. The driver swaps
//! `out` for its own buffer (double buffering: no copy, no allocation),
//! moves the slots to its in-flight queue, writes, and matches replies to
//! slots in order. Everything queued while a write is in flight goes out in
//! the next single write: automatic pipelining.
//!
//! Because encoding happens synchronously under the lock, a caller that
//! drops its future can never leave half a command in the stream: either
//! the whole command was queued (and its reply will be read and discarded),
//! or nothing was.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Waker;
use std::time::Duration;

use tokio::time::Instant;

use bytes::{Bytes, BytesMut};
use tokio::sync::Notify;

use super::hazard;
use super::reply::reply_slot;
pub(crate) use super::reply::{ReplyReceiver, ReplySender};
use crate::commands::encoded;
use crate::error::{Error, Result};
use crate::pubsub::{Router, SubKind};
use crate::resp::Value;

/// The replies to one request: one command, or a pipeline of several.
#[derive(Debug)]
pub(crate) enum Reply {
    One(Value),
    Many(Vec<Value>),
}

impl Reply {
    pub(crate) fn into_vec(self) -> Vec<Value> {
        match self {
            Reply::One(v) => vec![v],
            Reply::Many(v) => v,
        }
    }
}

/// What a RESP3 `(P|S)(UN)SUBSCRIBE` is answered by: no regular reply,
/// but one confirmation push of its own kind per channel
/// (`>3 subscribe <channel> <count>`), or one regular error reply when the
/// server refuses the whole command (`-NOPERM` from an ACL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Confirm {
    pub kind: SubKind,
    pub subscribe: bool,
}

/// A request whose bytes are queued and whose replies are awaited.
#[derive(Debug)]
pub(crate) struct Pending {
    /// `None` once the caller was answered early (timed out): the reply
    /// will still be read, and discarded.
    pub tx: Option<ReplySender>,
    /// Replies expected (confirmations, for a subscription request). A
    /// `u32` so that `confirms` fits beside it: the entry stays 40 bytes,
    /// as it was before subscriptions shared the connection.
    pub expected: u32,
    /// `Some` for a subscription request: answered by `expected` pushes of
    /// this kind (delivered as `Reply::Many` of the confirmed channels) or
    /// by one error reply.
    pub confirms: Option<Confirm>,
    /// When the caller stops waiting. Callers never read the clock: the
    /// driver stamps a whole batch with one reading when it takes it (or,
    /// while the socket cannot take more, when it first sees the request
    /// queued), so the limit counts from then; `None` until stamped, and
    /// always `None` without a response timeout.
    pub deadline: Option<Instant>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Status {
    /// A driver owns a live stream.
    Connected,
    /// The supervisor is opening a new stream; requests wait in `out`.
    Connecting,
    /// No stream; the next request wakes the supervisor.
    Disconnected,
    /// The client was dropped.
    Closed,
}

#[derive(Debug)]
pub(crate) struct State {
    pub out: BytesMut,
    pub queued: VecDeque<Pending>,
    pub driver: Option<Waker>,
    pub status: Status,
    /// Set to make the current driver drop its stream (e.g. after a failed
    /// re-authentication); the reason is what in-flight callers are told.
    pub abort: Option<String>,
}

impl State {
    /// Puts subscription requests in front of everything queued: a new
    /// connection subscribes again to what is still held before it serves
    /// the requests that waited for it. Called before the connection is
    /// handed to its driver.
    pub(crate) fn requeue_first(
        &mut self,
        requests: Vec<(Confirm, Vec<Bytes>)>,
    ) -> Vec<ReplyReceiver> {
        let mut out = BytesMut::with_capacity(self.out.len() + 64);
        let mut receivers = Vec::with_capacity(requests.len());
        let mut pending = Vec::with_capacity(requests.len());
        for (confirm, channels) in requests {
            let (tx, rx) = reply_slot();
            confirm.kind.encode(&mut out, confirm.subscribe, &channels);
            pending.push(Pending {
                tx: Some(tx),
                expected: count(channels.len()),
                confirms: Some(confirm),
                deadline: None,
            });
            receivers.push(rx);
        }
        out.extend_from_slice(&self.out);
        self.out = out;
        for p in pending.into_iter().rev() {
            self.queued.push_front(p);
        }
        receivers
    }
}

/// A request's reply count as stored in [`Pending`]. Four billion replies
/// to one request would take far more memory than a process has: saturate
/// rather than wrap, should it ever be asked.
fn count(replies: usize) -> u32 {
    u32::try_from(replies).unwrap_or(u32::MAX)
}

/// Shared between every clone of a client, its supervisor and its driver.
#[derive(Debug)]
pub(crate) struct Shared {
    state: Mutex<State>,
    /// How long a caller waits for its reply; enforced by the driver with
    /// one timer for the whole connection rather than one per request.
    pub response_timeout: Option<Duration>,
    /// Wakes the supervisor when a request arrives while disconnected, or
    /// when the client is closed.
    pub demand: Notify,
    /// The shared subscriptions, fed by the driver from push frames.
    pub router: Router,
}

impl Shared {
    pub(crate) fn new(status: Status, response_timeout: Option<Duration>) -> Arc<Self> {
        Arc::new(Shared {
            response_timeout,
            state: Mutex::new(State {
                out: BytesMut::with_capacity(16 * 1024),
                queued: VecDeque::new(),
                driver: None,
                status,
                abort: None,
            }),
            demand: Notify::new(),
            router: Router::default(),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the queue and buffer
        // out of step (both are updated together after encoding), so a
        // poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues a request: `encode` writes its bytes and returns how many
    /// replies they call for. Returns the receiver of the replies.
    ///
    /// Every request of a multiplexed client comes through here (single
    /// commands, pipelines, transactions, re-authentication, the cluster
    /// client's node connections), so this is where a command that would
    /// desynchronise the connection is refused: the bytes written are
    /// scanned ([`hazard::refused`], as many commands as replies are
    /// expected) and, if any command is one of those, all of them are
    /// taken back and nothing is queued.
    pub(crate) fn enqueue(
        &self,
        encode: impl FnOnce(&mut BytesMut) -> usize,
    ) -> Result<ReplyReceiver> {
        let (tx, rx) = reply_slot();
        let mut state = self.lock();
        if state.status == Status::Closed {
            return Err(Error::ConnectionClosed("client was closed".into()));
        }
        let start = state.out.len();
        let expected = {
            // A panicking encoder (a user's `write_args`) must not leave
            // half a command in the buffer for the next request to follow.
            let mut unwritten = Unwritten {
                out: &mut state.out,
                start,
                done: false,
            };
            encoded::watch();
            let expected = encode(unwritten.out);
            unwritten.done = true;
            expected
        };
        // Every command written by `encode` with an ordinary name: nothing
        // to look for. Otherwise the bytes are checked, one reply per
        // command for every command that is not refused: the reply count
        // bounds the scan. Debug builds check both against a full scan.
        let seen = encoded::seen();
        let refused = if seen.commands == expected && !seen.suspect {
            None
        } else {
            hazard::refused(&state.out[start..], expected)
        };
        debug_assert_eq!(
            refused,
            hazard::refused(&state.out[start..], usize::MAX),
            "a request wrote more commands than it expects replies"
        );
        if let Some(hazard) = refused {
            state.out.truncate(start);
            return Err(Error::NotMultiplexable {
                command: hazard.command,
                instead: hazard.instead,
            });
        }
        if expected == 0 {
            // Nothing to send: the driver is neither woken nor its waker
            // taken (taking it without waking would leave the next request
            // unseen until something else woke the driver).
            drop(state);
            tx.send(Ok(Reply::Many(Vec::new())));
            return Ok(rx);
        }
        let wake = match state.status {
            Status::Connected => state.driver.take(),
            Status::Connecting | Status::Closed => None,
            Status::Disconnected => {
                state.status = Status::Connecting;
                self.demand.notify_one();
                None
            }
        };
        state.queued.push_back(Pending {
            tx: Some(tx),
            expected: count(expected),
            confirms: None,
            deadline: None,
        });
        drop(state);
        if let Some(waker) = wake {
            waker.wake();
        }
        Ok(rx)
    }

    /// Queues `(P|S)(UN)SUBSCRIBE channels` (RESP3 only: the driver matches
    /// its confirmation pushes). `channels` must not be empty. With
    /// `connect == false` nothing is queued while there is no connection
    /// (an unsubscribe needs none: a new connection subscribes only what is
    /// still held) and `None` is returned.
    pub(crate) fn enqueue_sub(
        &self,
        confirm: Confirm,
        channels: &[Bytes],
        connect: bool,
    ) -> Result<Option<ReplyReceiver>> {
        debug_assert!(!channels.is_empty(), "no channel to confirm");
        let (tx, rx) = reply_slot();
        let mut state = self.lock();
        let wake = match state.status {
            Status::Closed if !connect => return Ok(None),
            Status::Closed => return Err(Error::ConnectionClosed("client was closed".into())),
            Status::Connected => state.driver.take(),
            Status::Connecting => None,
            Status::Disconnected if !connect => return Ok(None),
            Status::Disconnected => {
                state.status = Status::Connecting;
                self.demand.notify_one();
                None
            }
        };
        confirm
            .kind
            .encode(&mut state.out, confirm.subscribe, channels);
        state.queued.push_back(Pending {
            tx: Some(tx),
            expected: count(channels.len()),
            confirms: Some(confirm),
            deadline: None,
        });
        drop(state);
        if let Some(waker) = wake {
            waker.wake();
        }
        Ok(Some(rx))
    }

    /// Fails every queued (not yet written) request with `error` and, in
    /// the same critical section, moves to `then` (unless closed), so no
    /// request can slip in between and wait for a connection attempt that
    /// is not coming.
    pub(crate) fn fail_queued(&self, error: impl Fn() -> Error, then: Status) {
        let mut state = self.lock();
        state.out.clear();
        let queued: Vec<Pending> = state.queued.drain(..).collect();
        if state.status != Status::Closed {
            state.status = then;
        }
        drop(state);
        for p in queued {
            if let Some(tx) = p.tx {
                tx.send(Err(error()));
            }
        }
    }

    /// Marks the client closed and wakes its driver and supervisor.
    pub(crate) fn close(&self) {
        self.router.close();
        let mut state = self.lock();
        state.status = Status::Closed;
        let waker = state.driver.take();
        drop(state);
        if let Some(w) = waker {
            w.wake();
        }
        self.demand.notify_one();
        self.fail_queued(
            || Error::ConnectionClosed("client was closed".into()),
            Status::Closed,
        );
    }

    /// Makes the current driver drop its stream: in-flight callers get
    /// `ConnectionClosed(reason)`, queued ones go to the next connection.
    pub(crate) fn abort_connection(&self, reason: String) {
        let mut state = self.lock();
        state.abort = Some(reason);
        let waker = state.driver.take();
        drop(state);
        if let Some(w) = waker {
            w.wake();
        }
    }

    pub(crate) fn status(&self) -> Status {
        self.lock().status.clone()
    }
}

/// Cuts the shared buffer back to `start` when dropped before `done`: the
/// unwinding of a panic in the middle of encoding a request.
struct Unwritten<'a> {
    out: &'a mut BytesMut,
    start: usize,
    done: bool,
}

impl Drop for Unwritten<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.out.truncate(self.start);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pending_request_is_no_bigger_than_before_subscriptions_shared_the_queue() {
        // Every request in flight is one of these, in a VecDeque the driver
        // walks: keep it at the 40 bytes it had.
        assert!(std::mem::size_of::<super::Pending>() <= 40);
    }

    #[test]
    fn an_encoder_that_panics_leaves_nothing_queued_and_the_next_request_whole() {
        use super::{Shared, Status};
        let shared = Shared::new(Status::Connecting, None);
        let _first = shared
            .enqueue(|out| {
                out.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
                1
            })
            .unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = shared.enqueue(|out| {
                out.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$3\r\nke");
                panic!("a user's write_args panicked half-way");
            });
        }));
        assert!(panicked.is_err());
        let _next = shared
            .enqueue(|out| {
                out.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
                1
            })
            .unwrap();
        let state = shared.lock();
        assert_eq!(&state.out[..], b"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n");
        assert_eq!(state.queued.len(), 2);
    }
}
