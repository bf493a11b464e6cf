//! The searchable form of a library, built once and queried on every keystroke.
//!
//! Shaped for large libraries: all story text lives folded in ONE byte buffer,
//! all names (section titles, issue titles, newsletter names; each distinct
//! name once) in another, with `u32` offsets into them, so building allocates
//! a handful of big buffers instead of one String per section, and a query
//! walks memory in order. Building folds the two halves of the library on two
//! threads and joins the results.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::engine;
use super::fold::push_folded_bytes;
use super::trigrams::TextFilter;
use super::{Hit, terms};
use crate::model::{Block, Issue, Library, Section};

/// A library's sections, folded for matching.
pub struct Index {
    /// Every distinct name, folded, each followed by a '\n' (which no term
    /// holds, so a match never runs from one name into the next). Bytes,
    /// not a `String`: a name is checked as UTF-8 where a score needs its
    /// chars (see `NameTerm::subsequence_score`), so a names file read back need not be
    /// checked whole before its first query.
    pub(crate) names: Vec<u8>,
    /// Name `k` is `names[name_starts[k]..name_starts[k + 1] - 1]`.
    pub(crate) name_starts: Vec<u32>,
    /// Which bytes each name holds (see `byte_mask`): a term whose mask is
    /// not a subset cannot be a subsequence of the name.
    pub(crate) name_masks: Vec<u64>,
    /// Per issue: the name ids of its title and of its newsletter's name.
    pub(crate) issue_names: Vec<[u32; 2]>,
    /// Per issue: its first section; one more entry for the end.
    pub(crate) issue_first: Vec<u32>,
    /// Per section: its issue.
    pub(crate) section_issue: Vec<u32>,
    /// Per section: the name id of its title.
    pub(crate) section_title: Vec<u32>,
    /// Every section's story text, folded, one block per line, each story
    /// followed by a '\n'.
    pub(crate) bodies: Vec<u8>,
    /// Story `s` is `bodies[body_starts[s]..body_starts[s + 1] - 1]`.
    pub(crate) body_starts: Vec<u32>,
    /// Which blocks of stories may hold a term.
    pub(crate) filter: TextFilter,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("issues", &self.issue_names.len())
            .field("sections", &self.section_issue.len())
            .field("names", &self.name_masks.len())
            .field("names_bytes", &self.names.len())
            .field("body_bytes", &self.bodies.len())
            .field("heap_bytes", &self.heap_bytes())
            .finish()
    }
}

impl Default for Index {
    /// The index of an empty library.
    fn default() -> Self {
        Index::new(&Library::default())
    }
}

/// Below this many sections one thread builds the whole index.
const PARALLEL_BUILD_MIN_SECTIONS: usize = 4096;

impl Index {
    pub fn new(library: &Library) -> Index {
        let issues = &library.issues;
        let total: usize = issues.iter().map(|i| i.sections.len()).sum();
        if total < PARALLEL_BUILD_MIN_SECTIONS {
            return Part::build(issues, 0).into_index();
        }
        // Split where half the sections are behind us.
        let mut seen = 0;
        let split = issues
            .iter()
            .position(|issue| {
                seen += issue.sections.len();
                seen >= total / 2
            })
            .map_or(issues.len(), |i| i + 1);
        let (first, second) = issues.split_at(split);
        let text_bytes = |part: &[Issue]| -> usize {
            part.iter()
                .flat_map(|i| &i.sections)
                .map(|s| s.body().len() + 8)
                .sum()
        };
        // The first half gets room for both, so joining copies only the
        // second, which comes in small parts each freed once copied: the
        // copy and the original never both hold the whole second half.
        let room = text_bytes(issues);
        let pieces = second.len().div_ceil(16).max(1);
        let build_rest = || {
            second
                .chunks(pieces)
                .map(|chunk| Part::build(chunk, 0))
                .collect::<Vec<_>>()
        };
        let (mut whole, rest) = std::thread::scope(|scope| {
            let rest = scope.spawn(build_rest);
            let whole = Part::build(first, room);
            (whole, rest.join())
        });
        // A panic in the helper thread: build its half here instead.
        for part in rest.unwrap_or_else(|_| build_rest()) {
            whole.append(part);
        }
        whole.into_index()
    }

