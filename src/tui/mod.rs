//! The terminal: setup, restore (on quit, error, panic and Ctrl-Z), and the
//! event loop message -> keymap -> update -> effect -> draw. The only code
//! that does terminal I/O.
//!
//! One loop waits on one channel: keys (`input`), resizes and signals,
//! the worker's answers (loading, searching) and the saver's (`Msg`). It
//! sleeps until one arrives, so an idle reader uses no CPU; keys typed
//! faster than a frame are all handled before the next draw.

pub mod clipboard;
pub mod crash;
pub mod fetcher;
pub mod input;
pub mod keymap;
pub mod saver;
pub mod worker;

use std::collections::VecDeque;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use crate::app::{self, Action, App, Effect, Problem, Settings, Status, messages};
use crate::library;
use crate::model::SourceError;
use crate::store::{self, StateStore};
use crate::ui::theme::{Palette, Theme};
use anyhow::Context;
use crossterm::event::KeyEvent;
use ratatui::DefaultTerminal;
use worker::{Job, Worker};

/// Everything the loop waits for, from every thread, on one channel.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// The terminal changed size (SIGWINCH).
    Resized,
    /// An answer of the worker or the saver.
    Action(Action),
    /// SIGTERM, SIGHUP or SIGINT: quit as `q` does, saving.
    Stop,
    /// The terminal's input ended (it was closed).
    InputEnded,
    /// The worker thread ended (it panicked, or the reader is leaving).
    WorkerEnded,
    /// The saver thread ended.
    SaverEnded,
}

/// What the config file and the command line set up in the reader.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub keymap: keymap::Keymap,
    pub palette: Palette,
    pub settings: Settings,
    /// Problems in the config file, kept in the messages view.
    pub problems: Vec<String>,
    /// Folders and files to watch: a change there loads the library again.
    pub watch: Vec<std::path::PathBuf>,
    /// Paths were named: a library with no issue at all is not opened.
    pub require_issues: bool,
    /// Where `r` (and `fetch.every`) fetch the feeds; None: no fetching
    /// (no home folder).
    pub fetch: Option<fetcher::FetchSetup>,
}

/// How the reader ended.
#[derive(Debug, PartialEq)]
pub enum Ended {
    Quit,
    /// Nothing named could be read: why, per source. The terminal was
    /// never taken (or given back at once).
    NothingReadable(Vec<SourceError>),
}

/// How long the first frame waits for the library: one that loads faster
/// (or turns out to hold nothing) never flashes a "Loading…" screen.
const FIRST_FRAME: Duration = Duration::from_millis(100);

