//! [`EventDispatcher`]: hands each event to every listener.
//!
//! Built for a hot path that usually has nobody listening: `dispatch` with
//! no listeners is one atomic load. With listeners it takes a snapshot of
//! the list (an `Arc` clone under a read lock) and calls them outside the
//! lock, so a listener may add or remove listeners, or dispatch events of
//! its own, without deadlocking.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use super::{Event, Listener};

/// Names a listener added to an [`EventDispatcher`], to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListenerId(u64);

#[derive(Clone)]
struct Entry {
    id: ListenerId,
    listener: Arc<dyn Listener>,
}

struct Registry {
    /// The number of listeners: read without the lock by `dispatch`.
    count: AtomicUsize,
    /// Replaced (never mutated in place) when listeners come and go.
    listeners: RwLock<Arc<[Entry]>>,
}

/// Listener ids are unique in the process, so an id given to another
/// dispatcher never removes a listener of this one.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Delivers [`Event`]s to [`Listener`]s, synchronously and in the order
/// the listeners were added.
///
/// Cheap to clone: clones share their listeners, so one dispatcher can be
/// given to a token manager, a client and a pool, and a listener added to
/// any clone hears them all.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use redis_typed::events::{Event, EventDispatcher};
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let events = EventDispatcher::new();
/// let log = seen.clone();
/// let id = events.add_listener(move |e: &Event<'_>| log.lock().unwrap().push(e.name()));
/// assert!(events.has_listeners());
/// assert!(events.remove_listener(id));
/// assert!(!events.has_listeners());
/// ```
#[derive(Clone)]
pub struct EventDispatcher {
    inner: Arc<Registry>,
}

impl Default for EventDispatcher {
    fn default() -> Self {
        EventDispatcher {
            inner: Arc::new(Registry {
                count: AtomicUsize::new(0),
                listeners: RwLock::new(Arc::from(Vec::new())),
            }),
        }
    }
}

impl fmt::Debug for EventDispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventDispatcher")
            .field("listeners", &self.listener_count())
            .finish()
    }
}

impl EventDispatcher {
    /// A dispatcher with no listeners.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a listener; it hears every event dispatched from now on.
    pub fn add_listener(&self, listener: impl Listener + 'static) -> ListenerId {
        self.add_shared(Arc::new(listener))
    }

    /// Adds a listener shared with other owners (or other dispatchers).
    pub fn add_shared(&self, listener: Arc<dyn Listener>) -> ListenerId {
        let id = ListenerId(NEXT_ID.fetch_add(1, Ordering::Relaxed));
        self.update(|entries| entries.push(Entry { id, listener }));
        id
    }

    /// Removes a listener. False if it was not there (already removed, or
    /// added to another dispatcher). Events being dispatched while it is
    /// removed may still reach it.
    pub fn remove_listener(&self, id: ListenerId) -> bool {
        let mut removed = false;
        self.update(|entries| {
            let before = entries.len();
            entries.retain(|e| e.id != id);
            removed = entries.len() != before;
        });
        removed
    }

    /// True when at least one listener is registered: a caller whose event
    /// is costly to build can skip it otherwise.
    #[inline]
    pub fn has_listeners(&self) -> bool {
        self.inner.count.load(Ordering::Acquire) != 0
    }

    /// How many listeners are registered.
    pub fn listener_count(&self) -> usize {
        self.inner.count.load(Ordering::Acquire)
    }

    /// True when `self` and `other` are clones of one dispatcher.
    pub fn same_as(&self, other: &EventDispatcher) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Delivers `event` to every listener, in order, before returning.
    /// Costs one atomic load when there are none.
    #[inline]
    pub fn dispatch(&self, event: &Event<'_>) {
        if self.has_listeners() {
            self.deliver(event);
        }
    }

    #[inline(never)]
    fn deliver(&self, event: &Event<'_>) {
        let snapshot = self
            .inner
            .listeners
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for entry in snapshot.iter() {
            let outcome = catch_unwind(AssertUnwindSafe(|| entry.listener.on_event(event)));
            if outcome.is_err() {
                tracing::error!(
                    listener = entry.id.0,
                    event = event.name(),
                    "event listener panicked"
                );
            }
        }
    }

