//! [`ClusterScan`]: `SCAN` over every primary, one after the other.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

use super::client::ClusterClient;
use crate::auth::CredentialProvider;
use crate::connection::ServerAddr;
use crate::error::Result;
use crate::transport::Transport;
use crate::Cmd;

/// Key batches from `SCAN` on each primary in turn (the primaries are
/// those of the topology when the scan starts). Like `SCAN`, a key present
/// for the whole scan is returned at least once, and may be returned more
/// than once, as long as the cluster's slots stay where they are.
///
/// What it does when they do not (it does not follow slots):
///
/// - **A slot moving** (resharding) during the scan: the primaries are
///   scanned by address, one after the other, with no check of which
///   slots each one held. A key whose slot moves from a primary not yet
///   scanned to one already scanned is missed; one moving the other way
///   may be returned twice. Nothing reports it. Run a scan that must be
///   complete while no slot migrates.
/// - **A failover**: a former primary that is still up (a manual
///   `CLUSTER FAILOVER`, now a replica) goes on being scanned, as a
///   replica, with the same data. A primary that cannot be reached ends
///   the scan with its connection error (after the keys already
///   returned): never a silent early end. The promoted replica is not
///   scanned in its place; start a new scan.
///
/// ```no_run
/// # async fn demo(cluster: redis_typed::cluster::ClusterClient) -> redis_typed::Result<()> {
/// let mut scan = cluster.scan(Some("user:*"), Some(100));
/// while let Some(keys) = scan.next_batch().await? {
///     println!("{} keys", keys.len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ClusterScan<T: Transport, C: CredentialProvider> {
    client: ClusterClient<T, C>,
    primaries: Option<Vec<ServerAddr>>,
    index: usize,
    cursor: String,
    pattern: Option<String>,
    count: Option<u64>,
    kind: Option<String>,
}

impl<T: Transport, C: CredentialProvider> ClusterScan<T, C> {
    pub(crate) fn new(
        client: ClusterClient<T, C>,
        pattern: Option<&str>,
        count: Option<u64>,
    ) -> Self {
        ClusterScan {
            client,
            primaries: None,
            index: 0,
            cursor: "0".into(),
            pattern: pattern.map(str::to_owned),
            count,
            kind: None,
        }
    }

    /// `TYPE key_type`: only keys of this type (`"string"`, `"list"`,
    /// `"set"`, `"zset"`, `"hash"`, `"stream"`). Set it before the first
    /// batch.
    pub fn kind(mut self, key_type: &str) -> Self {
        self.kind = Some(key_type.to_owned());
        self
    }

    /// The next non-empty batch of keys; `None` once every primary was
    /// scanned.
    pub async fn next_batch(&mut self) -> Result<Option<Vec<Bytes>>> {
        let primaries = self
            .primaries
            .get_or_insert_with(|| self.client.topology().primaries().cloned().collect())
            .clone();
        while let Some(addr) = primaries.get(self.index) {
            let mut cmd = Cmd::<(String, Vec<Bytes>)>::new("SCAN").arg(self.cursor.as_str());
            if let Some(p) = &self.pattern {
                cmd = cmd.arg("MATCH").arg(p.as_str());
            }
            if let Some(c) = self.count {
                cmd = cmd.arg("COUNT").arg(&c);
            }
            if let Some(t) = &self.kind {
                cmd = cmd.arg("TYPE").arg(t.as_str());
            }
            let node = self.client.node(addr).await?;
            let (cursor, keys) = node.send(cmd).await?;
            if cursor == "0" {
                self.index += 1;
            }
            self.cursor = cursor;
            if !keys.is_empty() {
                return Ok(Some(keys));
            }
        }
        Ok(None)
    }

    /// The scan as one `futures_core::Stream` of keys, across every primary
    /// (use it with `futures::StreamExt`); an error is the last item.
    pub fn into_stream(self) -> ClusterScanStream<T, C> {
        ClusterScanStream {
            scan: Some(self),
            pending: None,
            buffered: VecDeque::new(),
            done: false,
        }
    }

    /// Every remaining key.
    pub async fn collect_all(mut self) -> Result<Vec<Bytes>> {
        let mut all = Vec::new();
        while let Some(batch) = self.next_batch().await? {
            all.extend(batch);
        }
        Ok(all)
    }
}

type NextBatch<T, C> =
    Pin<Box<dyn Future<Output = (ClusterScan<T, C>, Result<Option<Vec<Bytes>>>)> + Send>>;

/// [`ClusterScan::into_stream`]: keys one by one; an error is the last item.
pub struct ClusterScanStream<T: Transport, C: CredentialProvider> {
    /// The scan, while no batch is being fetched.
    scan: Option<ClusterScan<T, C>>,
    /// The batch being fetched (it owns the scan meanwhile).
    pending: Option<NextBatch<T, C>>,
    buffered: VecDeque<Bytes>,
    done: bool,
}

impl<T: Transport, C: CredentialProvider> std::fmt::Debug for ClusterScanStream<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterScanStream")
            .field("buffered", &self.buffered.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T: Transport, C: CredentialProvider> Stream for ClusterScanStream<T, C> {
    type Item = Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(key) = this.buffered.pop_front() {
                return Poll::Ready(Some(Ok(key)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.pending.is_none() {
                let Some(mut scan) = this.scan.take() else {
                    return Poll::Ready(None);
                };
                this.pending = Some(Box::pin(async move {
                    let batch = scan.next_batch().await;
                    (scan, batch)
                }));
            }
            let pending = this.pending.as_mut().expect("set above");
            let (scan, batch) = match pending.as_mut().poll(cx) {
                Poll::Ready(out) => out,
                Poll::Pending => return Poll::Pending,
            };
            this.pending = None;
            this.scan = Some(scan);
            match batch {
                Ok(Some(keys)) => this.buffered.extend(keys),
                Ok(None) => this.done = true,
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}
