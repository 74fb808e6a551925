//! The one way the tool writes a file (`--output-file`, the token cache,
//! `config init`): a private (0600) temporary file in the target's folder,
//! registered for removal by a signal while it exists, renamed over the
//! target only when complete. On any failure the target is untouched and
//! the temporary file is gone.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::{
    ffi::OsStrExt,
    fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt, fchown, lchown},
    io::AsRawFd,
};

use tempfile::NamedTempFile;

use crate::interrupt::Pending;
use crate::text::shown_path;

/// Creates `dir` and any missing parents with mode 0700 (on Unix), private
/// from the moment they exist and 0700 whatever the umask (0277 would
/// leave a folder its owner cannot write in); folders that already exist
/// are left as they are.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    create_dir_within(dir, false)
}

/// [`create_private_dir`]; a parent made `on_the_way` to the folder asked
/// for (`~/.local` for `~/.local/share/…`) belongs to the owner of the
/// folder it is made in, where this process may give it (root with
/// another user's HOME kept by `sudo`): root's, it locked its owner out.
fn create_dir_within(dir: &Path, on_the_way: bool) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_within(parent, true)?;
    }
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    builder.mode(0o700);
    #[cfg(not(unix))]
    let _ = on_the_way;
    match builder.create(dir) {
        Ok(()) => {
            #[cfg(unix)]
            if let Some(Ok(above)) = on_the_way.then(|| std::fs::metadata(folder_of(dir))) {
                // (Not through a link put there meanwhile: lchown.)
                let _ = lchown(dir, Some(above.uid()), Some(above.gid()));
            }
            modes_kept_or_none(set_mode(dir, 0o700))
        }
        // Made meanwhile by another run: not ours to change.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// The file standing where `dir` or a folder above it should be, when
/// [`create_private_dir`] failed: it said only "File exists" (or "Not a
/// directory").
pub fn file_in_the_way(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|a| a.exists()).filter(|a| !a.is_dir())
}

/// When a folder above `path` may not be entered by this user (a HOME kept
/// from another user, as `sudo -u` keeps it), what to say instead of
/// "check its permissions": the file's own are not to blame. `or` is the
/// other way out (`pass --config`).
pub fn may_not_enter(path: &Path, or: &str) -> Option<String> {
    let above = from_the_root(path.parent()?);
    // (Looking at `dir/.` needs leave to enter `dir`.)
    let closed = above.into_iter().find(|d| {
        std::fs::metadata(d.join(".")).is_err_and(|e| e.kind() == io::ErrorKind::PermissionDenied)
    })?;
    Some(format!(
        "this user may not enter the folder {} (HOME may be another user's, as `sudo -u` keeps it); set HOME to this user's home, or {or}",
        shown_path(&closed)
    ))
}

/// Why `path` cannot be reached, when a link on the way to it leads
/// nowhere: `L is a link to T, and G does not exist` (a disk not mounted,
/// a folder removed) or `L is a link in a loop`. A link to a file not made
/// yet, in a folder that exists, is none of these: the file can be made.
pub fn link_leading_nowhere(path: &Path) -> Option<String> {
    let (link, error) = from_the_root(path).into_iter().find_map(|a| {
        let is_link = std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink());
        let error = std::fs::metadata(a).err().filter(|_| is_link)?;
        Some((a, error))
    })?;
    let shown = shown_path(&link);
    if error.kind() != io::ErrorKind::NotFound {
        #[cfg(unix)]
        if error.raw_os_error() == Some(libc::ELOOP) {
            return Some(format!("{shown} is a link in a loop"));
        }
        return None;
    }
    let target = followed(link).ok()?;
    let gone = (from_the_root(&target).into_iter()).find(|a| std::fs::metadata(a).is_err())?;
    let target_shown = shown_path(&target);
    if gone != target {
        return Some(format!(
            "{shown} is a link to {target_shown}, and {} does not exist",
            shown_path(&gone)
        ));
    }
    // (The path itself a link to a file not made yet: it can be made.)
    (link != path).then(|| format!("{shown} is a link to {target_shown}, which does not exist"))
}

/// `path` and the folders above it, from the root down.
fn from_the_root(path: &Path) -> Vec<&Path> {
    let mut all: Vec<&Path> = (path.ancestors())
        .filter(|a| !a.as_os_str().is_empty())
        .collect();
    all.reverse();
    all
}

/// The folder `path` is in: its parent, or `.` for a bare name.
pub fn folder_of(path: &Path) -> &Path {
    (path.parent().filter(|p| !p.as_os_str().is_empty())).unwrap_or(Path::new("."))
}

