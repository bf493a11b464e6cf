//! skim's fuzzy score, computed without skim's per-call allocations and
//! without its full score matrix.
//!
//! The algorithm is fuzzy-matcher's `SkimMatcherV2` (crate fuzzy-matcher
//! 0.3.7, `skim.rs`): [`skim_score`] gives exactly what
//! `SkimMatcherV2::default().ignore_case().use_cache(false).fuzzy_match(name, term)`
//! would, for any strings. skim builds a `Vec<char>` of the name and of the
//! term, a vector of in-place bonuses, the greedy first matches and a score
//! matrix on every call, and computes every cell of the matrix. Here the
//! scratch space is the caller's, ASCII is read as bytes, and only the
//! cells where a term char matches are computed: the rest of each row
//! follows from them in closed form.
//!
//! # What skim computes
//!
//! An affine-gap alignment of the term against the name. Column `c` of the
//! matrix is name char `c - 1`; `M[i][c]` is the best score with term char
//! `i` on that name char, `P[i][c]` the best with that name char skipped:
//!
//! ```text
//! M[i][c] = max(M[i-1][c-1] + consecutive, P[i-1][c-1] + in_place[c]) + 16 (14 if only ASCII case matches)
//!           or -inf where term char i does not match name char c - 1
//! P[i][c] = max(M[i][c-1] - 4, P[i][c-1] - 1)
//! consecutive = max(bonus[c-1], in_place[c], 4)
//! ```
//!
//! `in_place[c]` is the bonus for where name char `c - 1` sits (8 at the
//! head of a word, 7 after other punctuation, 6 for camel case), doubled for
//! the name's first char. Without match positions skim keeps two physical
//! rows: term row `i` writes physical row `(i + 1) & 1` and reads row
//! `i - 1` from the other one, so what a row does not write is what row
//! `i - 2` (or the initialisation) left there, and skim reads some of that.
//! The score depends on it, so it is reproduced here:
//!
//! - Physical row 0 starts as `M = -inf, P = -1` in every column; physical
//!   row 1, a fresh matrix, holds `M = P = -inf`. So term row 0 reads
//!   `M = -inf, P = -1` on its diagonal.
//! - Term row `i` runs over the columns after the greedy first match of
//!   term char `i` (skim's `cheap_matches`). The cell left of those, its
//!   first "previous" cell, is not reset: its `M`, `P` and bonus are what
//!   row `i - 2` left in that column (for rows 0 and 1, the initial ones).
//! - `bonus` lives in the cells of the row being written: a match in column
//!   `c` reads it from cell `c - 1` and writes `consecutive` back there; a
//!   mismatch sets its own cell's bonus to 0. So after a match in column
//!   `c - 1` (which wrote into `c - 2`), cell `c - 1` still holds what row
//!   `i - 2` left, and that is what a match in `c` reads.
//! - `-inf` is `i16::MIN` in i32, added to like any number.
//! - The score is the largest `M` of the last row from the column of its
//!   first greedy match, whose cell is again a leftover of row `i - 2`.
//!
//! # Only the matched cells
//!
//! Where term char `i` does not match, `M` is `-inf`, the cell's bonus ends
//! up 0 unless the next column matches, and `P` falls by one a column from
//! the `P` after the row's last match (or its first "previous" cell), never
//! below `-inf - 4` (the `M - 4` of an unmatched cell). So a row is kept as its *events*, the columns
//! where it matches plus its first "previous" cell (a bit per column, and
//! per event what later rows read), and `M`, `P` or the bonus of any other
//! column is worked out from the event left of it. A row reads the one
//! before on its diagonal and the one before that for the leftovers, only
//! in columns where it matches. Columns right of the last match of the
//! term's last char are not computed at all: no cell left of them depends
//! on them, and the last row has `-inf` there.

use std::hint::select_unpredictable as pick;

use memchr::memmem::Finder;

/// skim's score for one matched char (`SkimScoreConfig::score_match`).
const SCORE_MATCH: i32 = 16;
/// The cost of opening a gap (`gap_start`).
const GAP_START: i32 = -3;
/// The cost of each skipped char (`gap_extension`).
const GAP_EXTENSION: i32 = -1;
/// The in-place bonus of the name's first char counts this many times.
const FIRST_CHAR_MULTIPLIER: i32 = 2;
/// Matched char at the head of a word (after a hard separator or at the start).
const BONUS_HEAD: i32 = SCORE_MATCH / 2;
/// Matched char after a soft separator.
const BONUS_BREAK: i32 = SCORE_MATCH / 2 + GAP_EXTENSION;
/// Matched upper-case char after a lower-case letter or digit.
const BONUS_CAMEL: i32 = SCORE_MATCH / 2 + 2 * GAP_EXTENSION;
/// Least bonus of a match right after another match.
const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
/// Chars equal only when ASCII case is ignored.
const PENALTY_CASE_MISMATCH: i32 = 2 * GAP_EXTENSION;
/// skim's minus infinity (`MATRIX_CELL_NEG_INFINITY`).
const NEG_INFINITY: i32 = i16::MIN as i32;
/// The lowest `P` right of an unmatched column: `M - 4` there.
const P_FLOOR: i32 = NEG_INFINITY + GAP_START + GAP_EXTENSION;

