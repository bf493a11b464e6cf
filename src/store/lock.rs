//! An advisory lock on a file beside the state, held while a save reads,
//! merges and writes, so two readers' saves take turns.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

/// How long a save waits for another reader's save before going ahead.
const PATIENCE: Duration = Duration::from_secs(2);

/// The lock, released when dropped (closing the file releases it).
pub struct Lock {
    _file: File,
}

/// Takes the lock at `path`, waiting up to two seconds; None if it cannot
/// be had (a read-only folder, a reader stuck while holding it).
pub fn acquire(path: &Path) -> Option<Lock> {
    // A FIFO or a device in its place is no lock, and never waited on.
    let file = super::own::open_regular_to_write(path).ok()?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Some(Lock { _file: file }),
            Err(TryLockError::WouldBlock) if start.elapsed() < PATIENCE => {
                thread::sleep(Duration::from_millis(10));
            }
            Err(_) => return None,
        }
    }
}
