//! Ctrl-C, `kill` and a scheduler's timeout: a run ended by SIGINT,
//! SIGTERM or SIGHUP (or another signal that ends a process and can be
//! caught: SIGQUIT, SIGALRM of `timeout -s ALRM`, SIGUSR1/2, SIGXCPU of
//! `ulimit -t`, SIGABRT sent by `kill`, and the rarer ones to the
//! real-time signals) first removes the hidden temporary
//! files it was writing (the `--output-file` export, a token cache entry),
//! so that a nightly job stopped every night does not pile them up. The
//! target of `--output-file` is untouched, as on any other failure. The
//! process then ends by the same signal, as it would have without this: a
//! shell or scheduler sees "killed by SIGINT", and a shell loop stops on
//! Ctrl-C.
//!
//! The signals are caught only while a temporary file is pending (the
//! handler is installed with the first one), and never a signal the tool
//! was started with ignored: under `nohup`, `trap '' HUP` or as a script's
//! background job, the tool survives what it was told to ignore.
//!
//! A command the tool runs in a process group of its own (`client_secret_cmd`
//! with no terminal, so that what it starts is stopped with it) is out of
//! reach of the group kill of `timeout` or cron, which stops the tool: it
//! is registered with [`Group::spawn`], and a signal that ends the run
//! stops its group first, as the run's own `--timeout` stops it.
//!
//! While a hidden question (`config init`'s secret) is read with echo
//! off, the same signals are caught too ([`restoring_terminal`]): the
//! terminal is put back as it was before the run ends by the signal.
//!
//! SIGCONT (`fg` after Ctrl-Z, `kill -CONT`) is counted from the start
//! ([`resumes`]): a request that failed unanswered across a stop is sent
//! again, since its timeout's clock ran on through the stop.
//!
//! A temporary file is registered with [`Pending::create`] while it is
//! written, and [`Pending::settle`] runs the rename that makes it
//! permanent while a signal's cleanup waits: the cleanup never removes a
//! name that has just been renamed, and a rename never races a removal.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once, OnceLock};

/// The temporary files being written.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The signals to catch while a file is pending: those not ignored at start.
static CATCH: OnceLock<Vec<i32>> = OnceLock::new();

/// The process groups of commands running in one of their own.
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// The handler is installed once, with the first pending file or group.
static HANDLER: Once = Once::new();

/// How many times the run was continued after a stop (`fg` after Ctrl-Z,
/// `kill -CONT` after `kill -STOP`): counted by a SIGCONT handler.
static RESUMED: AtomicU64 = AtomicU64::new(0);

/// How many times the run was continued after a stop so far. A request
/// that timed out with this changed while it was sent was timed out by
/// the stop: its clock ran on while the run did not read what came.
pub fn resumes() -> u64 {
    RESUMED.load(Ordering::SeqCst)
}

/// Catches the signals noted at start, from now on (once).
fn install_handler() {
    HANDLER.call_once(|| catch(CATCH.get().map_or(&[], Vec::as_slice)));
}

/// `mutex`'s value (the pending files, the groups, a run's shared
/// state), also when a thread panicked holding it.
pub fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The value stays valid whatever a panicking holder did.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A temporary file that a signal must not leave behind.
#[derive(Debug)]
pub struct Pending(PathBuf);

impl Pending {
    /// Makes a temporary file with `make` (what it gives names the file)
    /// and registers it. The handler is there before the file is, and the
    /// cleanup waits until it is registered: a signal that comes while it
    /// is made removes it too (the default action, before, left it).
    pub fn create<T: AsRef<Path>>(
        make: impl FnOnce() -> io::Result<T>,
    ) -> io::Result<(T, Pending)> {
        install_handler();
        let mut list = locked(&PENDING);
        let made = make()?;
        let path = made.as_ref().to_path_buf();
        list.push(path.clone());
        Ok((made, Pending(path)))
    }

    /// Runs `make_permanent` (the rename over the target) with the cleanup
    /// held off, then forgets the file whatever the outcome: renamed, it
    /// is no longer temporary; not renamed, its owner removes it.
    pub fn settle<T>(self, make_permanent: impl FnOnce() -> T) -> T {
        let mut list = locked(&PENDING);
        let outcome = make_permanent();
        list.retain(|p| *p != self.0);
        outcome
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        locked(&PENDING).retain(|p| *p != self.0);
    }
}

/// A command leading a process group of its own, which a signal that ends
/// the run stops (SIGKILL, as `--timeout` stops it) while it is registered.
#[derive(Debug)]
pub struct Group(Option<i32>);

