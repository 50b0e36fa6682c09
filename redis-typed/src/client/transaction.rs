//! Typed `MULTI`/`EXEC` transactions.

use bytes::BytesMut;

use super::command_list::{Append, CommandList};
use super::Executor;
use crate::commands::{encode, Command};
use crate::error::{Error, ErrorKind, Result, ServerError};
use crate::resp::Value;
use crate::Cmd;

/// Commands run atomically with `MULTI` ... `EXEC`, all sent in one write.
///
/// Outcomes, each distinct:
/// - `Ok(tuple)`: every command ran; the tuple holds their typed replies.
/// - `Err(Error::Server(e))` with `e.kind == ErrorKind::ExecAbort`: a command
///   was rejected while queuing (wrong arity, unknown command), so nothing
///   ran. The message names the first rejection.
/// - `Err(Error::WatchConflict)`: a `WATCH`ed key changed (only on a
///   dedicated [`crate::Connection`], where `WATCH` is possible).
/// - `Err(Error::Server(e))` of another kind: a command failed while running
///   (e.g. `WRONGTYPE`); the others did run, as Redis transactions do not
///   roll back.
///
/// ```no_run
/// use redis_typed::{Client, commands::{Incr, Get}};
/// # async fn demo(client: Client) -> redis_typed::Result<()> {
/// let (n, v): (i64, Option<i64>) = client
///     .transaction()
///     .add(Incr::new("n"))
///     .add(Get::new("n"))
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a transaction does nothing until `send` is awaited"]
#[derive(Debug)]
pub struct Transaction<E, Cmds = ()> {
    executor: E,
    cmds: Cmds,
}

impl<E: Executor> Transaction<E, ()> {
    pub(crate) fn new(executor: E) -> Self {
        Transaction { executor, cmds: () }
    }
}

impl<E: Executor, Cmds: CommandList> Transaction<E, Cmds> {
    /// Adds a command; its response joins the result tuple.
    #[allow(clippy::should_implement_trait)]
    pub fn add<C: Command>(self, cmd: C) -> Transaction<E, Cmds::Output>
    where
        Cmds: Append<C>,
    {
        Transaction {
            executor: self.executor,
            cmds: self.cmds.append(cmd),
        }
    }

    /// Sends `MULTI`, the commands and `EXEC` in one write.
    pub async fn send(mut self) -> Result<Cmds::Responses>
    where
        Cmds: Sync,
    {
        let cmds = &self.cmds;
        let encode_all = |out: &mut BytesMut| {
            encode(&Cmd::<()>::new("MULTI"), out);
            cmds.encode_all(out);
            encode(&Cmd::<Value>::new("EXEC"), out);
        };
        let mut replies = self.executor.execute(encode_all, Cmds::LEN + 2).await?;
        let exec = replies.pop().unwrap_or(Value::Nil);
        let mut queued = replies.into_iter();
        if let Some(Value::Error(e)) = queued.next() {
            return Err(ServerError::new(e).into());
        }
        let first_rejection = queued.find_map(|v| match v {
            Value::Error(e) => Some(ServerError::new(e)),
            _ => None,
        });
        match exec {
            Value::Nil => Err(Error::WatchConflict),
            Value::Array(items) => Cmds::decode_all(items),
            Value::Error(e) => {
                let exec_error = ServerError::new(e);
                match (exec_error.kind, first_rejection) {
                    (ErrorKind::ExecAbort, Some(cause)) => {
                        let text = format!(
                            "{} (first rejected command: {})",
                            exec_error.message(),
                            cause.message()
                        );
                        Err(ServerError::new(text.into()).into())
                    }
                    _ => Err(exec_error.into()),
                }
            }
            other => Err(crate::types::unexpected::<Cmds::Responses>(&other)),
        }
    }
}