    /// Every story that matches all terms of `query`, best first (ties: library
    /// order, i.e. issue index then section index). A blank query gives an empty Vec.
    pub fn query(&self, query: &str) -> Vec<Hit> {
        self.query_terms(&terms(query))
    }

    /// Like `query`, for terms already split (e.g. by `terms`, so the same
    /// terms can drive the highlights). Terms are folded again here, and empty
    /// ones ignored, so raw words work too.
    pub fn query_terms(&self, terms: &[String]) -> Vec<Hit> {
        let terms = engine::clean_terms(terms);
        if terms.is_empty() {
            return Vec::new();
        }
        engine::run(self, &terms, None).hits
    }

    /// Like `query_terms` on an index built without story text (see
    /// [`crate::db::search`]): the text's matches come from `text`, called
    /// once per folded term, giving per story (section index) how often
    /// the term occurs in its text.
    pub fn query_terms_with(
        &self,
        terms: &[String],
        text: &mut dyn FnMut(&str) -> engine::StoryCounts,
    ) -> Vec<Hit> {
        self.best_with(terms, text, None).0
    }

    /// [`Index::query_terms_with`] keeping the `keep` best hits only (all
    /// when None), as the whole list would begin, with how many stories
    /// matched in all.
    pub fn best_with(
        &self,
        terms: &[String],
        text: &mut dyn FnMut(&str) -> engine::StoryCounts,
        keep: Option<usize>,
    ) -> (Vec<Hit>, usize) {
        let terms = engine::clean_terms(terms);
        if terms.is_empty() {
            return (Vec::new(), 0);
        }
        let mut found = engine::TextHits::new();
        for term in &terms {
            if !found.contains_key(term) {
                found.insert(term.clone(), text(term));
            }
        }
        let pending = engine::Pending::ready(found);
        let outcome = engine::run_keeping(self, &terms, None, Some(&pending), keep);
        (outcome.hits, outcome.matched)
    }

    /// The index without story text, as bytes: what the library database
    /// keeps so a search need not read every title (see
    /// [`Index::from_name_parts`]): its arrays (little-endian u32s, each
    /// after its count as a u64) and its names.
    pub fn name_parts(&self) -> (Vec<u8>, &[u8]) {
        let mut out = Vec::with_capacity(
            8 * 6 + 4 * (3 * self.name_masks.len() + 3 * self.issue_names.len() + 2 * self.len()),
        );
        let put_u32s = |out: &mut Vec<u8>, values: &mut dyn Iterator<Item = u32>| {
            let at = out.len();
            out.extend_from_slice(&0u64.to_le_bytes());
            let mut n = 0u64;
            for v in values {
                out.extend_from_slice(&v.to_le_bytes());
                n += 1;
            }
            out[at..at + 8].copy_from_slice(&n.to_le_bytes());
        };
        put_u32s(&mut out, &mut self.name_starts.iter().copied());
        put_u32s(
            &mut out,
            &mut self
                .name_masks
                .iter()
                .flat_map(|m| [*m as u32, (*m >> 32) as u32]),
        );
        put_u32s(&mut out, &mut self.issue_names.iter().flatten().copied());
        put_u32s(&mut out, &mut self.issue_first.iter().copied());
        put_u32s(&mut out, &mut self.section_issue.iter().copied());
        put_u32s(&mut out, &mut self.section_title.iter().copied());
        (out, &self.names)
    }

    /// A copy of the index without story text.
    pub fn names_only(&self) -> Index {
        let (arrays, names) = self.name_parts();
        Index::from_name_parts(&arrays, names.to_vec()).unwrap_or_default()
    }

