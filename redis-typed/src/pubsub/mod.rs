//! Pub/sub: a [`Subscription`] sharing a [`Client`](crate::Client)'s
//! multiplexed RESP3 connection, or a [`Subscriber`] on a connection of its
//! own; either way messages arrive as a stream of typed [`Message`]s.
//!
//! ```no_run
//! use redis_typed::Client;
//!
//! # async fn demo() -> redis_typed::Result<()> {
//! let client = Client::open("redis://127.0.0.1:6379").await?; // RESP3 by default
//! // SUBSCRIBE news, on the connection the client's commands use.
//! let mut news = client.subscribe::<String>(["news"]).await?;
//! while let Some(message) = news.next_message().await {
//!     match message {
//!         Ok(message) => println!("{}", message.payload),
//!         // Fell behind: that many messages were dropped; the stream goes on.
//!         Err(redis_typed::Error::Lagged { missed }) => eprintln!("missed {missed}"),
//!         Err(e) => return Err(e),
//!     }
//! }
//! # Ok(()) }
//! ```
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
//! - `subscription.rs`: [`Subscription`] and [`SubscriptionBuilder`], the
//!   shared variant (the client's driver matches confirmations; see
//!   `connection/driver.rs`).
//! - `router.rs`: which subscriptions of a client hold which channels;
//!   delivery of the driver's message pushes.
//! - `inbox.rs`: a shared subscription's bounded buffer (drop and count).
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
//! **Which one.** A [`Subscription`] costs no connection and no task: the
//! client's driver reads its messages along with everyone's replies. That
//! is also why it cannot push back on the server: its consumer must keep
//! up, or lose messages (counted, never silently). A [`Subscriber`] owns a
//! connection and a task, and when its consumer falls behind it stops
//! reading, so nothing is ever dropped by the client. Pick a
//! [`Subscription`] for many light subscriptions next to ordinary commands
//! (invalidation, notifications) where a burst may be summarised as
//! "missed n"; pick a [`Subscriber`] when every message matters and the
//! consumer may stall, and on RESP2 (where a subscribed connection serves
//! nothing else, so `client.subscribe` is an [`Error::Config`](crate::Error::Config)).
//!
//! **Shared subscriptions: wire.** On RESP3 a `(P|S)SUBSCRIBE` of k
//! channels gets no regular reply: k confirmation pushes of its kind, or
//! one error (`-NOPERM` from an ACL; Redis 7.0 refuses the whole command).
//! The driver counts confirmations toward the oldest request in flight only
//! when it is a subscription request of that kind, hands message pushes to
//! the router (`router.rs`) at any point, and ignores every other push, so ordinary
//! replies can never be paired with the wrong caller. Duplicate channels in
//! one call are sent once. Several subscriptions may hold a channel; each
//! gets every message, and the channel is unsubscribed when the last of
//! them is dropped (or [`Subscription::unsubscribe`]d). A subscribe future
//! dropped before its confirmations leaves nothing behind: its
//! confirmations are still consumed in order and its channels unsubscribed
//! unless someone else holds them.
//!
//! **Shared subscriptions: slow consumers, drop and count.** The driver
//! never waits for a consumer (every caller of the client would wait with
//! it). Each subscription buffers up to
//! [`SubscriptionBuilder::capacity`] messages (default 1024); a message
//! that does not fit is dropped and counted, and the stream yields
//! [`Error::Lagged`](crate::Error::Lagged) (how many) before anything
//! else it still holds, so memory stays bounded and loss is never silent.
//!
//! **Shared subscriptions: reconnects and credentials.** While any
//! subscription lives, a lost connection is replaced at once (with backoff);
//! the new one subscribes again to everything held (one request per kind)
//! before it serves the requests that waited. Messages published meanwhile
//! are lost: [`Subscription::reconnects`] counts the gaps. A refused
//! re-subscription (an ACL changed) reaches the streams concerned as an
//! error item. Rotated credentials are applied by the client's in-band
//! `AUTH`, in order with everything else; subscriptions keep receiving.
//!
//! **Subscriber: slow consumers, back-pressure.** Messages read from the socket go into
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