    /// Replaces the listener list with an edited copy.
    fn update(&self, edit: impl FnOnce(&mut Vec<Entry>)) {
        let mut guard = self
            .inner
            .listeners
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut entries = guard.to_vec();
        edit(&mut entries);
        self.inner.count.store(entries.len(), Ordering::Release);
        *guard = Arc::from(entries);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::ServerAddr;
    use crate::events::{ConnectionInfo, ConnectionKind};
    use std::sync::Mutex;

    fn created(addr: &ServerAddr, id: u64) -> Event<'_> {
        Event::ConnectionCreated {
            connection: ConnectionInfo::new(addr, ConnectionKind::Pooled, id),
        }
    }

    #[test]
    fn delivers_to_every_listener_in_order() {
        let addr = ServerAddr::tcp("127.0.0.1", 6379);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let events = EventDispatcher::new();
        for n in 0..3 {
            let seen = seen.clone();
            events.add_listener(move |e: &Event<'_>| {
                if let Event::ConnectionCreated { connection, .. } = e {
                    seen.lock().unwrap().push((n, connection.id));
                }
            });
        }
        // Clones share listeners.
        let clone = events.clone();
        assert!(clone.same_as(&events));
        clone.dispatch(&created(&addr, 7));
        assert_eq!(*seen.lock().unwrap(), [(0, 7), (1, 7), (2, 7)]);
    }

    #[test]
    fn remove_and_count() {
        let events = EventDispatcher::new();
        assert!(!events.has_listeners());
        let a = events.add_listener(|_: &Event<'_>| {});
        let b = events.add_listener(|_: &Event<'_>| {});
        assert_eq!(events.listener_count(), 2);
        assert!(events.remove_listener(a));
        assert!(!events.remove_listener(a));
        assert_eq!(events.listener_count(), 1);
        assert!(events.remove_listener(b));
        assert!(!events.has_listeners());
        // Nobody listening: dispatch is a no-op.
        events.dispatch(&Event::TopologyChanged {});
        // An id from another dispatcher removes nothing here.
        let other = EventDispatcher::new();
        let c = other.add_listener(|_: &Event<'_>| {});
        events.add_listener(|_: &Event<'_>| {});
        assert!(!events.remove_listener(c));
        assert_eq!(events.listener_count(), 1);
    }

    #[test]
    fn listeners_may_reenter_and_panics_are_contained() {
        let events = EventDispatcher::new();
        let hits = Arc::new(AtomicUsize::new(0));
        // A listener that adds a listener and dispatches from inside.
        let inner = events.clone();
        events.add_listener(move |e: &Event<'_>| {
            if let Event::PoolCreated { .. } = e {
                inner.add_listener(|_: &Event<'_>| {});
                inner.dispatch(&Event::TopologyChanged {});
            }
        });
        events.add_listener(|_: &Event<'_>| panic!("a broken listener"));
        let counter = hits.clone();
        events.add_listener(move |_: &Event<'_>| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let addr = ServerAddr::tcp("h", 1);
        events.dispatch(&Event::PoolCreated {
            addr: &addr,
            max_size: 4,
        });
        // The third listener heard the nested TopologyChanged and the
        // PoolCreated, despite the panicking one before it.
        assert_eq!(hits.load(Ordering::SeqCst), 2);
        assert_eq!(events.listener_count(), 4);
    }

    #[test]
    fn dispatch_from_many_threads_while_listeners_change() {
        let events = EventDispatcher::new();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        events.add_listener(move |_: &Event<'_>| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        std::thread::scope(|s| {
            for _ in 0..4 {
                let events = events.clone();
                s.spawn(move || {
                    for _ in 0..1000 {
                        events.dispatch(&Event::TopologyChanged {});
                    }
                });
            }
            let events = events.clone();
            s.spawn(move || {
                for _ in 0..100 {
                    let id = events.add_listener(|_: &Event<'_>| {});
                    events.remove_listener(id);
                }
            });
        });
        assert_eq!(hits.load(Ordering::Relaxed), 4000);
        assert_eq!(events.listener_count(), 1);
    }
}