impl Group {
    /// Starts a command with `spawn` and, when it `leads` a process group
    /// of its own, registers that group, the handler there first and the
    /// cleanup held off until it is registered (as [`Pending::create`]).
    pub fn spawn(
        leads: bool,
        spawn: impl FnOnce() -> io::Result<std::process::Child>,
    ) -> io::Result<(std::process::Child, Group)> {
        if !leads {
            return Ok((spawn()?, Group(None)));
        }
        install_handler();
        let mut list = locked(&GROUPS);
        let child = spawn()?;
        let group = i32::try_from(child.id()).ok();
        list.extend(group);
        Ok((child, Group(group)))
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(group) = self.0 {
            locked(&GROUPS).retain(|&g| g != group);
        }
    }
}

/// Notes, at start, which of the signals that end a process the tool may
/// catch later: those whose disposition is not "ignore". None of those is
/// caught yet; SIGCONT is counted from now on ([`resumes`]).
#[cfg(unix)]
pub fn install() {
    use libc::*;
    // A file size limit (`ulimit -f`) fails the write that reaches it
    // with an error that says so, rather than ending the run: SIGXFSZ
    // came after a snapshot was recorded (in the checkpoint), or at the
    // token cache, which may fail with a warning.
    // SAFETY: setting a signal's disposition to "ignore".
    unsafe { signal(SIGXFSZ, SIG_IGN) };
    // Continued after a stop: counted (the process is continued whatever
    // the handler). Not counted if it cannot be hooked.
    // SAFETY: the action only adds to an atomic, which is async-signal-safe.
    let _ = unsafe {
        signal_hook::low_level::register(SIGCONT, || {
            RESUMED.fetch_add(1, Ordering::SeqCst);
        })
    };
    #[cfg(target_os = "linux")]
    let more = [SIGPWR, SIGSTKFLT]
        .into_iter()
        .chain(SIGRTMIN()..=SIGRTMAX());
    #[cfg(not(target_os = "linux"))]
    let more = std::iter::empty();
    let _ = CATCH.set(
        [
            SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGABRT, SIGTRAP,
            SIGSYS, SIGVTALRM, SIGPROF, SIGIO,
        ]
        .into_iter()
        .chain(more)
        .filter(|&s| action(s, None).sa_sigaction != SIG_IGN)
        .collect(),
    );
}

#[cfg(not(unix))]
pub fn install() {}

/// A thread waits for `signals`, removes the pending files and ends the
/// process by that signal. If they cannot be hooked, a signal ends the
/// run as before.
#[cfg(unix)]
fn catch(caught: &[i32]) {
    let Ok(mut signals) = signal_hook::iterator::Signals::new(caught) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // The registered groups are stopped, and the list stays
                // locked: no command starts before the end.
                let groups = locked(&GROUPS);
                for &group in groups.iter() {
                    // SAFETY: kill(2) of a process group a command of this run leads.
                    unsafe { libc::kill(-group, libc::SIGKILL) };
                }
                // The list stays locked: no rename starts before the end.
                let held = locked(&PENDING);
                for path in held.iter() {
                    let _ = std::fs::remove_file(path);
                }
                // signal-hook's emulate_default_handler knows no SIGIO.
                // SAFETY: setting a signal's default action and raising it.
                unsafe {
                    libc::signal(signal, libc::SIG_DFL);
                    libc::raise(signal);
                }
                // Not reached: the default action of these signals ends the process.
                std::process::exit(128 + signal);
            }
        });
    // No thread to handle them (ulimit -u): they end the run as before.
    if spawned.is_err() {
        for &signal in caught {
            // SAFETY: setting a signal's default action.
            unsafe { libc::signal(signal, libc::SIG_DFL) };
        }
    }
}

#[cfg(not(unix))]
fn catch(_: &[i32]) {}

/// The terminal a hidden question is read on (its fd) and its modes
/// before: what a signal puts back. Set by the one such question of a run.
#[cfg(unix)]
static TERMINAL: OnceLock<(i32, libc::termios)> = OnceLock::new();

/// Runs `read`, which reads from the terminal `fd` with echo off and puts
/// its modes back only when it returns, so that a signal that ends the
/// run meanwhile (those not ignored at start; `kill`, a closed terminal,
/// or the SIGINT a reader raises at a typed Ctrl-C) first puts the
/// terminal back as it is now, then ends the run by that signal.
#[cfg(unix)]
pub fn restoring_terminal<T>(fd: i32, read: impl FnOnce() -> T) -> T {
    // SAFETY: tcgetattr fills a plain C struct, for which zeroes are valid.
    let mut modes: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut modes) } != 0 || TERMINAL.set((fd, modes)).is_err() {
        return read();
    }
    let handler = put_back_and_end as extern "C" fn(libc::c_int) as libc::sighandler_t;
    let signals = CATCH.get().map_or(&[][..], Vec::as_slice);
    // SAFETY: sigaction with plain C structs, for which zeroes are valid.
    let mut put_back: libc::sigaction = unsafe { std::mem::zeroed() };
    put_back.sa_sigaction = handler;
    let before: Vec<_> = signals
        .iter()
        .map(|&s| (s, action(s, Some(&put_back))))
        .collect();
    let result = read();
    // Whole, flags too: signal-hook's handlers take a `siginfo_t`.
    for (signal, old) in before {
        action(signal, Some(&old));
    }
    result
}

