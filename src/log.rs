//! Messages on stderr: warnings (silenced by `-q`) and the `-v`/`-vv`
//! request log. Nothing here ever prints a secret: callers redact first.

use std::io::Write;

/// How chatty stderr is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Log {
    pub verbosity: u8,
    pub quiet: bool,
}

impl Log {
    /// A warning, unless `-q`.
    pub fn warn(&self, message: &str) {
        if !self.quiet {
            eprintln_quiet(&format!("warning: {message}"));
        }
    }

    /// A warning that `-q` does not silence (an unprotected config file).
    pub fn alert(&self, message: &str) {
        eprintln_quiet(&format!("warning: {message}"));
    }

    /// A note, unless `-q` (e.g. `0 accounts`).
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln_quiet(message);
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
            eprintln_quiet(message);
        }
    }
}

/// Writes a line to stderr, ignoring errors (a closed stderr must not
/// turn into a panic the way `eprintln!` would).
fn eprintln_quiet(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}
