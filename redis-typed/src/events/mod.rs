//! Events: what happens inside the client, told to whoever listens.
//!
//! An [`EventDispatcher`] delivers typed [`Event`]s (a connection was
//! created, credentials were refreshed, a connection re-authenticated...)
//! to the [`Listener`]s added to it. Users add listeners for metrics and
//! logs; the client's own re-authentication machinery is built from
//! listeners on the same dispatcher.
//!
//! - `event.rs`: [`Event`] and the [`ConnectionInfo`] it carries.
//! - `listener.rs`: the [`Listener`] trait (closures are listeners).
//! - `dispatcher.rs`: [`EventDispatcher`], cheap to clone and to call when
//!   nobody listens.
//!
//! ```
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use std::sync::Arc;
//! use redis_typed::events::{Event, EventDispatcher};
//!
//! let reauths = Arc::new(AtomicUsize::new(0));
//! let events = EventDispatcher::new();
//! let counter = reauths.clone();
//! events.add_listener(move |event: &Event<'_>| {
//!     if let Event::ReauthSucceeded { .. } = event {
//!         counter.fetch_add(1, Ordering::Relaxed);
//!     }
//! });
//! // ... give `events` to the client, the pool, the token manager ...
//! # assert_eq!(reauths.load(Ordering::Relaxed), 0);
//! ```

mod dispatcher;
mod event;
mod listener;

pub use dispatcher::{EventDispatcher, ListenerId};
pub use event::{ConnectionInfo, ConnectionKind, Event};
pub use listener::Listener;