/// Whether statx(2) tells that `path` has one of `flags`
/// (`libc::STATX_ATTR_…`) set; false where it cannot tell.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
pub fn has_attribute(path: &Path, flags: libc::c_int) -> bool {
    let Ok(path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: statx reads the NUL-terminated path and fills `stx`.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    let found = unsafe { libc::statx(libc::AT_FDCWD, path.as_ptr(), 0, 0, &mut stx) } == 0;
    let set = stx.stx_attributes & stx.stx_attributes_mask & flags as u64;
    found && set != 0 && !not_the_files_own(&path, set)
}

/// Whether `set`, attributes of chattr(1) that statx(2) tells of `path`,
/// are not the file's own. erofs calls every file and folder immutable, for
/// it is read-only, though it keeps no attribute of chattr (lsattr says
/// "Operation not supported"): on an erofs disk the file system is to
/// blame, and through an overlay file system, which passes on what its
/// lower layer's says (containerd's erofs snapshotter, podman's composefs),
/// nothing is, for writing a file copies it up to the upper layer. The
/// inode's flags (FS_IOC_GETFLAGS), which an overlay takes from the real
/// file, are the file's own: none where its file system keeps none.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn not_the_files_own(path: &std::ffi::CStr, set: u64) -> bool {
    let chattr = [
        (libc::STATX_ATTR_IMMUTABLE as u64, 0x10), // FS_IMMUTABLE_FL
        (libc::STATX_ATTR_APPEND as u64, 0x20),    // FS_APPEND_FL
    ];
    if set & !chattr.iter().fold(0, |all, (attr, _)| all | attr) != 0 {
        return false;
    }
    // (Opened to read, which copies nothing up; O_NONBLOCK: a FIFO.) A
    // file this user may not read keeps statx's word.
    let how = libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY;
    // SAFETY: open reads the NUL-terminated path.
    let fd = unsafe { libc::open(path.as_ptr(), how) };
    if fd < 0 {
        return false;
    }
    let mut flags: libc::c_int = 0;
    // SAFETY: FS_IOC_GETFLAGS writes one int to `flags`; `fd` is ours to close.
    let got = unsafe { libc::ioctl(fd, libc::FS_IOC_GETFLAGS, &mut flags) } == 0;
    unsafe { libc::close(fd) };
    let own = |(attr, flag): &(u64, libc::c_int)| set & attr != 0 && flags & flag != 0;
    !got || !chattr.iter().any(own)
}

/// The attribute of chattr(1) on `path` that keeps everyone, root too,
/// from writing it in place or replacing it, and that no chmod changes:
/// `"immutable (chattr +i)"` or `"append-only (chattr +a)"`, with the
/// chattr that clears it (`chattr -i`).
pub fn chattr_lock(path: &Path) -> Option<(&'static str, &'static str)> {
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    {
        if has_attribute(path, libc::STATX_ATTR_IMMUTABLE) {
            return Some(("immutable (chattr +i)", "chattr -i"));
        }
        if has_attribute(path, libc::STATX_ATTR_APPEND) {
            return Some(("append-only (chattr +a)", "chattr -a"));
        }
    }
    let _ = path;
    None
}

/// Sets the mode of `path` (on Unix; elsewhere nothing): the umask may
/// have taken bits its owner needs.
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::set_permissions(path, PermissionsExt::from_mode(mode))?;
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// `set`, the setting of the mode of a file or folder, as done where its
/// file system keeps no modes: there chmod says "Function not implemented"
/// (ENOSYS: a FAT disk through FUSE's fusefat) or "Operation not supported",
/// and every file has the mode its mount gives, as on a kernel vfat mount,
/// whose chmod changes nothing and says nothing. (Not "Operation not
/// permitted": from chmod, that is another user's file.)
pub fn modes_kept_or_none(set: io::Result<()>) -> io::Result<()> {
    match set {
        Err(e) if not_done_here(&e, false) => Ok(()),
        set => set,
    }
}

/// Whether `e` is a file system's refusal of what it does not do:
/// "Function not implemented" or "Operation not supported", and where
/// `not_permitted` is, "Operation not permitted" too (a FAT disk's answer
/// to a hard link, or to sizing a file).
pub fn not_done_here(e: &io::Error, not_permitted: bool) -> bool {
    #[cfg(unix)]
    let refused = |code| {
        matches!(code, libc::ENOSYS | libc::EOPNOTSUPP) || (not_permitted && code == libc::EPERM)
    };
    #[cfg(not(unix))]
    let refused = {
        let _ = not_permitted;
        |_: i32| false
    };
    e.raw_os_error().is_some_and(refused)
}

/// The user this process runs as (its effective uid on Unix): the files
/// it trusts are its own.
pub fn current_user() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    #[cfg(unix)]
    return unsafe { libc::geteuid() };
    #[cfg(not(unix))]
    return 0;
}

