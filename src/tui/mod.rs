//! The terminal: setup, restore (on quit, error and panic), and the event
//! loop read event -> keymap -> update -> draw. The only code that does
//! terminal I/O. Loading and searching run on a worker thread (`worker`);
//! the loop only ever polls its channel, so a key is drawn at once.

pub mod clipboard;
pub mod crash;
pub mod keymap;
pub mod saver;
pub mod worker;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use crate::app::{self, Action, App, Effect, Settings, messages};
use crate::model::{Library, Resume};
use crate::store::StateFile;
use crate::ui::theme::{Palette, Theme};
use anyhow::Context;
use crossterm::event::{self, Event};
use ratatui::DefaultTerminal;
use worker::{Job, Worker};

/// How long the loop waits for a key while the worker owes it an answer
/// before it looks at the worker's channel again: well under a frame.
const POLL: Duration = Duration::from_millis(4);
/// How often an idle reader looks at the terminal size (see event_loop).
const IDLE: Duration = Duration::from_millis(250);
/// Reading-state changes are saved at most this often (and on quit).
const SAVE_EVERY: Duration = Duration::from_secs(1);

/// What the config file sets up in the reader (the defaults otherwise).
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub keymap: keymap::Keymap,
    pub palette: Palette,
    pub settings: Settings,
    /// Said in the status line at start (e.g. problems in the config file)
    /// until the first key.
    pub status: Option<String>,
    /// Folders and files to watch: a change there loads the library again.
    pub watch: Vec<std::path::PathBuf>,
}

/// Runs the reader on `library` with the defaults until the user quits.
/// `origin` says where the issues came from, for the status line.
pub fn run(library: Library, origin: String) -> anyhow::Result<()> {
    // Nothing is watched, so this is called once.
    let once = std::sync::Mutex::new(Some((library, origin)));
    let load = move || {
        once.lock()
            .ok()
            .and_then(|mut l| l.take())
            .unwrap_or_default()
    };
    run_with_loader(None, load, Setup::default())
}

/// Runs the reader, drawing an empty "Loading…" frame at once while `load`
/// (which returns the library and its origin sentence) and the indexing run
/// on a worker thread; the library is swapped in when it arrives. With a
/// `state` file, reading state is loaded and saved on a thread of its own.
/// `setup` holds what the config file changes.
pub fn run_with_loader<F>(state: Option<StateFile>, load: F, setup: Setup) -> anyhow::Result<()>
where
    F: Fn() -> (Library, String) + Send + 'static,
{
    let Setup {
        keymap,
        palette,
        settings,
        status,
        watch,
    } = setup;
    let mut app = App::loading();
    app.no_color = no_color();
    app.settings = settings;
    app.status = status;
    let view = View {
        theme: Theme::with_palette(palette, app.no_color),
        keymap,
    };
    let ui = std::thread::current().id();
    let test_panic = crash::test_panic();
    // Before the worker starts, so a panic there is reported too.
    crash::install(ui);
    let load = move || {
        if test_panic == Some(crash::TestPanic::Worker) {
            panic!(
                "test panic in the worker ({} is set)",
                crash::TEST_PANIC_VAR
            );
        }
        load()
    };
    let leaving = Arc::new(AtomicBool::new(false));
    let flush = Arc::new(saver::Flush::default());
    if state.is_none() {
        // Nothing to save: a stuck loop need not wait for a saver.
        flush.done.store(true, Ordering::Relaxed);
    }
    let stop = stop_signals(Arc::clone(&leaving), Arc::clone(&flush))
        .context("could not listen for termination signals")?;
    let worker = worker::spawn(load).context("could not start the reader's worker thread")?;
    // Kept until the reader ends: new issues show up without a restart.
    let _watch = if watch.is_empty() {
        None
    } else {
        let jobs = worker.jobs.clone();
        match crate::library::watch::watch(&watch, move || {
            let _ = jobs.send(Job::Reload);
        }) {
            Ok(w) => Some(w),
            Err(e) => {
                if app.status.is_none() {
                    app.status = Some(messages::not_watching(&e.to_string()));
                }
                None
            }
        }
    };
    let (state_tx, state_answers) = channel();
    let saver = match state {
        Some(file) => Some(
            saver::spawn(file, state_tx, flush)
                .context("could not start the reading-state thread")?,
        ),
        None => None,
    };
    let mut saving = Saving {
        saver: saver.as_ref(),
        answers: state_answers,
        pending: saver.is_some(),
        last: Instant::now(),
        resume: None,
    };
    // ratatui::try_init without its panic hook: that one would restore the
    // terminal from whichever thread panics, the worker's too, while the UI
    // thread is still drawing. Ours (crash::install) restores from the UI
    // thread only.
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
    let result = event_loop(
        &mut terminal,
        &mut app,
        &worker,
        &mut saving,
        &stop,
        test_panic,
        &view,
    );
    leaving.store(true, Ordering::Relaxed);
    // A closed terminal (SIGHUP) fails the restore and every write to
    // stderr: nothing here may panic (as eprintln! would) before the save.
    let mut stderr = std::io::stderr();
    if let Err(e) = ratatui::try_restore() {
        let said = crate::text::sanitize(&e.to_string());
        let _ = writeln!(stderr, "nlread: could not restore the terminal: {said}");
    }
    // A panic on the worker: its sentence, now that the terminal is back.
    if let Some(said) = crash::take_pending() {
        let _ = writeln!(stderr, "{}", crate::text::sanitize(&said));
    }
    // Whatever ended the loop (q, a signal, a closed terminal), what the
    // user did is written before the process ends.
    let last = saving.changes(&mut app);
    drop(saving);
    if let Some(failed) = saver.and_then(|saver| saver.finish(last)) {
        let _ = writeln!(stderr, "nlread: {}", crate::cli::line(&failed));
    }
    // Quitting should be instant: freeing a 100,000-story library string by
    // string takes longer than the exit that follows, which reclaims it whole.
    std::mem::forget(app);
    result
}

