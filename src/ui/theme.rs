//! Styles from a [`Palette`] (the `dark` or `light` preset with the config's
//! colours), or (NO_COLOR) with modifiers only, so the selection and every
//! emphasis stay visible either way.

use crate::app::story::Segment;
use ratatui::style::{Color, Modifier, Style};

/// The colour of each thing the reader draws. `Color::Reset` means the
/// terminal's own colour; for `selection` it means reverse video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Borders of the focused pane, the help and the filter prompt.
    pub border_focused: Color,
    pub border: Color,
    /// Background of the focused selection (Reset: reverse video).
    pub selection: Color,
    /// Text of the focused selection when `selection` is a colour.
    pub selection_text: Color,
    /// Background of the selection in a list without focus.
    pub selection_unfocused: Color,
    /// Dates, hints, counts, captions.
    pub dim: Color,
    pub newsletter: Color,
    /// Matched characters and keywords: text and background.
    pub hit_text: Color,
    pub hit: Color,
    /// Story titles and the links heading.
    pub title: Color,
    /// The marker of an unread story or issue.
    pub unread: Color,
    /// The marker of a starred story.
    pub star: Color,
    /// Link numbers \[n\] in the story.
    pub link: Color,
    /// Addresses in the story's list of links.
    pub url: Color,
    /// Bullets and numbers of list items.
    pub marker: Color,
    pub quote_bar: Color,
    /// The text of the status line (what the last key did, where issues came from).
    pub status: Color,
    /// Files that could not be read, in the status line.
    pub error: Color,
}

impl Default for Palette {
    fn default() -> Palette {
        Palette::dark()
    }
}

impl Palette {
    /// For a dark terminal background (the default).
    pub const fn dark() -> Palette {
        Palette {
            border_focused: Color::Cyan,
            border: Color::DarkGray,
            selection: Color::Reset,
            selection_text: Color::Reset,
            selection_unfocused: Color::DarkGray,
            dim: Color::DarkGray,
            newsletter: Color::Magenta,
            hit_text: Color::Black,
            hit: Color::Yellow,
            title: Color::Cyan,
            unread: Color::Green,
            star: Color::Yellow,
            link: Color::Green,
            url: Color::Blue,
            marker: Color::Yellow,
            quote_bar: Color::Blue,
            status: Color::Reset,
            error: Color::Red,
        }
    }

    /// For a light terminal background: darker inks, pale highlights.
    pub const fn light() -> Palette {
        Palette {
            border_focused: Color::Blue,
            border: Color::Gray,
            selection: Color::Indexed(153),
            selection_text: Color::Black,
            selection_unfocused: Color::Indexed(254),
            dim: Color::Indexed(244),
            newsletter: Color::Indexed(90),
            hit_text: Color::Black,
            hit: Color::Indexed(229),
            title: Color::Indexed(25),
            unread: Color::Indexed(28),
            star: Color::Indexed(136),
            link: Color::Indexed(28),
            url: Color::Indexed(25),
            marker: Color::Indexed(130),
            quote_bar: Color::Indexed(67),
            status: Color::Reset,
            error: Color::Indexed(160),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
    palette: Palette,
}

impl Theme {
    /// The default (dark) palette, or none under NO_COLOR.
    pub fn new(no_color: bool) -> Theme {
        Theme::with_palette(Palette::dark(), no_color)
    }

    /// `palette`'s colours; NO_COLOR still wins.
    pub fn with_palette(palette: Palette, no_color: bool) -> Theme {
        Theme {
            color: !no_color,
            palette,
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color && color != Color::Reset {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.palette.border_focused)
                .add_modifier(Modifier::BOLD)
        } else {
            self.fg(self.palette.border)
        }
    }

    pub fn selected(&self, focused: bool) -> Style {
        let p = &self.palette;
        if focused {
            if self.color && p.selection != Color::Reset {
                self.fg(p.selection_text)
                    .bg(p.selection)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
            }
        } else if self.color {
            Style::new().bg(p.selection_unfocused)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    pub fn dim(&self) -> Style {
        self.fg(self.palette.dim).add_modifier(Modifier::DIM)
    }

    pub fn newsletter(&self) -> Style {
        self.fg(self.palette.newsletter)
    }

    /// A matched character or keyword.
    pub fn hit(&self) -> Style {
        if self.color {
            self.fg(self.palette.hit_text)
                .bg(self.palette.hit)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }

    /// What the last key did, and where the issues came from.
    pub fn status(&self) -> Style {
        self.fg(self.palette.status)
    }

    /// The mark of an unread story or issue (its title is bold too).
    pub fn unread(&self) -> Style {
        self.fg(self.palette.unread).add_modifier(Modifier::BOLD)
    }

    /// The mark of a starred story.
    pub fn starred(&self) -> Style {
        self.fg(self.palette.star).add_modifier(Modifier::BOLD)
    }

    /// The filter match gone to with `>` / `<` (or opened at).
    pub fn current_hit(&self) -> Style {
        self.hit()
            .add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The link `o` and `y` act on, wherever its number is drawn.
    pub fn selected_link(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn segment(&self, segment: Segment) -> Style {
        let p = &self.palette;
        match segment {
            Segment::Title | Segment::LinksHeading => self.fg(p.title).add_modifier(Modifier::BOLD),
            Segment::IssueMeta => self.fg(p.newsletter),
            Segment::IssueTitle => Style::new().add_modifier(Modifier::BOLD),
            Segment::Label => Style::new().add_modifier(Modifier::BOLD),
            Segment::Text => Style::new(),
            Segment::Marker => self.fg(p.marker),
            Segment::Caption => self.dim().add_modifier(Modifier::ITALIC),
            Segment::SubHeading => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Segment::QuoteBar => self.fg(p.quote_bar),
            Segment::Quote => Style::new().add_modifier(Modifier::ITALIC),
            Segment::LinkMark(_) => self.fg(p.link).add_modifier(Modifier::BOLD),
            Segment::Url => self.fg(p.url).add_modifier(Modifier::UNDERLINED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_over_any_palette() {
        for palette in [Palette::dark(), Palette::light()] {
            let theme = Theme::with_palette(palette, true);
            for style in [
                theme.border(true),
                theme.selected(true),
                theme.selected(false),
                theme.newsletter(),
                theme.hit(),
                theme.unread(),
                theme.starred(),
                theme.segment(Segment::Url),
            ] {
                assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
            }
        }
    }

    #[test]
    fn palette_colours_reach_the_styles() {
        let mut palette = Palette::dark();
        palette.newsletter = Color::Rgb(1, 2, 3);
        palette.selection = Color::Indexed(17);
        let theme = Theme::with_palette(palette, false);
        assert_eq!(theme.newsletter().fg, Some(Color::Rgb(1, 2, 3)));
        let selected = theme.selected(true);
        assert_eq!(selected.bg, Some(Color::Indexed(17)));
        assert!(!selected.add_modifier.contains(Modifier::REVERSED));
        // The dark preset keeps reverse video for the focused selection.
        let dark = Theme::new(false).selected(true);
        assert!(dark.add_modifier.contains(Modifier::REVERSED));
        assert_eq!(dark.bg, None);
    }
}
