//! Which stretches of story text may hold a term: one Bloom filter of byte
//! trigrams per block of whole stories (about 1 MiB of text), so a keyword
//! search skips the blocks that cannot hold it. A word that is nowhere in
//! the library is then ruled out without reading the text at all.
//!
//! Blocks end on story boundaries, so every occurrence of a term inside a
//! story lies inside one block and all its trigrams are in that block's set.

/// Text per block, at least (a block is whole stories).
const BLOCK_BYTES: usize = 1 << 20;
/// log2 of the filter's bits per block (16 KiB a block).
const BITS: u32 = 17;
const WORDS: usize = (1 << BITS) / 64;

pub(crate) struct TextFilter {
    /// First section of each block, and one past the last section.
    pub(crate) starts: Vec<u32>,
    /// `WORDS` words per block.
    words: Vec<u64>,
}

/// The filter bit of a trigram (three bytes in the low 24 bits).
fn bit(trigram: u32) -> usize {
    (trigram.wrapping_mul(0x9E37_79B1) >> (32 - BITS)) as usize
}

impl TextFilter {
    /// The filter of `bodies`, whose section `s` spans
    /// `body_starts[s]..body_starts[s + 1]`.
    pub(crate) fn build(bodies: &[u8], body_starts: &[u32]) -> TextFilter {
        let sections = body_starts.len().saturating_sub(1);
        let mut starts = vec![0u32];
        let mut words = Vec::new();
        let mut first = 0;
        while first < sections {
            let from = body_starts[first] as usize;
            let mut end = first + 1;
            while end < sections && (body_starts[end] as usize) - from < BLOCK_BYTES {
                end += 1;
            }
            let to = body_starts[end] as usize;
            let at = words.len();
            words.resize(at + WORDS, 0u64);
            let set = &mut words[at..];
            let mut rolling = 0u32;
            for (i, &b) in bodies[from..to].iter().enumerate() {
                rolling = ((rolling << 8) | u32::from(b)) & 0xff_ffff;
                if i >= 2 {
                    let bit = bit(rolling);
                    set[bit / 64] |= 1 << (bit % 64);
                }
            }
            starts.push(end as u32);
            first = end;
        }
        TextFilter { starts, words }
    }

    /// Appends `other`, whose sections come after our `sections`.
    pub(crate) fn append(&mut self, other: TextFilter, sections: u32) {
        self.starts
            .extend(other.starts[1..].iter().map(|s| s + sections));
        self.words.extend_from_slice(&other.words);
    }

    /// Per block, whether it may hold `term`; `None` when the term is too
    /// short to tell (under three bytes).
    pub(crate) fn blocks_holding(&self, term: &[u8]) -> Option<Vec<bool>> {
        if term.len() < 3 {
            return None;
        }
        let bits: Vec<usize> = term
            .windows(3)
            .map(|w| bit(u32::from(w[0]) << 16 | u32::from(w[1]) << 8 | u32::from(w[2])))
            .collect();
        Some(
            self.words
                .chunks_exact(WORDS)
                .map(|set| bits.iter().all(|&b| set[b / 64] & (1 << (b % 64)) != 0))
                .collect(),
        )
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.starts.capacity() * std::mem::size_of::<u32>()
            + self.words.capacity() * std::mem::size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_whole_stories_and_hold_their_trigrams() {
        // Three stories of 700 KiB: blocks of two and of one story.
        let story = |c: u8| {
            let mut s = vec![c; 700 << 10];
            s.extend_from_slice(b"needle");
            s.push(b'\n');
            s
        };
        let mut bodies = story(b'a');
        bodies.extend(story(b'b'));
        let third = bodies.len() as u32;
        bodies.extend(story(b'c'));
        let one = (700 << 10) + 7;
        let starts = [0, one, 2 * one, third + one];
        let filter = TextFilter::build(&bodies, &starts);
        assert_eq!(filter.starts, vec![0, 2, 3]);
        assert_eq!(filter.blocks_holding(b"needle"), Some(vec![true, true]));
        assert_eq!(filter.blocks_holding(b"bbne"), Some(vec![true, false]));
        assert_eq!(filter.blocks_holding(b"ccn"), Some(vec![false, true]));
        assert_eq!(filter.blocks_holding(b"zzqx"), Some(vec![false, false]));
        assert_eq!(filter.blocks_holding(b"zz"), None);
    }
}
