//! Subscriptions and fetching: newsletters that come in by themselves.
//!
//! The rooms: `feeds` (the subscriptions file, `feeds.toml`, read with
//! diagnostics and edited as text), `opml` (import and export), `http`
//! (one polite GET through ureq), `discover` (a web page or a feed, and
//! the feed a page names), `items` (a feed cut into one document per
//! item), `store` (items into library files, written whole), `state`
//! (`feeds-state.json`: validators, waits, what is stored) and `run` (a
//! fetch of every feed on a few threads).
//!
//! What this room may touch: the network (through `http` only), the
//! subscriptions and state files beside the config file, and the first
//! library folder, where each feed's items are files under
//! `feeds/<feed>/`. It adds no store of issues of its own: the library
//! reads these files like any others (a feed item is known by its GUID,
//! as in a feed file kept by hand). No terminal here: `cli::fetch` and
//! the reader report what a fetch did.

pub mod discover;
pub mod feeds;
pub mod http;
pub mod items;
pub mod opml;
mod run;
pub mod state;
pub mod store;

pub use feeds::Feed;
pub use run::{
    DEFAULT_TIMEOUT, FeedReport, MAX_FEED_BYTES, Options, Outcome, Paths, Report, RunError, fetch,
};
