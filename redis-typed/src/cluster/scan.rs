//! [`ClusterScan`]: `SCAN` over every primary, one after the other.

use bytes::Bytes;

use super::client::ClusterClient;
use crate::auth::CredentialProvider;
use crate::connection::ServerAddr;
use crate::error::Result;
use crate::transport::Transport;
use crate::Cmd;

/// Key batches from `SCAN` on each primary in turn (the primaries are
/// those of the topology when the scan starts). Like `SCAN`, a key present
/// for the whole scan is returned at least once.
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
        }
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

    /// Every remaining key.
    pub async fn collect_all(mut self) -> Result<Vec<Bytes>> {
        let mut all = Vec::new();
        while let Some(batch) = self.next_batch().await? {
            all.extend(batch);
        }
        Ok(all)
    }
}
