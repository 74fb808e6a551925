//! Where output goes: stdout, or a file written atomically (a temporary
//! file in the same folder, renamed over the target on success; on failure
//! the target is untouched and the temporary file is removed).

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
#[cfg(unix)]
use std::os::unix::{ffi::OsStrExt, fs::MetadataExt};
use std::path::{Path, is_separator};

use anyhow::{Context, Result};

use crate::atomic_file::{AtomicFile, followed};
use crate::error::{current_folder_gone, no_room, out_of_files, usage_error, with_no_room};
use crate::log::Patient;
use crate::streams::{ClosedStdout, STDOUT_NAMES, stdout_closed};
use crate::text::shown_path;

/// The output of a run.
pub enum Destination {
    /// Stdout, or a target that is not a regular file: a device
    /// (`/dev/null`) or a pipe (bash's `>(gzip > a.gz)`), written in place
    /// as a shell's `>` would: it cannot be replaced, and must not be.
    Direct {
        out: BufWriter<Box<dyn Write>>,
        terminal: bool,
        /// The path written, for errors; `None` for stdout.
        name: Option<String>,
    },
    File {
        out: BufWriter<AtomicFile>,
    },
}

/// A device or a pipe named by `--output-file` (bash's `>(gzip > a.gz)`, a
/// FIFO): its reader going away before the end is a failed write (exit
/// 1), as `curl -o` makes it, not the quiet end of a closed stdout
/// (`| head`): the user named where the whole export goes.
struct Named(fs::File);

impl Write for Named {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(reader_gone)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(reader_gone)
    }
}

/// A failed write to the file of `--output-file`, with what to do when
/// room was wanting (a full disk, the file size limit).
fn no_room_in(e: io::Error) -> io::Error {
    with_no_room(e, "name a file elsewhere")
}

fn reader_gone(e: io::Error) -> io::Error {
    match e.kind() {
        io::ErrorKind::BrokenPipe => {
            io::Error::other("its reader went away before the end (broken pipe)")
        }
        _ => e,
    }
}

/// True when `path`, as written, ends with a separator, or with `.` or
/// `..` after one: the name of a folder, whether or not it exists.
fn names_a_folder(path: &Path) -> bool {
    let text = path.as_os_str().as_encoded_bytes();
    let last = text.rsplit(|&b| is_separator(char::from(b))).next();
    text.len() > 1 && matches!(last, Some(b"" | b"." | b".."))
}

/// Refuses `file` (`meta`) when its folder is sticky (`/tmp`) and neither
/// it nor the folder is this user's (nor is this user root): the kernel
/// lets no one else rename over it. Said before the walk, not as
/// "Operation not permitted" after it; so are a file fixed in place
/// (chattr) and one that may not be written.
#[cfg(unix)]
fn replaceable(file: &Path, meta: Option<&fs::Metadata>) -> Result<()> {
    let me = crate::atomic_file::current_user();
    let dir = fs::metadata(crate::atomic_file::folder_of(file));
    if let (Some(meta), Ok(dir)) = (meta, dir) {
        if dir.mode() & 0o1000 != 0 && me != 0 && meta.uid() != me && dir.uid() != me {
            anyhow::bail!(
                "it belongs to another user (uid {}) in a sticky folder (as /tmp), where only they may replace it; name another file",
                meta.uid()
            );
        }
    }
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    if let Some(why) = fixed_in_place(file) {
        anyhow::bail!(why);
    }
    if let Some(meta) = meta {
        not_writable(file, meta)?;
    }
    Ok(())
}

