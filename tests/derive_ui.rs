//! Compile-fail tests for `redis-typed-derive`: each file in `tests/ui/`
//! must fail to compile with exactly the diagnostics pinned in its
//! `.stderr`, spanned at the attribute or field at fault.
//!
//! After changing a message, regenerate with
//! `TRYBUILD=overwrite cargo test --test derive_ui` and read every changed
//! `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