/// The owner of a file (its uid on Unix; 0, the current user's, elsewhere).
pub fn owner_of(meta: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    return meta.uid();
    #[cfg(not(unix))]
    return {
        let _ = meta;
        0
    };
}

/// Everything `reader` gives, up to `cap` bytes; more is a `FileTooLarge`
/// error, read no further (a device such as `/dev/zero` never ends).
pub fn read_at_most(reader: impl io::Read, cap: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    // One byte more than allowed tells a reader that has more.
    reader.take(cap + 1).read_to_end(&mut bytes)?;
    match bytes.len() as u64 > cap {
        true => Err(io::ErrorKind::FileTooLarge.into()),
        false => Ok(bytes),
    }
}

/// Opens `path` for reading unless it is a symbolic link; without waiting
/// for a writer if it is a pipe (the caller then sees it is no file).
#[cfg(unix)]
pub fn open_regular(path: &Path) -> Option<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .ok()
}

#[cfg(not(unix))]
pub fn open_regular(path: &Path) -> Option<std::fs::File> {
    let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
    regular.then(|| std::fs::File::open(path).ok())?
}

/// Refuses, as the kernel's `fs.protected_symlinks` does (which the tool,
/// following links itself, would pass by), a link in a sticky folder
/// others may write (`/tmp`) that belongs to neither this user nor the
/// folder's owner: another user's, planted to turn a write elsewhere.
#[cfg(unix)]
fn refuse_a_planted_link(link: &Path) -> io::Result<()> {
    let owner = std::fs::symlink_metadata(link)?.uid();
    let dir = std::fs::metadata(folder_of(link))?;
    if dir.mode() & 0o1002 == 0o1002 && owner != dir.uid() && owner != current_user() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is a symbolic link of another user (uid {owner}) in a folder anyone may write, which is not followed (as fs.protected_symlinks); remove it, or name another file",
                shown_path(&link)
            ),
        ));
    }
    Ok(())
}

/// A file being written in place of `target`.
#[derive(Debug)]
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
    pending: Pending,
    /// Dropped after `temp`, which removes the file by its path.
    #[cfg(unix)]
    made_in: Option<MadeIn>,
}

/// The temporary file by its name in the folder it was made in, opened
/// then: removed from there when dropped, unless renamed, wherever the
/// folder has gone since (moved away, its path finds nothing there).
#[cfg(unix)]
#[derive(Debug)]
struct MadeIn {
    folder: std::fs::File,
    name: Option<std::ffi::CString>,
}

#[cfg(unix)]
impl MadeIn {
    /// The folder `temp` is in, opened, and its name there.
    fn open(temp: &Path) -> Option<MadeIn> {
        let name = std::ffi::CString::new(temp.file_name()?.as_bytes()).ok();
        // (O_PATH: a folder this user may write but not read, too.)
        #[cfg(target_os = "linux")]
        let flags = libc::O_DIRECTORY | libc::O_PATH;
        #[cfg(not(target_os = "linux"))]
        let flags = libc::O_DIRECTORY;
        let folder = (std::fs::OpenOptions::new().read(true))
            .custom_flags(flags)
            .open(folder_of(temp))
            .ok()?;
        Some(MadeIn { folder, name })
    }
}

#[cfg(unix)]
impl Drop for MadeIn {
    fn drop(&mut self) {
        if let Some(name) = &self.name {
            // SAFETY: unlinkat(2) of a NUL-terminated name in a folder this owns open.
            unsafe { libc::unlinkat(self.folder.as_raw_fd(), name.as_ptr(), 0) };
        }
    }
}

/// Where `path` leads through symbolic links: the file they name, there
/// yet or not (as a shell's `>` creates it). More than 40 links (the
/// kernel's limit), a loop among them, is the error a shell's `>` gives:
/// too many levels of symbolic links.
pub fn followed(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..=40 {
        let Ok(next) = std::fs::read_link(&path) else {
            return Ok(path);
        };
        #[cfg(unix)]
        refuse_a_planted_link(&path)?;
        // A relative link is relative to its folder; `join` keeps an absolute one.
        path = path.parent().unwrap_or(Path::new("")).join(&next);
    }
    #[cfg(unix)]
    return Err(io::Error::from_raw_os_error(libc::ELOOP));
    #[cfg(not(unix))]
    return Err(io::Error::other("too many levels of symbolic links"));
}

