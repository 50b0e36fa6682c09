//! Reply slots: how the driver hands a request its replies.
//!
//! A slot is a small shared cell (the reply, the waiting caller's waker, and
//! whether the driver gave up on it) that the caller owns through a
//! [`ReplyReceiver`] and the driver through a [`ReplySender`]. Slots are
//! reused: once a caller has its reply and the driver has let go of the
//! slot, the slot goes back to a small per-thread pool, so a steady stream
//! of requests allocates nothing for its replies (a oneshot channel would
//! allocate and free one per request).
//!
//! Cancellation: a caller that drops its receiver early simply drops its
//! reference; the driver still holds the slot, delivers into it (nobody
//! reads it) and drops it, and the slot is freed rather than reused. A slot
//! is only ever reused when the caller's reference is the last one, checked
//! with [`Arc::get_mut`], so a reply can never land in another request's
//! slot.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use super::shared::Reply;
use crate::error::{Error, Result};

/// Most idle slots kept per thread: enough for every caller a worker thread
/// has waiting at once in a busy multiplexed client.
const POOL_CAP: usize = 256;

thread_local! {
    static POOL: RefCell<Vec<Arc<Slot>>> = const { RefCell::new(Vec::new()) };
}

#[derive(Debug, Default)]
struct Slot {
    state: Mutex<SlotState>,
}

#[derive(Debug, Default)]
struct SlotState {
    reply: Option<Result<Reply>>,
    waker: Option<Waker>,
    /// The sender was dropped without sending.
    closed: bool,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        // Nothing panics while the lock is held; a poisoned lock is still
        // consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A new (or recycled) slot: the driver's end and the caller's end.
pub(crate) fn reply_slot() -> (ReplySender, ReplyReceiver) {
    let slot = POOL
        .try_with(|pool| pool.borrow_mut().pop())
        .ok()
        .flatten()
        .unwrap_or_default();
    (ReplySender(Some(slot.clone())), ReplyReceiver(Some(slot)))
}

/// Puts `slot` back in this thread's pool if nothing else refers to it.
fn recycle(mut slot: Arc<Slot>) {
    let Some(unique) = Arc::get_mut(&mut slot) else {
        return;
    };
    let state = unique.state.get_mut().unwrap_or_else(|p| p.into_inner());
    *state = SlotState::default();
    let _ = POOL.try_with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.len() < POOL_CAP {
            pool.push(slot);
        }
    });
}

/// The driver's end: delivers the replies once, or, dropped unsent, tells
/// the caller the connection dropped its request.
#[derive(Debug)]
pub(crate) struct ReplySender(Option<Arc<Slot>>);

impl ReplySender {
    /// Delivers the outcome and wakes the caller. The slot reference is
    /// released before the wake-up, so the woken caller normally finds
    /// itself the last owner and can reuse the slot.
    pub(crate) fn send(mut self, outcome: Result<Reply>) {
        let Some(slot) = self.0.take() else { return };
        let waker = {
            let mut state = slot.lock();
            state.reply = Some(outcome);
            state.waker.take()
        };
        drop(slot);
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl Drop for ReplySender {
    fn drop(&mut self) {
        let Some(slot) = self.0.take() else { return };
        let waker = {
            let mut state = slot.lock();
            state.closed = true;
            state.waker.take()
        };
        drop(slot);
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// The caller's end: a future of the replies.
#[derive(Debug)]
pub(crate) struct ReplyReceiver(Option<Arc<Slot>>);

impl Future for ReplyReceiver {
    type Output = Result<Reply>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<Reply>> {
        let Some(slot) = &self.0 else {
            return Poll::Ready(Err(Error::ConnectionClosed(
                "reply polled after completion".into(),
            )));
        };
        let outcome = {
            let mut state = slot.lock();
            match state.reply.take() {
                Some(outcome) => outcome,
                None if state.closed => Err(Error::ConnectionClosed(
                    "connection dropped the request".into(),
                )),
                None => {
                    match &state.waker {
                        Some(w) if w.will_wake(cx.waker()) => {}
                        _ => state.waker = Some(cx.waker().clone()),
                    }
                    return Poll::Pending;
                }
            }
        };
        if let Some(slot) = self.0.take() {
            recycle(slot);
        }
        Poll::Ready(outcome)
    }
}

impl Drop for ReplyReceiver {
    fn drop(&mut self) {
        if let Some(slot) = self.0.take() {
            recycle(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resp::Value;

    #[tokio::test]
    async fn a_sent_reply_is_received_and_the_slot_is_reused() {
        let (tx, rx) = reply_slot();
        let first = Arc::as_ptr(rx.0.as_ref().unwrap());
        tx.send(Ok(Reply::One(Value::Integer(7))));
        assert!(matches!(rx.await, Ok(Reply::One(Value::Integer(7)))));
        let (_tx, rx) = reply_slot();
        assert_eq!(Arc::as_ptr(rx.0.as_ref().unwrap()), first, "slot reused");
    }

    #[tokio::test]
    async fn a_sender_dropped_unsent_closes_the_request() {
        let (tx, rx) = reply_slot();
        drop(tx);
        assert!(matches!(rx.await, Err(Error::ConnectionClosed(_))));
    }

    #[tokio::test]
    async fn a_slot_the_caller_abandoned_is_never_reused_while_the_driver_holds_it() {
        let (tx, rx) = reply_slot();
        let abandoned = Arc::as_ptr(rx.0.as_ref().unwrap());
        drop(rx);
        // The driver still owns it: a new request gets a different slot.
        let (tx2, rx2) = reply_slot();
        assert_ne!(Arc::as_ptr(rx2.0.as_ref().unwrap()), abandoned);
        // The late reply goes nowhere; the new request gets its own.
        tx.send(Ok(Reply::One(Value::Integer(1))));
        tx2.send(Ok(Reply::One(Value::Integer(2))));
        assert!(matches!(rx2.await, Ok(Reply::One(Value::Integer(2)))));
    }

    #[tokio::test]
    async fn a_waiting_receiver_is_woken_by_the_send() {
        let (tx, rx) = reply_slot();
        let waiter = tokio::spawn(rx);
        tokio::task::yield_now().await;
        tx.send(Ok(Reply::One(Value::Nil)));
        assert!(matches!(waiter.await.unwrap(), Ok(Reply::One(Value::Nil))));
    }
}