/// SIGTERM, SIGHUP (the terminal was closed) and SIGINT set this flag; the
/// loop sees it within one idle wait and quits as `q` does, saving state.
///
/// Every wait ends with a signal. A loop that has not ended (`leaving`
/// still false) GRACE after the signal is stuck: crossterm 0.29's poll spins
/// for ever on a terminal that was closed (its read loop retries EOF,
/// crossterm issue #793), so it never looks at the flag. Then the saver is
/// asked to write at once everything the loop handed it (the loop hands over
/// every change as it happens) and the process exits with 128 + the signal
/// rather than spin at full CPU. Once the loop has ended, the reader only
/// waits for its last save: a signal then (Ctrl-C on the restored
/// terminal, or a second one) ends the process at once, and so does LAST_SAVE
/// passing after the first.
fn stop_signals(
    leaving: Arc<AtomicBool>,
    flush: Arc<saver::Flush>,
) -> std::io::Result<Arc<AtomicBool>> {
    /// Twice the loop's longest wait for input (IDLE).
    const GRACE: Duration = Duration::from_millis(500);
    /// How long a reader that was signalled waits for its last save.
    const LAST_SAVE: Duration = Duration::from_secs(5);
    let stop = Arc::new(AtomicBool::new(false));
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ])?;
    let (tx, received) = channel();
    std::thread::Builder::new()
        .name("nlread-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if tx.send(signal).is_err() {
                    return;
                }
            }
        })?;
    let flag = Arc::clone(&stop);
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
                quit(signal);
            }
            flag.store(true, Ordering::Relaxed);
            let ended = || leaving.load(Ordering::Relaxed);
            if let Some(again) = wait_until(&received, GRACE, ended) {
                quit(again);
            }
            if !ended() {
                flush.asked.store(true, Ordering::Relaxed);
                let saved = || flush.done.load(Ordering::Relaxed) || ended();
                if let Some(again) = wait_until(&received, LAST_SAVE, saved) {
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
    Ok(stop)
}

/// Waits until `done` says yes or `limit` passes, looking every 10 ms;
/// returns a signal received meanwhile, at once.
fn wait_until(signals: &Receiver<i32>, limit: Duration, done: impl Fn() -> bool) -> Option<i32> {
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

/// The loop's side of saving: when to send changes to the saver thread.
struct Saving<'a> {
    saver: Option<&'a saver::Saver>,
    answers: Receiver<Action>,
    /// The state file has not been read yet.
    pending: bool,
    last: Instant,
    /// The resume point last sent (its time aside).
    resume: Option<Resume>,
}

impl Saving<'_> {
    /// What changed since the last save: marks, and the resume point if
    /// the reader moved.
    fn changes(&mut self, app: &mut App) -> saver::Changes {
        let marks = app.take_changes();
        let resume = app.resume_point().filter(|now| {
            let same = self.resume.as_ref().is_some_and(|before| {
                Resume {
                    at: now.at,
                    ..before.clone()
                } == *now
            });
            !same
        });
        if resume.is_some() {
            self.resume.clone_from(&resume);
        }
        saver::Changes { marks, resume }
    }

    /// Hands the saver every changed mark at once (it writes within a
    /// second), and the resume point at most once per SAVE_EVERY.
    fn tick(&mut self, app: &mut App) {
        let Some(saver) = self.saver else {
            return;
        };
        let marks = if app.has_changes() {
            app.take_changes()
        } else {
            Vec::new()
        };
        let mut resume = None;
        if !self.pending && !app.is_loading() && self.last.elapsed() >= SAVE_EVERY {
            self.last = Instant::now();
            resume = self.changes(app).resume;
        }
        if !marks.is_empty() || resume.is_some() {
            saver.save(saver::Changes { marks, resume });
        }
    }
}

/// NO_COLOR (no-color.org): set and not empty means no colours.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether the loop goes on after an action.
enum Flow {
    Continue,
    Quit,
}

