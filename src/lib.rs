//! Unpublished root package: tests, examples and benches live here.