/// Runs the reader, drawing a "Loading…" frame (with progress) while `load`
/// (which returns the library and its origin, telling its progress
/// listener how far it got) and the indexing run on a worker thread; the
/// library is swapped in when it arrives. With a `state` file, reading
/// state is loaded and saved on a thread of its own.
pub fn run_with_loader<F, R>(
    state: Option<Box<dyn StateStore>>,
    load: F,
    setup: Setup,
) -> anyhow::Result<Ended>
where
    F: Fn(library::Progress) -> R + Send + 'static,
    R: Into<worker::Parts>,
{
    let Setup {
        keymap,
        palette,
        settings,
        problems,
        watch,
        require_issues,
        fetch,
    } = setup;
    let mut app = App::loading();
    app.no_color = no_color();
    app.settings = settings;
    app.settings.save_state = state.is_some();
    app.set_clock(store::now_millis);
    for problem in problems {
        app::update(&mut app, Action::Problem(Problem::Config(problem)));
    }
    if let Some(fetch) = fetch
        .as_ref()
        .filter(|_| app.settings.fetch_every.is_some())
    {
        app.set_last_fetch(fetcher::last_fetch(fetch));
    }
    let view = View {
        theme: Theme::with_palette(palette, app.no_color),
        keymap,
    };
    let ui = std::thread::current().id();
    let test_panic = crash::test_panic();
    // Before the worker starts, so a panic there is reported too.
    crash::install(ui);
    let load = move |progress| {
        if test_panic == Some(crash::TestPanic::Worker) {
            #[allow(clippy::panic)] // the test hook's whole point
            {
                panic!(
                    "test panic in the worker ({} is set)",
                    crash::TEST_PANIC_VAR
                );
            }
        }
        load(progress)
    };
    let (tx, rx) = channel();
    // The watch is set on a thread of its own: on a large library it takes
    // a while (the watcher looks at every folder below the library's), and
    // the first screen of issues does not wait for it. The load does wait
    // for it before it walks the files (see `Progress::before_walk`), so no
    // file arriving meanwhile is missed.
    let gate = Arc::new(library::Gate::default());
    let load = {
        let gate = Arc::clone(&gate);
        move |progress: library::Progress| load(progress.gated(Arc::clone(&gate)))
    };
    let worker =
        worker::spawn(load, tx.clone()).context("could not start the reader's worker thread")?;
    // Kept until the reader ends: new issues show up without a restart.
    let _watch = watch_library(watch, worker.jobs.clone(), tx.clone(), gate);
    let saver = match state {
        Some(file) => Some(
            saver::spawn(file, tx.clone()).context("could not start the reading-state thread")?,
        ),
        None => None,
    };
    let leaving = Arc::new(AtomicBool::new(false));
    stop_signals(
        Arc::clone(&leaving),
        saver.as_ref().and_then(saver::Saver::flusher),
        tx.clone(),
    )
    .context("could not listen for termination signals")?;

    let mut tui = Tui {
        app: &mut app,
        worker: &worker,
        saver: saver.as_ref(),
        view: &view,
        require_issues,
        test_panic,
        fetch,
        answers: tx.clone(),
    };
    // The library may come at once, or hold nothing at all: wait a moment
    // before taking the terminal.
    let early = match tui.first_messages(&rx) {
        Ok(early) => early,
        Err(end) => {
            leaving.store(true, Ordering::Relaxed);
            let failed = saver.and_then(|s| s.finish(None));
            report_after(failed);
            return end;
        }
    };
    let result = tui.take_terminal(tx, rx, early);
    leaving.store(true, Ordering::Relaxed);
    // A closed terminal (SIGHUP) fails the restore and every write to
    // stderr: nothing here may panic (as eprintln! would) before the save.
    let mut stderr = std::io::stderr();
    if let Err(e) = ratatui::try_restore() {
        let said = crate::text::sanitize(&e.to_string());
        let _ = writeln!(stderr, "nlread: could not restore the terminal: {said}");
    }
    // Whatever ended the loop (q, a signal, a closed terminal), what the
    // user did is written before the process ends.
    let last = app.unsaved();
    let failed = saver.and_then(|saver| saver.finish(last));
    report_after(failed);
    // Quitting should be instant: freeing a 100,000-story library string by
    // string takes longer than the exit that follows, which reclaims it whole.
    std::mem::forget(app);
    result
}

/// After the terminal is back: a panic on the worker's sentence, and a
/// final save that failed.
fn report_after(failed: Option<String>) {
    let mut stderr = std::io::stderr();
    if let Some(said) = crash::take_pending() {
        let _ = writeln!(stderr, "{}", crate::text::sanitize(&said));
    }
    if let Some(failed) = failed {
        let _ = writeln!(stderr, "nlread: {}", crate::cli::line(&failed));
    }
}

