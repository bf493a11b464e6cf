//! The reader's library from the library index: the issue list and story
//! titles only (what the lists and the filter's names need), the first
//! screen of issues streamed before the rest, the filter's names from the
//! stored snapshot, and the story text left in the database until a story
//! is shown ([`DbTexts`]) or searched ([`crate::search::TextCounts`]).

use std::path::{Path, PathBuf};

use super::index::LibraryIndex;
use super::search::{RowMap, Snapshot};
use crate::app::StoryTexts;
use crate::library::{Opened, Options, SortOrder};
use crate::model::{Issue, Library, Section, SourceError};
use crate::parse::SplitRules;
use crate::search::{Index, Piece, TextCounts};

/// Issues sent ahead of the rest at start: more than a screen holds.
const FIRST_SCREEN: usize = 200;

/// The reader's library, its filter index (names only) and two handles on
/// the stories' text: one for the reader (the shown story), one for the
/// search worker.
pub struct ReaderLibrary {
    pub opened: Opened,
    pub index: Index,
    pub texts: DbTexts,
    pub counts: DbTexts,
    /// How to bring it up to date in place when files come or go (None:
    /// a library in another order than the index's, read again whole).
    pub updater: Option<ReaderUpdater>,
}

/// Brings a reader's library up to date when files come or go: the
/// folders synced, then only the issues added read and those gone
/// dropped, the names reassembled from the reader's own, so a change
/// never holds a second copy of the library (at 40k issues a whole
/// reload took the reader from 227 to 515 MiB).
pub struct ReaderUpdater {
    index: LibraryIndex,
    db: PathBuf,
    dirs: Vec<PathBuf>,
    rules: SplitRules,
    place: String,
    warnings: Vec<SourceError>,
    /// The rows of the reader's issues and stories, in its order.
    issues: Vec<i64>,
    stories: Vec<i64>,
}

/// What changed (see [`ReaderUpdater::update`]).
pub struct Changed {
    /// Where each issue of the new list comes from: one of the reader's
    /// (by its number there) or one of `added`.
    pub pieces: Vec<Piece>,
    pub added: Vec<Issue>,
    /// The sources that cannot be read, and the folders' warnings.
    pub errors: Vec<SourceError>,
    /// "40,001 issues from ~/news".
    pub said: String,
    /// The new names, and the text search that numbers stories as they do.
    pub index: Index,
    pub counts: DbTexts,
}

impl ReaderUpdater {
    /// Syncs the folders and gives what changed against the reader's
    /// names `names`; None when the library must be read again whole (most
    /// issues new, none left, the index unreadable).
    pub fn update(&mut self, names: &Index) -> Option<Changed> {
        let synced = self
            .index
            .sync(
                &self.dirs,
                &self.rules,
                &crate::library::Progress::default(),
            )
            .ok()?;
        let update = self
            .index
            .update_from(names, &self.issues, &self.stories)
            .ok()??;
        let (issues, stories) = update.snapshot.rows_numbered();
        if issues.is_empty() || update.snapshot.index.len() != stories.len() {
            return None;
        }
        let mut errors = synced.walk_errors;
        errors.extend(self.index.errors().ok()?);
        errors.extend(self.warnings.iter().cloned());
        let counts = DbTexts {
            index: reopen(&self.db).ok()?,
            rows: update.snapshot.rows.clone(),
        };
        self.issues = issues.to_vec();
        self.stories = stories.to_vec();
        let said = format!(
            "{} from {}",
            crate::library::open::count(issues.len(), "issue"),
            self.place
        );
        Some(Changed {
            pieces: update.pieces,
            added: update.added,
            errors,
            said,
            index: update.snapshot.index,
            counts,
        })
    }
}

/// Story text and text search through a connection of its own.
pub struct DbTexts {
    index: LibraryIndex,
    rows: RowMap,
}

impl StoryTexts for DbTexts {
    fn story(&mut self, section_id: &str) -> Option<Section> {
        self.index.story(section_id).ok().flatten()
    }
}

impl TextCounts for DbTexts {
    fn counts(&mut self, term: &str) -> Vec<u8> {
        self.index.text_counts_in(&self.rows, term)
    }
}

