//! Messages on stderr: warnings (silenced by `-q`) and the `-v`/`-vv`
//! request log. Nothing here ever prints a secret: callers redact first.
//! Every line is cleaned for the terminal here: a message may quote what
//! a server sent (an id, a header).

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::text::terminal_safe;

/// How chatty stderr is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Log {
    pub verbosity: u8,
    pub quiet: bool,
}

impl Log {
    /// A warning, unless `-q`.
    pub fn warn(&self, message: &str) {
        self.note(&format!("warning: {message}"));
    }

    /// A note, unless `-q` (e.g. `0 accounts`): one line, as an error's.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln_quiet(&terminal_safe(message).replace('\n', " "));
        }
    }

    /// `-v`: one line per request.
    pub fn verbose(&self) -> bool {
        self.verbosity >= 1
    }

    /// `-vv`: headers too.
    pub fn very_verbose(&self) -> bool {
        self.verbosity >= 2
    }

    /// Prints a `-v` line.
    pub fn debug(&self, message: &str) {
        if self.verbose() {
            eprintln_quiet(&terminal_safe(message));
        }
    }
}

/// Characters of the progress line now on stderr (0: none). Any other
/// line written to stderr wipes it first; the walk draws it again with its
/// next page.
static PROGRESS_SHOWN: AtomicUsize = AtomicUsize::new(0);

/// Draws `line` over the progress line on stderr, or wipes it (`None`).
pub fn draw_progress(line: Option<&str>) {
    let width = line.map_or(0, |l| l.chars().count());
    let shown = PROGRESS_SHOWN.swap(width, Ordering::Relaxed);
    let mut err = std::io::stderr().lock();
    let _ = match line {
        Some(line) => write!(err, "\r{line}{}", " ".repeat(shown.saturating_sub(width))),
        None => err.write_all(wipe(shown).as_bytes()),
    };
    let _ = err.flush();
}

/// What wipes a progress line of `shown` characters (nothing for none).
fn wipe(shown: usize) -> String {
    match shown {
        0 => String::new(),
        n => format!("\r{}\r", " ".repeat(n)),
    }
}

/// Writes a line to stderr, first wiping the progress line if one is
/// shown, and ignoring errors (a closed stderr must not turn into a panic
/// the way `eprintln!` would).
fn eprintln_quiet(line: &str) {
    let mut err = Patient(std::io::stderr().lock());
    let shown = PROGRESS_SHOWN.swap(0, Ordering::Relaxed);
    let _ = writeln!(err, "{}{line}", wipe(shown));
}

/// A writer that waits while it would block. A reader that made its
/// pipe non-blocking (node's child processes, some CI runners; stdout and
/// stderr together) and reads slowly had lines dropped and output cut off.
pub struct Patient<W>(pub W);

impl<W: Write> Write for Patient<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        patiently(|| self.0.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        patiently(|| self.0.flush())
    }
}

/// Runs `op` again, a millisecond later, for as long as it would block.
fn patiently<T>(mut op: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    loop {
        match op() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_progress_line_is_wiped_with_spaces_back_to_its_start() {
        assert_eq!(wipe(0), "");
        assert_eq!(wipe(3), "\r   \r");
    }
}
