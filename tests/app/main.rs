//! The app without a terminal: `update` as a pure function (action
//! sequences in, selections, focus, scroll and filter state out) and the
//! frames `ui::draw` makes of it, snapshotted. One test crate, so the
//! library is linked once for all of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fetching;
mod fixture;
mod flows;
mod keys;
mod links;
mod reading;
mod search;
mod theme;
mod ui;
mod ui_links;
mod update;
