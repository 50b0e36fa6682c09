//! [`Router`]: which shared [`Subscription`](super::Subscription)s of a
//! client hold which channels, patterns and shard channels, and the delivery
//! of the messages the connection's driver reads to their inboxes.
//!
//! Lock order: the routes are locked before the client's request queue
//! ([`Shared::lock`](crate::connection::Shared::lock)) whenever both are
//! held, so that "who holds this channel" and the (UN)SUBSCRIBE written
//! because of it are decided together: a channel dropped by one
//! subscription and taken by another is unsubscribed and subscribed in that
//! order on the wire. The driver never holds both.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use super::inbox::Inbox;
use super::message::{RawMessage, SubKind};
use crate::error::Error;

/// The subscriptions of one client, by kind and channel.
#[derive(Debug, Default)]
pub(crate) struct Router {
    routes: Mutex<Routes>,
    /// Connections established after the first: each is a gap for the
    /// subscriptions that lived across it.
    reconnects: AtomicU64,
}

/// The routing table, locked.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    /// By [`SubKind::index`]: channel (or pattern) -> the inboxes holding it.
    by_kind: [HashMap<Bytes, Vec<Arc<Inbox>>>; 3],
    /// Set when the client closed: no more routes are taken.
    closed: bool,
}

impl Router {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Routes> {
        // Nothing panics while the lock is held.
        self.routes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands `message` to every inbox holding its channel (its pattern, for
    /// a `pmessage`). Never waits for a consumer. False when no
    /// subscription holds it.
    pub(crate) fn deliver(&self, kind: SubKind, message: RawMessage) -> bool {
        let key = match (&message.pattern, kind) {
            (Some(pattern), SubKind::Pattern) => pattern,
            _ => &message.channel,
        };
        let routes = self.lock();
        let Some(inboxes) = routes.by_kind[kind.index()].get(key) else {
            return false;
        };
        if let Some((last, others)) = inboxes.split_last() {
            for inbox in others {
                inbox.push(message.clone());
            }
            last.push(message);
        }
        true
    }

    /// Ends every subscription's stream (the client was closed).
    pub(crate) fn close(&self) {
        let mut routes = self.lock();
        routes.closed = true;
        for table in &mut routes.by_kind {
            for (_, inboxes) in table.drain() {
                for inbox in inboxes {
                    inbox.close();
                }
            }
        }
    }

    /// Counts a new connection replacing a lost one.
    pub(crate) fn note_reconnect(&self) {
        self.reconnects.fetch_add(1, Ordering::Relaxed);
    }

    /// Connections replaced so far.
    pub(crate) fn reconnects(&self) -> u64 {
        self.reconnects.load(Ordering::Relaxed)
    }
}

impl Routes {
    /// Routes `channels` of `kind` to `inbox`; false (and nothing routed)
    /// once the client is closed.
    pub(crate) fn add(&mut self, kind: SubKind, channels: &[Bytes], inbox: &Arc<Inbox>) -> bool {
        if self.closed {
            return false;
        }
        let table = &mut self.by_kind[kind.index()];
        for c in channels {
            table.entry(c.clone()).or_default().push(inbox.clone());
        }
        true
    }

    /// Removes `inbox`'s routes for `channels`; returns the channels no
    /// inbox holds any more (those to unsubscribe).
    pub(crate) fn remove(
        &mut self,
        kind: SubKind,
        channels: &[Bytes],
        inbox: &Arc<Inbox>,
    ) -> Vec<Bytes> {
        let table = &mut self.by_kind[kind.index()];
        let mut orphans = Vec::new();
        for c in channels {
            let Some(inboxes) = table.get_mut(c) else {
                continue;
            };
            if let Some(i) = inboxes.iter().position(|x| Arc::ptr_eq(x, inbox)) {
                inboxes.swap_remove(i);
            }
            if inboxes.is_empty() {
                table.remove(c);
                orphans.push(c.clone());
            }
        }
        orphans
    }

    /// True when no subscription holds anything.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_kind.iter().all(HashMap::is_empty)
    }

    /// Every channel of `kind` some subscription holds (what a new
    /// connection subscribes again).
    pub(crate) fn held(&self, kind: SubKind) -> Vec<Bytes> {
        self.by_kind[kind.index()].keys().cloned().collect()
    }

    /// Makes every inbox holding one of `channels` yield `error` (a
    /// re-subscription was refused: those subscriptions receive nothing
    /// more).
    pub(crate) fn fail(&self, kind: SubKind, channels: &[Bytes], error: impl Fn() -> Error) {
        let table = &self.by_kind[kind.index()];
        let mut told: Vec<&Arc<Inbox>> = Vec::new();
        for inbox in channels.iter().filter_map(|c| table.get(c)).flatten() {
            if !told.iter().any(|t| Arc::ptr_eq(t, inbox)) {
                inbox.fail(error());
                told.push(inbox);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resp::Value;

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    #[test]
    fn a_channel_is_orphaned_only_when_its_last_holder_leaves() {
        let router = Router::default();
        let (one, two) = (Arc::new(Inbox::new(4)), Arc::new(Inbox::new(4)));
        let mut routes = router.lock();
        assert!(routes.add(SubKind::Channel, &[b("a"), b("b")], &one));
        assert!(routes.add(SubKind::Channel, &[b("a")], &two));
        drop(routes);
        let message = RawMessage {
            channel: b("a"),
            pattern: None,
            payload: Value::Integer(1),
        };
        assert!(router.deliver(SubKind::Channel, message.clone()));
        assert!(!router.deliver(SubKind::Shard, message));
        assert_eq!((one.len(), two.len()), (1, 1));
        let mut routes = router.lock();
        assert_eq!(
            routes.remove(SubKind::Channel, &[b("a"), b("b")], &one),
            [b("b")]
        );
        assert_eq!(routes.remove(SubKind::Channel, &[b("a")], &two), [b("a")]);
        assert!(routes.held(SubKind::Channel).is_empty());
    }
}