    /// An index without story text from [`Index::name_parts`]: stories are
    /// found by their names here, by their text through
    /// [`Index::query_terms_with`]. None when the parts do not make a
    /// consistent index (every offset is checked, so a damaged copy cannot
    /// make a query panic).
    pub fn from_name_parts(arrays: &[u8], names: Vec<u8>) -> Option<Index> {
        let mut rest = arrays;
        let mut read = |buf: &mut [u8]| -> Option<()> {
            let (piece, after) = rest.split_at_checked(buf.len())?;
            buf.copy_from_slice(piece);
            rest = after;
            Some(())
        };
        let parts = NameArrays::read(&mut read, arrays.len())?;
        Index::from_name_arrays(parts, names)
    }

    /// [`Index::from_name_parts`] with the arrays read already.
    pub fn from_name_arrays(arrays: NameArrays, names: Vec<u8>) -> Option<Index> {
        let NameArrays {
            name_starts,
            name_masks,
            issue_names,
            issue_first,
            section_issue,
            section_title,
        } = arrays;
        let names_n = name_masks.len();
        let sections = section_issue.len();
        let ok = name_starts.len() == names_n + 1
            && name_starts.first() == Some(&0)
            && name_starts.windows(2).all(|w| w[0] < w[1])
            && name_starts
                .last()
                .is_some_and(|&e| e as usize == names.len())
            && issue_first.len() == issue_names.len() + 1
            && issue_first.first() == Some(&0)
            && issue_first.windows(2).all(|w| w[0] <= w[1])
            && issue_first.last().is_some_and(|&e| e as usize == sections)
            && section_title.len() == sections
            && issue_names
                .iter()
                .flatten()
                .all(|&n| (n as usize) < names_n)
            && section_title.iter().all(|&n| (n as usize) < names_n)
            && section_issue.iter().enumerate().all(|(s, &i)| {
                let i = i as usize;
                i + 1 < issue_first.len()
                    && (issue_first[i] as usize) <= s
                    && s < issue_first[i + 1] as usize
            });
        if !ok {
            return None;
        }
        Some(Index::without_text(NameTable {
            names,
            name_starts,
            name_masks,
            issue_names,
            issue_first,
            section_issue,
            section_title,
        }))
    }

    /// An index of `table`, whose stories have no text (each body a lone
    /// '\n').
    fn without_text(table: NameTable) -> Index {
        let sections = table.section_issue.len();
        let bodies = vec![b'\n'; sections];
        let body_starts: Vec<u32> = (0..=sections).map(offset).collect();
        let filter = TextFilter::build(&bodies, &body_starts);
        Index {
            names: table.names,
            name_starts: table.name_starts,
            name_masks: table.name_masks,
            issue_names: table.issue_names,
            issue_first: table.issue_first,
            section_issue: table.section_issue,
            section_title: table.section_title,
            bodies,
            body_starts,
            filter,
        }
    }

