//! [`Inbox`]: the bounded buffer between a client's connection driver and
//! one shared [`Subscription`](super::Subscription).
//!
//! The driver must never wait for a consumer (every other caller of the
//! client would wait with it), so delivery never blocks: a message that
//! finds the buffer full is dropped and counted, and the consumer is told
//! how many it missed ([`Error::Lagged`]) before the next message it reads.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use super::message::RawMessage;
use crate::error::{Error, Result};

/// One subscription's buffer. Shared by the router (which pushes) and the
/// subscription (which pops).
#[derive(Debug)]
pub(crate) struct Inbox {
    capacity: usize,
    state: Mutex<InboxState>,
}

#[derive(Debug, Default)]
struct InboxState {
    queue: VecDeque<RawMessage>,
    /// Messages dropped since the consumer was last told.
    missed: u64,
    /// Something the consumer must hear before the next message (a
    /// re-subscription the server refused after a reconnect).
    failure: Option<Error>,
    waker: Option<Waker>,
    /// The client was closed: nothing more will come.
    closed: bool,
}

impl Inbox {
    /// An empty inbox holding at most `capacity` messages (at least 1).
    pub(crate) fn new(capacity: usize) -> Inbox {
        Inbox {
            capacity: capacity.max(1),
            state: Mutex::new(InboxState::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, InboxState> {
        // Nothing panics while the lock is held.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `message`, or drops and counts it when the buffer is full.
    /// Never waits.
    pub(crate) fn push(&self, message: RawMessage) {
        let waker = {
            let mut state = self.lock();
            if state.closed {
                return;
            }
            if state.queue.len() < self.capacity {
                state.queue.push_back(message);
            } else {
                state.missed += 1;
            }
            state.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Makes the consumer's next read yield `error`.
    pub(crate) fn fail(&self, error: Error) {
        let waker = {
            let mut state = self.lock();
            state.failure = Some(error);
            state.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Ends the stream once the buffered messages are read.
    pub(crate) fn close(&self) {
        let waker = {
            let mut state = self.lock();
            state.closed = true;
            state.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// The next item: first the count of dropped messages, if any, then a
    /// pending failure, then the oldest buffered message; `None` once closed
    /// and drained.
    pub(crate) fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Result<RawMessage>>> {
        let mut state = self.lock();
        if state.missed > 0 {
            let missed = std::mem::take(&mut state.missed);
            return Poll::Ready(Some(Err(Error::Lagged { missed })));
        }
        if let Some(error) = state.failure.take() {
            return Poll::Ready(Some(Err(error)));
        }
        if let Some(message) = state.queue.pop_front() {
            return Poll::Ready(Some(Ok(message)));
        }
        if state.closed {
            return Poll::Ready(None);
        }
        match &state.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Messages buffered and not yet read.
    pub(crate) fn len(&self) -> usize {
        self.lock().queue.len()
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use bytes::Bytes;

    use super::*;
    use crate::resp::Value;

    fn message(n: i64) -> RawMessage {
        RawMessage {
            channel: Bytes::from_static(b"c"),
            pattern: None,
            payload: Value::Integer(n),
        }
    }

    async fn next(inbox: &Inbox) -> Option<Result<RawMessage>> {
        poll_fn(|cx| inbox.poll_next(cx)).await
    }

    #[tokio::test]
    async fn a_full_inbox_counts_what_it_drops_and_says_so_before_what_it_kept() {
        let inbox = Inbox::new(3);
        for n in 1..=10 {
            inbox.push(message(n));
        }
        assert_eq!(inbox.len(), 3);
        assert!(matches!(
            next(&inbox).await,
            Some(Err(Error::Lagged { missed: 7 }))
        ));
        for n in 1..=3 {
            match next(&inbox).await {
                Some(Ok(m)) => assert_eq!(m.payload, Value::Integer(n)),
                other => panic!("{other:?}"),
            }
        }
        inbox.close();
        assert!(next(&inbox).await.is_none());
    }

    #[tokio::test]
    async fn a_waiting_consumer_is_woken_by_a_push() {
        let inbox = std::sync::Arc::new(Inbox::new(1));
        let reader = tokio::spawn({
            let inbox = inbox.clone();
            async move { next(&inbox).await.unwrap().unwrap().payload }
        });
        tokio::task::yield_now().await;
        inbox.push(message(5));
        assert_eq!(reader.await.unwrap(), Value::Integer(5));
    }
}