/// skim's character classes (`skim::CharType`).
#[derive(Clone, Copy)]
enum CharType {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

impl CharType {
    /// The class of a char: every non-ASCII char is `Lower`.
    fn of(c: char) -> Self {
        u8::try_from(c).map_or(CharType::Lower, Self::of_byte)
    }

    /// The class of a byte (bytes from 0x80 count as `Lower`), from a table.
    fn of_byte(b: u8) -> Self {
        BYTE_KINDS[usize::from(b)]
    }

    /// The class of a byte, worked out (see `BYTE_KINDS`).
    const fn classify(b: u8) -> Self {
        match b {
            0 => CharType::Empty,
            b' ' | b'/' | b'\\' | b'|' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => {
                CharType::HardSep
            }
            b'!'..=b'\'' | b'*'..=b'.' | b':'..=b'@' | b'^'..=b'`' | b'~' => CharType::SoftSep,
            b'0'..=b'9' => CharType::Number,
            b'A'..=b'Z' => CharType::Upper,
            _ => CharType::Lower,
        }
    }
}

/// `CharType::classify` of every byte: a lookup instead of a chain of
/// range tests.
static BYTE_KINDS: [CharType; 256] = {
    let mut kinds = [CharType::Lower; 256];
    let mut b = 0;
    while b < 256 {
        kinds[b] = CharType::classify(b as u8);
        b += 1;
    }
    kinds
};

/// skim's bonus for matching a char of class `kind` after one of class
/// `prev` (head of a word 8, after a soft separator 7, camel case 6).
const fn in_place_bonus(prev: CharType, kind: CharType) -> i32 {
    match (prev, kind) {
        (CharType::Empty | CharType::HardSep, _) => BONUS_HEAD,
        (CharType::SoftSep, _) => BONUS_BREAK,
        (CharType::Lower | CharType::Number, CharType::Upper) => BONUS_CAMEL,
        _ => 0,
    }
}

/// The classes in the order of their discriminants, for `BONUSES`.
const KINDS: [CharType; 6] = [
    CharType::Empty,
    CharType::Upper,
    CharType::Lower,
    CharType::Number,
    CharType::HardSep,
    CharType::SoftSep,
];

/// `in_place_bonus` by `[prev as usize][kind as usize]`: a lookup instead
/// of branches on every matched char.
static BONUSES: [[i32; 6]; 6] = {
    let mut table = [[0; 6]; 6];
    let mut prev = 0;
    while prev < 6 {
        let mut kind = 0;
        while kind < 6 {
            table[prev][kind] = in_place_bonus(KINDS[prev], KINDS[kind]);
            kind += 1;
        }
        prev += 1;
    }
    table
};

/// skim's in-place bonus of column `col` (name char `col - 1`).
fn in_place<T: Unit>(name: &[T], col: usize) -> i32 {
    let kind = name[col - 1].kind() as usize;
    match col.checked_sub(2) {
        Some(prev) => BONUSES[name[prev].kind() as usize][kind],
        None => BONUSES[CharType::Empty as usize][kind] * FIRST_CHAR_MULTIPLIER,
    }
}

/// A unit of text skim compares: a byte of ASCII text or a char.
trait Unit: Copy + Into<u32> {
    /// skim's class of the unit.
    fn kind(self) -> CharType;

    /// A bit per unit (at most 64), set where the unit matches `wanted`.
    fn match_bits(units: &[Self], wanted: Wanted) -> u64 {
        units
            .iter()
            .enumerate()
            .fold(0, |bits, (i, &u)| bits | u64::from(wanted.matches(u)) << i)
    }
}

impl Unit for u8 {
    fn kind(self) -> CharType {
        CharType::of_byte(self)
    }

    /// Eight bytes at a time: a byte of `(word | fold) ^ folded` is zero
    /// where the bytes match; the carry-free zero-byte test below sets that
    /// byte's top bit, and one multiplication gathers the eight top bits.
    fn match_bits(units: &[Self], wanted: Wanted) -> u64 {
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const ONES: u64 = 0x0101_0101_0101_0101;
        // Moves bit 8k to bit 56 + k; no two of the products overlap.
        const GATHER: u64 = 0x0102_0408_1020_4080;
        let fold = u64::from(wanted.fold) * ONES;
        let folded = u64::from(wanted.folded) * ONES;
        let eight = |bytes: &[u8]| {
            let word = bytes.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b));
            let x = (word | fold) ^ folded;
            let zero = !(((x & LOW7) + LOW7) | x | LOW7);
            (zero >> 7).wrapping_mul(GATHER) >> 56
        };
        let chunks = units.chunks_exact(8);
        let tail = chunks.remainder();
        let mut bits = 0;
        let mut shift = 0;
        for chunk in chunks {
            bits |= eight(chunk) << shift;
            shift += 8;
        }
        if !tail.is_empty() {
            // The missing bytes read as 0, which a NUL term char matches.
            bits |= (eight(tail) & ((1 << tail.len()) - 1)) << shift;
        }
        bits
    }
}

impl Unit for char {
    fn kind(self) -> CharType {
        CharType::of(self)
    }
}

/// A term char, ready to compare with name units: skim's case-ignoring
/// equality (ASCII case only) as one OR and one compare.
#[derive(Clone, Copy, PartialEq)]
struct Wanted {
    /// The char itself, for the case-mismatch penalty.
    exact: u32,
    /// 0x20 for an ASCII letter (the bit case flips), else 0.
    fold: u32,
    /// `exact | fold`: a unit `u` matches when `u | fold` is this.
    folded: u32,
}