    /// A names-only index of the issues `order` lists, in that order: each
    /// kept from this index (by its number here) or one of `added` (read
    /// without text). What the library database does when a few files
    /// changed, instead of reading every title again: the names of issues
    /// kept are not folded again, and names no issue uses any more are
    /// dropped once they are half the names.
    pub fn reassembled(&self, order: &[Piece], added: &[Issue]) -> Index {
        let part = Part::build(added, 0);
        let base = offset(self.name_masks.len());
        let base_bytes = offset(self.names.len());
        let mut table = NameTable {
            names: Vec::with_capacity(self.names.len() + part.names.len()),
            name_starts: Vec::with_capacity(self.name_starts.len() + part.name_masks.len()),
            name_masks: Vec::with_capacity(self.name_masks.len() + part.name_masks.len()),
            issue_names: Vec::with_capacity(order.len()),
            issue_first: Vec::with_capacity(order.len() + 1),
            section_issue: Vec::new(),
            section_title: Vec::new(),
        };
        table.names.extend_from_slice(&self.names);
        table.names.extend_from_slice(&part.names);
        table.name_starts.extend_from_slice(&self.name_starts);
        table
            .name_starts
            .extend(part.name_starts[1..].iter().map(|s| s + base_bytes));
        table.name_masks.extend_from_slice(&self.name_masks);
        table.name_masks.extend_from_slice(&part.name_masks);
        for piece in order {
            let issue = offset(table.issue_names.len());
            table.issue_first.push(offset(table.section_issue.len()));
            let (names, titles) = match *piece {
                Piece::Kept(i) => {
                    let i = i as usize;
                    let range = self.issue_first[i] as usize..self.issue_first[i + 1] as usize;
                    (self.issue_names[i], &self.section_title[range])
                }
                Piece::Added(k) => {
                    let range = part.issue_first[k] as usize..part.issue_first[k + 1] as usize;
                    let [title, newsletter] = part.issue_names[k];
                    table
                        .section_title
                        .extend(part.section_title[range].iter().map(|t| t + base));
                    let added = table.section_title.len() - table.section_issue.len();
                    table
                        .section_issue
                        .extend(std::iter::repeat_n(issue, added));
                    table.issue_names.push([title + base, newsletter + base]);
                    continue;
                }
            };
            table.issue_names.push(names);
            table.section_title.extend_from_slice(titles);
            table
                .section_issue
                .extend(std::iter::repeat_n(issue, titles.len()));
        }
        table.issue_first.push(offset(table.section_issue.len()));
        table.drop_unused_names();
        Index::without_text(table)
    }

    /// The flat story number of `section` of `issue` (the numbering
    /// `query_terms_with`'s text matches use).
    pub fn section_number(&self, issue: usize, section: usize) -> Option<u32> {
        let first = *self.issue_first.get(issue)?;
        let end = *self.issue_first.get(issue + 1)?;
        let n = first.checked_add(u32::try_from(section).ok()?)?;
        (n < end).then_some(n)
    }

    /// Number of stories (sections) in the library: the M of "N of M".
    pub fn len(&self) -> usize {
        self.section_issue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.section_issue.is_empty()
    }

    /// Bytes the index holds on the heap (its buffers' capacities).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.names.capacity()
            + self.bodies.capacity()
            + size_of::<u32>()
                * (self.name_starts.capacity()
                    + self.issue_first.capacity()
                    + self.section_issue.capacity()
                    + self.section_title.capacity()
                    + self.body_starts.capacity())
            + size_of::<u64>() * self.name_masks.capacity()
            + size_of::<[u32; 2]>() * self.issue_names.capacity()
            + self.filter.heap_bytes()
    }

    /// Name `id`, folded, as bytes.
    pub(crate) fn name_bytes(&self, id: u32) -> &[u8] {
        let id = id as usize;
        let start = self.name_starts[id] as usize;
        let end = self.name_starts[id + 1] as usize - 1;
        &self.names[start..end]
    }

    /// Story `section`'s text, folded.
    #[cfg(test)]
    pub(crate) fn body(&self, section: usize) -> &[u8] {
        let start = self.body_starts[section] as usize;
        let end = self.body_starts[section + 1] as usize - 1;
        &self.bodies[start..end]
    }

    /// The hit for `section` with `score`.
    pub(crate) fn hit(&self, section: u32, score: i64) -> Hit {
        let issue = self.section_issue[section as usize];
        Hit {
            issue: issue as usize,
            section: (section - self.issue_first[issue as usize]) as usize,
            score,
        }
    }
}

/// The arrays of [`Index::name_parts`], read but not yet checked.
pub struct NameArrays {
    name_starts: Vec<u32>,
    name_masks: Vec<u64>,
    issue_names: Vec<[u32; 2]>,
    issue_first: Vec<u32>,
    section_issue: Vec<u32>,
    section_title: Vec<u32>,
}

