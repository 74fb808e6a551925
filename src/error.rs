//! Error kinds and the exit code each maps to (SPEC §5), in one place.
//!
//! Every module returns `anyhow::Result`; an error that must end the program
//! with a specific code carries a [`Failure`] at the root of its chain.
//! [`exit_code_for`] walks the chain to pick the code.

use std::fmt;
use std::io;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success, also when nothing matched.
    Success = 0,
    /// Anything else, e.g. the output cannot be written.
    Failure = 1,
    /// A usage error (clap's own, or a bad `diff` input file).
    Usage = 2,
    /// A configuration error or an insecure URL.
    Config = 3,
    /// The token request was refused, a 401 persisted, or a 403.
    Auth = 4,
    /// API or network failure after retries.
    Api = 5,
}

impl Exit {
    /// The numeric process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// An error that decides the exit code. The message is complete and
/// user-facing: lowercase, specific, ending with what to do.
#[derive(Debug)]
pub struct Failure {
    pub kind: Exit,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// An error that ends the program with `kind`'s exit code.
pub fn failure(kind: Exit, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Failure {
        kind,
        message: message.into(),
    })
}

/// A configuration error (exit 3).
pub fn config_error(message: impl Into<String>) -> anyhow::Error {
    failure(Exit::Config, message)
}

/// An authentication or authorization error (exit 4).
pub fn auth_error(message: impl Into<String>) -> anyhow::Error {
    failure(Exit::Auth, message)
}

/// An API or network error (exit 5).
pub fn api_error(message: impl Into<String>) -> anyhow::Error {
    failure(Exit::Api, message)
}

/// A usage error detected after argument parsing (exit 2).
pub fn usage_error(message: impl Into<String>) -> anyhow::Error {
    failure(Exit::Usage, message)
}

/// What to do when `error` is the system's EMFILE or ENFILE ("Too many
/// open files"): the process, or the machine, may open no more files.
/// Neither a folder's permissions nor the file itself are to blame.
pub fn out_of_files(error: &dyn fmt::Display) -> Option<&'static str> {
    (error.to_string().contains(OUT_OF_FILES))
        .then_some("the open-file limit (ulimit -n) left no room for another file: raise it")
}

/// Why a file or folder could not be made or written where no permission
/// is to blame: its disk is full (or a quota; also with no inode free),
/// its file system is read-only, or the file size limit was reached; with
/// `elsewhere`, where else it may go.
pub fn no_room(error: &std::io::Error, elsewhere: &str) -> Option<String> {
    match error.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            Some(format!("its disk is full; free some space, or {elsewhere}"))
        }
        std::io::ErrorKind::ReadOnlyFilesystem => {
            Some(format!("its file system is read-only; {elsewhere}"))
        }
        // EFBIG (SIGXFSZ is ignored, interrupt::install): no other place
        // has room, the limit is the process's.
        std::io::ErrorKind::FileTooLarge => {
            Some("the file size limit (ulimit -f) left no room for it: raise it".into())
        }
        _ => None,
    }
}

/// `error`, a failed write, with [`no_room`]'s advice after its words
/// when room was wanting; its kind is kept.
pub fn with_no_room(error: io::Error, elsewhere: &str) -> io::Error {
    match no_room(&error, elsewhere) {
        Some(what) => io::Error::new(error.kind(), format!("{error}; {what}")),
        None => error,
    }
}

/// The system's words for EMFILE and ENFILE (see [`out_of_files`]).
pub const OUT_OF_FILES: &str = "Too many open files";

/// What to do when `path` is relative and the current folder was deleted
/// after the process entered it: no folder's permissions are to
/// blame.
pub fn current_folder_gone(path: &std::path::Path) -> Option<&'static str> {
    let gone = std::env::current_dir().is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    (path.is_relative() && gone).then_some(
        "the current folder no longer exists (it was deleted after the shell entered it): cd to one that does, or give a full path",
    )
}

/// The same error with its message passed through `redact` (which removes
/// secrets); the exit code is kept. An error whose message is unchanged,
/// or a broken pipe, is returned as it is.
pub fn redacted(err: anyhow::Error, redact: impl Fn(&str) -> String) -> anyhow::Error {
    if is_broken_pipe(&err) {
        return err;
    }
    let message = one_line(&err);
    match redact(&message) {
        clean if clean != message => failure(exit_code_for(&err), clean),
        _ => err,
    }
}

/// Ends the program with `kind` and prints nothing: the outcome was
/// already reported (e.g. `diff --exit-code` found differences).
pub fn silent_exit(kind: Exit) -> anyhow::Error {
    failure(kind, "")
}

/// True for an error made by [`silent_exit`]: no `error:` line.
pub fn is_silent(err: &anyhow::Error) -> bool {
    // The error itself (the first of its chain), not a cause or context.
    (**err)
        .downcast_ref::<Failure>()
        .is_some_and(|f| f.message.is_empty())
}

/// True when the error chain holds a broken pipe: the reader went away
/// (`| head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            // serde_json keeps the io::Error inside and does not expose it
            // as a source, so the chain alone never shows it.
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}