impl Wanted {
    fn new<T: Unit>(unit: T) -> Self {
        let exact: u32 = unit.into();
        let is_letter = u8::try_from(exact).is_ok_and(|b| b.is_ascii_alphabetic());
        let fold = if is_letter { 0x20 } else { 0 };
        Wanted {
            exact,
            fold,
            folded: exact | fold,
        }
    }

    fn matches<T: Unit>(self, unit: T) -> bool {
        unit.into() | self.fold == self.folded
    }

    /// skim's score for a matched unit: less if only ASCII case made it match.
    fn match_score<T: Unit>(self, unit: T) -> i32 {
        if unit.into() == self.exact {
            SCORE_MATCH
        } else {
            SCORE_MATCH + PENALTY_CASE_MISMATCH
        }
    }
}

/// What a term row keeps at one of its events (see the module's doc).
#[derive(Clone, Copy, Default)]
struct Event {
    /// `M` here.
    m: i32,
    /// `P` in the next column: `max(M - 4, P - 1)` of this cell.
    p_next: i32,
    /// At a match, its consecutive bonus, which skim writes into the cell
    /// to its left.
    consecutive: i32,
    /// The bonus this cell held before the row ran (what row `i - 2` left),
    /// and still holds after it unless the next column matches.
    before: i32,
}

impl Event {
    fn new(m: i32, p: i32, consecutive: i32, before: i32) -> Self {
        Event {
            m,
            p_next: (m + GAP_START + GAP_EXTENSION).max(p + GAP_EXTENSION),
            consecutive,
            before,
        }
    }
}

/// One term row, kept as its events. An event's values are written when
/// it is computed and used only where `bits` has it, so nothing needs
/// clearing between rows or calls.
#[derive(Default)]
struct Row {
    /// A bit per column: the row's events.
    bits: Vec<u64>,
    /// Per column, the event there.
    events: Vec<Event>,
}

impl Row {
    /// Marks the row's events up to column `end`: its first "previous"
    /// cell `left` and the columns after it whose char matches, taken from
    /// `matches` (a bit per name unit where the row's char matches).
    fn mark(&mut self, matches: &[u64], left: usize, end: usize) {
        // Room for a bit and an event one column past the end, which
        // lookups read (and find no event in).
        if self.events.len() < end + 2 {
            self.events.resize(end + 2, Event::default());
        }
        self.bits.resize(end / 64 + 2, 0);
        // Column c is name unit c - 1: the bits move up one.
        let mut carry = 0;
        for (w, word) in self.bits.iter_mut().enumerate() {
            let units = matches.get(w).copied().unwrap_or(0);
            *word = units << 1 | carry;
            carry = units >> 63;
            if w < left / 64 || w > end / 64 {
                *word = 0;
            }
            if w == end / 64 {
                *word &= !(!0 << (end % 64) << 1);
            }
            if w == left / 64 {
                *word = *word & (!0 << (left % 64) << 1) | 1 << (left % 64);
            }
        }
    }

    fn has(&self, col: usize) -> bool {
        self.bits[col / 64] >> (col % 64) & 1 == 1
    }

    /// The last event left of `col`. There is one: `col` must be right of
    /// the row's first "previous" cell.
    fn last_before(&self, col: usize) -> usize {
        let mut word = col / 64;
        let mut bits = self.bits[word] & ((1 << (col % 64)) - 1);
        while bits == 0 && word > 0 {
            word -= 1;
            bits = self.bits[word];
        }
        word * 64 + (63 - bits.leading_zeros() as usize)
    }

    /// `M` and `P` as the row computed them in `col`, right of its first
    /// "previous" cell.
    fn scores(&self, col: usize) -> (i32, i32) {
        let last = self.last_before(col);
        let m = pick(self.has(col), self.events[col].m, NEG_INFINITY);
        (m, p_after(self.events[last].p_next, last, col))
    }

    /// The bonus the row left in `col`, right of its first "previous" cell.
    fn bonus(&self, col: usize) -> i32 {
        pick(
            self.has(col + 1),
            self.events[col + 1].consecutive,
            pick(self.has(col), self.events[col].before, 0),
        )
    }
}

/// `P` in `col` of a row whose last event left of it is in column `event`:
/// it falls by one a column from that event's `p_next`, to `P_FLOOR` at
/// the lowest.
fn p_after(p_next: i32, event: usize, col: usize) -> i32 {
    let gap = i32::try_from(col - event - 1).unwrap_or(i32::MAX);
    p_next.saturating_sub(gap).max(P_FLOOR)
}

/// The index of the first set bit at or after `from`.
fn first_bit_from(bits: &[u64], from: usize) -> Option<usize> {
    let mut word = from / 64;
    let mut rest = *bits.get(word)? & (!0 << (from % 64));
    while rest == 0 {
        word += 1;
        rest = *bits.get(word)?;
    }
    Some(word * 64 + rest.trailing_zeros() as usize)
}

/// Buffers for [`skim_score`], kept by the caller (one per thread) so a
/// call allocates nothing once they have grown.
#[derive(Default)]
pub(crate) struct Scratch {
    /// The name's chars, when it or the term is not ASCII.
    name: Vec<char>,
    /// The term's chars, likewise.
    term: Vec<char>,
    work: Work,
}

