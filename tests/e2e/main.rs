//! The built binary in a real terminal: tmux runs it, a test types keys
//! and reads the screen back. Skipped (loudly) when tmux is missing, unless
//! CI is set, where a missing tmux fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/tmux.rs"]
mod tmux;
// A feed server on 127.0.0.1 for the fetch test.
#[path = "../support/http.rs"]
mod http;
// The library generator the benchmarks use, for the big-library tests.
#[path = "../../benches/support/generate.rs"]
mod generate;

mod fetch;
mod flows;
mod reader;
mod state;