/// The action `signal` had, and sets it to `new` when given (all zeroes,
/// the default action, when it cannot be read).
#[cfg(unix)]
fn action(signal: i32, new: Option<&libc::sigaction>) -> libc::sigaction {
    // SAFETY: sigaction with plain C structs, for which zeroes are valid;
    // with no new action it only reads the current one into `old`.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, new.map_or(std::ptr::null(), |a| a), &mut old);
        old
    }
}

/// Puts the terminal back, ends the line of the question, and ends the
/// run by `signal`, its default action now.
#[cfg(unix)]
extern "C" fn put_back_and_end(signal: libc::c_int) {
    // SAFETY: tcsetattr, write, signal and raise are async-signal-safe;
    // TERMINAL was set before this handler was.
    unsafe {
        if let Some((fd, modes)) = TERMINAL.get() {
            libc::tcsetattr(*fd, libc::TCSANOW, modes);
        }
        libc::write(2, b"\n".as_ptr().cast(), 1);
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn pending_files_are_removed_and_settled_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a.tmp"),
            dir.path().join("b.tmp"),
            dir.path().join("c.tmp"),
        );
        for p in [&a, &b, &c] {
            fs::write(p, "x").unwrap();
        }
        let register = |p: &Path| Pending::create(|| Ok(p.to_path_buf())).unwrap().1;
        let (pending_a, pending_b, pending_c) = (register(&a), register(&b), register(&c));
        let renamed = dir.path().join("target");
        pending_b.settle(|| fs::rename(&b, &renamed)).unwrap();
        drop(pending_c);
        // Other tests of this process may have files pending: remove only ours.
        let ours: Vec<PathBuf> = locked(&PENDING)
            .iter()
            .filter(|p| p.starts_with(dir.path()))
            .cloned()
            .collect();
        for path in &ours {
            let _ = fs::remove_file(path);
        }
        assert!(!a.exists(), "a pending file is removed");
        assert!(renamed.exists(), "a settled file is left alone");
        assert!(c.exists(), "a dropped registration is forgotten");
        drop(pending_a);
        assert!(!locked(&PENDING).iter().any(|p| p.starts_with(dir.path())));
    }

    /// A signal between the file's creation and its registration got the
    /// default action, and left the file (5 runs in 400 with a signal sent
    /// at the moment it was made).
    #[test]
    fn a_file_is_made_with_the_handler_there_and_the_cleanup_held_off() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("made.tmp");
        let (made, registered) = Pending::create(|| {
            assert!(HANDLER.is_completed(), "the handler is there first");
            assert!(PENDING.try_lock().is_err(), "the cleanup waits");
            fs::write(&file, "x").map(|()| file.clone())
        })
        .unwrap();
        assert!(locked(&PENDING).contains(&made));
        drop(registered);
        assert!(!locked(&PENDING).contains(&made));
        // A file that could not be made is its error (and `?` returns before
        // anything is registered).
        let failed = Pending::create(|| Err::<PathBuf, _>(io::Error::other("no")));
        assert!(failed.is_err());
    }

    /// A command leading a group of its own is registered while its
    /// `Group` lives; one that does not lead one is never registered.
    #[cfg(unix)]
    #[test]
    fn a_group_is_registered_only_when_it_leads_one_and_while_it_lives() {
        let run = || std::process::Command::new("true").spawn();
        let registered = |child: &std::process::Child| {
            let id = i32::try_from(child.id()).unwrap();
            locked(&GROUPS).contains(&id)
        };
        let (mut child, group) = Group::spawn(true, run).unwrap();
        assert!(registered(&child), "a leader is registered");
        drop(group);
        assert!(!registered(&child), "a dropped group is forgotten");
        child.wait().unwrap();
        let (mut child, _group) = Group::spawn(false, run).unwrap();
        assert!(!registered(&child), "a command in the run's group is not");
        child.wait().unwrap();
    }

    /// Each SIGCONT after `install` is counted.
    #[cfg(unix)]
    #[test]
    fn each_continue_after_a_stop_is_counted() {
        install();
        let before = resumes();
        for _ in 0..2 {
            // SAFETY: SIGCONT's default action continues a running process.
            unsafe { libc::raise(libc::SIGCONT) };
        }
        assert!(resumes() >= before + 2, "{before} then {}", resumes());
    }
}
