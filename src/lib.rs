//! nlread: a terminal reader for newsletters.
//!
//! Data flows one way: bytes --parse--> model --library--> app state
//! --update(Action)--> app state --ui::draw--> frame. Only `tui` touches the
//! terminal; only `library` (sources) and `store` (the reading state) touch
//! the file system.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod fetch;
pub mod library;
pub mod model;
pub mod parse;
pub mod paths;
pub mod search;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
