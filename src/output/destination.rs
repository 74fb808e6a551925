//! Where output goes: stdout, or a file written atomically (a temporary
//! file in the same folder, renamed over the target on success; on failure
//! the target is untouched and the temporary file is removed).

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Stdout, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::atomic_file::AtomicFile;

/// The output of a run.
pub enum Destination {
    Stdout {
        out: BufWriter<Stdout>,
        terminal: bool,
    },
    File {
        out: BufWriter<AtomicFile>,
    },
}

impl Destination {
    /// Stdout, or a temporary file beside `path`. Opening the file first
    /// means a bad path fails before any request is made.
    pub fn open(path: Option<&Path>) -> Result<Destination> {
        match path {
            None => {
                let stdout = io::stdout();
                let terminal = stdout.is_terminal();
                Ok(Destination::Stdout {
                    out: BufWriter::with_capacity(64 * 1024, stdout),
                    terminal,
                })
            }
            Some(target) => {
                if target.is_dir() {
                    anyhow::bail!(
                        "--output-file {} is a folder; name a file",
                        target.display()
                    );
                }
                let file = AtomicFile::create(target).with_context(|| {
                    format!(
                        "cannot write --output-file {}: cannot create a file in its folder; check that the folder exists and is writable",
                        target.display()
                    )
                })?;
                // Keep the permissions of a file being replaced.
                if let Ok(meta) = fs::metadata(target) {
                    let _ = fs::set_permissions(file.path(), meta.permissions());
                }
                Ok(Destination::File {
                    out: BufWriter::with_capacity(64 * 1024, file),
                })
            }
        }
    }

    /// True when the output is a terminal (a table then fits its width).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Destination::Stdout { terminal: true, .. })
    }

    /// The buffered writer, whichever the destination.
    fn out(&mut self) -> &mut dyn Write {
        match self {
            Destination::Stdout { out, .. } => out,
            Destination::File { out } => out,
        }
    }

    /// Makes streamed output visible now (stdout); a file waits for commit.
    pub fn flush_streamed(&mut self) -> io::Result<()> {
        match self {
            Destination::Stdout { out, .. } => out.flush(),
            Destination::File { .. } => Ok(()),
        }
    }

    /// Finishes the output: flushes stdout, or renames the complete file
    /// over its target.
    pub fn commit(self) -> Result<()> {
        match self {
            Destination::Stdout { mut out, .. } => out.flush().context("writing to stdout"),
            Destination::File { out } => {
                let target = out.get_ref().target().to_path_buf();
                out.into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|file| file.commit(true))
                    .with_context(|| format!("writing {}", target.display()))
            }
        }
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atomic_file::tests::files_in;

    #[test]
    fn a_committed_file_replaces_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("accounts.csv");
        fs::write(&target, "old").unwrap();
        let mut dest = Destination::open(Some(&target)).unwrap();
        dest.write_all(b"new").unwrap();
        assert_eq!(
            fs::read_to_string(&target).unwrap(),
            "old",
            "not replaced before commit"
        );
        dest.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(files_in(dir.path()), ["accounts.csv"]);
    }

    #[test]
    fn a_dropped_file_leaves_the_target_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("accounts.csv");
        fs::write(&target, "yesterday").unwrap();
        {
            let mut dest = Destination::open(Some(&target)).unwrap();
            dest.write_all(b"half of to").unwrap();
        }
        assert_eq!(fs::read_to_string(&target).unwrap(), "yesterday");
        assert_eq!(files_in(dir.path()), ["accounts.csv"]);
    }

    #[test]
    fn a_missing_folder_is_reported_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("no/such/folder/a.csv");
        let err = Destination::open(Some(&target)).err().unwrap();
        assert!(format!("{err:#}").contains("check that the folder exists"));
    }
}