/// The part of [`Scratch`] the scoring works in.
#[derive(Default)]
struct Work {
    /// Per term char, a bit per name unit where it matches, in words.
    matches: Vec<u64>,
    /// Per term char, the name index of its greedy first match.
    first: Vec<usize>,
    /// Term rows `i`, `i - 1` and `i - 2`, at `i % 3`.
    rows: [Row; 3],
}

/// What `SkimMatcherV2::default().ignore_case().use_cache(false).fuzzy_match(name, term)`
/// would return (see the module's doc): `None` unless `term` is a
/// subsequence of `name` with ASCII case ignored, `Some(0)` for an empty
/// term. That is skim on a fresh matrix, whatever was scored before; in
/// fuzzy-matcher 0.3.7 that call itself panics once it gets to the matrix,
/// so the tests take a new matcher per call, which starts from the same.
pub(crate) fn skim_score(name: &str, term: &str, scratch: &mut Scratch) -> Option<i64> {
    if term.is_empty() {
        return Some(0);
    }
    if name.is_ascii() && term.is_ascii() {
        return scratch.work.score(name.as_bytes(), term.as_bytes());
    }
    scratch.name.clear();
    scratch.name.extend(name.chars());
    scratch.term.clear();
    scratch.term.extend(term.chars());
    scratch.work.score(&scratch.name, &scratch.term)
}

/// Longest term, in chars, for which a [`ScatteredRule`] can rule a name
/// out (see its proof).
const SCATTERED_RULE_MAX_CHARS: usize = 10;

/// Whether skim's score of a term in a name may reach 20 per term char,
/// for a term that is not a substring of the name: [`ScatteredRule::may_reach`]
/// is `false` only when it cannot (or the term is no subsequence at all).
/// Much cheaper than the score, and rules out most names a short term is
/// scattered through. `None` from [`ScatteredRule::new`]: the term is not
/// ruled on (every name may reach the bar).
///
/// # Why 20 per char needs word starts
///
/// Call a name char at a *bonus position* if skim's in-place bonus there
/// is above 0: the name's first char, a char after a separator (or NUL),
/// or camel case. Every score in skim's matrix is a chain: a start (`P`
/// of -1, or -inf), then *match steps*, each at a column further right
/// and each adding 16 (14 on a case mismatch) and a bonus, with a cost of
/// 3 + g for a gap of g chars between two steps. A match step's bonus is
/// the in-place bonus after a gap, and at most `max(in_place, 4)` after
/// a match in the column before: the consecutive bonus skim keeps in a
/// cell is only ever written as `max(cell, in_place, 4)` of the column to
/// its right, so no cell holds more than that (cells start at 0). A chain
/// may also pick up a value row `i - 2` left in a cell (see the module's
/// doc); that skips two term chars with no step for them.
///
/// Subtract 20 per term char. For a term of n chars, no separators, NUL or
/// upper case, in a name without upper case, a chain with a step for every
/// term char gets: -5 plus the in-place bonus for its first step, which is
/// at most 8 (16 on the name's first char: +11); 0 for a step right after
/// a match (no separator before it, no camel case: bonus 4); and
/// `in_place - 7 - g <= 0` for a step after a gap, -8 or less away from a
/// bonus position. A term that is not a substring has a gap. So a chain
/// reaching 20n starts every run of consecutive matched chars at a bonus
/// position, but for one run after the first when its first step is on
/// the name's first char. A chain that skipped term chars has at most
/// n - 2 steps and at most `-1 + 16k + 16 + 8(k - 1) = 24k + 7` for k
/// steps, below 20n while n <= 10.
///
/// The test is that condition, loosened: the term split into pieces, each
/// the start of the name at a bonus position, in order (one anywhere if
/// the name starts with the term's first char). What it needs of
/// the term is worked out once, in [`ScatteredRule::new`].
pub(crate) struct ScatteredRule<'a> {
    term: &'a [u8],
    /// The term's first char, as bytes.
    first: &'a [u8],
    /// 20 per term char: the bar.
    bar: i64,
    /// Per byte value, `BYTE_FLAGS` and `IN_TERM` if the term holds it.
    flags: [u8; 256],
}

impl<'a> ScatteredRule<'a> {
    pub(crate) fn new(term: &'a str) -> Option<Self> {
        let first = term.chars().next()?;
        let chars = term.chars().count();
        let applies = term.len() < 64
            && chars <= SCATTERED_RULE_MAX_CHARS
            && term
                .bytes()
                .all(|b| matches!(CharType::of_byte(b), CharType::Lower | CharType::Number));
        let mut flags = BYTE_FLAGS;
        for b in term.bytes() {
            flags[usize::from(b)] |= IN_TERM;
        }
        applies.then_some(ScatteredRule {
            term: term.as_bytes(),
            first: &term.as_bytes()[..first.len_utf8()],
            bar: 20 * i64::try_from(chars).ok()?,
            flags,
        })
    }