impl NameArrays {
    /// Reads `len` bytes of arrays through `read` (which fills the buffer
    /// it is given, or fails), each straight into its vector. None when
    /// they do not add up to `len`.
    pub fn read(read: &mut dyn FnMut(&mut [u8]) -> Option<()>, len: usize) -> Option<NameArrays> {
        let mut left = len;
        // The next array's length, in u32s (a damaged count is caught
        // here, before anything is allocated: never more than is there).
        let mut count = |read: &mut dyn FnMut(&mut [u8]) -> Option<()>| -> Option<usize> {
            let mut count = [0u8; 8];
            left = left.checked_sub(8)?;
            read(&mut count)?;
            let n = usize::try_from(u64::from_le_bytes(count)).ok()?;
            left = left.checked_sub(n.checked_mul(4)?)?;
            Some(n)
        };
        let u32s = |read: &mut dyn FnMut(&mut [u8]) -> Option<()>, n| read_values::<u32>(read, n);
        let n = count(read)?;
        let name_starts = u32s(read, n)?;
        let n = count(read)?;
        let name_masks = (n % 2 == 0).then(|| read_values::<u64>(read, n / 2))??;
        let n = count(read)?;
        let issue_names = (n % 2 == 0).then(|| read_values::<[u32; 2]>(read, n / 2))??;
        let n = count(read)?;
        let issue_first = u32s(read, n)?;
        let n = count(read)?;
        let section_issue = u32s(read, n)?;
        let n = count(read)?;
        let section_title = u32s(read, n)?;
        (left == 0).then_some(NameArrays {
            name_starts,
            name_masks,
            issue_names,
            issue_first,
            section_issue,
            section_title,
        })
    }
}

/// A number (or pair) stored little-endian in a file.
pub trait LittleEndian: bytemuck::Pod {
    /// The value from its stored form (nothing to do on a little-endian machine).
    fn to_native(self) -> Self;
}

impl LittleEndian for u32 {
    fn to_native(self) -> Self {
        u32::from_le(self)
    }
}

impl LittleEndian for u64 {
    fn to_native(self) -> Self {
        u64::from_le(self)
    }
}

impl LittleEndian for i64 {
    fn to_native(self) -> Self {
        i64::from_le(self)
    }
}

impl LittleEndian for [u32; 2] {
    fn to_native(self) -> Self {
        self.map(u32::from_le)
    }
}

/// `n` little-endian values read through `read` (which fills the buffer it
/// is given, or fails) straight into their vector: no decoding pass and no
/// second copy. The caller has checked that `n` values are there.
pub fn read_values<T: LittleEndian>(
    read: &mut dyn FnMut(&mut [u8]) -> Option<()>,
    n: usize,
) -> Option<Vec<T>> {
    let mut out = vec![T::zeroed(); n];
    read(bytemuck::cast_slice_mut(&mut out))?;
    if cfg!(target_endian = "big") {
        for v in &mut out {
            *v = v.to_native();
        }
    }
    Some(out)
}

/// Where an issue of a [`Index::reassembled`] index comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Issue number `n` of the index reassembled.
    Kept(u32),
    /// Issue `n` of the issues added.
    Added(usize),
}

/// The name side of an index, being put together.
struct NameTable {
    names: Vec<u8>,
    name_starts: Vec<u32>,
    name_masks: Vec<u64>,
    issue_names: Vec<[u32; 2]>,
    issue_first: Vec<u32>,
    section_issue: Vec<u32>,
    section_title: Vec<u32>,
}

impl NameTable {
    /// Drops the names no issue or story uses once they hold half the
    /// names' bytes, numbering the others again.
    fn drop_unused_names(&mut self) {
        let mut used = vec![false; self.name_masks.len()];
        for &n in self.issue_names.iter().flatten().chain(&self.section_title) {
            used[n as usize] = true;
        }
        let span = |id: usize| (self.name_starts[id + 1] - self.name_starts[id]) as usize;
        let unused: usize = (0..used.len()).filter(|&id| !used[id]).map(span).sum();
        if unused * 2 <= self.names.len() {
            return;
        }
        let mut renumbered = vec![u32::MAX; used.len()];
        let mut names = Vec::with_capacity(self.names.len() - unused);
        let mut starts = vec![0u32];
        let mut masks = Vec::new();
        for (id, _) in used.iter().enumerate().filter(|(_, u)| **u) {
            renumbered[id] = offset(masks.len());
            let (a, b) = (
                self.name_starts[id] as usize,
                self.name_starts[id + 1] as usize,
            );
            names.extend_from_slice(&self.names[a..b]);
            starts.push(offset(names.len()));
            masks.push(self.name_masks[id]);
        }
        for n in self
            .issue_names
            .iter_mut()
            .flatten()
            .chain(&mut self.section_title)
        {
            *n = renumbered[*n as usize];
        }
        self.names = names;
        self.name_starts = starts;
        self.name_masks = masks;
    }
}

