//! Parsers: pure functions from the bytes of one source to model issues.
//!
//! One module per input format. Nothing here touches the file system or the
//! terminal; `library` reads files and hands their bytes to [`parse_bytes`].

pub mod date;
pub mod decode;
pub mod plain;

use crate::model::Issue;

/// Why a source gave no issues. Messages are shown to the user as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the file is empty")]
    Empty,
    #[error("this looks like a binary file, not a newsletter")]
    Binary,
    #[error("the file holds only blank lines")]
    Blank,
}

/// Parses one source (a whole file's bytes) into the issues it holds.
pub fn parse_bytes(bytes: &[u8], source: &str) -> Result<Vec<Issue>, ParseError> {
    let text = decode::decode(bytes)?;
    if text.trim().is_empty() {
        return Err(ParseError::Blank);
    }
    Ok(vec![plain::parse(&text, source)])
}

/// A stable short id: the first 16 hex digits of xxh3 over the given parts.
pub(crate) fn stable_id(parts: &[&[u8]]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    format!("{:016x}", hasher.digest())
}