    /// Whether the term's score in `name` may reach 20 per char (see
    /// [`ScatteredRule`]).
    pub(crate) fn may_reach(&self, name: &[u8]) -> bool {
        // A chain whose first step is on the name's first char may start
        // one run away from a bonus position (see `ScatteredRule`).
        let one_free = name.starts_with(self.first);
        // Bit t: the term's first t bytes are placed, in pieces, each at a
        // bonus position left of the one being looked at; `freed`: one
        // piece, after the first, anywhere.
        let mut placed: u64 = 1;
        let mut freed: u64 = 0;
        let done = 1u64 << self.term.len();
        // Sixty-four bytes at a time: a bit per byte for separators and
        // for bytes of the term (no branch a byte), then a step only where
        // a piece may start.
        let mut after_separator = 1u64; // the name's start counts as one
        let mut upper = 0;
        for (block, bytes) in name.chunks(64).enumerate() {
            let (mut separators, mut in_term) = (0u64, 0u64);
            for (i, &b) in bytes.iter().enumerate() {
                let flags = self.flags[usize::from(b)];
                separators |= u64::from(flags & SEPARATES) << i;
                in_term |= u64::from(flags & IN_TERM != 0) << i;
                upper |= flags & UPPER;
            }
            let bonus = separators << 1 | after_separator;
            after_separator = separators >> 63;
            let mut starts = if one_free { in_term } else { in_term & bonus };
            while starts != 0 {
                let i = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let rest = &name[block * 64 + i..];
                if bonus >> i & 1 == 1 {
                    placed = self.extended(placed, rest);
                    freed = self.extended(freed, rest);
                } else {
                    freed |= self.extended(placed, rest);
                }
                if (placed | freed) & done != 0 {
                    return true;
                }
            }
        }
        // Camel case gives bonuses inside runs: not ruled on.
        upper != 0
    }

    /// skim's score of the term in `name` when `name` holds the term as it
    /// is in a place that settles it; None when skim must tell.
    ///
    /// By the bound in [`ScatteredRule`]'s proof (in a name without upper
    /// case) a chain gets at most +3 over 20 per char unless its first
    /// step is on the name's first char (+11 at most), and the term held
    /// as it is gets exactly those where it starts the name (+11) or
    /// starts a word after a space, bracket, slash or bar (+3: 23 for its
    /// first char, then 16 + 4 for each next one).
    pub(crate) fn contiguous_score(&self, name: &[u8], finder: &Finder) -> Option<i64> {
        if name.iter().any(u8::is_ascii_uppercase) {
            return None;
        }
        let bar = self.bar;
        if name.starts_with(self.term) {
            return Some(bar + i64::from(BONUS_HEAD * FIRST_CHAR_MULTIPLIER) - 5);
        }
        if name.starts_with(self.first) {
            return None;
        }
        finder
            .find_iter(name)
            .any(|at| {
                at > 0
                    && matches!(
                        CharType::of_byte(name[at - 1]),
                        CharType::HardSep | CharType::Empty
                    )
            })
            .then_some(bar + i64::from(BONUS_HEAD) - 5)
    }

    /// `placed` (a bit per term prefix placed), with a piece at the start
    /// of `rest` after each.
    fn extended(&self, placed: u64, rest: &[u8]) -> u64 {
        let mut out = placed;
        let mut from = placed;
        while from != 0 {
            let t = from.trailing_zeros() as usize;
            from &= from - 1;
            let same = self.term[t..]
                .iter()
                .zip(rest)
                .take_while(|(x, y)| x == y)
                .count();
            // Bits t + 1 ..= t + same.
            out |= ((1u64 << same) - 1) << (t + 1);
        }
        out
    }
}

/// `BYTE_FLAGS`: a word starts after this byte (a separator or NUL).
const SEPARATES: u8 = 1;
/// `BYTE_FLAGS`: an upper-case letter.
const UPPER: u8 = 2;
/// `ScatteredRule::flags`: a byte of the term.
const IN_TERM: u8 = 4;

/// Per byte, `SEPARATES` and `UPPER` from its class.
static BYTE_FLAGS: [u8; 256] = {
    let mut flags = [0; 256];
    let mut b = 0;
    while b < 256 {
        flags[b] = match CharType::classify(b as u8) {
            CharType::Empty | CharType::HardSep | CharType::SoftSep => SEPARATES,
            CharType::Upper => UPPER,
            CharType::Lower | CharType::Number => 0,
        };
        b += 1;
    }
    flags
};