/// Refuses a file the rename would replace though it may not be written:
/// one kept write-protected (no write bit: for root too, as the history
/// store), or one this user may not write (another's 0644 in a team
/// folder). `>`, `cp` and `curl -o` refuse both; the rename needs only the
/// folder's permission, so it alone would not.
#[cfg(unix)]
fn not_writable(file: &Path, meta: &fs::Metadata) -> Result<()> {
    let mode = meta.mode() & 0o777;
    // Another's file (this user not root) gets the advice below: only its
    // owner may chmod it.
    let me = crate::atomic_file::current_user();
    if meta.permissions().readonly() && (me == 0 || meta.uid() == me) {
        anyhow::bail!(
            "it is write-protected (mode {mode:o}), so it is kept as it is; make it writable (chmod u+w), or name another file"
        );
    }
    let Ok(path) = std::ffi::CString::new(file.as_os_str().as_bytes()) else {
        return Ok(());
    };
    // SAFETY: faccessat reads the NUL-terminated path and nothing else.
    let found =
        unsafe { libc::faccessat(libc::AT_FDCWD, path.as_ptr(), libc::W_OK, libc::AT_EACCESS) };
    if found != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::EACCES) {
        anyhow::bail!(
            "this user may not write it (owner uid {}, mode {mode:o}), so it is kept as it is; name another file, or ask its owner to make it writable",
            meta.uid()
        );
    }
    Ok(())
}

/// Why `file` cannot be renamed over, where statx(2) tells: a mount point
/// (a file bind-mounted, as `docker run -v` mounts one: EBUSY), a file
/// immutable or append-only, or in an append-only folder, which takes new
/// files but lets none be renamed over or removed (chattr: EPERM). Said
/// before the walk.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn fixed_in_place(file: &Path) -> Option<&'static str> {
    let set = crate::atomic_file::has_attribute;
    if set(file, libc::STATX_ATTR_MOUNT_ROOT) {
        return Some(
            "it is a mount point (a file mounted there, as `docker run -v` mounts one), which cannot be replaced; mount its folder instead, or pass `-` (stdout) and redirect that to it (`> FILE`)",
        );
    }
    if set(file, libc::STATX_ATTR_IMMUTABLE | libc::STATX_ATTR_APPEND) {
        return Some(
            "it is immutable or append-only (chattr +i or +a), so it cannot be replaced; clear that (chattr -i -a), or name another file",
        );
    }
    set(crate::atomic_file::folder_of(file), libc::STATX_ATTR_APPEND).then_some(
        "its folder is append-only (chattr +a), where no file can be renamed into place; clear that (chattr -a), or pass `-` (stdout) and redirect that to it (`> FILE`)",
    )
}

/// Why no file could be made for `target` (`real`, its link followed).
fn not_created(e: io::Error, target: &Path, real: &Path) -> anyhow::Error {
    // No room (no free inode: blocks may remain) is no folder's fault.
    // EMFILE: no folder's fault either.
    let what = no_room(&e, "name a file elsewhere").unwrap_or_else(|| {
        let what = out_of_files(&e).or_else(|| current_folder_gone(target));
        what.unwrap_or("check that the folder exists and is writable")
            .into()
    });
    // Through a link, the folder it leads to, not the link's.
    let folder = match real == target {
        true => "its folder".to_string(),
        false => shown_path(crate::atomic_file::folder_of(real)),
    };
    anyhow::Error::new(e).context(format!("cannot create a file in {folder}; {what}"))
}

impl Destination {
    /// Stdout, or the file of `--output-file`.
    pub fn open(path: Option<&Path>) -> Result<Destination> {
        match path {
            None => {
                let terminal = io::stdout().is_terminal();
                let stdout: Box<dyn Write> = match stdout_closed() {
                    true => Box::new(ClosedStdout),
                    false => Box::new(Patient(io::stdout())),
                };
                Ok(Destination::direct(stdout, terminal, None))
            }
            Some(target) => Destination::file(target, "--output-file"),
        }
    }

