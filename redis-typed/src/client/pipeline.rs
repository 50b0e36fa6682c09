//! Typed pipelines: many commands, one write, a tuple of typed replies.

use super::command_list::{Append, CommandList};
use super::Executor;
use crate::commands::Command;
use crate::error::Result;

/// Commands sent in one write; replies decode into a tuple typed by the
/// commands added (up to 16).
///
/// ```no_run
/// use redis_typed::{Client, commands::{Get, Incr, Set}};
/// # async fn demo(client: Client) -> redis_typed::Result<()> {
/// let ((), n, v): ((), i64, Option<String>) = client
///     .pipeline()
///     .add(Set::new("a", "x"))
///     .add(Incr::new("counter"))
///     .add(Get::new("a"))
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
///
/// A pipeline is not atomic: other clients' commands may run between its
/// commands. Use [`crate::Transaction`] for `MULTI`/`EXEC`.
#[must_use = "a pipeline does nothing until `send` is awaited"]
#[derive(Debug)]
pub struct Pipeline<E, Cmds = ()> {
    executor: E,
    cmds: Cmds,
}

impl<E: Executor> Pipeline<E, ()> {
    pub(crate) fn new(executor: E) -> Self {
        Pipeline { executor, cmds: () }
    }
}

impl<E: Executor, Cmds: CommandList> Pipeline<E, Cmds> {
    /// Adds a command; its response joins the result tuple.
    #[allow(clippy::should_implement_trait)]
    pub fn add<C: Command>(self, cmd: C) -> Pipeline<E, Cmds::Output>
    where
        Cmds: Append<C>,
    {
        Pipeline {
            executor: self.executor,
            cmds: self.cmds.append(cmd),
        }
    }

    /// Sends every command in one write and decodes the replies. The first
    /// error reply (or conversion error) is returned as the error.
    pub async fn send(mut self) -> Result<Cmds::Responses>
    where
        Cmds: Sync,
    {
        if Cmds::LEN == 0 {
            return Cmds::decode_all(Vec::new());
        }
        let cmds = &self.cmds;
        let replies = self
            .executor
            .execute(|out| cmds.encode_all(out), Cmds::LEN)
            .await?;
        Cmds::decode_all(replies)
    }
}