impl Work {
    /// skim's score of a non-empty `term` in `name`, row by row over the
    /// events (see the module's doc).
    fn score<T: Unit>(&mut self, name: &[T], term: &[T]) -> Option<i64> {
        let words = name.len() / 64 + 1;
        self.find_matches(name, term, words)?;
        // The last column computed: the last char's last match.
        let last_char = self.matches.chunks_exact(words).last()?;
        let (word, bits) = last_char
            .iter()
            .enumerate()
            .rfind(|(_, bits)| **bits != 0)?;
        let end = word * 64 + (63 - bits.leading_zeros() as usize) + 1;

        let mut best = NEG_INFINITY;
        for (i, (&c, &left)) in term.iter().zip(&self.first).enumerate() {
            let wanted = Wanted::new(c);
            let [r0, r1, r2] = &mut self.rows;
            // This row, the one before and the one before that.
            let (row, prev, older) = match i % 3 {
                0 => (r0, &*r2, &*r1),
                1 => (r1, &*r0, &*r2),
                _ => (r2, &*r1, &*r0),
            };
            row.mark(&self.matches[i * words..(i + 1) * words], left, end);
            // Its first "previous" cell, as row i - 2 (or the start) left it.
            let ((m, p), bonus) = match i {
                0 => ((NEG_INFINITY, NEG_INFINITY), 0),
                1 => ((NEG_INFINITY, GAP_EXTENSION), 0),
                _ => (older.scores(left), older.bonus(left)),
            };
            row.events[left] = Event::new(m, p, 0, bonus);
            best = m;
            let mut last = left;
            for word in left / 64..=end / 64 {
                let mut bits = row.bits[word];
                if word == left / 64 {
                    bits &= !0 << (left % 64) << 1;
                }
                // This word's matches, in order.
                while bits != 0 {
                    let col = word * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let in_place = in_place(name, col);
                    let bonus_left = pick(row.has(col - 1), row.events[col - 1].before, 0);
                    let consecutive = bonus_left.max(in_place.max(BONUS_CONSECUTIVE));
                    let (diagonal_m, diagonal_p) = match i {
                        0 => (NEG_INFINITY, GAP_EXTENSION),
                        _ => prev.scores(col - 1),
                    };
                    let m = (diagonal_m + consecutive).max(diagonal_p + in_place)
                        + wanted.match_score(name[col - 1]);
                    let p = p_after(row.events[last].p_next, last, col);
                    let before = match i {
                        0 | 1 => 0,
                        _ => older.bonus(col),
                    };
                    row.events[col] = Event::new(m, p, consecutive, before);
                    best = best.max(m);
                    last = col;
                }
            }
        }
        Some(i64::from(best))
    }

