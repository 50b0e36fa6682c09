//! [`Listener`]: what hears events.

use super::Event;

/// Hears the [`Event`]s of an [`EventDispatcher`](super::EventDispatcher).
/// Closures `Fn(&Event)` are listeners.
///
/// Listeners run synchronously, in the task (and sometimes the `Drop`)
/// where the event happens, possibly on a hot path: they must be quick and
/// must not block. To do slow or async work, hand the event's facts to a
/// task (a channel, a `Notify`) and return. A panicking listener is
/// contained: the panic is logged and the other listeners still run.
pub trait Listener: Send + Sync {
    /// Called for each event.
    fn on_event(&self, event: &Event<'_>);
}

impl<F: Fn(&Event<'_>) + Send + Sync> Listener for F {
    fn on_event(&self, event: &Event<'_>) {
        self(event)
    }
}