impl AtomicFile {
    /// Creates `.NAME.XXXXXX.tmp` beside `target` (mode 0600 on Unix; NAME
    /// cut to 100 bytes). A
    /// symbolic link is followed: the file it names is replaced and the link
    /// stays; links that lead nowhere (a loop) are an error ([`followed`]),
    /// never replaced. A target that is not a regular file (a device, a pipe) is
    /// refused: it is never renamed over.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let target = &followed(target)?;
        if std::fs::metadata(target).is_ok_and(|m| !m.is_file()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a regular file", shown_path(&target)),
            ));
        }
        AtomicFile::replacing(target)
    }

    /// Creates the temporary file for `target` as it is: whatever is there
    /// (a symbolic link included) is renamed over, never followed. For the
    /// files the tool owns in its private folders (the token cache), where
    /// a link can only have been planted.
    pub fn replacing(target: &Path) -> io::Result<AtomicFile> {
        let dir = folder_of(target);
        let prefix = hidden_prefix(target);
        let make = || {
            (tempfile::Builder::new())
                .prefix(&prefix)
                .suffix(".tmp")
                .tempfile_in(dir)
                .map_err(without_temp_path)
        };
        let (temp, pending) = Pending::create(make)?;
        // 0600 whatever the umask: 0277 would make it 0400, 0777 0000.
        #[cfg(unix)]
        modes_kept_or_none(
            temp.as_file()
                .set_permissions(PermissionsExt::from_mode(0o600)),
        )?;
        #[cfg(unix)]
        remove_left_behind(&temp, dir, &prefix);
        Ok(AtomicFile {
            pending,
            #[cfg(unix)]
            made_in: MadeIn::open(temp.path()),
            temp,
            target: target.to_path_buf(),
        })
    }

    /// Gives the temporary file the permissions, and where this process
    /// may (root; else the group alone, where this user is in it) the
    /// owner and group, of `like`, the file it replaces: through the open
    /// file, never its path, which the folder's owner could swap for a
    /// link to another file between the two.
    pub fn take_on(&self, like: &std::fs::Metadata) {
        let file = self.temp.as_file();
        #[cfg(unix)]
        {
            let (uid, gid) = (Some(like.uid()), Some(like.gid()));
            let _ = fchown(file, uid, gid).or_else(|_| fchown(file, None, gid));
        }
        let _ = file.set_permissions(like.permissions());
    }

    /// The mode of the file being written where group or others may
    /// read or write it: the mode its mount gives every file, on a disk
    /// that keeps no modes (0600 was asked).
    pub fn open_to_others(&self) -> Option<u32> {
        #[cfg(unix)]
        let mode = (self.temp.as_file().metadata().ok())
            .map(|m| m.permissions().mode() & 0o777)
            .filter(|mode| mode & 0o077 != 0);
        #[cfg(not(unix))]
        let mode = None;
        mode
    }

    /// The file it will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs the file and renames it over the target; with `replace`
    /// false, an existing target (even one created meanwhile) is an
    /// `AlreadyExists` error and stays as it was.
    /// A folder removed, moved away or replaced meanwhile is said so.
    pub fn commit(self, replace: bool) -> io::Result<()> {
        self.temp.as_file().sync_all()?;
        let folder = folder_of(&self.target);
        self.pending
            .settle(|| {
                if replace {
                    persist_over(self.temp, &self.target, |from, to| std::fs::rename(from, to))
                } else {
                    persist_noclobber(self.temp, &self.target)
                }
            })
            .map(drop)
            .map_err(|e| match std::fs::symlink_metadata(e.file.path()) {
                Err(gone)
                    if matches!(gone.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) =>
                {
                    io::Error::new(
                        e.error.kind(),
                        format!(
                            "its folder {} was removed, moved or replaced while it was written, so the file could not be put there; run again with the folder left in place",
                            shown_path(&folder)
                        ),
                    )
                }
                _ => e.error,
            })?;
        // Renamed: its name is the target's now.
        #[cfg(unix)]
        if let Some(mut made_in) = self.made_in {
            made_in.name = None;
        }
        // The folder synced too, so that the rename itself survives a power
        // loss (as the file's own contents do). Best effort: some file
        // systems refuse to sync a folder, and the file is in place either way.
        #[cfg(unix)]
        let _ = std::fs::File::open(folder_of(&self.target)).and_then(|f| f.sync_all());
        Ok(())
    }
}

/// `.NAME.`, the start of the hidden files made beside `target`: at most
/// the name's first 100 bytes, as a name near the file system's limit
/// (255) would not fit with the dots and the suffix.
fn hidden_prefix(target: &Path) -> String {
    let name = (target.file_name()).map_or_else(|| "output".into(), |n| n.to_string_lossy());
    let cut = (0..=name.len().min(100)).rfind(|&i| name.is_char_boundary(i));
    format!(".{}.", &name[..cut.unwrap_or(0)])
}

