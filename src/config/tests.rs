use super::*;
use crate::app::keys::Code;

/// (line, column, key) of each diagnostic, for compact assertions.
fn places(text: &str) -> (Config, Vec<(usize, usize, String)>) {
    let (config, diags) = parse(text);
    let places = diags
        .iter()
        .map(|d| (d.line, d.column, d.key.clone()))
        .collect();
    (config, places)
}

fn only(text: &str) -> (Config, Diagnostic) {
    let (config, mut diags) = parse(text);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    (config, diags.remove(0))
}

fn key(name: &str) -> Key {
    Key::parse(name).expect(name)
}

#[test]
fn the_shipped_file_is_exactly_the_defaults() {
    let (config, diags) = parse(DEFAULT_TOML);
    assert_eq!(diags, vec![]);
    assert_eq!(config, Config::default());
}

#[test]
fn the_shipped_colour_comments_are_the_dark_preset() {
    // Uncommenting every colour line must change nothing.
    let text: String = DEFAULT_TOML
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.contains(" = \"") && !rest.starts_with("Example") => {
                format!("{rest}\n")
            }
            _ => format!("{l}\n"),
        })
        .collect();
    assert!(text.contains("\nborder_focused = \"cyan\""), "{text}");
    let (config, diags) = parse(&text);
    assert_eq!(diags, vec![]);
    assert_eq!(config.palette, Palette::dark());
    let listed = text.matches("\n").count() - DEFAULT_TOML.matches("\n").count();
    assert_eq!(listed, 0);
    for name in COLOR_NAMES {
        assert!(
            text.contains(&format!("\n{name} = ")),
            "{name} is not documented"
        );
    }
}

#[test]
fn an_empty_file_is_the_defaults() {
    assert_eq!(parse(""), (Config::default(), vec![]));
}

#[test]
fn every_setting_is_read() {
    let text = r##"
[library]
folders = ["~/news", "/srv/letters"]
sort = "newsletter"

[reading]
mark_read_at_end = false

[panes]
issues = 20
sections = 35

[theme]
preset = "light"
[theme.colors]
newsletter = "#102030"
hit = 208
border = "default"

[keys]
quit = ["x", "ctrl-q"]
open_link = []
toggle_help = "f1"
"##;
    let (config, diags) = parse(text);
    assert_eq!(diags, vec![]);
    assert_eq!(config.folders, ["~/news", "/srv/letters"]);
    assert_eq!(config.sort, SortOrder::Newsletter);
    assert!(!config.mark_read_at_end);
    assert_eq!(
        config.panes,
        PaneWidths {
            issues: 20,
            sections: 35
        }
    );
    assert_eq!(config.preset, Preset::Light);
    let mut palette = Palette::light();
    palette.newsletter = Color::Rgb(0x10, 0x20, 0x30);
    palette.hit = Color::Indexed(208);
    palette.border = Color::Reset;
    assert_eq!(config.palette, palette);
    assert_eq!(config.keys.keys(&Action::Quit), [key("x"), key("ctrl-q")]);
    assert_eq!(config.keys.keys(&Action::OpenLink), []);
    assert_eq!(
        config.keys.keys(&Action::ToggleHelp),
        [Key::new(Code::F(1))]
    );
    // Everything not named keeps its default.
    assert_eq!(config.keys.keys(&Action::Down), [key("j"), key("down")]);
    let settings = config.settings();
    assert!(!settings.mark_read_at_end);
    assert_eq!(settings.panes.issues, 20);
    assert_eq!(settings.keys, config.keys);
}

#[test]
fn a_single_folder_may_be_a_string() {
    let (config, diags) = parse("[library]\nfolders = \"~/news\"\n");
    assert_eq!(diags, vec![]);
    assert_eq!(config.folders, ["~/news"]);
}

#[test]
fn colours_apply_on_top_of_the_preset_wherever_it_is_written() {
    let (config, _) = parse("[theme.colors]\ntitle = \"red\"\n[theme]\npreset = \"light\"\n");
    let mut palette = Palette::light();
    palette.title = Color::Red;
    assert_eq!(config.palette, palette);
}

