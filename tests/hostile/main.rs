//! Hostile input and odd terminals (issue 6): control sequences in every
//! field, widths, links, every size, resize storms and the panic report;
//! parsers under attack (fuzzing, memory caps); faults in the state and
//! config files, and signals.
//! Shared helpers live in `support`; each module is one concern.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/base64.rs"]
mod base64;
mod support;
#[path = "../support/tmux.rs"]
mod tmux;

mod caps;
mod controls;
mod crash;
mod faults;
mod fuzz;
mod heap;
mod inputs;
mod links;
mod lost_text;
mod memory;
mod own_files;
mod resize;
mod signals;
mod sizes;
mod stderr;
mod watching;
mod width;