fn dispatch(
    app: &mut App,
    action: Action,
    worker: &Worker,
    out: &mut impl Write,
) -> anyhow::Result<Flow> {
    match app::update(app, action) {
        Effect::None => {}
        Effect::Quit => return Ok(Flow::Quit),
        Effect::Search { generation, query } => worker
            .jobs
            .send(Job::Search { generation, query })
            .context("the search worker stopped")?,
        Effect::OpenLink(url) => {
            // Detached, stdio on /dev/null: the opener never draws over the
            // reader, and a failure is a status line, not a crash.
            if let Err(e) = open::that_detached(&url) {
                let reason = match e.kind() {
                    std::io::ErrorKind::NotFound => messages::NO_OPENER.to_string(),
                    _ => e.to_string(),
                };
                let said = messages::open_failed(&reason);
                app::update(app, Action::Status(said));
            }
        }
        Effect::CopyLink(url) => {
            if let Err(e) = clipboard::copy(out, &url) {
                let said = messages::copy_failed(&e.to_string());
                app::update(app, Action::Status(said));
            }
        }
    }
    Ok(Flow::Continue)
}

/// What the loop turns keys and the app into, fixed for the run.
struct View {
    keymap: keymap::Keymap,
    theme: Theme,
}

fn on_event(
    app: &mut App,
    event: Event,
    worker: &Worker,
    keymap: &keymap::Keymap,
    out: &mut impl Write,
) -> anyhow::Result<Flow> {
    let action = match event {
        Event::Key(key) => keymap.action(key, app),
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        _ => None,
    };
    match action {
        Some(action) => dispatch(app, action, worker, out),
        None => Ok(Flow::Continue),
    }
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    worker: &Worker,
    saving: &mut Saving,
    stop: &AtomicBool,
    test_panic: Option<crash::TestPanic>,
    view: &View,
) -> anyhow::Result<()> {
    let first_size = terminal.size()?;
    let mut size = (first_size.width, first_size.height);
    app::update(
        app,
        Action::Resize {
            width: size.0,
            height: size.1,
        },
    );
    let mut dirty = true;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        saving.tick(app);
        // Only after a change: while waiting for the worker the loop wakes
        // every few ms, and a redraw then would only take CPU from it.
        if dirty {
            terminal.draw(|frame| crate::ui::draw_themed(frame, app, &view.theme))?;
            dirty = false;
            // The test hook (see crash::TEST_PANIC_VAR): after a frame with
            // the library in it, so the terminal really has to be restored.
            if test_panic == Some(crash::TestPanic::Ui) && !app.is_loading() {
                panic!("test panic in the UI ({} is set)", crash::TEST_PANIC_VAR);
            }
        }
        // Block on the keyboard only when the worker owes nothing;
        // otherwise wake up often to take its answers.
        let wait = if app.waiting() || saving.pending {
            POLL
        } else {
            IDLE
        };
        let first = event::poll(wait)?.then(event::read).transpose()?;
        // A resize that lands before crossterm listens for SIGWINCH (right
        // at start-up) sends no event: compare the size now and then.
        let now = terminal.size()?;
        if (now.width, now.height) != size {
            size = (now.width, now.height);
            dirty = true;
            app::update(
                app,
                Action::Resize {
                    width: now.width,
                    height: now.height,
                },
            );
        }
        if let Some(event) = first {
            dirty = true;
            if let Flow::Quit = on_event(app, event, worker, &view.keymap, terminal.backend_mut())?
            {
                return Ok(());
            }
            // Keys typed faster than a frame are handled before one draw.
            while event::poll(Duration::ZERO)? {
                if let Flow::Quit = on_event(
                    app,
                    event::read()?,
                    worker,
                    &view.keymap,
                    terminal.backend_mut(),
                )? {
                    return Ok(());
                }
            }
        }
        loop {
            match saving.answers.try_recv() {
                Ok(action) => {
                    let loaded = matches!(action, Action::StateLoaded(_));
                    dirty = true;
                    app::update(app, action);
                    if loaded {
                        saving.pending = false;
                        // Where the last run stopped is not news to save.
                        saving.resume = app.reading_state().resume.clone();
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    // The saver only ends with the reader: it stopped.
                    if saving.saver.is_some() {
                        saving.saver = None;
                        dirty = true;
                        app::update(app, Action::Status(messages::SAVER_STOPPED.into()));
                    }
                    saving.pending = false;
                    break;
                }
            }
        }
        loop {
            match worker.answers.try_recv() {
                Ok(action) => {
                    dirty = true;
                    if let Flow::Quit = dispatch(app, action, worker, terminal.backend_mut())? {
                        return Ok(());
                    }
                }
                Err(TryRecvError::Empty) => break,
                // The worker lives as long as `jobs`: gone means it panicked.
                Err(TryRecvError::Disconnected) if app.is_loading() => {
                    anyhow::bail!("the library could not be loaded (the loader stopped)")
                }
                Err(TryRecvError::Disconnected) => {
                    anyhow::bail!("the search worker stopped")
                }
            }
        }
    }
}