#[test]
fn a_wrong_type_names_line_column_and_what_was_expected() {
    let text = "# my config\n\n[reading]\nmark_read_at_end = \"yes\"\n";
    let (config, d) = only(text);
    assert!(config.mark_read_at_end, "the default is kept");
    assert_eq!((d.line, d.column), (4, 20));
    assert_eq!(
        d.render("config.toml"),
        "config.toml:4:20: reading.mark_read_at_end: expected a boolean (true or false), \
         found a string \"yes\"; using the default"
    );
}

#[test]
fn a_syntax_error_means_defaults_for_everything_with_its_place() {
    let text = "[reading]\nmark_read_at_end = false\n[panes]\nissues = 30\nsections = yes\n";
    let (config, d) = only(text);
    assert_eq!(config, Config::default());
    assert_eq!((d.line, d.column, d.key.as_str()), (5, 12, ""));
    assert!(
        d.message.starts_with("this is not valid TOML ("),
        "{}",
        d.message
    );
    assert!(
        d.message.ends_with("using the defaults for everything"),
        "{}",
        d.message
    );
    assert!(!d.message.contains('\n'));
}

#[test]
fn an_unclosed_table_header_is_a_syntax_error() {
    let (config, d) = only("[keys\nquit = \"x\"\n");
    assert_eq!(config, Config::default());
    assert_eq!(d.line, 1);
    assert!(d.message.contains("not valid TOML"));
}

#[test]
fn unknown_keys_are_reported_and_the_rest_is_read() {
    let text = "[colours]\nx = 1\n[reading]\nmark_read_at_ned = false\n[library]\nsort = \"newsletter\"\nshelf = 1\n";
    let (config, places) = places(text);
    assert_eq!(config.sort, SortOrder::Newsletter);
    assert_eq!(
        places,
        [
            (1, 2, "colours".to_string()),
            (4, 1, "reading.mark_read_at_ned".to_string()),
            (7, 1, "library.shelf".to_string()),
        ]
    );
    let (_, diags) = parse(text);
    assert!(
        diags[1].message.contains("did you mean mark_read_at_end?"),
        "{}",
        diags[1].message
    );
    assert!(
        diags[0].message.starts_with("unknown section"),
        "{}",
        diags[0].message
    );
}

#[test]
fn a_bad_choice_lists_the_choices() {
    let (config, d) = only("[library]\nsort = \"title\"\n");
    assert_eq!(config.sort, SortOrder::Date);
    assert_eq!((d.line, d.column), (2, 8));
    assert_eq!(
        d.message,
        "expected \"date\" or \"newsletter\", found a string \"title\"; using \"date\""
    );
    let (config, d) = only("[theme]\npreset = \"sepia\"\n");
    assert_eq!(config.palette, Palette::dark());
    assert_eq!((d.line, d.column, d.key.as_str()), (2, 10, "theme.preset"));
}

#[test]
fn a_bad_colour_keeps_the_rest_of_the_theme() {
    let text = "[theme]\npreset = \"light\"\n[theme.colors]\nborder = \"blu\"\ntitle = \"red\"\nstar = 300\nshadow = \"red\"\n";
    let (config, places) = places(text);
    let mut palette = Palette::light();
    palette.title = Color::Red;
    assert_eq!(config.palette, palette);
    assert_eq!(
        places,
        [
            (4, 10, "theme.colors.border".to_string()),
            (6, 8, "theme.colors.star".to_string()),
            (7, 1, "theme.colors.shadow".to_string()),
        ]
    );
    let (_, diags) = parse(text);
    assert!(diags[0].message.contains("found a string \"blu\""));
    assert!(diags[0].message.ends_with("using the preset's"));
}

#[test]
fn pane_widths_out_of_range_or_not_numbers_keep_the_default() {
    let text = "[panes]\nissues = 80\nsections = \"wide\"\n";
    let (config, diags) = parse(text);
    assert_eq!(config.panes, PaneWidths::default());
    let got: Vec<(usize, usize, &str)> = diags
        .iter()
        .map(|d| (d.line, d.column, d.key.as_str()))
        .collect();
    assert_eq!(got, [(2, 10, "panes.issues"), (3, 12, "panes.sections")]);
    assert_eq!(
        diags[0].message,
        "expected a width in percent from 10 to 40, found the number 80; using 30"
    );
}