/// One bit per byte class: a-z and 0-9 get a bit each, other bytes share the
/// rest. If a term's mask is not a subset of a text's, the term is not in it.
pub(crate) fn byte_mask(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0, |mask, &b| mask | BYTE_BITS[b as usize])
}

const BYTE_BITS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let bit = match byte {
            b'a'..=b'z' => byte - b'a',
            b'0'..=b'9' => 26 + byte - b'0',
            0x80..=0xff => 36 + byte % 20,
            _ => 56 + byte % 8,
        };
        table[b] = 1 << bit;
        b += 1;
    }
    table
};

/// Offsets are u32: text beyond 4 GiB is not indexed (a story past it is
/// found by its names only).
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The index of a run of issues, built on one thread.
struct Part {
    /// Folded names, as bytes while building (see `into_index`).
    names: Vec<u8>,
    name_starts: Vec<u32>,
    name_masks: Vec<u64>,
    /// Folded name hash -> id, so a name shared by many issues (a newsletter's
    /// name) is stored and scored once.
    seen_names: HashMap<u64, u32>,
    issue_names: Vec<[u32; 2]>,
    issue_first: Vec<u32>,
    section_issue: Vec<u32>,
    section_title: Vec<u32>,
    bodies: Vec<u8>,
    body_starts: Vec<u32>,
    filter: TextFilter,
}

impl Part {
    /// `room`: bytes to reserve for story text (0: as much as these issues need).
    fn build(issues: &[Issue], room: usize) -> Part {
        let sections: usize = issues.iter().map(|i| i.sections.len()).sum();
        let room = if room > 0 {
            room
        } else {
            issues
                .iter()
                .flat_map(|i| &i.sections)
                .map(|s| s.body().len() + 8)
                .sum()
        };
        let mut part = Part {
            names: Vec::new(),
            name_starts: vec![0],
            name_masks: Vec::new(),
            seen_names: HashMap::new(),
            issue_names: Vec::with_capacity(issues.len()),
            issue_first: Vec::with_capacity(issues.len() + 1),
            section_issue: Vec::with_capacity(sections),
            section_title: Vec::with_capacity(sections),
            bodies: Vec::with_capacity(room),
            body_starts: Vec::with_capacity(sections + 1),
            filter: TextFilter::build(&[], &[]),
        };
        part.body_starts.push(0);
        for (issue_index, issue) in issues.iter().enumerate() {
            let title = part.push_name(&issue.title);
            let newsletter = part.push_name(issue.newsletter.as_deref().unwrap_or(""));
            part.issue_names.push([title, newsletter]);
            part.issue_first.push(offset(part.section_issue.len()));
            for section in &issue.sections {
                let title = part.push_name(&section.title);
                part.section_title.push(title);
                part.section_issue.push(offset(issue_index));
                let start = part.bodies.len();
                push_body(&mut part.bodies, section);
                if part.bodies.len() >= u32::MAX as usize {
                    part.bodies.truncate(start);
                }
                part.bodies.push(b'\n');
                part.body_starts.push(offset(part.bodies.len()));
            }
        }
        part.issue_first.push(offset(part.section_issue.len()));
        part.filter = TextFilter::build(&part.bodies, &part.body_starts);
        part
    }