/// The exit code for an error: the first [`Failure`] in the chain decides;
/// a broken pipe is success; anything else is 1.
pub fn exit_code_for(err: &anyhow::Error) -> Exit {
    if is_broken_pipe(err) {
        return Exit::Success;
    }
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Failure>().map(|f| f.kind))
        .unwrap_or(Exit::Failure)
}

/// The one-line message printed after `error: `. Context layers are joined
/// with `: `; newlines inside are flattened so the message stays one line.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = err.chain().map(|cause| cause.to_string()).collect();
    // A cause that only restates the one above it after a code (SQLite's
    // "Error code 13: database or disk is full") adds nothing. (`dedup_by`
    // compares each with the last one kept.)
    parts.dedup_by(|text, above| text.ends_with(above.as_str()));
    let text = parts.join(": ");
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    lines.collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn a_cause_that_restates_the_one_above_is_left_out() {
        let sqlite = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(13),
            Some("database or disk is full".into()),
        );
        let err = anyhow::Error::new(sqlite).context("writing the history store h.db");
        assert_eq!(
            one_line(&err),
            "writing the history store h.db: database or disk is full"
        );
        let io = anyhow::Error::new(io::Error::from(io::ErrorKind::NotFound)).context("reading x");
        assert_eq!(one_line(&io), "reading x: entity not found");
    }

    #[test]
    fn exit_codes_match_the_spec() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::Failure.code(), 1);
        assert_eq!(Exit::Usage.code(), 2);
        assert_eq!(Exit::Config.code(), 3);
        assert_eq!(Exit::Auth.code(), 4);
        assert_eq!(Exit::Api.code(), 5);
    }

    #[test]
    fn each_constructor_maps_to_its_code() {
        assert_eq!(exit_code_for(&config_error("x")), Exit::Config);
        assert_eq!(exit_code_for(&auth_error("x")), Exit::Auth);
        assert_eq!(exit_code_for(&api_error("x")), Exit::Api);
        assert_eq!(exit_code_for(&usage_error("x")), Exit::Usage);
        assert_eq!(exit_code_for(&anyhow::anyhow!("plain")), Exit::Failure);
    }

    #[test]
    fn context_does_not_hide_the_failure_kind() {
        let err = Err::<(), _>(api_error("HTTP 502"))
            .context("fetching page 3")
            .unwrap_err();
        assert_eq!(exit_code_for(&err), Exit::Api);
        assert_eq!(one_line(&err), "fetching page 3: HTTP 502");
    }

    #[test]
    fn broken_pipe_is_success() {
        let io = io::Error::new(io::ErrorKind::BrokenPipe, "pipe");
        let err = anyhow::Error::new(io).context("writing output");
        assert!(is_broken_pipe(&err));
        assert_eq!(exit_code_for(&err), Exit::Success);
    }

    #[test]
    fn broken_pipe_inside_a_json_encoder_is_success() {
        let io = io::Error::new(io::ErrorKind::BrokenPipe, "pipe");
        let err = anyhow::Error::new(serde_json::Error::io(io)).context("writing output");
        assert!(is_broken_pipe(&err));
        assert_eq!(exit_code_for(&err), Exit::Success);
        let other = serde_json::Error::io(io::Error::other("disk full"));
        assert_eq!(exit_code_for(&anyhow::Error::new(other)), Exit::Failure);
    }

    #[test]
    fn redacting_keeps_the_exit_code() {
        let err = Err::<(), _>(auth_error("HTTP 401: bad secret s3cret-value"))
            .context("token request")
            .unwrap_err();
        let clean = redacted(err, |m| m.replace("s3cret-value", "<redacted>"));
        assert_eq!(exit_code_for(&clean), Exit::Auth);
        assert_eq!(
            one_line(&clean),
            "token request: HTTP 401: bad secret <redacted>"
        );
        let plain = redacted(anyhow::anyhow!("nothing secret"), |m| m.to_string());
        assert_eq!(exit_code_for(&plain), Exit::Failure);
        // Nothing to redact: the error is returned as it is, not rewrapped.
        let io = anyhow::Error::new(io::Error::other("disk")).context("reading x");
        let kept = redacted(io, |m| m.to_string());
        assert!(kept.downcast_ref::<Failure>().is_none(), "{kept:?}");
        assert_eq!(kept.chain().count(), 2);
    }

    #[test]
    fn a_silent_exit_has_its_code_and_no_message() {
        let err = silent_exit(Exit::Failure);
        assert!(is_silent(&err));
        assert_eq!(exit_code_for(&err), Exit::Failure);
        assert!(!is_silent(&usage_error("x")));
        assert!(!is_silent(&anyhow::anyhow!("")));
    }

    /// Only a deleted current folder is said gone: not for a relative path
    /// while the folder is there, nor for a full path.
    #[test]
    fn a_current_folder_that_is_there_is_not_said_gone() {
        assert_eq!(current_folder_gone(std::path::Path::new("a.csv")), None);
        assert_eq!(current_folder_gone(std::path::Path::new("/no/a.csv")), None);
    }

    #[test]
    fn messages_are_one_line() {
        let err = anyhow::anyhow!("first\nsecond\n");
        assert_eq!(one_line(&err), "first second");
    }
}