/// SIGTERM, SIGHUP (the terminal was closed) and SIGINT stop the loop, which
/// quits as `q` does, saving state.
///
/// Every wait ends with a signal. A loop that has not ended (`leaving`
/// still false) GRACE after the signal is stuck (a write to a terminal that
/// is gone can block): then the saver is asked to write at once everything
/// the loop handed it (the loop hands over every change as it happens) and
/// the process exits with 128 + the signal. Once the loop has ended, the
/// reader only waits for its last save: a second signal ends the process at
/// once, and so does LAST_SAVE passing after the first.
fn stop_signals(
    leaving: Arc<AtomicBool>,
    flusher: Option<saver::Flusher>,
    tx: Sender<Msg>,
) -> std::io::Result<()> {
    /// Twice the loop's longest wait for input.
    const GRACE: Duration = Duration::from_millis(500);
    /// How long a reader that was signalled waits for its last save.
    const LAST_SAVE: Duration = Duration::from_secs(5);
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ])?;
    let (forward, received) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("nlread-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if forward.send(signal).is_err() {
                    return;
                }
            }
        })?;
    std::thread::Builder::new()
        .name("nlread-stop".into())
        .spawn(move || {
            let Ok(signal) = received.recv() else {
                return;
            };
            let quit = |signal: i32| -> ! {
                let _ = ratatui::try_restore();
                std::process::exit(128 + signal);
            };
            if leaving.load(Ordering::Relaxed) {
                // The loop has ended (a closed terminal ends it before its
                // SIGHUP comes): the last save gets its time, a second
                // signal ends the wait.
                let again = wait_until(&received, LAST_SAVE, || false);
                quit(again.unwrap_or(signal));
            }
            let _ = tx.send(Msg::Stop);
            let ended = || leaving.load(Ordering::Relaxed);
            if let Some(again) = wait_until(&received, GRACE, ended) {
                quit(again);
            }
            if !ended() {
                // Stuck: the saver writes what it was handed, then we go.
                let saved = Arc::new(AtomicBool::new(false));
                if let Some(flusher) = flusher {
                    let done = Arc::clone(&saved);
                    let _ = std::thread::Builder::new()
                        .name("nlread-flush".into())
                        .spawn(move || {
                            flusher.flush(LAST_SAVE);
                            done.store(true, Ordering::Relaxed);
                        });
                } else {
                    saved.store(true, Ordering::Relaxed);
                }
                let over = || saved.load(Ordering::Relaxed) || ended();
                if let Some(again) = wait_until(&received, LAST_SAVE, over) {
                    quit(again);
                }
                if !ended() {
                    quit(signal);
                }
            }
            // The loop ended: the reader saves and exits, within LAST_SAVE.
            let again = wait_until(&received, LAST_SAVE, || false);
            quit(again.unwrap_or(signal));
        })?;
    Ok(())
}

/// Waits until `done` says yes or `limit` passes, looking every 10 ms;
/// returns a signal received meanwhile, at once.
fn wait_until(
    signals: &std::sync::mpsc::Receiver<i32>,
    limit: Duration,
    done: impl Fn() -> bool,
) -> Option<i32> {
    let start = Instant::now();
    while !done() && start.elapsed() < limit {
        match signals.recv_timeout(Duration::from_millis(10)) {
            Ok(signal) => return Some(signal),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            // The forwarding thread is gone: no more signals can come.
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
    None
}

/// The terminal's size changes, as messages (Unix: SIGWINCH).
#[cfg(unix)]
fn resize_signals(tx: Sender<Msg>) -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGWINCH])?;
    std::thread::Builder::new()
        .name("nlread-resize".into())
        .spawn(move || {
            for _ in signals.forever() {
                if tx.send(Msg::Resized).is_err() {
                    return;
                }
            }
        })?;
    Ok(())
}

