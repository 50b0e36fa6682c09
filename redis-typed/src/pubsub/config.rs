//! [`SubscriberConfig`]: the subscriber's own settings.

use std::time::Duration;

/// Settings of a [`Subscriber`](super::Subscriber), beyond those of its
/// connection.
#[derive(Debug, Clone)]
pub struct SubscriberConfig {
    /// Messages held between the connection and the consumer (default
    /// 1024). When the consumer falls this far behind, the subscriber stops
    /// reading its socket (back-pressure to the server).
    pub capacity: usize,
    /// The first wait before reconnecting after a failure (default 10 ms);
    /// doubled after each failed attempt.
    pub reconnect_min_delay: Duration,
    /// The longest wait between reconnect attempts (default 2 s).
    pub reconnect_max_delay: Duration,
}

impl Default for SubscriberConfig {
    fn default() -> Self {
        SubscriberConfig {
            capacity: 1024,
            reconnect_min_delay: Duration::from_millis(10),
            reconnect_max_delay: Duration::from_secs(2),
        }
    }
}

impl SubscriberConfig {
    /// Sets the capacity of the message buffer (at least 1).
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// Sets the reconnect backoff bounds.
    pub fn reconnect_delay(mut self, min: Duration, max: Duration) -> Self {
        self.reconnect_min_delay = min;
        self.reconnect_max_delay = max.max(min);
        self
    }
}
