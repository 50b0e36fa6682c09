//! [`ScanStream`]: fetches one page at a time and yields its items.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use crate::client::{decode_reply, Executor};
use crate::commands::{encode, HScan, SScan, Scan, ScanPage, ZScan};
use crate::error::Result;
use crate::resp::Value;
use crate::types::{FromRedisValue, SingleArg};

/// What is iterated over.
#[derive(Debug, Clone)]
pub(super) enum Target {
    Keys { kind: Option<Bytes> },
    Hash(Bytes),
    Set(Bytes),
    SortedSet(Bytes),
}

type PageFuture<'a, E, T> = Pin<Box<dyn Future<Output = (E, Result<ScanPage<T>>)> + Send + 'a>>;

/// A cursor iteration (`SCAN`, `HSCAN`, `SSCAN` or `ZSCAN`) as a
/// [`Stream`] of `Result<T>`, made by [`keys`](super::keys),
/// [`hash`](super::hash), [`set`](super::set) and
/// [`sorted_set`](super::sorted_set).
///
/// The options ([`pattern`](ScanStream::pattern), [`count`](ScanStream::count),
/// [`kind`](ScanStream::kind)) are set before the first poll. The stream
/// ends after the page with cursor 0; after an error it ends too (the
/// error is its last item).
#[must_use = "streams do nothing unless polled"]
pub struct ScanStream<'a, E, T> {
    executor: Option<E>,
    target: Target,
    pattern: Option<Bytes>,
    count: Option<u64>,
    cursor: u64,
    done: bool,
    items: VecDeque<T>,
    fetching: Option<PageFuture<'a, E, T>>,
}

impl<E, T> fmt::Debug for ScanStream<'_, E, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScanStream")
            .field("target", &self.target)
            .field("pattern", &self.pattern)
            .field("count", &self.count)
            .field("cursor", &self.cursor)
            .field("done", &self.done)
            .field("buffered", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl<'a, E, T> ScanStream<'a, E, T>
where
    E: Executor + Send + 'a,
    T: FromRedisValue + Send + 'static,
{
    pub(super) fn new(executor: E, target: Target) -> Self {
        ScanStream {
            executor: Some(executor),
            target,
            pattern: None,
            count: None,
            cursor: 0,
            done: false,
            items: VecDeque::new(),
            fetching: None,
        }
    }

    /// `MATCH pattern`: only keys (fields, members) matching the
    /// glob-style pattern. The filter runs on the server after a page is
    /// read, so pages may be empty; the stream skips them.
    pub fn pattern(mut self, pattern: impl SingleArg) -> Self {
        self.pattern = Some(super::single(&pattern));
        self
    }

    /// `COUNT count`: how much work the server does per page (a hint;
    /// default 10). Larger pages mean fewer round trips.
    pub fn count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    /// `TYPE type`: only keys of this type (`"string"`, `"list"`, `"set"`,
    /// `"zset"`, `"hash"`, `"stream"`). `SCAN` only: ignored by the scans
    /// of one collection.
    pub fn kind(mut self, key_type: impl SingleArg) -> Self {
        if let Target::Keys { kind } = &mut self.target {
            *kind = Some(super::single(&key_type));
        }
        self
    }

    /// The cursor the next page will be asked with (0 before the first
    /// page and after the last).
    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// Encodes the command for the page at `cursor`. The commands' reply
    /// types do not matter here: the reply is decoded as `ScanPage<T>`.
    fn encode_page(&self, cursor: u64, out: &mut BytesMut) {
        macro_rules! options {
            ($cmd:expr) => {{
                let mut cmd = $cmd;
                if let Some(p) = &self.pattern {
                    cmd = cmd.pattern(p.clone());
                }
                if let Some(c) = self.count {
                    cmd = cmd.count(c);
                }
                cmd
            }};
        }
        match &self.target {
            Target::Keys { kind } => {
                let mut cmd = options!(Scan::<Value>::new(cursor));
                if let Some(kind) = kind {
                    cmd = cmd.of_type(kind.clone());
                }
                encode(&cmd, out)
            }
            Target::Hash(key) => encode(&options!(HScan::<_, Value, Value>::new(key, cursor)), out),
            Target::Set(key) => encode(&options!(SScan::<_, Value>::new(key, cursor)), out),
            Target::SortedSet(key) => encode(&options!(ZScan::<_, Value>::new(key, cursor)), out),
        }
    }

    fn start_fetch(&mut self) {
        let mut executor = self
            .executor
            .take()
            .expect("executor present between pages");
        let mut out = BytesMut::new();
        self.encode_page(self.cursor, &mut out);
        let out = out.freeze();
        self.fetching = Some(Box::pin(async move {
            let result = executor
                .execute(move |buf| buf.extend_from_slice(&out), 1)
                .await
                .and_then(|mut replies| {
                    decode_reply::<ScanPage<T>>(replies.pop().unwrap_or(Value::Nil))
                });
            (executor, result)
        }));
    }
}

// Nothing is structurally pinned (the page future is boxed), so the stream
// moves freely whatever `E` and `T` are.
impl<E, T> Unpin for ScanStream<'_, E, T> {}

impl<'a, E, T> Stream for ScanStream<'a, E, T>
where
    E: Executor + Send + 'a,
    T: FromRedisValue + Send + 'static,
{
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.fetching.is_none() {
                this.start_fetch();
            }
            let fetching = this.fetching.as_mut().expect("a page is being fetched");
            let (executor, result) = match fetching.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(out) => out,
            };
            this.fetching = None;
            this.executor = Some(executor);
            match result {
                Ok(page) => {
                    this.cursor = page.cursor;
                    this.done = page.cursor == 0;
                    this.items.extend(page.items);
                }
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}