/// The keys, read and decoded on a thread of their own (Unix).
#[cfg(unix)]
fn read_keys(tx: Sender<Msg>) -> std::io::Result<()> {
    use std::io::{IsTerminal, Read};
    let mut tty: Box<dyn Read + Send> = if std::io::stdin().is_terminal() {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open("/dev/tty")?)
    };
    std::thread::Builder::new()
        .name("nlread-input".into())
        .spawn(move || {
            let mut decoder = input::Decoder::default();
            let mut buf = [0u8; 1024];
            loop {
                match tty.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        for key in decoder.feed(&buf[..n]) {
                            if tx.send(Msg::Key(key)).is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = tx.send(Msg::InputEnded);
        })?;
    Ok(())
}

/// The keys and resizes as crossterm reads them (not Unix).
#[cfg(not(unix))]
fn read_keys(tx: Sender<Msg>) -> std::io::Result<()> {
    use crossterm::event::{self, Event};
    std::thread::Builder::new()
        .name("nlread-input".into())
        .spawn(move || {
            loop {
                let msg = match event::read() {
                    Ok(Event::Key(key)) => Msg::Key(key),
                    Ok(Event::Resize(..)) => Msg::Resized,
                    Ok(_) => continue,
                    Err(_) => Msg::InputEnded,
                };
                let ended = matches!(msg, Msg::InputEnded);
                if tx.send(msg).is_err() || ended {
                    return;
                }
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
fn resize_signals(_tx: Sender<Msg>) -> std::io::Result<()> {
    Ok(())
}

/// Takes the terminal (raw mode, the alternate screen). ratatui::init
/// without its panic hook: that one would restore the terminal from
/// whichever thread panics, the worker's too, while the UI thread is still
/// drawing. Ours (crash::install) restores from the UI thread only.
fn enter() -> std::io::Result<DefaultTerminal> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))
}

/// Ctrl-Z: the terminal back to the shell, the process stopped until `fg`,
/// then the terminal taken again and redrawn whole.
#[cfg(unix)]
fn suspend(terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    ratatui::try_restore()?;
    crossterm::execute!(std::io::stdout(), crossterm::cursor::Show)?;
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    // A new Terminal rather than `clear()`, which asks the terminal where its
    // cursor is and would read an answer the key thread is reading.
    *terminal = enter()?;
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )
}

#[cfg(not(unix))]
fn suspend(_terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    Ok(())
}

/// NO_COLOR (no-color.org): set and not empty means no colours.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// What the loop turns keys and the app into, fixed for the run.
struct View {
    keymap: keymap::Keymap,
    theme: Theme,
}

/// Whether the loop goes on after a message.
enum Flow {
    Continue,
    End(Ended),
}

/// The loop's world: the app and the threads it talks to.
struct Tui<'a> {
    app: &'a mut App,
    worker: &'a Worker,
    saver: Option<&'a saver::Saver>,
    view: &'a View,
    require_issues: bool,
    test_panic: Option<crash::TestPanic>,
    fetch: Option<fetcher::FetchSetup>,
    /// For the fetch thread's answers.
    answers: Sender<Msg>,
}

