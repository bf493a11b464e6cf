//! Which panes a terminal of a given size shows, and where. One pure function
//! shared by `update` (page sizes, list heights) and `ui` (drawing), so the
//! two never disagree.

use super::action::Focus;

/// A rectangle in terminal cells (ratatui-free so `app` stays terminal-free).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Area {
    /// The area inside a one-cell border.
    pub fn inner(self) -> Area {
        Area {
            x: self.x.saturating_add(1),
            y: self.y.saturating_add(1),
            width: self.width.saturating_sub(2),
            height: self.height.saturating_sub(2),
        }
    }
}

/// The smallest terminal the reader draws in; smaller shows a short message.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;
/// From this width up: issues, sections and story side by side.
pub const THREE_PANES: u16 = 100;
/// From this width up: the focused list beside the story.
pub const TWO_PANES: u16 = 60;

/// How much of a wide screen (three panes) the two lists take, in percent of
/// its width; the story gets the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneWidths {
    pub issues: u16,
    pub sections: u16,
}

impl PaneWidths {
    /// The range each width may take, so the story always keeps a fifth.
    pub const RANGE: std::ops::RangeInclusive<u16> = 10..=40;
}

impl Default for PaneWidths {
    fn default() -> PaneWidths {
        PaneWidths {
            issues: 30,
            sections: 25,
        }
    }
}

/// The screen's parts. A pane that is not shown is `None`; `too_small` means
/// nothing but a message fits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Panes {
    pub issues: Option<Area>,
    pub sections: Option<Area>,
    pub story: Option<Area>,
    pub filter: Area,
    pub status: Area,
    pub too_small: bool,
}

/// Lays out a `width` x `height` screen with `focus` deciding which list a
/// narrow screen keeps (the filter bar's results live in the section pane),
/// with the default pane widths.
pub fn panes(width: u16, height: u16, focus: Focus) -> Panes {
    panes_with(width, height, focus, PaneWidths::default())
}

/// [`panes`] with the lists of a wide screen `widths` wide.
pub fn panes_with(width: u16, height: u16, focus: Focus, widths: PaneWidths) -> Panes {
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return Panes {
            too_small: true,
            ..Panes::default()
        };
    }
    let main_h = height - 2;
    let filter = Area {
        x: 0,
        y: main_h,
        width,
        height: 1,
    };
    let status = Area {
        x: 0,
        y: main_h + 1,
        width,
        height: 1,
    };
    let column = |x: u16, w: u16| {
        Some(Area {
            x,
            y: 0,
            width: w,
            height: main_h,
        })
    };
    let mut p = Panes {
        filter,
        status,
        ..Panes::default()
    };
    if width >= THREE_PANES {
        // The story gets the rest (by default half): it is what the reader reads.
        let part = |percent: u16| {
            let percent = percent.clamp(*PaneWidths::RANGE.start(), *PaneWidths::RANGE.end());
            u16::try_from(u32::from(width) * u32::from(percent) / 100).unwrap_or(width / 4)
        };
        let issues_w = part(widths.issues);
        let sections_w = part(widths.sections);
        p.issues = column(0, issues_w);
        p.sections = column(issues_w, sections_w);
        p.story = column(issues_w + sections_w, width - issues_w - sections_w);
    } else if width >= TWO_PANES {
        let list_w = width * 2 / 5;
        let list = column(0, list_w);
        match focus {
            Focus::Issues => p.issues = list,
            Focus::Sections | Focus::Filter | Focus::Story => p.sections = list,
        }
        p.story = column(list_w, width - list_w);
    } else {
        let all = column(0, width);
        match focus {
            Focus::Issues => p.issues = all,
            Focus::Sections | Focus::Filter => p.sections = all,
            Focus::Story => p.story = all,
        }
    }
    p
}

/// Width and height of the story text area (inside its border), with the
/// default pane widths. It does not depend on focus, so a change of focus
/// never reflows the story.
pub fn story_size(width: u16, height: u16) -> (usize, usize) {
    story_size_with(width, height, PaneWidths::default())
}

