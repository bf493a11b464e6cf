//! Hostile input: parsers under attack (fuzzing, memory caps) and the
//! terminal's robustness. One test target, one module per concern.

mod caps;
mod fuzz;
mod inputs;