#[test]
fn folders_of_the_wrong_kind_are_reported() {
    let (config, d) = only("[library]\nfolders = 3\n");
    assert!(config.folders.is_empty());
    assert_eq!(
        (d.line, d.column, d.key.as_str()),
        (2, 11, "library.folders")
    );
    let (config, d) = only("[library]\nfolders = [\"~/a\", 4, \"~/b\"]\n");
    assert_eq!(config.folders, ["~/a", "~/b"]);
    assert_eq!((d.line, d.column), (2, 19));
}

#[test]
fn a_section_that_is_not_a_table_is_reported() {
    let (config, d) = only("keys = \"vim\"\n");
    assert_eq!(config.keys, Bindings::default());
    assert_eq!((d.line, d.column, d.key.as_str()), (1, 8, "keys"));
    assert!(d.message.starts_with("expected a table, found a string"));
}

#[test]
fn unknown_actions_and_key_names_are_reported_where_they_are() {
    let text = "[keys]\nqiut = \"x\"\nquit = [\"ctlr-q\", \"Q\"]\ndown = 5\n";
    let (config, diags) = parse(text);
    let got: Vec<(usize, usize, &str)> = diags
        .iter()
        .map(|d| (d.line, d.column, d.key.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, 1, "keys.qiut"),
            (3, 9, "keys.quit"),
            (4, 8, "keys.down")
        ]
    );
    assert!(diags[0].message.contains("unknown action"));
    assert!(diags[0].message.contains("did you mean quit?"));
    assert!(diags[1].message.starts_with("\"ctlr-q\" is not a key"));
    assert!(diags[2].message.ends_with("keeping the default keys"));
    // The good key of the list is still bound; down keeps its defaults.
    assert_eq!(config.keys.keys(&Action::Quit), [key("Q")]);
    assert_eq!(config.keys.keys(&Action::Down), [key("j"), key("down")]);
}

#[test]
fn a_key_given_to_two_actions_is_reported() {
    // Two settings of the file: the first keeps the key.
    let text = "[keys]\nquit = [\"x\"]\nopen_link = [\"x\", \"O\"]\n";
    let (config, d) = only(text);
    assert_eq!(
        (d.line, d.column, d.key.as_str()),
        (3, 14, "keys.open_link")
    );
    assert_eq!(
        d.message,
        "\"x\" is also bound to quit, which keeps it; ignored here"
    );
    assert_eq!(config.keys.keys(&Action::Quit), [key("x")]);
    assert_eq!(config.keys.keys(&Action::OpenLink), [key("O")]);
}

#[test]
fn a_key_taken_from_a_default_is_reported_and_moves() {
    let (config, d) = only("[keys]\nopen_link = [\"j\"]\n");
    assert_eq!(
        (d.line, d.column, d.key.as_str()),
        (2, 14, "keys.open_link")
    );
    assert_eq!(
        d.message,
        "\"j\" is also a default key of down, which no longer has it"
    );
    assert_eq!(config.keys.action(key("j")), Some(&Action::OpenLink));
    assert_eq!(config.keys.keys(&Action::Down), [key("down")]);
    // Moving a key by rebinding both actions is no conflict.
    let (config, diags) = parse("[keys]\nopen_link = [\"j\"]\ndown = [\"down\"]\n");
    assert_eq!(diags, vec![]);
    assert_eq!(config.keys.action(key("j")), Some(&Action::OpenLink));
}

#[test]
fn digits_and_ctrl_c_cannot_be_bound() {
    let text = "[keys]\nquit = [\"3\", \"ctrl-c\", \"x\"]\n";
    let (config, places) = places(text);
    assert_eq!(
        places,
        [
            (2, 9, "keys.quit".to_string()),
            (2, 14, "keys.quit".to_string())
        ]
    );
    assert_eq!(config.keys.keys(&Action::Quit), [key("x")]);
}

#[test]
fn columns_count_characters_not_bytes() {
    let (_, d) = only("# café ☕\n[reading]\n\"é\" = 1\n");
    assert_eq!((d.line, d.column), (3, 1));
    let (_, d) = only("[library]\nsort = \"date\" # é\nfolders = [\"ü\", 2]\n");
    assert_eq!((d.line, d.column), (3, 17));
}

