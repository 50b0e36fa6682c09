//! Pub/sub: a [`Subscriber`] on its own connection, whose messages arrive as
//! a stream of typed [`Message`]s.
//!
//! (The `PUBLISH`, `PUBSUB CHANNELS`... commands are ordinary commands, in
//! [`crate::commands::pubsub`]; this module is the receiving side.)
//!
//! ```no_run
//! use redis_typed::pubsub::Subscriber;
//!
//! # async fn demo() -> redis_typed::Result<()> {
//! // SUBSCRIBE news ; PSUBSCRIBE user:*
//! let mut sub = Subscriber::<String>::open("redis://127.0.0.1:6379").await?;
//! sub.subscribe(["news"]).await?;
//! sub.psubscribe(["user:*"]).await?;
//! while let Some(message) = sub.next_message().await {
//!     let message = message?; // a payload that is not a `String` is an error
//!     println!("{:?} on {:?}: {}", message.pattern, message.channel, message.payload);
//! }
//! # Ok(()) }
//! ```
//!
//! - `message.rs`: [`Message`], and how push frames and RESP2 arrays are
//!   told apart (`message`, `pmessage`, `smessage`, confirmations).
//! - `config.rs`: [`SubscriberConfig`]: buffer capacity, reconnect backoff.
//! - `subscriber.rs`: [`Subscriber`], the user's end.
//! - `task.rs`: the task that owns the connection: reads, writes,
//!   reconnects, re-subscribes, re-authenticates; for the cluster's
//!   subscriber, it also reports what it cannot settle alone (a channel
//!   the server unsubscribed, a refused re-subscription, a lost
//!   connection).
//!
//! # Design
//!
//! **Slow consumers: back-pressure.** Messages read from the socket go into
//! a bounded queue of [`SubscriberConfig::capacity`] messages. When it is
//! full the task stops reading the socket, so the server's output buffer
//! for this client grows instead of this process's memory; a server
//! configured with `client-output-buffer-limit pubsub` eventually
//! disconnects a consumer that stays behind, and the subscriber then
//! reconnects (see below). No message is ever dropped by the client.
//! One exception keeps `subscribe` from deadlocking against a consumer that
//! awaits it instead of reading: while a (un)subscribe awaits the server's
//! confirmation, the task keeps reading up to that confirmation, holding the
//! messages read meanwhile aside; they are at most what the server had
//! queued for this client before the confirmation (bounded by its output
//! buffer limit).
//!
//! **Reconnects.** When the connection fails (killed, server restart) the
//! task reconnects with exponential backoff, forever, and re-subscribes to
//! every confirmed channel, pattern and shard channel; requests not yet
//! confirmed are sent again. The stream does not end, but messages
//! published while disconnected are lost: [`Subscriber::reconnects`] counts
//! the gaps, and every new connection is announced by
//! [`Event::PubSubConnectionCreated`](crate::events::Event::PubSubConnectionCreated)
//! on the configuration's dispatcher.
//!
//! **Re-authentication.** When the credential provider publishes new
//! credentials: on RESP3 the task sends `AUTH` in band (a subscribed RESP3
//! connection accepts any command) and reports
//! `ReauthSucceeded`/`ReauthFailed`; a failed `AUTH` drops the connection,
//! which reconnects with the newest credentials. On RESP2 a subscribed
//! connection accepts only (un)subscribe commands, so the task reconnects
//! (handshake with the new credentials) and re-subscribes: a gap, counted
//! like any reconnect.
//!
//! **Clusters.** A [`Subscriber`] talks to one node: the address of its
//! configuration. For a cluster, use
//! [`ClusterSubscriber`](crate::cluster::ClusterSubscriber)
//! (`cluster.subscriber::<T>()`): it runs this module's task once per node
//! it needs, merges their messages into one stream with the same bounded
//! queue and back-pressure, sends each slot's shard channels (one
//! `SSUBSCRIBE` per slot) to the slot's primary, and follows them when the
//! slot moves (resharding, failover, a node that does not come back).
//! Classic channels and patterns, broadcast cluster-wide, use one of its
//! connections. Re-subscription after a reconnect sends one `SSUBSCRIBE`
//! per shard channel, so it never crosses slots.

mod config;
mod inbox;
mod message;
mod router;
mod subscriber;
mod subscription;
mod task;

pub use config::SubscriberConfig;
pub use message::Message;
pub use subscriber::Subscriber;
pub use subscription::{Subscription, SubscriptionBuilder};

pub(crate) use message::{Frame, RawMessage, SubKind};
pub(crate) use router::{Router, Routes};
pub(crate) use subscriber::request_channels;
pub(crate) use task::{gone, Handle, Notice};