/// The library folders of `options` through the library index; None when
/// there is no index to use (no library folder, nothing in it: the
/// samples; the index cannot be opened: said in `Err`), and the caller
/// reads the files as before.
pub fn open_reader(options: &Options) -> Result<Option<ReaderLibrary>, SourceError> {
    let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    let Ok((dirs, shown, mut warnings)) =
        crate::library::open::resolve_folders(options, home.as_deref())
    else {
        return Ok(None);
    };
    let Some(db) = crate::paths::index_db() else {
        return Ok(None);
    };
    let said = |e: super::DbError| SourceError {
        source: db.display().to_string(),
        message: format!("the library index cannot be used ({e}); the files were read instead"),
    };
    // Folders first (quick): the issue list is on screen before every
    // file is looked at.
    let (mut index, synced) =
        crate::library::open::synced_index(&db, &dirs, options, &mut warnings).map_err(said)?;
    let issues = index.issue_count().map_err(said)?;
    if issues == 0 && dirs.is_empty() {
        return Ok(None);
    }
    if synced.parsed == 0 {
        stream_first(&index, issues, options);
    }
    // Then every file, for those rewritten in place (once the reader
    // watches the folders, so a file arriving now is not missed).
    options.progress.before_walk();
    let full = index
        .sync(&dirs, &options.split, &options.progress)
        .map_err(said)?;
    let (library, issue_ids, stories, generation) = read_titles(&index).map_err(said)?;
    if library.issues.is_empty() {
        return Ok(None);
    }
    let mut errors = full.walk_errors;
    errors.extend(index.errors().map_err(said)?);
    let (library, snapshot) = if options.sort == SortOrder::Date {
        let snapshot = match index.stored_snapshot(generation) {
            Some(snapshot) if snapshot.index.len() == stories.len() => snapshot,
            _ => {
                let made = Snapshot::of(&library, issue_ids, stories, generation);
                index.store_snapshot(&made);
                made
            }
        };
        (library, snapshot)
    } else {
        sorted(library, issue_ids, stories, generation, options.sort)
    };
    let mut library = library;
    library.errors = errors;
    let rows = snapshot.rows.clone();
    let updater = if options.sort == SortOrder::Date {
        let (issues, stories) = snapshot.rows_numbered();
        Some(ReaderUpdater {
            index: reopen(&db).map_err(said)?,
            db: db.clone(),
            dirs: dirs.clone(),
            rules: options.split.clone(),
            place: crate::library::open::place_of(&shown),
            warnings: warnings.clone(),
            issues: issues.to_vec(),
            stories: stories.to_vec(),
        })
    } else {
        None
    };
    let opened = crate::library::open::finish_folders(library, shown, warnings);
    let texts = DbTexts {
        index: reopen(&db).map_err(said)?,
        rows: rows.clone(),
    };
    let counts = DbTexts {
        index: reopen(&db).map_err(said)?,
        rows,
    };
    Ok(Some(ReaderLibrary {
        opened,
        index: snapshot.index,
        texts,
        counts,
        updater,
    }))
}

fn reopen(db: &Path) -> Result<LibraryIndex, super::DbError> {
    LibraryIndex::open(db).map(|(index, _)| index)
}

/// Sends the first screen of issues (titles only) to the reader at once.
fn stream_first(index: &LibraryIndex, total: usize, options: &Options) {
    let mut first = Vec::with_capacity(FIRST_SCREEN);
    let _ = index.each_issue(false, &mut |issue, _| {
        first.push(issue);
        first.len() < FIRST_SCREEN
    });
    options.progress.report(first.len(), total, &first);
}

/// The issues and story titles, the issues' and the stories' rows in the
/// same order, and the index's generation they were read at (one read
/// transaction).
#[allow(clippy::type_complexity)]
fn read_titles(index: &LibraryIndex) -> Result<(Library, Vec<i64>, Vec<i64>, i64), super::DbError> {
    let err = super::sql(index.path());
    let tx = index.conn.unchecked_transaction().map_err(&err)?;
    let generation = super::index::generation(&tx).map_err(&err)?;
    let (issues, ids, issue_ids) = index.all_issues(false)?;
    let stories: Vec<i64> = ids.into_iter().flatten().collect();
    tx.commit().map_err(&err)?;
    Ok((
        Library {
            issues,
            errors: Vec::new(),
        },
        issue_ids,
        stories,
        generation,
    ))
}

/// The library in another order than the index's, with its snapshot built
/// in that order.
fn sorted(
    library: Library,
    issue_ids: Vec<i64>,
    stories: Vec<i64>,
    generation: i64,
    order: SortOrder,
) -> (Library, Snapshot) {
    let mut rows = stories.into_iter();
    let mut paired: Vec<(Issue, i64, Vec<i64>)> = library
        .issues
        .into_iter()
        .zip(issue_ids)
        .map(|(issue, id)| {
            let ids: Vec<i64> = rows.by_ref().take(issue.sections.len()).collect();
            (issue, id, ids)
        })
        .collect();
    if order == SortOrder::Newsletter {
        // Stable on top of the date order, as `library::sort_issues_by`.
        paired.sort_by_cached_key(|(i, _, _)| {
            (
                i.newsletter.is_none(),
                i.newsletter.as_deref().map(str::to_lowercase),
            )
        });
    }
    let mut issues = Vec::with_capacity(paired.len());
    let mut issue_ids = Vec::with_capacity(paired.len());
    let mut ids = Vec::new();
    for (issue, id, rows) in paired {
        issues.push(issue);
        issue_ids.push(id);
        ids.extend(rows);
    }
    let library = Library {
        issues,
        errors: library.errors,
    };
    let snapshot = Snapshot::of(&library, issue_ids, ids, generation);
    (library, snapshot)
}
