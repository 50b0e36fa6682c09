//! `MOVED` and `ASK` replies, parsed.
//!
//! ```text
//! -MOVED 3999 127.0.0.1:6381   the slot lives there now: update the map
//! -ASK 3999 127.0.0.1:6381     this once, ask there (after ASKING)
//! ```

use crate::connection::ServerAddr;
use crate::error::{ErrorKind, ServerError};

/// A cluster redirection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// `MOVED slot addr`: the slot was reassigned for good.
    Moved {
        /// The slot.
        slot: u16,
        /// Its node.
        addr: ServerAddr,
    },
    /// `ASK slot addr`: the key is being migrated; ask `addr` once.
    Ask {
        /// The slot.
        slot: u16,
        /// The node importing it.
        addr: ServerAddr,
    },
}

impl Redirect {
    /// Parses a `MOVED`/`ASK` error; `None` for any other error. An empty
    /// host (`MOVED 1 :6380`, sent when the node does not know its own IP)
    /// is replaced by `default_host`.
    pub fn parse(error: &ServerError, default_host: &str) -> Option<Redirect> {
        let (slot, addr) = error.redirect()?;
        let addr = match addr.strip_prefix(':') {
            Some(port) => ServerAddr::tcp(default_host, port.parse().ok()?),
            None => ServerAddr::parse_host_port(addr)?,
        };
        Some(match error.kind {
            ErrorKind::Moved => Redirect::Moved { slot, addr },
            _ => Redirect::Ask { slot, addr },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_moved_and_ask() {
        let e = ServerError::new("MOVED 3999 127.0.0.1:6381".into());
        assert_eq!(
            Redirect::parse(&e, "h"),
            Some(Redirect::Moved {
                slot: 3999,
                addr: ServerAddr::tcp("127.0.0.1", 6381)
            })
        );
        let e = ServerError::new("ASK 1 :7000".into());
        assert_eq!(
            Redirect::parse(&e, "h"),
            Some(Redirect::Ask {
                slot: 1,
                addr: ServerAddr::tcp("h", 7000)
            })
        );
        assert_eq!(
            Redirect::parse(&ServerError::new("ERR x".into()), "h"),
            None
        );
    }
}
