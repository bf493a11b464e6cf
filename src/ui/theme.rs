//! Styles, in colour or (NO_COLOR) with modifiers only, so the selection and
//! every emphasis stay visible either way.

use crate::app::story::Segment;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(no_color: bool) -> Theme {
        Theme { color: !no_color }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else if self.color {
            Style::new().bg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    }

    /// The mark of an unread story or issue (its title is bold too).
    pub fn unread(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn starred(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn newsletter(&self) -> Style {
        self.fg(Color::Magenta)
    }

    /// A matched character or keyword.
    pub fn hit(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The link `o` and `y` act on, wherever its number is drawn.
    pub fn selected_link(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn segment(&self, segment: Segment) -> Style {
        match segment {
            Segment::Title => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Segment::Label => Style::new().add_modifier(Modifier::BOLD),
            Segment::Text => Style::new(),
            Segment::Marker => self.fg(Color::Yellow),
            Segment::Caption => self.dim().add_modifier(Modifier::ITALIC),
            Segment::SubHeading => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Segment::QuoteBar => self.fg(Color::Blue),
            Segment::Quote => Style::new().add_modifier(Modifier::ITALIC),
            Segment::LinkMark(_) => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            Segment::LinksHeading => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Segment::Url => self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
        }
    }
}
