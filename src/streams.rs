//! Whether stdin and stdout were open when the process started. Rust's
//! runtime puts /dev/null in place of a closed one before `main`, so a
//! write there succeeded and a read found nothing: `list >&-` printed
//! nothing with exit 0, and `diff - <&-` read an empty export (so it does
//! for one open only the other way, `0>file`: Rust takes EBADF as the end).
//! The binary looks before the runtime does (a constructor in `main.rs`)
//! and says what it saw here; without that look, both count as open.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

static STDIN_CLOSED: AtomicBool = AtomicBool::new(false);
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Descriptors 0-127 open at start, once looked at.
static OPEN_AT_START: [AtomicBool; 128] = [const { AtomicBool::new(false) }; 128];
static LOOKED: AtomicBool = AtomicBool::new(false);

/// Notes which of stdin and stdout were closed at start, and which
/// descriptors below 128 were open (`open`): only those can be a stream
/// the user names (`/dev/fd/3`), not one the tool opened since (its
/// history store). Runs before Rust's runtime is set up: it only stores.
pub fn looked_at_start(stdin_closed: bool, stdout_closed: bool, open: impl Fn(i32) -> bool) {
    STDIN_CLOSED.store(stdin_closed, Ordering::Relaxed);
    STDOUT_CLOSED.store(stdout_closed, Ordering::Relaxed);
    for (fd, was_open) in (0..).zip(&OPEN_AT_START) {
        was_open.store(open(fd), Ordering::Relaxed);
    }
    LOOKED.store(true, Ordering::Relaxed);
}

/// False when `fd` is known not to have been open at start.
#[cfg(unix)]
fn open_then(fd: i32) -> bool {
    // (Beyond 127: not looked at.)
    let was_open = |fd: usize| (OPEN_AT_START.get(fd)).is_none_or(|o| o.load(Ordering::Relaxed));
    !LOOKED.load(Ordering::Relaxed) || usize::try_from(fd).is_ok_and(was_open)
}

/// The names of stdin and stdout as files: `/dev/stdin` named for `-`.
pub const STDIN_NAMES: [&str; 3] = ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"];
pub const STDOUT_NAMES: [&str; 3] = ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];

/// The descriptor a path names as an open stream: `/dev/stderr`,
/// `/dev/fd/N` or `/proc/self/fd/N` (`/dev/stdout` is stdout's).
#[cfg(unix)]
pub fn descriptor_named(path: &std::path::Path) -> Option<i32> {
    let n = match path.to_str()? {
        "/dev/stdin" => "0",
        "/dev/stderr" => "2",
        path => (path.strip_prefix("/dev/fd/")).or_else(|| path.strip_prefix("/proc/self/fd/"))?,
    };
    (n.bytes().all(|b| b.is_ascii_digit())).then(|| n.parse().ok())?
}

/// A new descriptor for `fd`, sharing its open file (its offset and
/// `O_APPEND`), as a shell's `>&N` does; an error when it is not open.
#[cfg(unix)]
pub fn duplicate(fd: i32) -> io::Result<std::fs::File> {
    use std::os::fd::FromRawFd;
    let not_open = || {
        io::Error::other(format!(
            "descriptor {fd} was not open when the tool started"
        ))
    };
    if !open_then(fd) {
        return Err(not_open());
    }
    // SAFETY: fcntl on any number is safe; a new descriptor it returns is
    // this process's own, given to the File alone.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    if new < 0 {
        let e = io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            Some(libc::EBADF) => not_open(),
            _ => e,
        });
    }
    // SAFETY: `new` was just made and nothing else owns it.
    let file = unsafe { std::fs::File::from_raw_fd(new) };
    // Open for reading alone (`3<file`, a pipe's read end): said now, not
    // as "Bad file descriptor" after the whole walk.
    // SAFETY: F_GETFL only reads the descriptor's flags.
    let mode = unsafe { libc::fcntl(new, libc::F_GETFL) } & libc::O_ACCMODE;
    if mode == libc::O_RDONLY {
        return Err(io::Error::other(format!(
            "descriptor {fd} is open for reading, not writing"
        )));
    }
    Ok(file)
}

/// The error of reading stdin, if it was closed at start.
pub fn stdin_closed() -> Option<io::Error> {
    (STDIN_CLOSED.load(Ordering::Relaxed)).then(|| closed("<&-", "reading", ""))
}

/// True when stdout was closed at start.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Stdout when it was closed at start: any output is an error, as it is
/// for `cat`; a run that prints nothing still succeeds.
pub struct ClosedStdout;

impl io::Write for ClosedStdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match buf.is_empty() {
            true => Ok(0),
            false => Err(closed_stdout()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The error of any output to a stdout closed at start.
pub fn closed_stdout() -> io::Error {
    closed(">&-", "writing", "; redirect it to a file or to /dev/null")
}

/// `nohup` opens a terminal's stdin for writing only, so that reads fail.
fn closed(how: &str, way: &str, then: &str) -> io::Error {
    io::Error::other(format!(
        "it was closed (`{how}`), or not open for {way}, when the tool started{then}"
    ))
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::{ClosedStdout, descriptor_named, duplicate, looked_at_start};
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::path::Path;

    #[test]
    fn a_stream_is_named_by_its_device_or_its_descriptor() {
        let named = |path: &str| descriptor_named(Path::new(path));
        assert_eq!(named("/dev/stdin"), Some(0));
        assert_eq!(named("/dev/stderr"), Some(2));
        assert_eq!(named("/dev/fd/3"), Some(3));
        assert_eq!(named("/proc/self/fd/12"), Some(12));
        for other in [
            "/dev/fd/",
            "/dev/fd/+3",
            "/dev/fd/3/x",
            "/dev/fd/-1",
            "/dev/fdx/3",
            "/proc/1/fd/3",
            "/dev/fd/99999999999",
            "fd/3",
        ] {
            assert_eq!(named(other), None, "{other}");
        }
    }

    /// A descriptor opened since the start (the tool's own) is not one
    /// the user can name; before the look, all count as open. Only this
    /// test looks: it leaves stdin and stdout open, as they are.
    #[test]
    fn a_descriptor_opened_since_the_start_is_not_duplicated() {
        let file = tempfile::tempfile().unwrap();
        let fd = file.as_raw_fd();
        assert!(duplicate(fd).is_ok(), "not looked at yet");
        looked_at_start(false, false, |fd| fd <= 2);
        let not_then = duplicate(fd).unwrap_err().to_string();
        assert_eq!(
            not_then,
            format!("descriptor {fd} was not open when the tool started")
        );
        assert!(duplicate(2).is_ok(), "open then and now");
    }

    /// Beyond 127 (not looked at) one not open is said as such too.
    #[test]
    fn a_descriptor_not_open_is_said_so_not_as_ebadf() {
        let not_open = duplicate(1000).unwrap_err().to_string();
        assert_eq!(
            not_open,
            "descriptor 1000 was not open when the tool started"
        );
    }

    #[test]
    fn a_closed_stdout_takes_nothing_but_nothing() {
        assert_eq!(ClosedStdout.write(b"").unwrap(), 0);
        let err = ClosedStdout.write(b"x").unwrap_err().to_string();
        assert!(err.starts_with("it was closed (`>&-`)"), "{err}");
    }
}
