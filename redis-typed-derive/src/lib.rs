//! Derive macros for `redis-typed`. See the `redis-typed` crate docs.