    /// Adds a name (unless already there) and returns its id.
    fn push_name(&mut self, name: &str) -> u32 {
        let start = self.names.len();
        push_folded_bytes(&mut self.names, name);
        let hash = xxhash_rust::xxh3::xxh3_64(&self.names[start..]);
        let next = offset(self.name_masks.len());
        match self.seen_names.entry(hash) {
            Entry::Occupied(seen) => {
                let id = *seen.get() as usize;
                let (a, b) = (
                    self.name_starts[id] as usize,
                    self.name_starts[id + 1] as usize,
                );
                if self.names[a..b - 1] == self.names[start..] {
                    self.names.truncate(start);
                    return *seen.get();
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(next);
            }
        }
        self.name_masks.push(byte_mask(&self.names[start..]));
        self.names.push(b'\n');
        self.name_starts.push(offset(self.names.len()));
        next
    }

    /// Appends `other`, which indexes the issues after ours.
    fn append(&mut self, other: Part) {
        let names = offset(self.name_masks.len());
        let name_bytes = offset(self.names.len());
        let issues = offset(self.issue_names.len());
        let sections = offset(self.section_issue.len());
        let body_bytes = offset(self.bodies.len());
        self.names.extend_from_slice(&other.names);
        self.name_starts
            .extend(other.name_starts[1..].iter().map(|s| s + name_bytes));
        self.name_masks.extend_from_slice(&other.name_masks);
        self.issue_names.extend(
            other
                .issue_names
                .iter()
                .map(|[t, n]| [t + names, n + names]),
        );
        self.issue_first.pop();
        self.issue_first
            .extend(other.issue_first.iter().map(|s| s + sections));
        self.section_issue
            .extend(other.section_issue.iter().map(|i| i + issues));
        self.section_title
            .extend(other.section_title.iter().map(|t| t + names));
        self.filter.append(other.filter, sections);
        if self.bodies.len() + other.bodies.len() < u32::MAX as usize {
            self.bodies.extend_from_slice(&other.bodies);
            self.body_starts
                .extend(other.body_starts[1..].iter().map(|s| s + body_bytes));
        } else {
            // Past 4 GiB: the second half's stories are found by name only.
            for _ in 1..other.body_starts.len() {
                self.bodies.push(b'\n');
                self.body_starts.push(offset(self.bodies.len()));
            }
        }
    }

    fn into_index(mut self) -> Index {
        // Folded from whole chars of valid UTF-8: valid UTF-8 too.
        let mut names = self.names;
        names.shrink_to_fit();
        self.bodies.shrink_to_fit();
        Index {
            names,
            name_starts: self.name_starts,
            name_masks: self.name_masks,
            issue_names: self.issue_names,
            issue_first: self.issue_first,
            section_issue: self.section_issue,
            section_title: self.section_title,
            bodies: self.bodies,
            body_starts: self.body_starts,
            filter: self.filter,
        }
    }
}

/// Appends a story's text as a reader sees it (labels and numbers included,
/// bullet and quote markers not: they are not words anyone searches for),
/// folded, one block per line. That is the section's body as stored, but
/// for the numbers of numbered blocks.
fn push_body(buffer: &mut Vec<u8>, section: &Section) {
    if !section
        .blocks()
        .any(|block| matches!(block, Block::Numbered { .. }))
    {
        push_folded_bytes(buffer, section.body());
        return;
    }
    for (i, block) in section.blocks().enumerate() {
        if i > 0 {
            buffer.push(b'\n');
        }
        push_block(buffer, &block);
    }
}

/// Appends a block's text as a reader sees it (labels and markers included),
/// folded, without building the plain-text String first.
fn push_block(buffer: &mut Vec<u8>, block: &Block) {
    match block {
        Block::Labelled { label, text } => {
            push_folded_bytes(buffer, label);
            buffer.extend_from_slice(b": ");
            push_folded_bytes(buffer, text);
        }
        Block::Numbered { number, text } => {
            buffer.extend_from_slice(number.to_string().as_bytes());
            buffer.extend_from_slice(b". ");
            push_folded_bytes(buffer, text);
        }
        // Bullet and quote markers are not words anyone searches for.
        other => push_folded_bytes(buffer, other.text()),
    }
}