/// [`story_size`] with the lists of a wide screen `widths` wide.
pub fn story_size_with(width: u16, height: u16, widths: PaneWidths) -> (usize, usize) {
    let inner = panes_with(width, height, Focus::Story, widths)
        .story
        .map(Area::inner)
        .unwrap_or_default();
    (usize::from(inner.width), usize::from(inner.height))
}

/// Where an overlay (the help, the messages, the link list) is drawn: the
/// screen less a margin, or all of it when it is small.
pub fn overlay(width: u16, height: u16) -> Area {
    let (mx, my) = if width >= 60 && height >= 16 {
        (4, 2)
    } else {
        (0, 0)
    };
    Area {
        x: mx,
        y: my,
        width: width.saturating_sub(2 * mx),
        height: height.saturating_sub(2 * my),
    }
}

/// Rows inside an overlay's border.
pub fn overlay_rows(width: u16, height: u16) -> usize {
    usize::from(overlay(width, height).inner().height)
}

/// Rows of a list pane (inside its border) when it is shown.
pub fn list_rows(width: u16, height: u16, list: Focus) -> usize {
    let p = panes_with(width, height, list, PaneWidths::default());
    let area = match list {
        Focus::Issues => p.issues,
        _ => p.sections,
    };
    area.map_or(0, |a| usize::from(a.inner().height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pane_count_follows_width() {
        let count = |w| {
            let p = panes(w, 30, Focus::Issues);
            [p.issues, p.sections, p.story]
                .iter()
                .filter(|a| a.is_some())
                .count()
        };
        assert_eq!(count(120), 3);
        assert_eq!(count(100), 3);
        assert_eq!(count(99), 2);
        assert_eq!(count(60), 2);
        assert_eq!(count(59), 1);
        assert_eq!(count(20), 1);
        assert_eq!(count(19), 0);
    }

    #[test]
    fn panes_fill_the_width_without_overlap() {
        for w in 20..200 {
            for focus in [Focus::Issues, Focus::Sections, Focus::Story, Focus::Filter] {
                let p = panes(w, 24, focus);
                let mut areas: Vec<Area> = [p.issues, p.sections, p.story]
                    .into_iter()
                    .flatten()
                    .collect();
                areas.sort_by_key(|a| a.x);
                let mut x = 0;
                for a in areas {
                    assert_eq!(a.x, x, "width {w}");
                    x += a.width;
                }
                assert_eq!(x, w);
            }
        }
    }

    #[test]
    fn narrow_screens_show_the_focused_pane() {
        let p = panes(50, 20, Focus::Story);
        assert!(p.story.is_some() && p.issues.is_none() && p.sections.is_none());
        let p = panes(80, 20, Focus::Issues);
        assert!(p.issues.is_some() && p.sections.is_none() && p.story.is_some());
    }

    #[test]
    fn configured_widths_shape_a_wide_screen() {
        let widths = PaneWidths {
            issues: 20,
            sections: 30,
        };
        let p = panes_with(200, 30, Focus::Issues, widths);
        let w = |a: Option<Area>| a.map(|a| a.width);
        assert_eq!(w(p.issues), Some(40));
        assert_eq!(w(p.sections), Some(60));
        assert_eq!(w(p.story), Some(100));
        assert_eq!(story_size_with(200, 30, widths).0, 98);
        // Out of range is clamped: the story keeps a fifth at least.
        let greedy = PaneWidths {
            issues: 90,
            sections: 90,
        };
        let p = panes_with(100, 30, Focus::Issues, greedy);
        assert_eq!(w(p.story), Some(20));
        // Narrow screens ignore the widths.
        assert_eq!(
            panes_with(80, 30, Focus::Issues, widths),
            panes(80, 30, Focus::Issues)
        );
    }

    #[test]
    fn tiny_screens_are_too_small() {
        assert!(panes(0, 0, Focus::Issues).too_small);
        assert!(panes(19, 40, Focus::Issues).too_small);
        assert!(panes(80, 4, Focus::Issues).too_small);
        assert!(!panes(20, 5, Focus::Issues).too_small);
        assert_eq!(story_size(0, 0), (0, 0));
    }
}