#[test]
fn suggestions_are_close_names_only() {
    assert_eq!(suggest("qiut", &["quit", "up"]), Some("quit"));
    assert_eq!(suggest("zzzzzz", &["quit", "up"]), None);
    assert_eq!(edits("kitten", "sitting"), 3);
    assert_eq!(edits("", "ab"), 2);
}

#[test]
fn diagnostics_without_a_place_render_without_one() {
    let d = Diagnostic {
        line: 0,
        column: 0,
        key: String::new(),
        message: "could not be read".into(),
    };
    assert_eq!(d.render("c.toml"), "c.toml: could not be read");
}

#[test]
fn split_rules_are_read_in_order() {
    let (config, diags) = parse(
        "[[split]]\nnewsletter = \"Harbour Ledger\"\nheading = '^\\d+\\) '\ndrop = [\"Advertise\"]\n\n\
         [[split]]\nfiles = \"*/digests/*.txt\"\nlevel = 2\nlead_ins = true\n",
    );
    assert_eq!(diags, vec![]);
    let rules = &config.split.rules;
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].newsletter.as_deref(), Some("Harbour Ledger"));
    assert_eq!(
        rules[0].heading.as_ref().map(|r| r.as_str()),
        Some("^\\d+\\) ")
    );
    assert_eq!(rules[0].drop, ["Advertise"]);
    assert_eq!(rules[1].level, Some(2));
    assert!(rules[1].lead_ins);
    assert!(
        rules[1]
            .files
            .as_ref()
            .is_some_and(|g| g.is_match("home/digests/a.txt"))
    );
}

#[test]
fn a_broken_split_rule_is_left_out_and_the_others_kept() {
    let (config, diags) = places(
        "[[split]]\nnewsletter = \"A\"\nlevel = \"two\"\n\n[[split]]\nnewsletter = \"B\"\nlevel = 3\n\nsplit = 4\n",
    );
    assert_eq!(config.split.rules.len(), 1);
    assert_eq!(config.split.rules[0].newsletter.as_deref(), Some("B"));
    assert_eq!(diags[0], (3, 9, "split.level".to_string()));
    assert_eq!(diags.len(), 2, "{diags:?}");
}

#[test]
fn the_shipped_split_example_is_valid() {
    // The commented [[split]] example, uncommented, reads without a problem.
    let example: String = DEFAULT_TOML
        .lines()
        .skip_while(|l| *l != "# [[split]]")
        .map(|l| format!("{}\n", l.trim_start_matches('#').trim_start()))
        .collect();
    assert!(example.contains("heading = '^▶ '"), "{example}");
    let (config, diags) = parse(&example);
    assert_eq!(diags, vec![]);
    assert_eq!(config.split.rules.len(), 2);
}

#[test]
fn fetch_settings_are_read_and_mistakes_keep_the_defaults() {
    let (config, diags) = places("[fetch]\nevery = \"2h\"\ntimeout = 12\n");
    assert_eq!(diags, vec![]);
    assert_eq!(
        config.fetch.every,
        Some(std::time::Duration::from_secs(7200))
    );
    assert_eq!(config.fetch.timeout, std::time::Duration::from_secs(12));
    assert_eq!(config.settings().fetch_every, Some(7_200_000));
    let (config, diags) =
        places("[fetch]\nevery = \"4m\"\ntimeout = 601\nevery_day = 1\n\n[[feed]]\nurl = \"x\"\n");
    assert_eq!(config.fetch, FetchSettings::default());
    assert_eq!(
        diags,
        vec![
            (2, 9, "fetch.every".to_string()),
            (3, 11, "fetch.timeout".to_string()),
            (4, 1, "fetch.every_day".to_string()),
            (6, 3, "feed".to_string()),
        ]
    );
    let (config, _) = places("[fetch]\nevery = \"off\"\n");
    assert_eq!(config.fetch.every, None);
    assert_eq!(
        parse_duration("90s"),
        Some(std::time::Duration::from_secs(90))
    );
    assert_eq!(
        parse_duration("1d"),
        Some(std::time::Duration::from_secs(86_400))
    );
    assert_eq!(parse_duration("h"), None);
    assert_eq!(parse_duration("3 weeks"), None);
}
