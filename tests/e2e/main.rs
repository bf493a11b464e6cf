//! The built binary in a real terminal: tmux runs it, a test types keys
//! and reads the screen back. Skipped (loudly) when tmux is missing, unless
//! CI is set, where a missing tmux fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/tmux.rs"]
mod tmux;
// The library generator the benchmarks use, for the big-library tests.
#[path = "../../benches/support/generate.rs"]
mod generate;

mod flows;
mod reader;
mod state;
