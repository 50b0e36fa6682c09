//! The multiplexed connection's driver: one future that owns the stream,
//! writes whatever callers queued, and hands each reply to its caller.
//!
//! It is a hand-written future rather than two tasks over a split stream:
//! reading and writing happen in the same `poll`, so there is no lock on
//! the stream, and one wake-up can flush a whole batch of queued commands
//! and deliver a whole batch of replies.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, Sleep};

use super::shared::{Confirm, Pending, Reply, Shared, Status};
use super::Protocol;
use crate::error::Error;
use crate::pubsub::Frame;
use crate::resp::{Decoder, ProtocolError, Value};

/// Why a driver stopped.
#[derive(Debug)]
pub(crate) enum Stopped {
    /// The client was closed.
    Closed,
    /// The stream failed; in-flight callers were given the error.
    Failed,
}

enum Batch {
    Taken,
    Closed,
    Abort(String),
}

/// Drives one stream until it fails or the client closes.
pub(crate) struct Driver<S> {
    stream: S,
    shared: Arc<Shared>,
    protocol: Protocol,
    read_buf: BytesMut,
    write_buf: BytesMut,
    decoder: Decoder,
    /// Written requests awaiting replies, oldest first (a request whose
    /// caller timed out keeps its place with `tx: None`).
    in_flight: VecDeque<Pending>,
    /// The replies received so far for the oldest in-flight request, when
    /// it expects several: only the front one can be partly answered.
    front_got: Vec<Value>,
    flush_needed: bool,
    /// One timer for the connection, armed at (or before) the earliest
    /// deadline of a waiting caller. It is re-armed lazily when it fires, so
    /// under load it costs about one timer event per timeout period instead
    /// of one per request.
    timer: Option<Pin<Box<Sleep>>>,
    /// Callers woken with their replies since the last batch was taken.
    woken: usize,
    /// Set when the driver yielded once before taking a batch.
    yielded: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Driver<S> {
    pub(crate) fn new(
        stream: S,
        read_buf: BytesMut,
        decoder: Decoder,
        protocol: Protocol,
        shared: Arc<Shared>,
    ) -> Self {
        Driver {
            stream,
            shared,
            protocol,
            read_buf,
            write_buf: BytesMut::with_capacity(16 * 1024),
            decoder,
            in_flight: VecDeque::new(),
            front_got: Vec::new(),
            flush_needed: false,
            timer: None,
            woken: 0,
            yielded: false,
        }
    }

    /// Takes the next batch from the shared queue, or registers for a
    /// wake-up when there is none.
    fn take_batch(&mut self, cx: &Context<'_>) -> Batch {
        let mut state = self.shared.lock();
        if state.status == Status::Closed {
            return Batch::Closed;
        }
        if let Some(reason) = state.abort.take() {
            return Batch::Abort(reason);
        }
        if state.out.is_empty() {
            match &state.driver {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => state.driver = Some(cx.waker().clone()),
            }
        } else if !self.yielded && self.woken > 1 {
            // Several callers were just handed their replies and are about
            // to queue their next commands. Tokio runs this task first
            // (LIFO slot), so taking the batch now would write one or two
            // commands per syscall; yielding once lets them all queue and
            // go out in one write.
            self.yielded = true;
            cx.waker().wake_by_ref();
        } else {
            self.yielded = false;
            self.woken = 0;
            std::mem::swap(&mut state.out, &mut self.write_buf);
            // One clock reading for the whole batch: the response timeout
            // counts from when the driver takes the request (requests that
            // waited for a full socket were stamped when first seen).
            if let Some(limit) = self.shared.response_timeout {
                let deadline = Instant::now() + limit;
                for p in state.queued.iter_mut() {
                    p.deadline.get_or_insert(deadline);
                }
            }
            if self.in_flight.is_empty() {
                // Swap the queues: no element moved, both allocations kept.
                std::mem::swap(&mut self.in_flight, &mut state.queued);
            } else {
                self.in_flight.extend(state.queued.drain(..));
            }
        }
        Batch::Taken
    }

    /// Writes as much as the socket takes. `Ready(Ok)` when the buffer is
    /// empty and flushed.
    fn poll_write_out(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        while !self.write_buf.is_empty() {
            match Pin::new(&mut self.stream).poll_write(cx, &self.write_buf) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(Error::ConnectionClosed(
                        "socket accepted no bytes".into(),
                    )))
                }
                Poll::Ready(Ok(n)) => {
                    self.write_buf.advance(n);
                    self.flush_needed = true;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                Poll::Pending => return Poll::Pending,
            }
        }
        // Keep the (now empty) buffer's allocation for the next swap.
        self.write_buf.clear();
        if self.flush_needed {
            match Pin::new(&mut self.stream).poll_flush(cx) {
                Poll::Ready(Ok(())) => self.flush_needed = false,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Reads and dispatches replies until the socket has no more.
    fn poll_read_in(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        loop {
            loop {
                if self.read_pipeline_run() {
                    continue;
                }
                match self.decoder.decode(&mut self.read_buf)? {
                    Some(value) => self.dispatch(value)?,
                    None => break,
                }
            }
            if self.read_buf.capacity() - self.read_buf.len() < 4096 {
                self.read_buf.reserve(32 * 1024);
            }
            match tokio_util::io::poll_read_buf(Pin::new(&mut self.stream), cx, &mut self.read_buf)
            {
                Poll::Ready(Ok(0)) => {
                    let reason = if self.decoder.is_mid_frame() || !self.read_buf.is_empty() {
                        "server closed the connection in the middle of a reply"
                    } else {
                        "server closed the connection"
                    };
                    return Poll::Ready(Err(Error::ConnectionClosed(reason.into())));
                }
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn dispatch(&mut self, value: Value) -> Result<(), Error> {
        if self.protocol == Protocol::Resp3 && value.is_push() {
            // Out-of-band: never a regular reply to a request.
            self.on_push(value);
            return Ok(());
        }
        let Some(front) = self.in_flight.front_mut() else {
            return Err(ProtocolError::UnexpectedReply.into());
        };
        if front.expected <= 1 {
            let done = self.in_flight.pop_front().expect("front exists");
            if let Some(tx) = done.tx {
                tx.send(Ok(Reply::One(value)));
                self.woken += 1;
            }
        } else if front.confirms.is_some() {
            // A subscription request gets no regular reply but its refusal
            // (one error for the whole command): it answers it, however
            // many confirmations were expected.
            let done = self.in_flight.pop_front().expect("front exists");
            self.front_got.clear();
            if let Some(tx) = done.tx {
                tx.send(Ok(Reply::One(value)));
                self.woken += 1;
            }
        } else {
            if self.front_got.capacity() == 0 {
                self.front_got.reserve_exact(front.expected as usize);
            }
            self.front_got.push(value);
            self.answer_front_when_complete();
        }
        Ok(())
    }

    /// While the oldest request is a pipeline (several regular replies),
    /// reads as many of its replies as are buffered scalars (a run of
    /// `GET`/`INCR` replies) in one scan, splitting their bytes off once.
    /// True when it read any.
    fn read_pipeline_run(&mut self) -> bool {
        let Some(front) = self.in_flight.front() else {
            return false;
        };
        if front.expected <= 1 || front.confirms.is_some() {
            return false;
        }
        let expected = front.expected as usize;
        if self.front_got.capacity() == 0 {
            self.front_got.reserve_exact(expected);
        }
        let want = expected - self.front_got.len();
        let read = self
            .decoder
            .decode_leaf_run(&mut self.read_buf, want, &mut self.front_got);
        if read == 0 {
            return false;
        }
        self.answer_front_when_complete();
        true
    }

    /// Hands the oldest request its replies once all of them are read.
    fn answer_front_when_complete(&mut self) {
        let Some(front) = self.in_flight.front() else {
            return;
        };
        if self.front_got.len() == front.expected as usize {
            let done = self.in_flight.pop_front().expect("front exists");
            let got = std::mem::take(&mut self.front_got);
            if let Some(tx) = done.tx {
                tx.send(Ok(Reply::Many(got)));
                self.woken += 1;
            }
        }
    }

    /// A RESP3 push frame: a published message goes to the subscriptions
    /// holding its channel, at any point (also between the confirmations of
    /// a request); a confirmation counts toward the oldest in-flight request
    /// only when that request is a subscription request of the same kind.
    /// Anything else (an invalidation, an unsubscribe the server made on its
    /// own, a confirmation nobody waits for) is ignored: no push ever
    /// answers an ordinary request.
    fn on_push(&mut self, value: Value) {
        match Frame::classify(value) {
            Frame::Message(kind, message) => {
                if !self.shared.router.deliver(kind, message) {
                    tracing::trace!(?kind, "message for no subscription; dropped");
                }
            }
            Frame::Confirm {
                kind,
                subscribe,
                channel,
            } => {
                let confirm = Confirm { kind, subscribe };
                match self.in_flight.front() {
                    Some(front) if front.confirms == Some(confirm) => {
                        self.front_got
                            .push(channel.map_or(Value::Nil, Value::BulkString));
                        if self.front_got.len() >= front.expected as usize {
                            let done = self.in_flight.pop_front().expect("front exists");
                            let got = std::mem::take(&mut self.front_got);
                            if let Some(tx) = done.tx {
                                tx.send(Ok(Reply::Many(got)));
                                self.woken += 1;
                            }
                        }
                    }
                    _ => tracing::debug!(?kind, subscribe, "unrequested confirmation ignored"),
                }
            }
            Frame::Reply(_) | Frame::Ignored => tracing::trace!("push frame ignored"),
        }
    }

    /// Fails every in-flight request. The oldest one (whose reply was being
    /// read when the failure happened) gets `first`; the others get
    /// `ConnectionClosed` with the same reason.
    fn fail_in_flight(&mut self, first: Option<Error>, reason: &str) {
        let mut first = first;
        self.front_got.clear();
        for f in self.in_flight.drain(..) {
            let error = first
                .take()
                .unwrap_or_else(|| Error::ConnectionClosed(reason.to_string()));
            if let Some(tx) = f.tx {
                tx.send(Err(error));
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Future for Driver<S> {
    type Output = Stopped;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Stopped> {
        let this = self.get_mut();
        let outcome = loop {
            // Write everything queued, batch after batch.
            let write_pending;
            loop {
                if this.write_buf.is_empty() && !this.flush_needed {
                    match this.take_batch(cx) {
                        Batch::Taken => {}
                        Batch::Closed => {
                            this.fail_in_flight(None, "client was closed");
                            return Poll::Ready(Stopped::Closed);
                        }
                        Batch::Abort(reason) => {
                            return Poll::Ready(this.stop(Error::ConnectionClosed(reason)))
                        }
                    }
                }
                if this.write_buf.is_empty() && !this.flush_needed {
                    // After a yield, sleep until the wake-up it scheduled.
                    write_pending = this.yielded;
                    break;
                }
                match this.poll_write_out(cx) {
                    Poll::Ready(Ok(())) => continue,
                    Poll::Ready(Err(e)) => return Poll::Ready(this.stop(e)),
                    Poll::Pending => {
                        write_pending = true;
                        break;
                    }
                }
            }
            match this.poll_read_in(cx) {
                Poll::Ready(Ok(())) => continue,
                Poll::Ready(Err(e)) => break e,
                Poll::Pending => {}
            }
            // Reading is parked. If a batch arrived meanwhile and the socket
            // can take it, go round again; otherwise sleep.
            if write_pending || this.write_buf.is_empty() && !this.shared_has_output() {
                this.poll_deadlines(cx);
                return Poll::Pending;
            }
        };
        Poll::Ready(this.stop(outcome))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Driver<S> {
    /// Answers callers whose deadline passed with `Error::Timeout` (their
    /// replies, when they come, are read and discarded) and arms the timer
    /// for the next deadline.
    fn poll_deadlines(&mut self, cx: &mut Context<'_>) {
        let Some(limit) = self.shared.response_timeout else {
            return;
        };
        loop {
            let now = Instant::now();
            let mut next = expire_due(self.in_flight.iter_mut(), now, limit);
            if !self.write_buf.is_empty() || self.flush_needed {
                self.stamp_queued(cx, now + limit);
            }
            if next.is_none() {
                // Requests still queued (the socket may be full).
                next = expire_due(self.shared.lock().queued.iter_mut(), now, limit);
            }
            let Some(next) = next else {
                self.timer = None;
                return;
            };
            match &mut self.timer {
                // Armed earlier than `next` and not yet fired: keep it; when
                // it fires we look again.
                Some(t) if t.deadline() > now && t.deadline() <= next => {}
                Some(t) => t.as_mut().reset(next),
                None => self.timer = Some(Box::pin(tokio::time::sleep_until(next))),
            }
            let timer = self.timer.as_mut().expect("armed above");
            if timer.as_mut().poll(cx).is_pending() {
                return;
            }
        }
    }

    /// While a write is blocked, requests wait in the shared queue rather
    /// than being taken (and stamped) as a batch: stamps the ones not seen
    /// before with `deadline`, and makes sure the next one queued wakes the
    /// driver so that it is stamped promptly too.
    fn stamp_queued(&self, cx: &Context<'_>, deadline: Instant) {
        let mut state = self.shared.lock();
        if state.queued.iter().all(|p| p.deadline.is_some()) {
            return;
        }
        for p in state.queued.iter_mut().filter(|p| p.deadline.is_none()) {
            p.deadline = Some(deadline);
        }
        match &state.driver {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => state.driver = Some(cx.waker().clone()),
        }
    }

    fn shared_has_output(&self) -> bool {
        !self.shared.lock().out.is_empty()
    }

    fn stop(&mut self, error: Error) -> Stopped {
        let reason = error.to_string();
        tracing::warn!(error = %reason, in_flight = self.in_flight.len(), "connection lost");
        self.fail_in_flight(Some(error), &reason);
        Stopped::Failed
    }
}

/// Answers the waiting callers among `requests` (oldest first) whose
/// deadline passed by `now` with `Error::Timeout(limit)`, and returns the
/// first deadline still ahead (`None` when every waiting caller was
/// answered, or the first one is not stamped yet).
fn expire_due<'a>(
    requests: impl Iterator<Item = &'a mut Pending>,
    now: Instant,
    limit: std::time::Duration,
) -> Option<Instant> {
    for p in requests.filter(|p| p.tx.is_some()) {
        match p.deadline {
            Some(d) if d <= now => {
                if let Some(tx) = p.tx.take() {
                    tx.send(Err(Error::Timeout(limit)));
                }
            }
            d => return d,
        }
    }
    None
}