    /// A temporary file beside `target`, the value of `option` (named in
    /// errors). Opening the file first means a bad path fails before any
    /// request is made.
    pub fn file(target: &Path, option: &str) -> Result<Destination> {
        let cannot = || format!("cannot write {option} {}", shown_path(&target));
        // Spaces alone name no file one would look for ("wrote the chart to  ").
        if target.to_str().is_some_and(|t| t.trim().is_empty()) {
            let what = format!("{option} is empty (spaces alone); name a file");
            return Err(usage_error(what));
        }
        // `/dev/stdout` is stdout: written in place (a file there was
        // replaced, `>> log` losing its lines), its reader free to stop
        // (`| head`), and closed if it was at start.
        if STDOUT_NAMES.iter().any(|name| target == Path::new(name)) {
            return Destination::open(None);
        }
        // So is any other open descriptor by name (`2>> log`, `exec 3>> log`
        // and `/dev/fd/3`): replacing the file behind it lost the job's
        // earlier lines, and its later writes went to the file taken away.
        #[cfg(unix)]
        if let Some(fd) = crate::streams::descriptor_named(target) {
            let file = crate::streams::duplicate(fd).with_context(cannot)?;
            let (terminal, name) = (file.is_terminal(), Some(shown_path(&target)));
            return Ok(Destination::direct(Box::new(Named(file)), terminal, name));
        }
        // A loop of symbolic links is said as such, not as a folder's fault.
        let real = followed(target).with_context(cannot)?;
        // What the path names, a symbolic link followed. A name too long, or
        // a path through a file (`file.csv/x`), is said now, not when the
        // finished file is renamed to it (after `trend` printed its table).
        let meta = match fs::metadata(target) {
            #[cfg(unix)]
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENAMETOOLONG | libc::ENOTDIR)) => {
                return Err(e).with_context(cannot);
            }
            found => found.ok(),
        };
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            anyhow::bail!("{option} {} is a folder; name a file", shown_path(&target));
        }
        // `name/` or `name/.` names a folder (one to be), and so does a link
        // to one: the file would be written as `name` and fail only when
        // renamed, after the whole walk.
        if names_a_folder(target) || names_a_folder(&real) {
            anyhow::bail!(
                "{option} {} names a folder (it ends with `/`, `/.` or `/..`, or links to such a name); name a file",
                shown_path(&target)
            );
        }
        if meta.as_ref().is_some_and(|m| !m.is_file()) {
            let file = fs::OpenOptions::new().write(true).open(target);
            let file = Box::new(Named(file.with_context(cannot)?));
            return Ok(Destination::direct(file, false, Some(shown_path(&target))));
        }
        #[cfg(unix)]
        replaceable(&real, meta.as_ref()).with_context(cannot)?;
        // A symbolic link is followed there: the file it names is replaced
        // and the link stays.
        let file = AtomicFile::create(target)
            .map_err(|e| not_created(e, target, &real).context(cannot()))?;
        // Keep the permissions of a file being replaced, and its owner and
        // group where this process may give them (root, as `sed -i` and
        // rsync do): root's cron replacing a service account's export with
        // a root-owned 0640 file locked its owner out.
        if let Some(meta) = meta {
            file.take_on(&meta);
        }
        Ok(Destination::File {
            out: BufWriter::with_capacity(64 * 1024, file),
        })
    }

    /// `out` (stdout, or a device, a pipe, a descriptor that `name`
    /// names), written in place.
    fn direct(out: Box<dyn Write>, terminal: bool, name: Option<String>) -> Destination {
        Destination::Direct {
            out: BufWriter::with_capacity(64 * 1024, out),
            terminal,
            name,
        }
    }

    /// The file written (`--output-file`), for errors; `None` for stdout.
    pub fn file_name(&self) -> Option<String> {
        match self {
            Destination::Direct { name, .. } => name.clone(),
            Destination::File { out } => Some(shown_path(out.get_ref().target())),
        }
    }

    /// True when the output is a terminal (a table then fits its width).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Destination::Direct { terminal: true, .. })
    }

    /// Makes streamed output visible now (stdout); a file waits for commit.
    pub fn flush_streamed(&mut self) -> io::Result<()> {
        match self {
            Destination::Direct { out, .. } => out.flush(),
            Destination::File { .. } => Ok(()),
        }
    }

    /// Finishes the output: flushes stdout, or renames the complete file
    /// over its target.
    pub fn commit(self) -> Result<()> {
        match self {
            Destination::Direct { mut out, name, .. } => (out.flush())
                .with_context(|| format!("writing {}", name.as_deref().unwrap_or("to stdout"))),
            Destination::File { out } => {
                let target = out.get_ref().target().to_path_buf();
                out.into_inner()
                    .map_err(|e| no_room_in(e.into_error()))
                    .and_then(|file| file.commit(true))
                    .with_context(|| format!("writing {}", shown_path(&target)))
            }
        }
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Destination::Direct { out, .. } => out.write(buf),
            Destination::File { out } => out.write(buf).map_err(no_room_in),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Destination::Direct { out, .. } => out.flush(),
            Destination::File { out } => out.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atomic_file::tests::files_in;
    #[cfg(unix)]
    use std::path::PathBuf;

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

    /// A named pipe in a new folder, and a thread reading it whole.
    #[cfg(unix)]
    fn pipe_with_reader() -> (
        tempfile::TempDir,
        PathBuf,
        std::sync::mpsc::Receiver<Vec<u8>>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe");
        crate::atomic_file::tests::make_fifo(&pipe);
        let (send, read) = std::sync::mpsc::channel();
        let path = pipe.clone();
        std::thread::spawn(move || send.send(fs::read(path).unwrap()));
        (dir, pipe, read)
    }

    /// A pipe (as bash's `>(gzip > a.gz)` is, and a device such as
    /// /dev/null behaves alike) is written in place, never replaced.
    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_in_place_and_never_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let (dir, pipe, read) = pipe_with_reader();
        let mut dest = Destination::open(Some(&pipe)).unwrap();
        dest.write_all(b"accounts").unwrap();
        dest.commit().unwrap();
        let got = read.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(got.as_deref(), Ok(&b"accounts"[..]));
        assert!(fs::symlink_metadata(&pipe).unwrap().file_type().is_fifo());
        assert_eq!(files_in(dir.path()), ["pipe"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("2026-12-01.csv");
        let link = dir.path().join("latest.csv");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink("2026-12-01.csv", &link).unwrap();
        let mut dest = Destination::open(Some(&link)).unwrap();
        dest.write_all(b"new").unwrap();
        dest.commit().unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(files_in(dir.path()), ["2026-12-01.csv", "latest.csv"]);
    }

    #[test]
    fn a_missing_folder_is_reported_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("no/such/folder/a.csv");
        let err = Destination::open(Some(&target)).err().unwrap();
        assert!(format!("{err:#}").contains("check that the folder exists"));
    }

    #[test]
    fn a_name_ending_as_a_folder_is_told_from_a_file() {
        for folder in ["out/", "out/.", "out/..", "..", "a//"] {
            assert!(names_a_folder(Path::new(folder)), "{folder}");
        }
        // `/` and `.` alone are folders found as such (is_dir), not by name.
        for file in ["out.csv", "out/a.csv", "/", ".", "a", "a.."] {
            assert!(!names_a_folder(Path::new(file)), "{file}");
        }
    }

    #[test]
    fn a_broken_pipe_is_said_as_its_reader_gone() {
        let said = reader_gone(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(said.to_string().contains("its reader went away"), "{said}");
        let other = reader_gone(io::Error::from(io::ErrorKind::StorageFull));
        assert_eq!(other.kind(), io::ErrorKind::StorageFull);
    }

    /// A write-protected file (mode 0444) is kept, for root too, and its
    /// mode is named as it is.
    #[cfg(unix)]
    #[test]
    fn a_write_protected_file_is_refused_with_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("accounts.csv");
        fs::write(&target, "kept").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).unwrap();
        let err = Destination::open(Some(&target)).err().unwrap();
        let said = format!("{err:#}");
        assert!(said.contains("write-protected (mode 444)"), "{said}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "kept");
        assert_eq!(files_in(dir.path()), ["accounts.csv"]);
    }

    #[test]
    fn a_missing_folder_is_said_as_its_folder_not_a_path() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("no/such/a.csv");
        let err = Destination::open(Some(&target)).err().unwrap();
        assert!(format!("{err:#}").contains("cannot create a file in its folder;"));
    }

    /// A path through a file (`file.csv/x`) is said as the system says
    /// it, before any file is made, not as a folder's fault.
    #[cfg(unix)]
    #[test]
    fn a_path_through_a_file_is_said_at_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("file.csv"), "").unwrap();
        let target = dir.path().join("file.csv/x.csv");
        let err = Destination::open(Some(&target)).err().unwrap();
        let said = format!("{err:#}");
        assert!(!said.contains("cannot create a file"), "{said}");
        let os = err.root_cause().downcast_ref::<io::Error>();
        assert_eq!(os.and_then(io::Error::raw_os_error), Some(libc::ENOTDIR));
    }

    /// A link to a name ending with `/` names a folder, though the link's
    /// own name does not.
    #[cfg(unix)]
    #[test]
    fn a_link_to_a_folder_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("latest.csv");
        std::os::unix::fs::symlink("gone/", &link).unwrap();
        let err = Destination::open(Some(&link)).err().unwrap();
        assert!(format!("{err:#}").contains("names a folder"), "{err:#}");
    }

    #[test]
    fn a_file_is_named_and_not_a_terminal() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("accounts.csv");
        let dest = Destination::open(Some(&target)).unwrap();
        assert_eq!(dest.file_name(), Some(shown_path(&target)));
        assert!(!dest.is_terminal());
    }

    /// Written in place (a device, a pipe, a descriptor): streamed output
    /// and a flush reach it at once, and its name and terminal are kept.
    #[test]
    fn in_place_output_is_flushed_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("log");
        let file = fs::File::create(&target).unwrap();
        let name = Some(shown_path(&target));
        let mut dest = Destination::direct(Box::new(Named(file)), true, name);
        assert!(dest.is_terminal());
        assert_eq!(dest.file_name(), Some(shown_path(&target)));
        dest.write_all(b"one").unwrap();
        dest.flush_streamed().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "one");
        dest.write_all(b" two").unwrap();
        dest.flush().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "one two");
    }

    /// Root may replace another user's file in another's sticky folder
    /// (the kernel lets it), but not one kept write-protected. Only root
    /// can make such files: `.ci/run` runs it where it runs as root.
    #[cfg(unix)]
    #[test]
    #[ignore = "needs root to make another user's files; .ci/run runs it as root"]
    fn as_root_replaces_anothers_file_in_a_sticky_folder_unless_write_protected() {
        use std::os::unix::fs::{PermissionsExt, chown};
        assert_eq!(crate::atomic_file::current_user(), 0, "run as root");
        let dir = tempfile::tempdir().unwrap();
        let sticky = dir.path().join("shared");
        fs::create_dir(&sticky).unwrap();
        fs::set_permissions(&sticky, fs::Permissions::from_mode(0o1777)).unwrap();
        let target = sticky.join("accounts.csv");
        fs::write(&target, "theirs").unwrap();
        chown(&sticky, Some(4242), Some(4242)).unwrap();
        chown(&target, Some(4242), Some(4242)).unwrap();
        let meta = fs::metadata(&target).unwrap();
        replaceable(&target, Some(&meta)).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).unwrap();
        let meta = fs::metadata(&target).unwrap();
        let err = replaceable(&target, Some(&meta)).unwrap_err();
        assert!(format!("{err:#}").contains("write-protected"), "{err:#}");
    }
}
