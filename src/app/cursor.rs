//! A list's place: the selected row and the first row in view. One type for
//! the issue list, the story list and the results.

/// The selected row and the first row shown of a list. Plain integers: the
/// ui builds its widget state from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    selected: usize,
    offset: usize,
}

impl Cursor {
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The first row in view.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Selects `row`; true when that changed the selection.
    pub(crate) fn select(&mut self, row: usize) -> bool {
        let changed = row != self.selected;
        self.selected = row;
        changed
    }

    /// Back to the first row, scrolled to the top.
    pub(crate) fn reset(&mut self) {
        *self = Cursor::default();
    }

    /// The row `target(selected, len)` of a list of `len` rows, kept in it;
    /// true when the selection changed. An empty list changes nothing.
    pub(crate) fn moved(&mut self, len: usize, target: impl Fn(usize, usize) -> usize) -> bool {
        if len == 0 {
            return false;
        }
        self.select(target(self.selected, len).min(len - 1))
    }

    /// Scrolls so the selection is in view in `rows` rows.
    pub(crate) fn keep_in_view(&mut self, rows: usize) {
        self.offset = in_view(self.selected, self.offset, rows);
    }
}

/// The smallest change to `offset` that shows row `selected` in `rows` rows.
pub fn in_view(selected: usize, offset: usize, rows: usize) -> usize {
    if rows == 0 || selected < offset {
        selected.min(offset)
    } else if selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_in_the_list_and_say_when_they_moved() {
        let mut c = Cursor::default();
        assert!(!c.moved(0, |i, _| i + 1), "an empty list does not move");
        assert!(c.moved(3, |i, _| i + 5));
        assert_eq!(c.selected(), 2);
        assert!(!c.moved(3, |i, _| i + 1));
        assert!(c.moved(3, |i, _| i.saturating_sub(1)));
        assert_eq!(c.selected(), 1);
    }

    #[test]
    fn the_view_follows_the_selection() {
        let mut c = Cursor::default();
        c.select(10);
        c.keep_in_view(4);
        assert_eq!(c.offset(), 7);
        c.select(3);
        c.keep_in_view(4);
        assert_eq!(c.offset(), 3);
        c.keep_in_view(0);
        assert_eq!(c.offset(), 3);
        assert_eq!(in_view(5, 2, 4), 2);
    }
}