impl Tui<'_> {
    /// The messages of the first moments, before the terminal is taken:
    /// all of them up to the library, or those of FIRST_FRAME. Ends the
    /// run (Err) when there is nothing to read or the worker died.
    fn first_messages(&mut self, rx: &Receiver<Msg>) -> Result<Vec<Msg>, anyhow::Result<Ended>> {
        let start = Instant::now();
        let mut early = Vec::new();
        loop {
            let left = FIRST_FRAME.saturating_sub(start.elapsed());
            match rx.recv_timeout(left) {
                Ok(Msg::Action(Action::Loaded(loaded))) => {
                    if let Some(end) = self.nothing_to_read(&loaded) {
                        return Err(Ok(end));
                    }
                    early.push(Msg::Action(Action::Loaded(loaded)));
                    return Ok(early);
                }
                Ok(Msg::WorkerEnded) => return Err(Err(self.worker_ended())),
                Ok(Msg::Stop) => return Err(Ok(Ended::Quit)),
                // The library (no paths named, so never "nothing to read"):
                // its first issues are shown as soon as they come.
                Ok(Msg::Action(Action::Progress(progress)))
                    if !self.require_issues && !progress.issues.is_empty() =>
                {
                    early.push(Msg::Action(Action::Progress(progress)));
                    return Ok(early);
                }
                Ok(msg) => early.push(msg),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    return Ok(early);
                }
            }
        }
    }

    /// A first library that holds nothing while paths were named.
    fn nothing_to_read(&self, loaded: &app::Loaded) -> Option<Ended> {
        (self.require_issues && self.app.is_loading() && loaded.library.issues.is_empty())
            .then(|| Ended::NothingReadable(loaded.library.errors.clone()))
    }

    fn worker_ended(&self) -> anyhow::Error {
        if self.app.is_loading() {
            anyhow::anyhow!("the library could not be loaded (the loader stopped)")
        } else {
            anyhow::anyhow!("the search worker stopped")
        }
    }

    fn take_terminal(
        &mut self,
        tx: Sender<Msg>,
        rx: Receiver<Msg>,
        early: Vec<Msg>,
    ) -> anyhow::Result<Ended> {
        let mut terminal = enter()?;
        let result = resize_signals(tx.clone())
            .context("could not listen for terminal resizes")
            .and_then(|()| read_keys(tx).context("could not read the keyboard"))
            .and_then(|()| self.event_loop(&mut terminal, &rx, early));
        // Not dropped: ratatui's drop says a cursor it cannot show with
        // eprintln!, which panics when the terminal has gone (SIGHUP), and
        // a panic here would end the process before the last save.
        let _ = terminal.show_cursor();
        std::mem::forget(terminal);
        result
    }

    fn event_loop(
        &mut self,
        terminal: &mut DefaultTerminal,
        rx: &Receiver<Msg>,
        early: Vec<Msg>,
    ) -> anyhow::Result<Ended> {
        let mut queue: VecDeque<Msg> = VecDeque::from(early);
        // The size now, and again on every SIGWINCH (listened to from here
        // on, so no change is missed).
        queue.push_front(Msg::Resized);
        let mut dirty = true;
        loop {
            if queue.is_empty() {
                if dirty {
                    let theme = &self.view.theme;
                    terminal.draw(|frame| crate::ui::draw_themed(frame, self.app, theme))?;
                    dirty = false;
                    // The test hook (see crash::TEST_PANIC_VAR): after a
                    // frame with the library in it, so the terminal really
                    // has to be restored.
                    if self.test_panic == Some(crash::TestPanic::Ui) && !self.app.is_loading() {
                        #[allow(clippy::panic)] // the test hook's whole point
                        {
                            panic!("test panic in the UI ({} is set)", crash::TEST_PANIC_VAR);
                        }
                    }
                }
                // Asleep until something happens, or `fetch.every` is due.
                let due = self.app.next_fetch_at().filter(|_| self.fetch.is_some());
                let msg = match due {
                    Some(at) => {
                        let wait = at.saturating_sub(store::now_millis());
                        match rx.recv_timeout(Duration::from_millis(wait)) {
                            Ok(msg) => Some(msg),
                            Err(RecvTimeoutError::Timeout) => Some(Msg::Action(Action::FetchDue)),
                            Err(RecvTimeoutError::Disconnected) => None,
                        }
                    }
                    None => rx.recv().ok(),
                };
                match msg {
                    Some(msg) => queue.push_back(msg),
                    None => return Ok(Ended::Quit),
                }
                // Keys typed faster than a frame are handled before one draw.
                queue.extend(rx.try_iter());
            }
            let Some(msg) = queue.pop_front() else {
                continue;
            };
            dirty = true;
            if let Flow::End(ended) = self.handle(terminal, msg)? {
                return Ok(ended);
            }
        }
    }

    fn handle(&mut self, terminal: &mut DefaultTerminal, msg: Msg) -> anyhow::Result<Flow> {
        let action = match msg {
            Msg::Key(key) => match self.view.keymap.action(key, self.app) {
                Some(action) => action,
                None => return Ok(Flow::Continue),
            },
            Msg::Resized => {
                let size = terminal.size()?;
                Action::Resize {
                    width: size.width,
                    height: size.height,
                }
            }
            Msg::Action(Action::Loaded(loaded)) => {
                if let Some(end) = self.nothing_to_read(&loaded) {
                    return Ok(Flow::End(end));
                }
                // The sync behind this library may have carried marks to
                // stories split again: the saver takes them in.
                if let Some(saver) = self.saver {
                    saver.refresh();
                }
                Action::Loaded(loaded)
            }
            Msg::Action(action) => action,
            Msg::Stop | Msg::InputEnded => return Ok(Flow::End(Ended::Quit)),
            Msg::WorkerEnded => return Err(self.worker_ended()),
            Msg::SaverEnded => {
                // The saver only ends with the reader: it stopped.
                self.saver = None;
                Action::Status(Status::SaverStopped)
            }
        };
        self.perform(terminal, action)
    }

    /// Updates the app with `action` and does what it says.
    fn perform(&mut self, terminal: &mut DefaultTerminal, action: Action) -> anyhow::Result<Flow> {
        match app::update(self.app, action) {
            Effect::None => {}
            Effect::Quit => return Ok(Flow::End(Ended::Quit)),
            Effect::Search { generation, query } => self
                .worker
                .jobs
                .send(Job::Search { generation, query })
                .context("the search worker stopped")?,
            Effect::Save(changes) => {
                if let Some(saver) = self.saver {
                    saver.save(changes);
                }
            }
            Effect::OpenLink(url) => {
                // Detached, stdio on /dev/null: the opener never draws over
                // the reader, and a failure is a status line, not a crash.
                if let Err(e) = open::that_detached(&url) {
                    let reason = match e.kind() {
                        std::io::ErrorKind::NotFound => messages::NO_OPENER.to_string(),
                        _ => e.to_string(),
                    };
                    return self.perform(terminal, Action::Status(Status::OpenFailed(reason)));
                }
            }
            Effect::CopyLink(url) => {
                if let Err(e) = clipboard::copy(terminal.backend_mut(), &url) {
                    let status = Status::CopyFailed(e.to_string());
                    return self.perform(terminal, Action::Status(status));
                }
            }
            Effect::Fetch => {
                let started = match &self.fetch {
                    Some(setup) => {
                        fetcher::spawn(setup, self.answers.clone(), self.worker.jobs.clone())
                            .map_err(|e| e.to_string())
                    }
                    None => Err(messages::NO_HOME_FOR_FEEDS.to_string()),
                };
                if let Err(error) = started {
                    let fetched = app::Fetched {
                        error: Some(error),
                        at: store::now_millis(),
                        ..app::Fetched::default()
                    };
                    return self.perform(terminal, Action::Fetched(fetched));
                }
            }
            Effect::Suspend => {
                suspend(terminal)?;
                // The size may have changed while the shell had the terminal.
                return self.handle(terminal, Msg::Resized);
            }
        }
        Ok(Flow::Continue)
    }
}