/// `temp` renamed over `target` by `rename`. Where a file system cannot
/// rename over a file, only to a free name (an sshfs mount of an SFTP
/// server without OpenSSH's posix-rename, not mounted with `-o
/// workaround=rename`: "Operation not permitted"), the file there is
/// renamed aside to a hidden `.NAME.XXXXXX.old` beside it, `temp` put in
/// its place and the old one removed; if `temp` cannot be put there, the
/// old file is renamed back. Either way a whole file is kept.
fn persist_over(
    temp: NamedTempFile,
    target: &Path,
    rename: impl Fn(&Path, &Path) -> io::Result<()>,
) -> Result<std::fs::File, tempfile::PersistError> {
    let failed = |error, file| Err(tempfile::PersistError { error, file });
    let Err(error) = rename(temp.path(), target) else {
        return temp.keep().map(|(file, _)| file);
    };
    let a_file_there = std::fs::symlink_metadata(target).is_ok_and(|m| m.is_file());
    if !(not_done_here(&error, true) && a_file_there) {
        return failed(error, temp);
    }
    let aside = (tempfile::Builder::new())
        .prefix(&hidden_prefix(target))
        .suffix(".old")
        .make_in(folder_of(target), |path| rename(target, path));
    let Ok(aside) = aside else {
        return failed(error, temp);
    };
    if let Err(error) = rename(temp.path(), target) {
        // Back in place; or, if even that fails, kept where it is, whole.
        let _ = rename(aside.path(), target);
        let _ = aside.into_temp_path().keep();
        return failed(error, temp);
    }
    // The old file, removed as `aside` is dropped.
    drop(aside);
    temp.keep().map(|(file, _)| file)
}

/// `temp` renamed to `target` unless a file is there. Where that cannot be
/// one step, neither a rename "if nothing is there" (renameat2's
/// RENAME_NOREPLACE: EINVAL through FUSE) nor a link (a FAT disk says EPERM,
/// others ENOSYS or EOPNOTSUPP), `target` is looked at, then renamed over:
/// another file made there in the instant between would be replaced.
fn persist_noclobber(
    temp: NamedTempFile,
    target: &Path,
) -> Result<std::fs::File, tempfile::PersistError> {
    temp.persist_noclobber(target).or_else(|e| {
        let refused = not_done_here(&e.error, true);
        let free =
            std::fs::symlink_metadata(target).is_err_and(|m| m.kind() == io::ErrorKind::NotFound);
        match refused && free {
            true => e.file.persist(target),
            false => Err(e),
        }
    })
}

