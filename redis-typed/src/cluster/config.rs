//! [`ClusterConfig`]: seeds, read strategy, retry bounds and refresh.

use std::time::Duration;

use super::LoadBalancingStrategy;
use crate::connection::{ConnectionConfig, ServerAddr};
use crate::error::{Error, Result};

/// How a [`ClusterClient`](super::ClusterClient) connects and behaves.
///
/// Every node connection uses [`connection`](Self::connection) with its
/// address replaced, so credentials, protocol, timeouts and the event
/// dispatcher (which also hears [`Event::TopologyChanged`](crate::events::Event::TopologyChanged))
/// are set once.
///
/// Over TLS, give `rediss://` seed URLs and a TLS transport: every node is
/// then reached on its TLS port, as `CLUSTER SHARDS` lists it (the nodes
/// must run with `tls-cluster yes`, without which no reply names their TLS
/// ports).
///
/// ```no_run
/// # #[cfg(feature = "tls")]
/// # async fn demo() -> redis_typed::Result<()> {
/// use redis_typed::auth::StaticCredentials;
/// use redis_typed::cluster::{ClusterClient, ClusterConfig};
/// use redis_typed::transport::{TlsConfig, TlsTransport};
///
/// let config = ClusterConfig::from_urls(&["rediss://10.0.0.5:7100", "rediss://10.0.0.6:7100"])?;
/// let tls = TlsConfig::new().ca_pem(std::fs::read("ca.crt")?);
/// let transport = TlsTransport::for_config(&config.connection, tls)?;
/// let credentials = StaticCredentials::from(config.connection.credentials.clone());
/// let cluster = ClusterClient::connect_with(config, transport, credentials).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// The nodes asked for the topology at start (any node of the cluster).
    pub seeds: Vec<ServerAddr>,
    /// The settings of each node connection.
    pub connection: ConnectionConfig,
    /// Where reads go (default: primaries only).
    pub strategy: LoadBalancingStrategy,
    /// Redirections, retries after `TRYAGAIN`/`CLUSTERDOWN` and after
    /// connection failures allowed for one command (default 16).
    pub max_attempts: u32,
    /// First backoff delay between retries; doubled each time (default
    /// 20 ms).
    pub retry_base: Duration,
    /// Longest backoff delay (default 500 ms).
    pub retry_cap: Duration,
    /// How many nodes are asked at each refresh; the freshest answer wins
    /// (default 3).
    pub sample_nodes: usize,
    /// A periodic topology refresh, if any (default none: refreshes follow
    /// `MOVED`, connection failures and uncovered slots).
    pub refresh_interval: Option<Duration>,
}

impl ClusterConfig {
    /// A configuration from seed URLs (`redis://[user:pass@]host:port`, or
    /// `rediss://` for TLS): the first URL's settings are used for every
    /// node.
    pub fn from_urls<S: AsRef<str>>(urls: &[S]) -> Result<Self> {
        let mut seeds = Vec::new();
        let mut connection = None;
        for url in urls {
            let config = ConnectionConfig::from_url(url.as_ref())?;
            seeds.push(config.addr.clone());
            connection.get_or_insert(config);
        }
        let connection =
            connection.ok_or_else(|| Error::Config("a cluster needs at least one seed".into()))?;
        Ok(ClusterConfig::new(seeds, connection))
    }

    /// A configuration from seeds and node connection settings.
    pub fn new(seeds: Vec<ServerAddr>, connection: ConnectionConfig) -> Self {
        ClusterConfig {
            seeds,
            connection,
            strategy: LoadBalancingStrategy::default(),
            max_attempts: 16,
            retry_base: Duration::from_millis(20),
            retry_cap: Duration::from_millis(500),
            sample_nodes: 3,
            refresh_interval: None,
        }
    }

    /// Sets the read strategy.
    pub fn strategy(mut self, strategy: LoadBalancingStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Sets the periodic refresh.
    pub fn refresh_interval(mut self, interval: Option<Duration>) -> Self {
        self.refresh_interval = interval;
        self
    }

    /// Sets the attempts allowed per command.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before retry `attempt` (from 0).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.min(16);
        self.retry_base.saturating_mul(factor).min(self.retry_cap)
    }
}