/// The library's watch, set on a thread of its own; dropping this waits
/// for that thread and drops the watch, which stops it.
struct WatchSetup(Option<std::thread::JoinHandle<Option<library::watch::Watch>>>);

impl Drop for WatchSetup {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            drop(thread.join());
        }
    }
}

/// Sets the watch on `targets` on a thread of its own, opens `gate` once it
/// is set (or could not be), and says a failure as a problem.
fn watch_library(
    targets: Vec<std::path::PathBuf>,
    jobs: Sender<Job>,
    answers: Sender<Msg>,
    gate: Arc<library::Gate>,
) -> WatchSetup {
    /// Opens the gate however the setup ends (a panic included), so the
    /// load never waits for ever.
    struct OpenOnDrop(Arc<library::Gate>);
    impl Drop for OpenOnDrop {
        fn drop(&mut self) {
            self.0.open();
        }
    }
    let opener = OpenOnDrop(gate);
    if targets.is_empty() {
        return WatchSetup(None);
    }
    let said = answers.clone();
    let not_watching = move |why: String| {
        let _ = said.send(Msg::Action(Action::Problem(Problem::NotWatching(why))));
    };
    let fail = not_watching.clone();
    let started = std::thread::Builder::new()
        .name("nlread-watch-setup".into())
        .spawn(move || {
            let _opener = opener;
            let watched = library::watch::watch(&targets, move || {
                let _ = jobs.send(Job::Reload);
            });
            watched.map_err(|e| fail(e.to_string())).ok()
        });
    match started {
        Ok(thread) => WatchSetup(Some(thread)),
        // The closure, and the opener in it, are dropped: the gate is open.
        Err(e) => {
            not_watching(e.to_string());
            WatchSetup(None)
        }
    }
}