/// Locks `temp` for as long as it is open, and removes the other
/// `PREFIX` + 6 characters + `.tmp` files in `dir` that no run holds so:
/// left by runs killed while writing (SIGKILL, the OOM killer), which
/// could remove nothing, a minute or more before. (A newer one may be
/// another run's, made in the instant before it locked it: two runs
/// writing one file at once, as two runs caching a token do.)
#[cfg(unix)]
fn remove_left_behind(temp: &NamedTempFile, dir: &Path, prefix: &str) {
    let free = |f: &std::fs::File| {
        // SAFETY: flock on an open descriptor has no other precondition.
        unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
    };
    let (Ok(entries), true) = (std::fs::read_dir(dir), free(temp.as_file())) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let left = name.len() == prefix.len() + 10 && name.starts_with(prefix);
        // (Not a link, nor a pipe, which an open would wait on.)
        // A file made in the last minute may be another run's that has not
        // locked it yet (tempfile makes, then the run locks): left alone.
        // One dated after the clock (made while it was ahead) is as far
        // from it: it was left for as long as the clock took to pass it.
        let stale = |m: std::fs::Metadata| {
            let age = (m.modified().ok()).map(|t| t.elapsed().unwrap_or_else(|e| e.duration()));
            m.is_file() && age.is_some_and(|age| age.as_secs() >= 60)
        };
        if left
            && name.ends_with(".tmp")
            && path != temp.path()
            && std::fs::symlink_metadata(&path).is_ok_and(stale)
            && open_regular(&path).is_some_and(|f| free(&f))
        {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// tempfile's error without the ` at path "…/.name.XXXX.tmp"` it adds:
/// that file was never made, and the caller names the file asked for.
fn without_temp_path(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.rfind(" at path ") {
        Some(cut) => io::Error::new(e.kind(), &text[..cut]),
        None => e,
    }
}

/// Writes go to the file itself: tempfile's own `Write` names the
/// temporary path in its errors, which is gone by the time they are shown.
impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.as_file_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.as_file_mut().flush()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    /// Makes a named pipe at `path`.
    #[cfg(unix)]
    pub(crate) fn make_fifo(path: &Path) {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo reads it and keeps nothing.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_never_renamed_over_and_a_link_is_followed() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe");
        make_fifo(&pipe);
        let err = AtomicFile::create(&pipe).err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(fs::symlink_metadata(&pipe).unwrap().file_type().is_fifo());
        // `config init --force` on a config file kept elsewhere (dotfiles).
        let real = dir.path().join("real.toml");
        let link = dir.path().join("config.toml");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut file = AtomicFile::create(&link).unwrap();
        file.write_all(b"new").unwrap();
        file.commit(true).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(files_in(dir.path()), ["config.toml", "pipe", "real.toml"]);
        // A link to a file not there yet (relative, in a folder): the file
        // is made, as `>` makes it, and the link stays.
        fs::create_dir(dir.path().join("sub")).unwrap();
        let dangling = dir.path().join("latest.csv");
        std::os::unix::fs::symlink("sub/2026-12-02.csv", &dangling).unwrap();
        let mut file = AtomicFile::create(&dangling).unwrap();
        file.write_all(b"today").unwrap();
        file.commit(true).unwrap();
        assert!(fs::symlink_metadata(&dangling).unwrap().is_symlink());
        assert_eq!(
            fs::read_to_string(dir.path().join("sub/2026-12-02.csv")).unwrap(),
            "today"
        );
    }

    /// As the kernel: 40 links are followed, a 41st is one too many.
    #[cfg(unix)]
    #[test]
    fn forty_links_are_followed_and_more_are_a_loop() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("real", dir.path().join("l0")).unwrap();
        for i in 1..=41 {
            let link = dir.path().join(format!("l{i}"));
            std::os::unix::fs::symlink(format!("l{}", i - 1), link).unwrap();
        }
        let real = followed(&dir.path().join("l39")).unwrap();
        assert_eq!(real, dir.path().join("real"));
        let err = followed(&dir.path().join("l40")).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ELOOP));
    }

    /// The names in `dir`, sorted.
    pub(crate) fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_committed_file_replaces_the_target_and_a_dropped_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.json");
        fs::write(&target, "old").unwrap();
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        file.commit(true).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(files_in(dir.path()), ["a.json"]);
    }

    /// A hidden file no run holds (its run was killed) is removed by the
    /// next; one another run is still writing is left to it, as are files
    /// named otherwise.
    #[test]
    #[cfg(unix)]
    fn a_killed_runs_hidden_file_is_removed_and_a_live_runs_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.csv");
        // Left by runs killed a while ago (a minute or more).
        let before = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
        for name in [".a.csv.Killed.tmp", ".a.csv.x.tmp", ".b.csv.Killed.tmp"] {
            fs::write(dir.path().join(name), "rows").unwrap();
            let file = fs::File::options().write(true).open(dir.path().join(name));
            file.unwrap().set_modified(before).unwrap();
        }
        let live = AtomicFile::create(&target).unwrap();
        let next = AtomicFile::create(&target).unwrap();
        assert!(live.temp.path().exists() && next.temp.path().exists());
        let left = files_in(dir.path());
        assert_eq!(left.len(), 4, "{left:?}");
        assert!(
            left.contains(&".a.csv.x.tmp".into()) && left.contains(&".b.csv.Killed.tmp".into())
        );
    }

    /// A hidden file made in the last minute may be another run's that has
    /// not locked it yet: it is kept, though no run holds it.
    #[test]
    #[cfg(unix)]
    fn a_hidden_file_younger_than_a_minute_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.csv");
        fs::write(dir.path().join(".a.csv.Fresh1.tmp"), "rows").unwrap();
        let file = AtomicFile::create(&target).unwrap();
        assert!(dir.path().join(".a.csv.Fresh1.tmp").exists());
        assert_eq!(files_in(dir.path()).len(), 2);
        drop(file);
    }

    /// A rename as an sshfs mount without posix-rename does it: to a free
    /// name only, "Operation not permitted" over a file; and none at all
    /// of a file whose name (not its folder's: a tempdir is `.tmpXXXXXX`)
    /// ends with `refused`.
    #[cfg(unix)]
    fn rename_to_a_free_name_only(
        refused: &'static str,
    ) -> impl Fn(&Path, &Path) -> io::Result<()> {
        let named = move |path: &Path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .ends_with(refused)
        };
        move |from, to| match to.exists() || named(from) {
            true => Err(io::Error::from_raw_os_error(libc::EPERM)),
            false => std::fs::rename(from, to),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_is_replaced_where_a_rename_goes_to_a_free_name_only() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        persist_over(f.temp, &target, rename_to_a_free_name_only("never")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(files_in(dir.path()), ["out.csv"]);
    }

    /// Another error than a file system's refusal ("Permission denied"),
    /// over a file that is there: said, and the file is not moved aside.
    #[cfg(unix)]
    #[test]
    fn a_rename_failing_otherwise_moves_no_file_aside() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        let denied_over_a_file = |from: &Path, to: &Path| match to.exists() {
            true => Err(io::Error::from_raw_os_error(libc::EACCES)),
            false => std::fs::rename(from, to),
        };
        let e = persist_over(f.temp, &target, denied_over_a_file).unwrap_err();
        assert_eq!(e.error.raw_os_error(), Some(libc::EACCES));
        drop(e);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(files_in(dir.path()), ["out.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_not_replaced_after_all_is_put_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        let e = persist_over(f.temp, &target, rename_to_a_free_name_only(".tmp")).unwrap_err();
        assert_eq!(e.error.raw_os_error(), Some(libc::EPERM));
        drop(e);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(files_in(dir.path()), ["out.csv"]);
    }

    #[test]
    fn without_replace_an_existing_target_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("config.toml");
        fs::write(&target, "mine").unwrap();
        let file = AtomicFile::create(&target).unwrap();
        let err = file.commit(false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&target).unwrap(), "mine");
        assert_eq!(files_in(dir.path()), ["config.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_while_it_is_written() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = AtomicFile::create(&dir.path().join("t")).unwrap();
        let mode = fs::metadata(file.temp.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    /// Only a mode that lets group or others in is said, whole: 0600 is
    /// none; 0640 and 0604 (a mount's modes) are.
    #[cfg(unix)]
    #[test]
    fn a_temporary_file_others_may_read_is_said_with_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = AtomicFile::create(&dir.path().join("t")).unwrap();
        assert_eq!(file.open_to_others(), None);
        for mode in [0o640, 0o604] {
            let set = fs::Permissions::from_mode(mode);
            file.temp.as_file().set_permissions(set).unwrap();
            assert_eq!(file.open_to_others(), Some(mode));
        }
    }

    /// The file being written takes on the mode of the one it replaces.
    #[cfg(unix)]
    #[test]
    fn the_file_takes_on_the_mode_of_the_one_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("shared.csv");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        let file = AtomicFile::create(&target).unwrap();
        file.take_on(&fs::metadata(&target).unwrap());
        let mode = fs::metadata(file.temp.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    /// The folder an export is written into moved away meanwhile, with
    /// what is made in its place (`mv exports old; mkdir exports`, or
    /// `touch exports`); the error's text, and the hidden file's folder.
    #[cfg(unix)]
    fn folder_moved_away(in_its_place: impl Fn(&Path)) -> (String, PathBuf, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let (folder, moved) = (dir.path().join("exports"), dir.path().join("old"));
        fs::create_dir(&folder).unwrap();
        let mut file = AtomicFile::create(&folder.join("accounts.csv")).unwrap();
        file.write_all(b"id\n").unwrap();
        fs::rename(&folder, &moved).unwrap();
        in_its_place(&folder);
        let err = file.commit(true).unwrap_err().to_string();
        let left: Vec<_> = fs::read_dir(&moved).unwrap().flatten().collect();
        assert!(left.is_empty(), "{left:?}");
        (err, folder, dir)
    }

    /// A folder moved away while the export was written (a rotation at
    /// night) kept the hidden file, which the failed rename and its removal
    /// looked for by its old path, and the error said only "No such file or
    /// directory"; replaced by a file, the rename's ENOTDIR was shown bare,
    /// "Not a directory (os error 20)".
    #[cfg(unix)]
    #[test]
    fn a_folder_moved_away_meanwhile_keeps_no_hidden_file_and_is_named() {
        let (err, folder, _dir) = folder_moved_away(|f| fs::create_dir(f).unwrap());
        assert!(
            err.contains("was removed, moved or replaced while it was written"),
            "{err}"
        );
        assert!(fs::read_dir(&folder).unwrap().next().is_none());
        let (err, folder, _dir) = folder_moved_away(|f| fs::write(f, "a file").unwrap());
        assert!(
            err.contains("was removed, moved or replaced while it was written"),
            "{err}"
        );
        assert_eq!(fs::read(&folder).unwrap(), b"a file");
    }

    /// A folder there when it is made (another run's, made meanwhile) is
    /// no error; a file there is. `new/..` is the folder found only by the
    /// mkdir: it did not exist until `new` was made on the way.
    #[test]
    fn a_folder_found_as_it_is_made_is_no_error_and_a_file_is() {
        let dir = tempfile::tempdir().unwrap();
        create_private_dir(&dir.path().join("new/..")).unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "").unwrap();
        let in_the_way = create_private_dir(&file).unwrap_err();
        assert_eq!(in_the_way.kind(), io::ErrorKind::AlreadyExists);
    }

    /// Up to the cap is read whole; a byte more is too large.
    #[test]
    fn read_at_most_takes_the_cap_and_not_a_byte_more() {
        assert_eq!(read_at_most(&b"abc"[..], 3).unwrap(), b"abc");
        let over = read_at_most(&b"abcd"[..], 3).unwrap_err();
        assert_eq!(over.kind(), io::ErrorKind::FileTooLarge);
    }

    /// A symbolic link is not opened, nor waited on: a pipe opens at once.
    #[cfg(unix)]
    #[test]
    fn open_regular_refuses_a_link_and_opens_a_pipe_without_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let (file, link, fifo) = (
            dir.path().join("f"),
            dir.path().join("l"),
            dir.path().join("p"),
        );
        fs::write(&file, "x").unwrap();
        std::os::unix::fs::symlink(&file, &link).unwrap();
        make_fifo(&fifo);
        assert!(open_regular(&file).is_some());
        assert!(open_regular(&link).is_none());
        assert!(open_regular(&fifo).is_some());
    }

    /// This user's own link is followed in a sticky, world-writable folder.
    #[cfg(unix)]
    #[test]
    fn my_own_link_in_a_sticky_folder_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("target", &link).unwrap();
        set_mode(dir.path(), 0o1777).unwrap();
        assert_eq!(followed(&link).unwrap(), dir.path().join("target"));
    }

    /// Another user's link is followed where others may not write (a
    /// folder not sticky): only a sticky, world-writable one is refused.
    /// Run by `.ci/run` where it is root (`cargo test --lib -- --ignored as_root_`).
    #[cfg(unix)]
    #[test]
    #[ignore = "needs root: it makes a link of another user"]
    fn as_root_another_users_link_is_followed_outside_a_sticky_folder() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("target", &link).unwrap();
        lchown(&link, Some(1001), Some(1001)).expect("lchown: run as root");
        assert_eq!(followed(&link).unwrap(), dir.path().join("target"));
        set_mode(dir.path(), 0o1777).unwrap();
        assert!(followed(&link).is_err());
    }

    /// statx's word of chattr's attributes is the file's own only where
    /// the inode's flags say it too (or cannot be read): a file whose flags
    /// lack it is not immutable, one that cannot be opened keeps statx's
    /// word, and a pipe is looked at without waiting for a writer.
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    #[test]
    fn statx_attributes_are_the_files_own_only_where_its_flags_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let c = |path: &Path| std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        let immutable = libc::STATX_ATTR_IMMUTABLE as u64;
        let plain = dir.path().join("plain");
        fs::write(&plain, "").unwrap();
        assert!(not_the_files_own(&c(&plain), immutable));
        assert!(!not_the_files_own(&c(&dir.path().join("gone")), immutable));
        let fifo = dir.path().join("fifo");
        make_fifo(&fifo);
        let (done, looked) = std::sync::mpsc::channel();
        let path = c(&fifo);
        std::thread::spawn(move || done.send(not_the_files_own(&path, immutable)));
        let answer = looked.recv_timeout(std::time::Duration::from_secs(60));
        if answer.is_err() {
            // Opened waiting for a writer: one lets it go.
            let _ = fs::OpenOptions::new().write(true).open(&fifo);
        }
        assert_eq!(answer, Ok(true), "the pipe's open waited for a writer");
    }

    /// A file append-only (chattr +a) is not immutable for that. Run by
    /// `.ci/run` where it is root (`cargo test --lib -- --ignored as_root_`).
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    #[test]
    #[ignore = "needs root: chattr +a"]
    fn as_root_an_append_only_file_is_not_its_own_immutable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("log");
        fs::write(&file, "").unwrap();
        let chattr = |flag| {
            std::process::Command::new("chattr")
                .args([flag])
                .arg(&file)
                .status()
        };
        assert!(chattr("+a").expect("chattr (e2fsprogs) runs").success());
        let path = std::ffi::CString::new(file.as_os_str().as_bytes()).unwrap();
        let immutable = not_the_files_own(&path, libc::STATX_ATTR_IMMUTABLE as u64);
        let append = not_the_files_own(&path, libc::STATX_ATTR_APPEND as u64);
        assert!(chattr("-a").unwrap().success());
        assert_eq!((immutable, append), (true, false));
    }

    /// A file system that keeps no modes (ENOSYS, EOPNOTSUPP) is let be;
    /// "Operation not permitted" from chmod is another user's file, said.
    #[cfg(unix)]
    #[test]
    fn only_a_refusal_of_modes_is_let_be() {
        let os = io::Error::from_raw_os_error;
        assert!(modes_kept_or_none(Err(os(libc::ENOSYS))).is_ok());
        assert!(modes_kept_or_none(Err(os(libc::EOPNOTSUPP))).is_ok());
        assert!(modes_kept_or_none(Err(os(libc::EPERM))).is_err());
        assert!(not_done_here(&os(libc::EPERM), true));
        assert!(!not_done_here(&os(libc::EPERM), false));
        assert!(!not_done_here(&os(libc::EACCES), true));
    }
}