    /// Fills `matches`, per term char `words` words of a bit per name unit
    /// where it matches (a char seen earlier in the term is copied), and
    /// `first` as skim's `cheap_matches` does: each term char's greedy first
    /// match. `None` if the term is not a subsequence of the name.
    fn find_matches<T: Unit>(&mut self, name: &[T], term: &[T], words: usize) -> Option<()> {
        self.matches.clear();
        self.matches.resize(term.len() * words, 0);
        self.first.clear();
        let mut from = 0;
        for (i, &c) in term.iter().enumerate() {
            let wanted = Wanted::new(c);
            let (done, rest) = self.matches.split_at_mut(i * words);
            let mine = &mut rest[..words];
            match term[..i].iter().position(|&d| Wanted::new(d) == wanted) {
                Some(j) => mine.copy_from_slice(&done[j * words..(j + 1) * words]),
                None => {
                    for (word, units) in mine.iter_mut().zip(name.chunks(64)) {
                        *word = T::match_bits(units, wanted);
                    }
                }
            }
            let at = first_bit_from(mine, from)?;
            self.first.push(at);
            from = at + 1;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;
    use proptest::prelude::*;

    /// skim's score from a fresh matrix: a new matcher per call, since
    /// `use_cache(false)` panics in fuzzy-matcher 0.3.7 (see below).
    fn fresh_skim(name: &str, term: &str) -> Option<i64> {
        SkimMatcherV2::default()
            .ignore_case()
            .fuzzy_match(name, term)
    }

    /// `use_cache(false)` drops the cached matrix while `fuzzy` still
    /// borrows it, so every call that gets as far as the matrix panics
    /// ("already borrowed"); the tests take a new matcher per call instead.
    #[test]
    fn skim_without_cache_panics() {
        let uncached = SkimMatcherV2::default().ignore_case().use_cache(false);
        assert_eq!(uncached.fuzzy_match("ab", "x"), None);
        let caught = std::panic::catch_unwind(|| uncached.fuzzy_match("ab", "ab"));
        assert!(caught.is_err());
    }

    #[test]
    fn hand_picked_cases_score_as_skim_does() {
        let mut scratch = Scratch::default();
        for (name, term) in [
            ("the new deal", "then"),
            ("tencent chips", "ten"),
            ("tencent chips", "tencent"),
            ("a-b-c", "abc"),
            ("aaaa", "aaa"),
            ("aaaa", "aaaa"),
            ("aaa", "aaaa"),
            ("aab", "aab"),
            ("a x", "x"),
            ("abcabcabc", "abc"),
            ("AbC", "abc"),
            ("abc", "ABC"),
            ("FooBarBaz", "fbb"),
            ("foo_bar.baz qux", "fbq"),
            ("x", "x"),
            ("", "x"),
            ("x", ""),
            ("", ""),
            ("école", "éco"),
            ("ÉCOLE", "éco"),
            ("東京の天気", "京天気"),
            ("İstanbul", "stan"),
            ("naïve café", "nve"),
            ("a\0b\0c", "abc"),
            ("strengthened", "then"),
            ("xab", "ab"),
            ("ab", "ab"),
            ("x ab", "ab"),
            ("xaxb", "ab"),
            ("a-b", "ab"),
            ("xaAb", "ab"),
            ("tencent chips", "te"),
            ("the new deal", "t"),
            ("rate", "te"),
        ] {
            assert_eq!(
                skim_score(name, term, &mut scratch),
                fresh_skim(name, term),
                "{term:?} in {name:?}"
            );
        }
        // A few by value: word starts (THE New), a contiguous run, separators,
        // a repeated char, and chars past ASCII.
        for (name, term, score) in [
            ("the new deal", "then", 91),
            ("tencent chips", "ten", 71),
            ("a-b-c", "abc", 69),
            ("aaaa", "aaa", 71),
            ("東京の天気", "京天気", 47),
        ] {
            assert_eq!(skim_score(name, term, &mut scratch), Some(score));
        }
    }

    /// skim's default matcher caches its matrix per thread and `resize`s it,
    /// keeping the cells of earlier calls, and rows of 3+ char terms can
    /// read some of those: the bonus of a cell term row 0 did not write. Here
    /// "a x" leaves 8 where "aab" then reads it, so a cached matcher gives
    /// 75 where a fresh one gives 71. We follow the fresh matrix.
    #[test]
    fn cached_skim_depends_on_the_call_before() {
        let cached = SkimMatcherV2::default().ignore_case();
        assert_eq!(cached.fuzzy_match("aab", "aab"), Some(71));
        assert_eq!(cached.fuzzy_match("a x", "x"), Some(23));
        assert_eq!(cached.fuzzy_match("aab", "aab"), Some(75));
        assert_eq!(fresh_skim("aab", "aab"), Some(71));
        assert_eq!(skim_score("aab", "aab", &mut Scratch::default()), Some(71));
    }

    /// Names holding `term` as a subsequence: its chars with random fillers
    /// around and between them.
    fn names_around(term: &str, fillers: &[String]) -> String {
        let mut name = String::new();
        let mut fillers = fillers.iter();
        for c in term.chars() {
            if let Some(filler) = fillers.next() {
                name.push_str(filler);
            }
            name.push(c);
        }
        if let Some(filler) = fillers.next() {
            name.push_str(filler);
        }
        name
    }

    const FILLER: &str = "[ab .-]{0,4}|[aAbB09 /.:_\\-(é東İ]{0,4}|\\PC{0,3}";
    /// Fillers for names past 64 and 128 chars, where the bit sets take
    /// more than one word.
    const LONG_FILLER: &str = "[ab .-]{0,40}|[aAbB09 /.:_\\-(é東İ]{0,40}";
    const TERM: &str = "[ab .-]{1,6}|[aAbB09 /.:_\\-(é東İ]{1,6}|\\PC{1,6}";

    /// [`ScatteredRule::may_reach`], for a term that may not be ruled on.
    fn scattered_may_reach(name: &str, term: &str) -> bool {
        ScatteredRule::new(term).is_none_or(|rule| rule.may_reach(name.as_bytes()))
    }

    /// What [`ScatteredRule::contiguous_score`] promises: skim's score
    /// wherever it settles one.
    fn assert_settled_as_skim_scores(name: &str, term: &str) {
        let Some(rule) = ScatteredRule::new(term) else {
            return;
        };
        let finder = Finder::new(term.as_bytes());
        if finder.find(name.as_bytes()).is_none() {
            return;
        }
        if let Some(settled) = rule.contiguous_score(name.as_bytes(), &finder) {
            assert_eq!(
                Some(settled),
                fresh_skim(name, term),
                "{term:?} in {name:?}"
            );
        }
    }

    #[test]
    fn a_term_held_at_a_word_start_is_settled_without_the_score() {
        let settled = |name: &str, term: &str| {
            let finder = Finder::new(term.as_bytes());
            ScatteredRule::new(term).and_then(|r| r.contiguous_score(name.as_bytes(), &finder))
        };
        assert_eq!(settled("the fall of the wall", "the"), Some(71));
        assert_eq!(settled("a wall (the fall)", "the"), Some(63));
        assert_eq!(settled("then the fall", "the"), Some(71));
        // Inside a word, after a hyphen, or the name starting with the
        // term's first char: skim must tell.
        assert_eq!(settled("breathe out", "the"), None);
        assert_eq!(settled("all-the-way", "the"), None);
        assert_eq!(settled("tall, the fall", "the"), None);
        assert_eq!(settled("a The fall", "the"), None);
        for (name, term) in [
            ("the fall of the wall", "the"),
            ("a wall (the fall)", "the"),
            ("then the fall", "the"),
            ("x [tencent] y", "tencent"),
        ] {
            assert_settled_as_skim_scores(name, term);
        }
    }

    /// What [`ScatteredRule`] promises, checked against skim itself:
    /// a term it rules out of a name that does not hold it is no
    /// subsequence there, or scores below 20 per char.
    fn assert_ruled_out_soundly(name: &str, term: &str) {
        if name.contains(term) || scattered_may_reach(name, term) {
            return;
        }
        let bar = 20 * term.chars().count() as i64;
        let score = fresh_skim(name, term);
        assert!(
            score.is_none_or(|s| s < bar),
            "{term:?} ruled out of {name:?}, which skim scores {score:?} (bar {bar})"
        );
    }

    #[test]
    fn scattered_terms_away_from_word_starts_are_ruled_out() {
        // "ten" through "thing ... the news": t starts words, e never does.
        for (name, term) in [
            ("a big thing on the news", "ten"),
            ("stories in every nation", "ten"),
            ("a pasta dinner", "pain"),
        ] {
            assert!(fresh_skim(name, term).is_some(), "{term} in {name}");
            assert!(!scattered_may_reach(name, term), "{term} in {name}");
            assert_ruled_out_soundly(name, term);
        }
        // Word-start pieces in order may reach the bar, and do here.
        for (name, term) in [
            ("a tech news day", "ten"),
            ("all the energy now", "ten"),
            ("clinical materials tested", "climate"),
            ("top 10 lists", "to10"),
        ] {
            assert!(scattered_may_reach(name, term), "{term} in {name}");
        }
        // A name starting with the term's first char may place one piece
        // anywhere after: "t" at the start, "e" starting "event", "n"
        // inside it (skim scores that 53, below 60: the rule is loose).
        assert!(scattered_may_reach("t and a big event", "ten"));
        assert!(!scattered_may_reach("t and a big set of pans", "ten"));
        assert_ruled_out_soundly("t and a big set of pans", "ten");
        // Not ruled on: a long term, one with a separator, upper case.
        for (name, term) in [
            ("a big thing on the news", "abcdefghijk"),
            ("x co-op y", "c-p"),
            ("a biG tHing", "ten"),
        ] {
            assert!(scattered_may_reach(name, term), "{term} in {name}");
        }
    }

    /// Every name of up to six chars from word chars and separators,
    /// against every two- and three-char term of the same letters.
    #[test]
    fn ruling_scattered_terms_out_agrees_with_skim_on_every_short_name() {
        const UNITS: [char; 5] = ['t', 'e', 'n', ' ', '-'];
        let mut terms = Vec::new();
        for a in &UNITS[..3] {
            for b in &UNITS[..3] {
                terms.push(format!("{a}{b}"));
                for c in &UNITS[..3] {
                    terms.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut ruled_out = 0;
        let mut names = vec![String::new()];
        for _ in 0..6 {
            names = names
                .iter()
                .flat_map(|n| UNITS.iter().map(move |u| format!("{n}{u}")))
                .collect();
            for name in &names {
                for term in &terms {
                    assert_ruled_out_soundly(name, term);
                    assert_settled_as_skim_scores(name, term);
                    ruled_out += usize::from(
                        !name.contains(term.as_str()) && !scattered_may_reach(name, term),
                    );
                }
            }
        }
        assert!(ruled_out > 10_000, "only {ruled_out} ruled out");
    }

    proptest! {
        /// Names built from pieces of the term (so its chars fall at and
        /// away from word starts), separators of every kind, upper case,
        /// digits, non-ASCII and NUL; terms up to past the longest ruled on.
        #[test]
        fn ruling_scattered_terms_out_agrees_with_skim(
            term in "[ten]{2,6}|[ten1é]{2,12}|[tenT -]{2,5}",
            pieces in proptest::collection::vec(
                "[ten]{1,3}|[ten1é]{1,4}|[xT]|\\PC",
                1..12,
            ),
            seps in proptest::collection::vec("[ -/.(]|[a-z]|\u{0}|", 12),
        ) {
            let name: String = pieces
                .iter()
                .zip(&seps)
                .flat_map(|(p, s)| [p.as_str(), s.as_str()])
                .collect();
            if !name.contains(term.as_str()) && !scattered_may_reach(&name, &term) {
                let bar = 20 * term.chars().count() as i64;
                let score = fresh_skim(&name, &term);
                prop_assert!(
                    score.is_none_or(|s| s < bar),
                    "{:?} ruled out of {:?}, scored {:?}", term, name, score
                );
            }
            assert_settled_as_skim_scores(&name, &term);
        }

        #[test]
        fn skim_score_is_fresh_skim(
            term in TERM,
            fillers in proptest::collection::vec(FILLER, 7),
            other in "[ab .-]{0,20}|[aAbB09 /.:_\\-(é東İ]{0,20}|\\PC{0,20}",
        ) {
            let mut scratch = Scratch::default();
            // A name holding the term, and an unrelated one (mostly no match).
            let name = names_around(&term, &fillers);
            for name in [name.as_str(), other.as_str()] {
                prop_assert_eq!(
                    skim_score(name, &term, &mut scratch),
                    fresh_skim(name, &term),
                    "{:?} in {:?}", term, name
                );
            }
        }

        #[test]
        fn skim_score_is_fresh_skim_on_long_names(
            term in TERM,
            fillers in proptest::collection::vec(LONG_FILLER, 7),
        ) {
            let name = names_around(&term, &fillers);
            prop_assert_eq!(
                skim_score(&name, &term, &mut Scratch::default()),
                fresh_skim(&name, &term),
                "{:?} in {:?}", term, name
            );
        }

        /// For one- and two-char terms the leftovers of earlier calls are
        /// never read, so the shared (cached) matcher, which scored them
        /// before, agrees: their scores did not change.
        #[test]
        fn short_terms_score_as_cached_skim_does(
            name in "[ab .-]{0,14}|[aAbB09 /.:_\\-(é東İ]{0,14}|\\PC{0,12}",
            term in "[ab .-]{1,2}|[aAbB0 /.:_\\-é東İ]{1,2}",
        ) {
            let cached = super::super::score::matcher().fuzzy_match(&name, &term);
            prop_assert_eq!(
                skim_score(&name, &term, &mut Scratch::default()),
                cached,
                "{:?} in {:?}", term, name
            );
        }

        /// The same scratch space serves names of any length in any order.
        #[test]
        fn scratch_carries_nothing_between_calls(
            calls in proptest::collection::vec(
                (TERM, proptest::collection::vec(FILLER, 7)),
                1..6,
            ),
        ) {
            let mut scratch = Scratch::default();
            for (term, fillers) in &calls {
                let name = names_around(term, fillers);
                prop_assert_eq!(
                    skim_score(&name, term, &mut scratch),
                    fresh_skim(&name, term),
                    "{:?} in {:?}", term, name
                );
            }
        }
    }
}
