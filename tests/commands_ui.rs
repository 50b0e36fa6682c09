//! Compile-fail tests for the typed command catalogue: each file in
//! `tests/ui_commands/` misuses a command (a wrong reply type, a missing
//! required argument, two exclusive options, a non-key where a key goes)
//! and must fail with exactly the diagnostics pinned in its `.stderr`.
//!
//! After changing a command, regenerate with
//! `TRYBUILD=overwrite cargo test --test commands_ui` and read every changed
//! `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui_commands/*.rs");
}
