//! Hostile input and odd terminals (issue 6): control sequences in every
//! field, widths, links, every size, resize storms and the panic report;
//! parsers under attack (fuzzing, memory caps).
//! Shared helpers live in `support`; each module is one concern.

mod support;
#[path = "../support/tmux.rs"]
mod tmux;

mod caps;
mod controls;
mod crash;
mod fuzz;
mod inputs;
mod links;
mod resize;
mod sizes;
mod width;
