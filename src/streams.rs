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

/// Notes which of stdin and stdout were closed at start. Runs before
/// Rust's runtime is set up: it only stores.
pub fn closed_at_start(stdin: bool, stdout: bool) {
    STDIN_CLOSED.store(stdin, Ordering::Relaxed);
    STDOUT_CLOSED.store(stdout, Ordering::Relaxed);
}

/// The names of stdin and stdout as files: `/dev/stdin` named for `-`.
pub const STDIN_NAMES: [&str; 3] = ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"];
pub const STDOUT_NAMES: [&str; 3] = ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];

/// The error of reading stdin, if it was closed at start.
pub fn stdin_closed() -> Option<io::Error> {
    STDIN_CLOSED
        .load(Ordering::Relaxed)
        .then(|| closed("<&-", "reading", ""))
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
