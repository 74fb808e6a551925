//! The store file: opening it safely, its schema and the migrations that
//! bring an older file up to date.
//!
//! A file at the store path is checked before SQLite may write to it: it
//! must be absent, empty, or a SQLite database that carries this tool's
//! `application_id` and a schema version this build knows. Anything else
//! is a configuration error (exit 3) and the file is left untouched.

use std::fs;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[cfg(unix)]
use std::os::unix::{
    ffi::OsStrExt,
    fs::{FileTypeExt, OpenOptionsExt, PermissionsExt},
};

use anyhow::{Context as _, Result};
use rusqlite::ffi::{SQLITE_IOERR_SHMMAP, SQLITE_IOERR_SHMOPEN, SQLITE_READONLY_ROLLBACK};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

#[cfg(unix)]
use crate::atomic_file::modes_kept_or_none;
use crate::atomic_file::{
    chattr_lock, create_private_dir, current_user, file_in_the_way, folder_of, followed,
    link_leading_nowhere, may_not_enter, not_done_here, owner_of,
};
use crate::error::{config_error, current_folder_gone, out_of_files};
use crate::text::{shown_path, visible};

/// `PRAGMA application_id` of a store of this tool: "TDAH".
pub const APPLICATION_ID: i32 = 0x5444_4148;

/// How long a run waits for another run's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The schema, one step per version: `MIGRATIONS[n]` takes a store from
/// version `n` to `n + 1` (`PRAGMA user_version`). Never edit a step once
/// released; add one.
pub const MIGRATIONS: &[&str] = &[
    // 1: organizations, accounts (one row per id ever seen: its natural
    // order), snapshots, and versions valid over [valid_from, valid_to).
    "CREATE TABLE org (
         id INTEGER PRIMARY KEY,
         base_url TEXT NOT NULL,
         token_url TEXT NOT NULL,
         UNIQUE (base_url, token_url)
     ) STRICT;
     CREATE TABLE account (
         id INTEGER PRIMARY KEY,
         org INTEGER NOT NULL REFERENCES org (id),
         account_id TEXT NOT NULL,
         UNIQUE (org, account_id)
     ) STRICT;
     CREATE TABLE snapshot (
         id INTEGER PRIMARY KEY,
         org INTEGER NOT NULL REFERENCES org (id),
         taken_at INTEGER NOT NULL,
         accounts INTEGER NOT NULL,
         ordering BLOB,
         UNIQUE (org, taken_at)
     ) STRICT;
     CREATE TABLE version (
         id INTEGER PRIMARY KEY,
         org INTEGER NOT NULL REFERENCES org (id),
         account INTEGER NOT NULL REFERENCES account (id),
         valid_from INTEGER NOT NULL,
         valid_to INTEGER,
         status TEXT NOT NULL,
         name TEXT,
         body TEXT NOT NULL
     ) STRICT;
     CREATE INDEX version_by_account ON version (account, valid_from);",
    // 2: where each snapshot came from (the API, or an imported file), and
    // indexes for `changes` and for the current versions.
    "ALTER TABLE snapshot ADD COLUMN source TEXT NOT NULL DEFAULT 'api';
     CREATE INDEX version_by_start ON version (org, valid_from);
     CREATE INDEX version_by_end ON version (org, valid_to);",
    // 3: an account is kept under `history::account_key` of its id's exact
    // JSON text (the text `->` gives, as sent): the string "1" and the
    // number 1, kept as one before, are two accounts. The rows whose key
    // changes pass through an organization no row has (the negated one),
    // so that no two rows share a key on the way (its reference is checked
    // at the commit, when the organization is back). `rekey` is looked up
    // by its key (a table made `AS SELECT` has none: each of 100,000 rows
    // read it whole, 338 s).
    "PRAGMA defer_foreign_keys = ON;
     CREATE TEMP TABLE rekey (id INTEGER PRIMARY KEY, key TEXT);
     INSERT INTO rekey
         SELECT a.id, account_key((SELECT v.body -> '$.id' FROM version v
                                   WHERE v.account = a.id
                                   ORDER BY v.valid_from DESC LIMIT 1))
         FROM account a;
     DELETE FROM rekey WHERE key IS NULL
         OR key = (SELECT account_id FROM account a WHERE a.id = rekey.id);
     UPDATE account SET org = -org, account_id = (SELECT key FROM rekey r WHERE r.id = account.id)
         WHERE id IN (SELECT id FROM rekey);
     UPDATE account SET org = -org WHERE org < 0;
     DROP TABLE rekey;",
    // 4: a snapshot's ordering may be a patch on an earlier one's
    // (`record::encode_order`), which a build before it would misread.
    "-- no table changes",
];

/// The schema from which an id is kept as `history::account_key` says.
const KEYS_AS_JSON_TEXT: i64 = 3;

/// The schema version this build writes.
const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// How a command uses the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading commands: the store must exist; nothing is written.
    Read,
    /// `snapshot`: created if missing, migrated, must be writable.
    Write,
}

/// An open store.
pub struct Store {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// A store before schema 3 read as it is (read-only): its keys are the
    /// ids as shown, whatever their JSON (see `history::account_key`).
    pub(super) legacy_keys: bool,
}

/// The error for a store path that holds something else.
fn not_a_store(path: &Path, why: &str) -> anyhow::Error {
    config_error(format!(
        "{} is not a history store of talkdesk-accounts ({why}); it was left untouched: move it away, or pass --history with another path",
        shown_path(&path)
    ))
}

/// A connection that only reads.
const READ_ONLY: OpenFlags =
    OpenFlags::SQLITE_OPEN_READ_ONLY.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);

/// A connection that reads and writes.
const READ_WRITE: OpenFlags =
    OpenFlags::SQLITE_OPEN_READ_WRITE.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);

/// A connection that only reads, to a `file:` URI.
const READ_ONLY_URI: OpenFlags = READ_ONLY.union(OpenFlags::SQLITE_OPEN_URI);

/// The first bytes of a SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Checks that what sits at `path` may be opened as a store; what it
/// found: nothing yet (`None`), or a SQLite file, in WAL mode or not
/// (`Some(wal)`, as its header says).
fn check_file(path: &Path) -> Result<Option<bool>> {
    let store = shown_path(&path);
    // Looked at before it is opened: opening a pipe would wait for a
    // writer for ever.
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(not_a_store(path, "it is a folder")),
        // Not to be moved away (`/dev/null`, a disk).
        #[cfg(unix)]
        Ok(m) if m.file_type().is_char_device() || m.file_type().is_block_device() => {
            return Err(config_error(format!(
                "{store} is a device, not a history store; pass --history with a file's path"
            )));
        }
        Ok(m) if !m.is_file() => {
            return Err(not_a_store(path, "it is a pipe, a socket or a device"));
        }
        _ => {}
    }
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        // A path through a file (`XDG_DATA_HOME=/dev/null`) holds none either.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(None);
        }
        Err(e) => {
            reachable(path)?;
            // EMFILE: its permissions are not to blame.
            let check = out_of_files(&e).map(String::from);
            let check = check.or_else(|| may_not_enter(path, "pass --history"));
            let check = check.unwrap_or_else(|| "check its permissions".into());
            anyhow::bail!("cannot read the history store {store}: {e}; {check}")
        }
    };
    let mut header = Vec::with_capacity(100);
    (&mut file)
        .take(100)
        .read_to_end(&mut header)
        .with_context(|| format!("reading the history store {store}"))?;
    // An empty file is a store not written yet (made private when it is).
    if header.is_empty() {
        return Ok(None);
    }
    if !header.starts_with(SQLITE_HEADER) {
        return Err(not_a_store(path, "it is not a SQLite database"));
    }
    // Its schema version and application id are in the header: a foreign
    // or newer file is refused before SQLite opens it, which would make
    // -shm and -wal files beside it.
    let field = |at: usize| Some(i32::from_be_bytes(header.get(at..at + 4)?.try_into().ok()?));
    if let Some((version, app)) = field(60).zip(field(68)).filter(|&ids| ids != (0, 0)) {
        check_ids(path, app, version.into())?;
    }
    // The file format's write and read versions: 2 in WAL mode.
    let wal = header.get(18..20) == Some(&[2, 2][..]);
    Ok(Some(wal))
}

/// Refuses a store of another program, or of a newer version of this one,
/// or with a schema version no version writes (it and the application id
/// are set together, from 1 on).
fn check_ids(path: &Path, app: i32, version: i64) -> Result<()> {
    if app != APPLICATION_ID {
        return Err(not_a_store(path, "it is another program's SQLite database"));
    }
    if version < 1 {
        let why = format!("its schema version {version} is one no talkdesk-accounts writes");
        return Err(not_a_store(path, &why));
    }
    if version > LATEST_VERSION {
        return Err(config_error(format!(
            "the history store {} was written by a newer talkdesk-accounts (schema {version}, this one knows up to {LATEST_VERSION}); it was left untouched: upgrade talkdesk-accounts",
            shown_path(&path)
        )));
    }
    Ok(())
}

/// Why the store's header could not be read: another program holding it
/// (an `sqlite3` shell's exclusive lock), a full or failing disk, or a
/// file that is no store of this tool.
fn unreadable(path: &Path, e: rusqlite::Error, access: Access) -> anyhow::Error {
    match e.sqlite_error_code() {
        _ if busy(&e) => locked(path, ""),
        _ if no_room(&e) => io_failure(path, &e, access.nothing_done()),
        // Its header names this tool (check_file looked): cut short or
        // damaged inside, it is this tool's store all the same.
        Some(ErrorCode::DatabaseCorrupt) if marked_as_ours(path) => {
            damaged(path, &e, access.nothing_done())
        }
        _ => not_a_store(path, &format!("cannot read it: {e}")),
    }
}

/// True when the file's header carries this tool's application id.
fn marked_as_ours(path: &Path) -> bool {
    let mut header = [0u8; 72];
    let read = fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    read.is_ok() && header[68..72] == APPLICATION_ID.to_be_bytes()
}

impl Access {
    /// What a damaged store found before any output meant for the run:
    /// a reading command printed nothing, `snapshot` recorded nothing
    /// (though it read its walk or import).
    fn nothing_done(self) -> &'static str {
        match self {
            Access::Read => "nothing was printed",
            Access::Write => "nothing was recorded",
        }
    }
}

/// A store of this tool that SQLite finds malformed; `outcome` is what
/// that meant for the run (`nothing was printed`).
fn damaged(path: &Path, why: &dyn std::fmt::Display, outcome: &str) -> anyhow::Error {
    config_error(format!(
        "the history store {} is damaged ({why}), so {outcome}; restore it from a backup, or move it away and pass --history with another path",
        shown_path(&path)
    ))
}

/// SQLite's plain error saying a table, column or index is there already,
/// or one a statement names is not: the store's tables changed by another
/// program (a user's `sqlite3`: a column renamed or dropped, one added of
/// the name an upgrade adds, or a trigger added that names a table or a
/// function not there). Its message, without the statement.
fn schema_changed(e: &rusqlite::Error) -> Option<&str> {
    const SCHEMA: [&str; 4] = [
        "already exists",
        "duplicate column name",
        "has no column named",
        "no such ",
    ];
    let why = match e {
        rusqlite::Error::SqliteFailure(f, Some(why)) if f.code == ErrorCode::Unknown => why,
        // With where in the statement, which the message leaves out.
        rusqlite::Error::SqlInputError { error, msg, .. } if error.code == ErrorCode::Unknown => {
            msg
        }
        _ => return None,
    };
    (SCHEMA.iter().any(|words| why.contains(words))).then_some(why)
}

/// Another connection holds the store, past the wait.
fn busy(e: &rusqlite::Error) -> bool {
    has_code(e, &[ErrorCode::DatabaseBusy, ErrorCode::DatabaseLocked])
}

/// Whether SQLite's error `e` is one of `codes`.
fn has_code(e: &rusqlite::Error, codes: &[ErrorCode]) -> bool {
    e.sqlite_error_code()
        .is_some_and(|code| codes.contains(&code))
}

/// Another program kept the store locked past the wait; `outcome` is
/// what that meant for the run (`, so nothing was recorded`), if anything.
fn locked(path: &Path, outcome: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "another program kept the history store {} locked for {} s{outcome}; run again once it is done",
        shown_path(&path),
        BUSY_TIMEOUT.as_secs()
    )
}

/// Reads `application_id` and `user_version` through a read-only
/// connection and refuses a foreign or newer file.
fn check_schema(conn: &Connection, path: &Path, access: Access) -> Result<i64> {
    // One read transaction: three separate reads could straddle another
    // run's creation of the store, and see its tables but not its id.
    let read = || -> rusqlite::Result<(i32, i64, bool)> {
        let tx = conn.unchecked_transaction()?;
        let app: i32 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        // A new store has neither, and no tables either.
        let new = (app, version) == (0, 0)
            && tx.query_row("SELECT count(*) = 0 FROM sqlite_master", [], |r| r.get(0))?;
        Ok((app, version, new))
    };
    let (app, version, new) = read().map_err(|e| unreadable(path, e, access))?;
    if new {
        return Ok(0);
    }
    check_ids(path, app, version)?;
    Ok(version)
}

/// The SQL functions `account_key(id_json)` and `shown_id(key)`: the
/// store's keys made and shown by the same code in SQL as in Rust (a
/// store with `legacy_keys` shows its keys as they are).
fn add_functions(conn: &Connection, legacy_keys: bool) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("account_key", 1, flags, |ctx| {
        Ok(ctx
            .get::<Option<String>>(0)?
            .map(|text| super::account_key(&text)))
    })?;
    conn.create_scalar_function("shown_id", 1, flags, move |ctx| {
        Ok(super::shown_id(&ctx.get::<String>(0)?, legacy_keys))
    })
}

/// The longest file name most file systems take, in bytes.
const NAME_MAX: usize = 255;

/// Refuses a name too long for the file SQLite writes beside a store
/// (`-journal`, or `-wal` in `wal` mode, as this tool leaves every store):
/// the store itself could be made, and then never written. The name is
/// the file's, a link followed (SQLite writes beside the file).
fn check_name_length(path: &Path, wal: bool) -> Result<()> {
    let suffix = if wal { "-wal" } else { "-journal" };
    // (Links in a loop never get here: check_file could not read the file.)
    let file = real_file(path);
    let length = file.file_name().map_or(0, |name| name.len());
    if length + suffix.len() <= NAME_MAX {
        return Ok(());
    }
    let named = match file == path {
        true => shown_path(&path),
        false => format!("{} (a link to {})", shown_path(&path), shown_path(&file)),
    };
    Err(anyhow::anyhow!(
        "the history store {named} has a file name too long for SQLite, which writes a file named like it with {suffix} added beside it (a file name has at most {NAME_MAX} bytes); pass --history with a name of at most {} bytes",
        NAME_MAX - suffix.len()
    ))
}

/// The default store's folder made by another user (in a HOME others may
/// write, as `/tmp`) is not used: they could read or replace what is
/// recorded there, as the token cache's such folder is refused. Root may
/// use its users' (`sudo` keeping HOME).
pub fn refuse_foreign_default_folder(path: &Path) -> Result<()> {
    let (dir, me) = (folder_of(path), current_user());
    match fs::metadata(dir).map(|m| owner_of(&m)) {
        Ok(owner) if me != 0 && owner != me => Err(config_error(format!(
            "the history folder {} belongs to another user (uid {owner}), who could read or change what is recorded there; set XDG_DATA_HOME (or HOME) to a folder of this user's, or pass --history",
            shown_path(&dir)
        ))),
        _ => Ok(()),
    }
}

/// What to do when the store or its folder could not be made: `otherwise`,
/// unless no permission is to blame (a full disk, a read-only one).
fn cannot_make(e: &std::io::Error, otherwise: &str) -> String {
    let elsewhere = "pass --history with a path on another disk";
    crate::error::no_room(e, elsewhere).unwrap_or_else(|| otherwise.to_string())
}

/// Creates the store's folder (0700) and an empty file (0600), or makes
/// the empty file there private.
fn create_private(path: &Path) -> Result<()> {
    let store = shown_path(&path);
    reachable(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir).map_err(|e| {
            let why = match file_in_the_way(dir) {
                Some(file) => format!(
                    " ({} is a file, not a folder); pass --history with another path",
                    shown_path(&file)
                ),
                None => format!(
                    "; {}",
                    cannot_make(&e, "check its permissions or pass --history")
                ),
            };
            anyhow::Error::new(e).context(format!(
                "cannot create the history folder {}{why}",
                shown_path(&dir)
            ))
        })?;
    }
    // An immutable folder takes no file; an append-only one lets SQLite
    // remove no -journal (it failed with "disk I/O error", leaving both).
    let dir = folder_of(path);
    if let Some((what, clear)) = chattr_lock(dir).filter(|_| fs::metadata(path).is_err()) {
        let dir = shown_path(&dir);
        anyhow::bail!(
            "cannot create the history store {store}: its folder {dir} is {what}, which no chmod changes; clear that ({clear} {dir}, as root), or pass --history with another path"
        );
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    options.mode(0o600);
    let file = options.open(path).map_err(|e| {
        let check = current_folder_gone(path).map(str::to_string);
        let check = check
            .unwrap_or_else(|| cannot_make(&e, "check the folder's permissions or pass --history"));
        anyhow::Error::new(e).context(format!("cannot create the history store {store}; {check}"))
    })?;
    // An empty file found there is made private too (on a disk that keeps
    // no modes, it has its mount's).
    #[cfg(unix)]
    modes_kept_or_none(file.set_permissions(PermissionsExt::from_mode(0o600)))
        .with_context(|| format!("cannot make the history store {store} private"))?;
    #[cfg(not(unix))]
    drop(file);
    Ok(())
}

impl Store {
    /// Opens the store at `path`. `Read` on a missing file is the "no
    /// snapshot yet" error; `Write` creates it and migrates it.
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        let found = check_file(path)?;
        if access == Access::Write {
            check_name_length(path, found == Some(true))?;
        }
        if found.is_none() {
            match access {
                Access::Read => return Err(no_snapshot_yet(path)),
                // An empty file kept write-protected is as read-only as a
                // store (it was made writable, and written, by root).
                Access::Write if write_protected(path) => return Err(read_only(path)),
                Access::Write => create_private(path)?,
            }
        }
        // Look before writing anything: a foreign or newer file is refused
        // with not a byte changed, and the -wal and -shm files that SQLite
        // made beside it to read it are taken away.
        let version = {
            let none_beside = side_files(path).iter().all(|side| !side.exists());
            // A SQLite file (check_file read its header) that cannot be
            // opened is the system's doing (out of file descriptors), not
            // a foreign file to move away.
            // (An error of this tool's own, a lock or a -wal it cannot
            // read, says what to do already.)
            let probe = Store::open_read_only(path).map_err(|e| match e.is::<rusqlite::Error>() {
                true => anyhow::anyhow!(
                    "cannot open the history store {}: {}; check its permissions and the open-file limit (ulimit -n)",
                    shown_path(&path),
                    e.root_cause()
                ),
                false => e,
            })?;
            let checked = check_schema(&probe.conn, path, access);
            drop(probe);
            // (Unless the -wal holds something: then another run is writing it.)
            if checked.is_err() && none_beside && !pending(path, "-wal") {
                let _ = side_files(path).map(fs::remove_file);
            }
            checked?
        };
        let mut store = match access {
            Access::Read if version == 0 => return Err(no_snapshot_yet(path)),
            Access::Read => Store::open_for_reading(path)?,
            Access::Write => Store::open_for_writing(path)?,
        };
        // An older store still reads: its data is the same, only indexes
        // and columns with defaults were added since. It is upgraded when
        // it can be; a read-only file, or one on a full disk, is read as it
        // is (a failed step leaves it as it was).
        if access == Access::Read
            && version < LATEST_VERSION
            && !store.conn.is_readonly("main").unwrap_or(true)
        {
            // Readers never wait: a store another program is writing is
            // read as it is, and upgraded another time. Every query of the
            // run then reads that same state, its schema version with it
            // (one read transaction, never ended: nothing is written), even
            // when the other program's upgrade commits meanwhile.
            store.conn.busy_timeout(Duration::ZERO)?;
            if store.migrate().is_err() {
                let _ = store.conn.execute_batch("BEGIN");
            }
            store.conn.busy_timeout(BUSY_TIMEOUT)?;
        }
        // The first read of a store just put in WAL mode makes its -shm
        // file: a full disk fails it (a bare "disk I/O error" before).
        let now: i64 = match (store.conn).pragma_query_value(None, "user_version", |r| r.get(0)) {
            Ok(now) => now,
            Err(e) if access == Access::Write => return Err(store.write_error(e.into())),
            Err(e) => return Err(store.damaged(e.into())),
        };
        if now < KEYS_AS_JSON_TEXT {
            store.legacy_keys = true;
            add_functions(&store.conn, true)?;
        }
        Ok(store)
    }

    /// A store on a new connection to `target` (the path, or a `file:`
    /// URI of it), which waits up to [`BUSY_TIMEOUT`] for another run.
    fn connect(path: &Path, target: impl AsRef<Path>, flags: OpenFlags) -> Result<Store> {
        // SQLite (built with SQLITE_USE_URI) reads a name starting with
        // `file:` as a URI: a relative path is named from `./`.
        let target = target.as_ref();
        let target = match flags.contains(OpenFlags::SQLITE_OPEN_URI) || target.is_absolute() {
            true => target.to_path_buf(),
            false => Path::new(".").join(target),
        };
        let conn = Connection::open_with_flags(target, flags)
            .with_context(|| format!("opening the history store {}", shown_path(&path)))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        add_functions(&conn, false)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            legacy_keys: false,
        })
    }

    fn open_for_reading(path: &Path) -> Result<Store> {
        let writable = (!write_protected(path)).then(|| Store::connect(path, path, READ_WRITE));
        let Some(Ok(store)) = writable else {
            return Store::open_read_only(path);
        };
        match (store.conn).query_row("SELECT count(*) FROM org", [], |_| Ok(())) {
            Ok(()) => Ok(store),
            Err(e) if cannot_write(&e) || no_room(&e) => Store::open_read_only(path),
            // (A table dropped by a user's sqlite3, or damage, named so.)
            Err(e) => Err(store.damaged(
                anyhow::Error::new(e)
                    .context(format!("reading the history store {}", shown_path(&path))),
            )),
        }
    }

    /// A read-only connection. A WAL store in a folder (or file system)
    /// that is read-only has no -shm file and cannot get one, so SQLite
    /// cannot read it the ordinary way; it is then read as an immutable
    /// file: nothing can be writing it.
    ///
    /// A write-protected file is read as immutable too, unless a -wal file
    /// holds what it has not taken in yet: nobody may write it, and an
    /// ordinary read would leave a -shm file beside it, read-only in turn,
    /// which would keep `chmod u+w` from making it writable again.
    fn open_read_only(path: &Path) -> Result<Store> {
        let replay = pending(path, "-wal");
        // (Nor with a -journal to roll back: read as immutable, the file
        // would show half a write.)
        if write_protected(path) && !replay && !pending(path, "-journal") {
            return Store::open_immutable(path);
        }
        let store = Store::connect(path, path, READ_ONLY)?;
        match store.conn.query_row("PRAGMA user_version", [], |_| Ok(())) {
            // The wait is over: not waited for a second time.
            Err(e) if busy(&e) => Err(locked(path, "")),
            // A -journal to roll back: where it may be written, the
            // connection that reads it next rolls the journal back.
            Err(e)
                if e.sqlite_extended_error_code() == Some(SQLITE_READONLY_ROLLBACK)
                    && !may_roll_back(path) =>
            {
                Err(unrolled_journal(path))
            }
            // Out of descriptors (EMFILE) where all may be written.
            Err(e) if cannot_write(&e) && replay && all_writable(path) => Err(anyhow::anyhow!(
                "the history store {} could not be read: SQLite could not open the -shm file it needs beside it, though the store and its folder are writable; {}",
                shown_path(&path),
                to_blame(path)
            )),
            // Another user's -wal (their run killed): not the folder's doing,
            // unless it is on a read-only file system (said below).
            #[cfg(unix)]
            Err(e)
                if cannot_write(&e)
                    && replay
                    && !mounted_read_only(path)
                    && !others_files(path).is_empty() =>
            {
                Err(read_only(path))
            }
            // Read as immutable, the store would answer without what its
            // -wal holds: an older state, said as the latest.
            Err(e) if cannot_write(&e) && replay => {
                let (why, fix) = match mounted_read_only(path) {
                    true => (
                        "it is on a read-only file system",
                        "Have it mounted read-write",
                    ),
                    false => ("its folder is read-only", "Make the folder writable"),
                };
                Err(anyhow::anyhow!(
                    "the history store {} holds snapshots in its -wal file that cannot be read where it is: {why}, so SQLite cannot make the -shm file it needs. {fix}, or copy the store with its -wal file to a writable folder and pass --history with the copy",
                    shown_path(&path)
                ))
            }
            Err(e) if cannot_write(&e) || (no_room(&e) && !replay) => Store::open_immutable(path),
            _ => Ok(store),
        }
    }

    fn open_immutable(path: &Path) -> Result<Store> {
        let mut uri = url::Url::from_file_path(std::path::absolute(path)?)
            .map_err(|()| anyhow::anyhow!("{} has no file URL", shown_path(&path)))?;
        uri.set_query(Some("immutable=1"));
        Store::connect(path, uri.as_str(), READ_ONLY_URI)
    }

    fn open_for_writing(path: &Path) -> Result<Store> {
        if write_protected(path) {
            return Err(read_only(path));
        }
        let store = Store::connect(path, path, READ_WRITE)?;
        if store.conn.is_readonly("main").unwrap_or(true) {
            return Err(read_only(path));
        }
        // Migrated before WAL is turned on: a new file is then written under
        // SQLite's ordinary locks, which wait for each other, so two runs
        // that start on one new store never see each other's half-made one.
        store.migrate().map_err(|e| store.write_error(e))?;
        store.use_wal().map_err(|e| store.write_error(e))?;
        Ok(store)
    }

    /// Turns on WAL mode. Switching needs the file to itself, and SQLite
    /// does not wait for that as it waits for a write, so the switch is
    /// tried again until [`BUSY_TIMEOUT`].
    fn use_wal(&self) -> Result<()> {
        let started = Instant::now();
        loop {
            let mode: String =
                (self.conn).pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            if mode.eq_ignore_ascii_case("wal") {
                return Ok(());
            }
            match self.conn.pragma_update(None, "journal_mode", "WAL") {
                Err(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                done => return Ok(done?),
            }
        }
    }

    /// Brings the schema to the latest version, one step per transaction.
    pub fn migrate(&self) -> Result<()> {
        let mut start = None;
        loop {
            let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
                .map_err(|e| self.write_error(e.into()))?;
            let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version >= LATEST_VERSION {
                return Ok(());
            }
            let start = *start.get_or_insert(version);
            let step = MIGRATIONS
                .get(version as usize)
                .ok_or_else(|| anyhow::anyhow!("no migration from schema {version}"))?;
            tx.execute_batch(step)
                .map_err(|e| self.upgrade_error(e, start, version + 1))?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit().map_err(|e| self.write_error(e.into()))?;
        }
    }

    /// A step of [`Store::migrate`] that failed. SQLite's word that a
    /// table, column or index the step adds is there already, or one it
    /// reads is not, is the store's own schema in the way (a user's
    /// `sqlite3` added a column of the name the step adds): a store this
    /// tool cannot use, left as it was (the step's transaction is rolled
    /// back), or at the schema the steps before it (from `start`) made.
    /// Anything else (busy, read-only, full, damaged) is the write's.
    fn upgrade_error(&self, e: rusqlite::Error, start: i64, to: i64) -> anyhow::Error {
        let Some(why) = schema_changed(&e) else {
            return anyhow::Error::new(e)
                .context(format!("upgrading the history store to schema {to}"));
        };
        let left = match to - 1 {
            at if at == start => "left as it was".to_string(),
            at => format!("left at schema {at}, to which the steps before it upgraded it"),
        };
        config_error(format!(
            "the history store {} cannot be upgraded to schema {to} ({}): a change another program (as sqlite3) made to its tables is in the way; it was {left}: undo that change, or pass --history with another path",
            shown_path(&self.path),
            visible(why)
        ))
    }

    /// Takes group and others' access to the store file away (SPEC §8:
    /// 0600; a write-protected file keeps its owner's bits, so stays
    /// read-only); the error when it cannot. Another user's store, shared
    /// on purpose, is left as its owner made it.
    #[cfg(unix)]
    pub fn make_private(&self) -> std::io::Result<()> {
        self.make_private_for(current_user())
    }

    /// [`Store::make_private`] for the user `me`.
    #[cfg(unix)]
    fn make_private_for(&self, me: u32) -> std::io::Result<()> {
        let meta = fs::metadata(&self.path)?;
        if owner_of(&meta) != me {
            return Ok(());
        }
        // The -wal and -shm files too: made by another program while the
        // store was readable, they kept its mode, and the -wal holds the
        // snapshot about to be written.
        let sides = (side_files(&self.path).into_iter())
            .filter_map(|side| Some((fs::metadata(&side).ok()?, side)));
        for (meta, file) in [(meta, self.path.clone())].into_iter().chain(sides) {
            let mode = meta.permissions().mode();
            if owner_of(&meta) == me && mode & 0o077 != 0 {
                fs::set_permissions(&file, fs::Permissions::from_mode(mode & 0o700))?;
            }
        }
        Ok(())
    }

    /// Where the store is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// An error of a store damaged inside (bad sectors), found by a
    /// reading command before it printed anything, names it and says what
    /// to do (exit 3); any other error is left as it is.
    pub fn damaged(&self, e: anyhow::Error) -> anyhow::Error {
        self.damaged_after(e, Access::Read.nothing_done())
    }

    /// [`Store::damaged`], found after some output was made: `outcome`
    /// says what reached the user (`nothing was printed`).
    pub fn damaged_after(&self, e: anyhow::Error, outcome: &str) -> anyhow::Error {
        let sqlite = e.chain().find_map(|c| c.downcast_ref::<rusqlite::Error>());
        let path = shown_path(&self.path);
        if let Some(why) = sqlite.and_then(schema_changed) {
            return config_error(format!(
                "the history store {path} lacks a table or column this talkdesk-accounts uses, or a trigger added to it names one (or a function) that is not there ({}), from a change another program (as sqlite3) made to its tables, so {outcome}; undo that change, or restore the store from a backup, or pass --history with another path",
                visible(why)
            ));
        }
        match sqlite {
            Some(rusqlite::Error::QueryReturnedNoRows) => damaged(
                &self.path,
                &"rows that others refer to are missing",
                outcome,
            ),
            Some(why) if is_damage(why) => damaged(&self.path, why, outcome),
            // SQLite sorts a large read in a temporary file: on a full
            // disk it said only "database or disk is full".
            Some(why) if no_room(why) => anyhow::anyhow!(
                "reading the history store {path} failed ({why}); if the disk is full, free some space: a large read needs room for a temporary file (set TMPDIR to a folder on a disk with room)"
            ),
            _ => e,
        }
    }

    /// A write that failed, with a clear message when the file is
    /// read-only.
    pub fn write_error(&self, e: anyhow::Error) -> anyhow::Error {
        let Some(sqlite) = e.chain().find_map(|c| c.downcast_ref::<rusqlite::Error>()) else {
            return e;
        };
        let path = shown_path(&self.path);
        match sqlite.sqlite_error_code() {
            _ if cannot_write(sqlite) => read_only(&self.path),
            _ if is_damage(sqlite) || schema_changed(sqlite).is_some() => {
                self.damaged_after(e, Access::Write.nothing_done())
            }
            Some(rusqlite::ErrorCode::DiskFull) => anyhow::anyhow!(
                "the disk holding the history store {path} is full, so nothing was recorded; free some space, or pass --history with another path"
            ),
            _ if no_room(sqlite) => io_failure(&self.path, sqlite, Access::Write.nothing_done()),
            _ if busy(sqlite) => locked(&self.path, ", so nothing was recorded"),
            _ => e.context(format!("writing the history store {path}")),
        }
    }
}

/// What says the store is damaged inside: SQLite's corruption, a text
/// that is no longer UTF-8 (bytes damaged on disk), an account's text
/// that is no account's JSON (`stored_account`), or a row that one of its
/// rows refers to missing (a snapshot's order's base).
fn is_damage(e: &rusqlite::Error) -> bool {
    use rusqlite::{Error, types::Type};
    matches!(
        e,
        Error::Utf8Error(..)
            | Error::FromSqlConversionFailure(_, Type::Text, _)
            | Error::QueryReturnedNoRows
    ) || e.sqlite_error_code() == Some(ErrorCode::DatabaseCorrupt)
}

/// What SQLite says when it may not write the store or its -shm file.
fn cannot_write(e: &rusqlite::Error) -> bool {
    has_code(e, &[ErrorCode::CannotOpen, ErrorCode::ReadOnly])
}

/// What SQLite says when the disk has no room even for the -shm file
/// that reading a WAL store needs (a disk I/O error), or for a write.
fn no_room(e: &rusqlite::Error) -> bool {
    has_code(e, &[ErrorCode::SystemIoFailure, ErrorCode::DiskFull])
}

/// Whether the store's folder is on a file system that will not size a
/// file (ftruncate: "Operation not permitted", as fusefat's FAT disks say,
/// or not implemented), tried on a file of its own there, removed at once:
/// it cannot hold a store, full or not.
fn sizes_no_file(path: &Path) -> bool {
    tempfile::tempfile_in(folder_of(&real_file(path)))
        .is_ok_and(|probe| probe.set_len(3).is_err_and(|e| not_done_here(&e, true)))
}

/// The error for a store that could not be read or written for want of
/// room, or by a failing disk: the store is not to blame. `outcome`: what
/// that meant for the run (`nothing was printed`).
fn io_failure(path: &Path, e: &rusqlite::Error, outcome: &str) -> anyhow::Error {
    // SQLite could not map the -shm file a WAL store needs into memory
    // (mmap failed: an sshfs mount with `-o direct_io`, or a limit on the
    // memory a process may map).
    let store = shown_path(&path);
    let extended = e.sqlite_extended_error_code();
    if extended == Some(SQLITE_IOERR_SHMMAP) {
        return anyhow::anyhow!(
            "the history store {store} could not be used ({e}): SQLite cannot map the -shm file beside it into memory, which a store in WAL mode needs: its file system allows no such mapping (as an sshfs mount with -o direct_io), or this process may map no more memory (ulimit -v); {outcome}; pass --history with a path on another disk, or raise that limit"
        );
    }
    // It could not size that file (ftruncate failed): over the file size
    // limit (`ulimit -f`), or on a file system that sizes no file
    // ([`sizes_no_file`]).
    if extended == Some(SQLITE_IOERR_SHMOPEN) && sizes_no_file(path) {
        return anyhow::anyhow!(
            "the history store {store} could not be used ({e}): its file system cannot hold it, for SQLite may not size the -shm file beside it there (as on a FAT disk through FUSE), and {outcome}; pass --history with a path on another disk"
        );
    }
    anyhow::anyhow!(
        "the history store {store} could not be used ({e}), and {outcome}; if its disk is full, free some space (or raise the file size limit, ulimit -f), or pass --history with another path"
    )
}

/// The -wal and -shm files SQLite keeps beside the store at `path`: beside
/// the file, a link followed, as SQLite keeps them.
fn side_files(path: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|end| beside(path, end))
}

/// Whether the file beside the store that `end` names holds writes the
/// store has not taken in yet: a -wal's, or a -journal's write cut short
/// (a crash in SQLite's rollback mode), to be rolled back before the store
/// is read.
fn pending(path: &Path, end: &str) -> bool {
    fs::metadata(beside(path, end)).is_ok_and(|m| m.len() > 0)
}

/// The file the store's own one is, through links (the path itself when
/// they lead nowhere).
fn real_file(path: &Path) -> PathBuf {
    followed(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The file SQLite keeps beside the store (`-wal`, `-shm`, `-journal`
/// added to its real name).
fn beside(path: &Path, end: &str) -> PathBuf {
    let mut side = real_file(path).into_os_string();
    side.push(end);
    PathBuf::from(side)
}

/// The first of the store, the files `sides` beside it and its folder
/// with an attribute of chattr that keeps SQLite from writing there (from
/// rolling a -journal back, and deleting it): immutable, or append-only
/// (which access(2) calls writable, and where SQLite may not write in
/// place); the folder only immutable (an append-only one takes new files).
/// With what it is and the command that clears it.
fn chattr_locked(
    path: &Path,
    sides: impl IntoIterator<Item = PathBuf>,
) -> Option<(PathBuf, (&'static str, &'static str))> {
    let real = real_file(path);
    let folder = folder_of(&real).to_path_buf();
    let files = [real].into_iter().chain(sides).chain([folder.clone()]);
    files
        .filter_map(|file| Some((file.clone(), chattr_lock(&file)?)))
        .find(|(file, (what, _))| *file != folder || what.starts_with("immutable"))
}

/// [`chattr_locked`] for the -journal: what keeps it from being rolled back.
fn journal_locked(path: &Path) -> Option<(PathBuf, (&'static str, &'static str))> {
    chattr_locked(path, [beside(path, "-journal")])
}

/// Whether the connection that reads or writes the store may roll its
/// -journal back: the store and its folder may be written.
fn may_roll_back(path: &Path) -> bool {
    let real = real_file(path);
    // (Its mode is not enough: another user's store, 0644, is not this
    // user's to write.)
    #[cfg(unix)]
    let writable_here = !mounted_read_only(path) && writable(&real) && writable(folder_of(&real));
    #[cfg(not(unix))]
    let writable_here = real.exists();
    !write_protected(path) && writable_here && journal_locked(path).is_none()
}

/// The error for a read-only store whose -journal holds a write cut short:
/// read without it, the store would show half that write.
fn unrolled_journal(path: &Path) -> anyhow::Error {
    let real = real_file(path);
    let again = "and run the command again, which rolls it back";
    let fix = match (mounted_read_only(path), journal_locked(path), others(&real)) {
        (true, _, _) => format!("have it mounted read-write {again}"),
        (false, Some((file, (_, clear))), _) => format!(
            "clear the attribute of {0} ({clear} {0}, as root) {again}",
            shown_path(&file)
        ),
        (false, None, Some(owner)) => {
            format!("have its owner (uid {owner}) run any command on it, which rolls it back")
        }
        (false, None, None) => format!("make it and its folder writable (chmod u+w) {again}"),
    };
    anyhow::anyhow!(
        "the history store {} has a -journal file beside it from a write that was cut short (a crash), which must be rolled back into the store before it can be read, and the store is read-only here: {fix} (keep the -journal file until then), or copy both to a writable folder and pass --history with the copy",
        shown_path(&path)
    )
}

/// The owner of `file` when it is another user's, which this user may not
/// write (never elsewhere than on Unix).
fn others(file: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        let owner = owner_of(&fs::metadata(file).ok()?);
        (owner != current_user() && !writable(file)).then_some(owner)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        None
    }
}

/// A store file without write permission is read-only, even for a user
/// (root) whom the system would let write it: the mode says "keep".
fn write_protected(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.permissions().readonly())
}

fn read_only(path: &Path) -> anyhow::Error {
    let store = shown_path(&path);
    // Another user reading a store shared with them (0644, in a folder
    // they may write) leaves its -wal and -shm files, theirs, behind.
    if let Some(locked) = locked_by_chattr(path) {
        return locked;
    }
    #[cfg(unix)]
    {
        // SQLite could not open a file it needs (`SQLITE_CANTOPEN`), yet
        // everything may be written: no file is to blame, but the number
        // of files open (EMFILE), which said "read-only … chmod u+w"; or
        // no room to open one ([`out_of_room`]).
        if all_writable(path) {
            return out_of_room(path).unwrap_or_else(|| anyhow::anyhow!(
                "the history store {store} could not be written, and nothing was recorded: SQLite could not open a file it needs beside it, though the store and its folder are writable; {}, or pass --history with another path",
                to_blame(path)
            ));
        }
        if mounted_read_only(path) {
            return anyhow::anyhow!(
                "the history store {store} is on a read-only file system, so no snapshot can be recorded; the reading commands still work. Have it mounted read-write (for a systemd service, ReadWritePaths=), or pass --history with a path on a writable disk"
            );
        }
        let theirs = others_files(path);
        if let Some((first, owner)) = theirs.first() {
            // (The -wal and -shm both, or one of them.)
            let names: Vec<_> = theirs.iter().map(|(file, _)| shown_path(file)).collect();
            let (verb, them) = match theirs.len() {
                2 => ("belong", "them"),
                _ => ("belongs", "it"),
            };
            // A -wal with writes in it is never to be removed: they would be
            // lost. (The -wal, when it is one of them, is the first.)
            // (Then reading it may fail too: "used".)
            let (done, what) = match *first == side_files(path)[0] && pending(path, "-wal") {
                true => (
                    "used",
                    format!(
                        "left by their use of it; the -wal holds writes not yet in the store, so keep it: have {them} made yours (chown)"
                    ),
                ),
                false => (
                    "written",
                    format!(
                        "left by their reading the store; remove {them} once no one reads the store (no data is in {them})"
                    ),
                ),
            };
            return anyhow::anyhow!(
                "the history store {store} cannot be {done}: {} {verb} to another user (uid {owner}), {what}, or pass --history with another path",
                names.join(" and "),
            );
        }
        // Only its owner (or root) can make it writable.
        let me = current_user();
        let owner = fs::metadata(path).map(|m| owner_of(&m));
        if let Some(owner) = owner.ok().filter(|&owner| me != 0 && owner != me) {
            return anyhow::anyhow!(
                "the history store {store} belongs to another user (uid {owner}) and may not be written here, so no snapshot can be recorded; the reading commands still work. Pass --history with a path of your own"
            );
        }
    }
    anyhow::anyhow!(
        "the history store {store} is read-only, so no snapshot can be recorded; the reading commands still work. Make it and its folder writable (chmod u+w), or pass --history with another path"
    )
}

/// The error for a store that may not be written because it, a file
/// beside it or its folder has an attribute of chattr that no chmod
/// changes ([`chattr_locked`]).
fn locked_by_chattr(path: &Path) -> Option<anyhow::Error> {
    let (file, (what, clear)) = chattr_locked(path, side_files(path))?;
    let (store, file) = (shown_path(&path), shown_path(&file));
    Some(anyhow::anyhow!(
        "the history store {store} cannot be written: {file} is {what}, which no chmod changes, so no snapshot can be recorded; the reading commands still work. Clear that ({clear} {file}, as root), or pass --history with another path"
    ))
}

/// True when the store at `path`, its folder and the files beside it may
/// all be written (never elsewhere than on Unix): SQLite failing to open
/// one (`SQLITE_CANTOPEN`) is then no file's fault, but the open-file limit's.
#[cfg(unix)]
fn all_writable(path: &Path) -> bool {
    let real = real_file(path);
    let sides = (side_files(path).into_iter()).filter(|side| fs::symlink_metadata(side).is_ok());
    let files = [real.clone(), folder_of(&real).to_path_buf()];
    !write_protected(path) && files.into_iter().chain(sides).all(|file| writable(&file))
}

#[cfg(not(unix))]
fn all_writable(_: &Path) -> bool {
    false
}

/// The error for a store that may all be written but could not be, for
/// want of room or over a disk quota ([`no_room_to_open`]).
#[cfg(unix)]
fn out_of_room(path: &Path) -> Option<anyhow::Error> {
    let e = no_room_to_open(path)?;
    let store = shown_path(&path);
    Some(match e.kind() {
        ErrorKind::QuotaExceeded => anyhow::anyhow!(
            "the history store {store} could not be written, and nothing was recorded: a disk quota there is used up ({e}), though its disk may have room; free some space within the quota or have it raised, or pass --history with another path"
        ),
        _ => anyhow::anyhow!(
            "the disk holding the history store {store} is full, so nothing was recorded: it could not be opened to write ({e}; on an overlay file system, as a container's, a store of a lower layer is first copied to the upper layer's disk); free some space, or pass --history with another path"
        ),
    })
}

/// Why the store, or a file beside it, cannot be opened to write for want
/// of room though all may be written: on an overlay file system (a
/// container's), a file of a lower layer is first copied up to the upper
/// layer's disk, which may be full (SQLite then opens it read-only, and
/// says only that it cannot write).
#[cfg(unix)]
fn no_room_to_open(path: &Path) -> Option<std::io::Error> {
    let sides = (side_files(path).into_iter()).filter(|side| fs::symlink_metadata(side).is_ok());
    let found = [real_file(path)].into_iter().chain(sides).find_map(|file| {
        let e = fs::OpenOptions::new().write(true).open(file).err()?;
        matches!(e.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded).then_some(e)
    });
    found.or_else(|| over_quota_to_create(&real_file(path)))
}

/// The error (EDQUOT) of making a file in the store's folder when a disk
/// quota is used up, which kept SQLite from making its -wal or -shm there
/// though the files there open: asked with a file of no name (O_TMPFILE),
/// which leaves nothing behind (a file system without it says nothing).
#[cfg(target_os = "linux")]
fn over_quota_to_create(store: &Path) -> Option<std::io::Error> {
    let made = (fs::OpenOptions::new().write(true))
        .custom_flags(libc::O_TMPFILE)
        .mode(0o600)
        .open(folder_of(store));
    made.err().filter(|e| e.kind() == ErrorKind::QuotaExceeded)
}

#[cfg(all(unix, not(target_os = "linux")))]
fn over_quota_to_create(_: &Path) -> Option<std::io::Error> {
    None
}

/// What kept SQLite from opening a file beside a store when all may be
/// written: no inode free on its disk (blocks may remain), or else the
/// open-file limit (EMFILE).
fn to_blame(path: &Path) -> &'static str {
    #[cfg(unix)]
    if statvfs(path).is_some_and(|fs| fs.f_files > 0 && fs.f_favail == 0) {
        return "its disk has no free inode (it is full): free some space";
    }
    #[cfg(not(unix))]
    let _ = path;
    "raise the open-file limit (ulimit -n)"
}

/// True when `path` is on a file system mounted read-only, where no chmod
/// helps (systemd's ProtectHome=, a container's --read-only).
#[cfg(unix)]
fn mounted_read_only(path: &Path) -> bool {
    statvfs(path).is_some_and(|fs| fs.f_flag & libc::ST_RDONLY != 0)
}

#[cfg(not(unix))]
fn mounted_read_only(_: &Path) -> bool {
    false
}

/// The file system `path` (a link followed) is on, as statvfs(3) tells.
#[cfg(unix)]
fn statvfs(path: &Path) -> Option<libc::statvfs> {
    let real = real_file(path);
    let name = std::ffi::CString::new(real.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs reads the NUL-terminated path and fills `stat`.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    (unsafe { libc::statvfs(name.as_ptr(), &mut stat) } == 0).then_some(stat)
}

/// The files beside the store at `path` that belong to another user and
/// may not be written, each with its owner.
#[cfg(unix)]
fn others_files(path: &Path) -> Vec<(PathBuf, u32)> {
    (side_files(path).into_iter())
        .filter_map(|side| others(&side).map(|owner| (side, owner)))
        .collect()
}

/// True when this process may write the file at `path`.
#[cfg(unix)]
fn writable(path: &Path) -> bool {
    let Ok(path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `access` only reads the NUL-terminated path.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}

/// Refuses a store behind a link that leads nowhere (its disk not
/// mounted), with that error: not "no snapshot yet", nor the folder's
/// permissions.
fn reachable(path: &Path) -> Result<()> {
    let Some(why) = link_leading_nowhere(path) else {
        return Ok(());
    };
    let fix = match why.ends_with("in a loop") {
        true => "fix the link",
        false => "mount the disk it leads to (or make the folder), or fix the link",
    };
    Err(anyhow::anyhow!(
        "the history store {} cannot be reached: {why}; {fix}, or pass --history with another path",
        shown_path(&path)
    ))
}

/// The error of a reading command before the first snapshot.
pub fn no_snapshot_yet(path: &Path) -> anyhow::Error {
    if let Err(unreachable) = reachable(path) {
        return unreachable;
    }
    let store = shown_path(&path);
    if let Some(gone) = current_folder_gone(path) {
        return anyhow::anyhow!("cannot read the history store {store}; {gone}");
    }
    if let Some(file) = path.parent().and_then(file_in_the_way) {
        return anyhow::anyhow!(
            "no snapshot yet in the history store {store}, and none can be made there: {} is a file, not a folder; pass --history with another path",
            shown_path(&file)
        );
    }
    anyhow::anyhow!(
        "no snapshot yet in the history store {store}; run `talkdesk-accounts snapshot` first (or `snapshot --import FILE --at TIME` for a saved export)"
    )
}

#[cfg(test)]
impl Store {
    /// The schema version of the open store (the migration tests read it).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite's error for a full disk.
    fn disk_full() -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        )
    }

    /// A full disk says so, once, and what to do.
    #[test]
    fn a_full_disk_is_named_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let full = disk_full();
        let err = store.write_error(full.into());
        assert_eq!(
            crate::error::one_line(&err),
            format!(
                "the disk holding the history store {} is full, so nothing was recorded; free some space, or pass --history with another path",
                path.display()
            )
        );
    }

    /// A store another program keeps locked past the wait says so (it said
    /// "writing the history store …: database is locked").
    #[test]
    fn a_header_locked_past_the_wait_is_no_foreign_file() {
        let path = Path::new("h.sqlite3");
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        );
        let err = unreadable(path, busy, Access::Read);
        assert_eq!(
            err.to_string(),
            "another program kept the history store h.sqlite3 locked for 60 s; run again once it is done"
        );
        assert_eq!(
            crate::error::exit_code_for(&err),
            crate::error::Exit::Failure
        );
    }

    #[test]
    fn a_store_locked_past_the_wait_is_named_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        );
        assert_eq!(
            crate::error::one_line(&store.write_error(busy.into())),
            format!(
                "another program kept the history store {} locked for 60 s, so nothing was recorded; run again once it is done",
                path.display()
            )
        );
    }

    /// A row a snapshot refers to that is missing (SQLite: "Query returned
    /// no rows") is named as what is wrong with the store, not as SQLite's
    /// words.
    #[test]
    fn a_missing_row_is_named_as_the_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let err = store.damaged(rusqlite::Error::QueryReturnedNoRows.into());
        assert_eq!(
            crate::error::one_line(&err),
            format!(
                "the history store {} is damaged (rows that others refer to are missing), so nothing was printed; restore it from a backup, or move it away and pass --history with another path",
                path.display()
            )
        );
    }

    /// A read that found no room (for SQLite's temporary file) says what
    /// it needs and where, and calls the store neither damaged nor foreign.
    #[test]
    fn a_read_without_room_names_the_temporary_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let full = disk_full();
        let err = store.damaged(full.into());
        assert_eq!(
            crate::error::one_line(&err),
            format!(
                "reading the history store {} failed (database or disk is full); if the disk is full, free some space: a large read needs room for a temporary file (set TMPDIR to a folder on a disk with room)",
                path.display()
            )
        );
    }

    /// A store opened to write is in WAL mode (use_wal), where a reader
    /// does not wait for a write.
    #[test]
    fn a_store_opened_to_write_is_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        let mode: String = (store.conn)
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    /// SQLite's error of code `code`, saying `why`.
    fn sqlite(code: i32, why: &str) -> anyhow::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(why.into())).into()
    }

    /// A reading error is called damage only when it is: a malformed
    /// store is named as damaged, a store kept locked is left as it is.
    #[test]
    fn only_damage_is_named_as_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let corrupt = sqlite(rusqlite::ffi::SQLITE_CORRUPT, "malformed");
        assert_eq!(
            crate::error::one_line(&store.damaged(corrupt)),
            format!(
                "the history store {} is damaged (malformed), so nothing was printed; restore it from a backup, or move it away and pass --history with another path",
                path.display()
            )
        );
        let busy = sqlite(rusqlite::ffi::SQLITE_BUSY, "database is locked");
        let err = store.damaged(busy);
        assert_eq!(crate::error::one_line(&err), "database is locked");
    }

    /// A failed write names what kept it from the store: damage, a disk
    /// that failed (or had no room), a store that may not be written.
    #[cfg(unix)]
    #[test]
    fn a_failed_write_names_what_kept_it_from_the_store() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let shown = path.display();
        let corrupt = sqlite(rusqlite::ffi::SQLITE_CORRUPT, "malformed");
        assert_eq!(
            crate::error::one_line(&store.write_error(corrupt)),
            format!(
                "the history store {shown} is damaged (malformed), so nothing was recorded; restore it from a backup, or move it away and pass --history with another path"
            )
        );
        let failed = sqlite(rusqlite::ffi::SQLITE_IOERR, "disk I/O error");
        assert_eq!(
            crate::error::one_line(&store.write_error(failed)),
            format!(
                "the history store {shown} could not be used (disk I/O error), and nothing was recorded; if its disk is full, free some space (or raise the file size limit, ulimit -f), or pass --history with another path"
            )
        );
        let other = sqlite(rusqlite::ffi::SQLITE_CONSTRAINT, "constraint failed");
        assert_eq!(
            crate::error::one_line(&store.write_error(other)),
            format!("writing the history store {shown}: constraint failed")
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        let read_only = sqlite(rusqlite::ffi::SQLITE_READONLY, "readonly database");
        assert_eq!(
            crate::error::one_line(&store.write_error(read_only)),
            format!(
                "the history store {shown} is read-only, so no snapshot can be recorded; the reading commands still work. Make it and its folder writable (chmod u+w), or pass --history with another path"
            )
        );
    }

    /// Only the owner's store is made private: another user's, shared on
    /// purpose, is left alone (its reader warned, every run, to run a
    /// chmod it could not).
    #[cfg(unix)]
    #[test]
    fn only_the_owners_store_is_made_private() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let mode = || fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        let owner = fs::metadata(&path).unwrap().uid();
        store.make_private_for(owner.wrapping_add(1)).unwrap();
        assert_eq!(mode(), 0o644, "another user's store is left as it is");
        store.make_private_for(owner).unwrap();
        assert_eq!(mode(), 0o600);
    }

    /// Root may use the default history folder of one of its users (`sudo`
    /// keeping HOME): only a user other than root is refused another's.
    #[cfg(unix)]
    #[test]
    #[ignore = "needs root: chown; .ci/run runs it as root"]
    fn as_root_a_default_folder_of_one_of_its_users_is_roots_to_use() {
        assert_eq!(current_user(), 0, "run as root");
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("talkdesk-accounts");
        fs::create_dir(&folder).unwrap();
        std::os::unix::fs::chown(&folder, Some(12345), Some(12345)).unwrap();
        refuse_foreign_default_folder(&folder.join("history.sqlite3")).unwrap();
    }

    /// Only a file of this user that others may read is chmodded: a -wal
    /// of another user beside the store keeps its mode, and a store
    /// already private is left alone (an immutable one, `chattr +i`, whose
    /// chmod fails, warned on every read that it "could not be made
    /// private").
    #[cfg(target_os = "linux")]
    #[test]
    #[ignore = "needs root: chown, chattr +i; .ci/run runs it as root"]
    fn as_root_only_my_files_open_to_others_are_chmodded() {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(current_user(), 0, "run as root");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let wal = &side_files(&path)[0];
        fs::write(wal, "").unwrap();
        std::os::unix::fs::chown(wal, Some(12345), None).unwrap();
        fs::set_permissions(wal, fs::Permissions::from_mode(0o644)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let chattr = |flag: &str| {
            let status = std::process::Command::new("chattr")
                .arg(flag)
                .arg(&path)
                .status();
            assert!(status.expect("chattr (package e2fsprogs) runs").success());
        };
        chattr("+i");
        let made = store.make_private_for(0);
        chattr("-i");
        made.unwrap();
        assert_eq!(mode(wal), 0o644, "another user's -wal is left as it is");
    }

    /// The -wal and -shm files another program made while the store was
    /// readable by others (they take its mode) are made private with it.
    #[cfg(unix)]
    #[test]
    fn the_stores_wal_and_shm_are_made_private_with_it() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let owner = fs::metadata(&path).unwrap().uid();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for file in [path.clone()].iter().chain(&side_files(&path)) {
            fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(file)
                .unwrap();
            fs::set_permissions(file, fs::Permissions::from_mode(0o644)).unwrap();
        }
        store.make_private_for(owner).unwrap();
        for file in [path.clone()].iter().chain(&side_files(&path)) {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
    }

    /// A switch to WAL mode that fails for another reason than a busy
    /// file (here a transaction open on the connection) is said at once,
    /// not tried again for [`BUSY_TIMEOUT`] (the bound is half of it).
    #[test]
    fn a_wal_switch_failing_other_than_busy_is_not_tried_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        (store.conn)
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
        store.conn.execute_batch("BEGIN").unwrap();
        let started = Instant::now();
        let err = store.use_wal().unwrap_err();
        assert!(started.elapsed() < BUSY_TIMEOUT / 2, "tried again: {err}");
        assert!(err.to_string().contains("within a transaction"), "{err}");
    }

    /// A switch to WAL mode that finds another connection about to write
    /// the store (not in WAL mode), which SQLite does not wait for (the
    /// switch reads the store first, and a reader is not kept waiting for
    /// a write lock), is tried again until the write is over.
    #[test]
    fn a_wal_switch_that_finds_a_write_under_way_is_tried_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        (store.conn)
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
        let writer = Connection::open(&path).unwrap();
        writer.execute_batch("BEGIN IMMEDIATE").unwrap();
        let done = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1000));
            writer.execute_batch("COMMIT").unwrap();
        });
        let switched = store.use_wal();
        done.join().unwrap();
        switched.unwrap();
        let mode: String = (store.conn)
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    /// SQLite's word that the schema is malformed is damage, though it
    /// names a table that is not there (a trigger on one, put in with
    /// `PRAGMA writable_schema`): only its plain error (SQLITE_ERROR) is
    /// a change another program made to the tables.
    #[test]
    fn a_malformed_schema_naming_a_missing_table_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        let why = "malformed database schema (tr) - no such table: main.nosuch";
        let corrupt = sqlite(rusqlite::ffi::SQLITE_CORRUPT, why);
        assert_eq!(
            crate::error::one_line(&store.damaged(corrupt)),
            format!(
                "the history store {} is damaged ({why}), so nothing was printed; restore it from a backup, or move it away and pass --history with another path",
                path.display()
            )
        );
        // With where in the statement, as SQLite's errors of a statement
        // that cannot be prepared come.
        let input = |code| rusqlite::Error::SqlInputError {
            error: rusqlite::ffi::Error::new(code),
            msg: "no such table: t".into(),
            sql: "SELECT * FROM t".into(),
            offset: 14,
        };
        assert_eq!(schema_changed(&input(rusqlite::ffi::SQLITE_CORRUPT)), None);
        let plain = input(rusqlite::ffi::SQLITE_ERROR);
        assert_eq!(schema_changed(&plain), Some("no such table: t"));
    }

    /// A store of schema 3, from which ids are kept as `account_key` says,
    /// that cannot be upgraded (read-only) is read with its keys as they
    /// are kept: only a store before schema 3 has legacy keys.
    #[cfg(unix)]
    #[test]
    fn a_read_only_store_of_schema_3_has_no_legacy_keys() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let store = Store::open(&path, Access::Write).unwrap();
        (store.conn)
            .pragma_update(None, "user_version", KEYS_AS_JSON_TEXT)
            .unwrap();
        drop(store);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        let store = Store::open(&path, Access::Read).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            KEYS_AS_JSON_TEXT,
            "not upgraded"
        );
        assert!(!store.legacy_keys);
    }

    /// A file whose header names another program, or a newer schema, is
    /// refused as what it is from its header alone, before SQLite reads it
    /// (here cut short after its header, which SQLite calls no database).
    #[test]
    fn a_header_naming_another_program_or_a_newer_schema_is_refused_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        let header = |version: i32, app: i32| {
            let mut header = [0u8; 100];
            header[..16].copy_from_slice(SQLITE_HEADER);
            header[60..64].copy_from_slice(&version.to_be_bytes());
            header[68..72].copy_from_slice(&app.to_be_bytes());
            header
        };
        let newer = LATEST_VERSION as i32 + 1;
        for (version, app, why) in [
            (1, 0x1234, "(it is another program's SQLite database)"),
            (
                newer,
                APPLICATION_ID,
                "was written by a newer talkdesk-accounts",
            ),
        ] {
            fs::write(&path, header(version, app)).unwrap();
            let err = Store::open(&path, Access::Read).err().unwrap();
            assert!(err.to_string().contains(why), "{err}");
        }
    }

    /// A store in WAL mode writes no -journal beside it: a name too long
    /// for one (though not for a -wal) is no reason to refuse it (only a
    /// store not in WAL mode, or one to be made, is refused such a name).
    #[test]
    fn a_store_in_wal_mode_is_not_refused_a_name_too_long_for_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        let short = dir.path().join("h");
        drop(Store::open(&short, Access::Write).unwrap());
        let long = dir.path().join("h".repeat(NAME_MAX - "-wal".len()));
        fs::rename(&short, &long).unwrap();
        Store::open(&long, Access::Write).unwrap();
    }

    /// A store in WAL mode renamed one byte past what leaves room for
    /// "-wal" was written as SQLite failed to open its -wal file, and the
    /// error blamed the open-file limit: its name is refused, as a new
    /// store's too long for "-journal" is.
    #[test]
    fn a_store_in_wal_mode_is_refused_a_name_too_long_for_its_wal() {
        let dir = tempfile::tempdir().unwrap();
        let short = dir.path().join("h");
        drop(Store::open(&short, Access::Write).unwrap());
        let long = dir.path().join("h".repeat(NAME_MAX - "-wal".len() + 1));
        fs::rename(&short, &long).unwrap();
        let err = Store::open(&long, Access::Write).err().unwrap().to_string();
        assert!(err.contains("a file name too long"), "{err}");
        assert!(
            err.contains("with -wal added") && err.contains("at most 251 bytes"),
            "{err}"
        );
    }

    /// A new store's name may be as long as leaves room for "-journal"
    /// within a file name's 255 bytes, and no longer (said without a link
    /// when it names none).
    #[test]
    fn a_new_store_takes_a_name_as_long_as_its_journal_allows() {
        let dir = tempfile::tempdir().unwrap();
        let longest = "h".repeat(NAME_MAX - "-journal".len());
        Store::open(&dir.path().join(&longest), Access::Write).unwrap();
        let err = Store::open(&dir.path().join(longest + "h"), Access::Write).err();
        let err = err.unwrap().to_string();
        assert!(err.contains("a file name too long"), "{err}");
        assert!(!err.contains("a link to"), "no link was named: {err}");
    }

    /// An empty file kept write-protected at the store's path is as
    /// read-only as a store: `snapshot` neither writes it nor makes it
    /// writable (as root, whom the system lets write it, could).
    #[cfg(unix)]
    #[test]
    fn an_empty_write_protected_file_is_a_read_only_store() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        fs::write(&path, "").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        let err = Store::open(&path, Access::Write).err().unwrap().to_string();
        assert!(
            err.contains("is read-only, so no snapshot can be recorded"),
            "{err}"
        );
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode, fs::metadata(&path).unwrap().len()), (0o400, 0));
    }

    /// A header SQLite could not read is named by what kept it: a full
    /// disk as such, a malformed file carrying this tool's id as damaged,
    /// any other as no store of this tool (not as locked).
    #[test]
    fn an_unreadable_header_is_named_by_its_cause() {
        let dir = tempfile::tempdir().unwrap();
        let (ours, other) = (dir.path().join("ours"), dir.path().join("other"));
        let mut header = [0u8; 72];
        fs::write(&other, header).unwrap();
        header[68..72].copy_from_slice(&APPLICATION_ID.to_be_bytes());
        fs::write(&ours, header).unwrap();
        let corrupt = || {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some("malformed".into()),
            )
        };
        let said = |path: &Path, e| unreadable(path, e, Access::Read).to_string();
        assert!(said(&ours, corrupt()).contains("is damaged (malformed), so nothing was printed"));
        let foreign = said(&other, corrupt());
        assert!(
            foreign.contains(
                "is not a history store of talkdesk-accounts (cannot read it: malformed)"
            ),
            "{foreign}"
        );
        let full = said(&ours, disk_full());
        assert!(
            full.contains("could not be used (database or disk is full), and nothing was printed"),
            "{full}"
        );
    }

    /// A SQLite file with neither this tool's id nor a schema version is a
    /// store not written yet only when it holds no table: one with tables
    /// is another program's, refused with not a byte changed; an empty one
    /// read says there is no snapshot yet, and is not written.
    #[test]
    fn a_sqlite_file_without_ids_is_new_only_without_tables() {
        let dir = tempfile::tempdir().unwrap();
        let (empty, foreign) = (dir.path().join("empty"), dir.path().join("foreign"));
        let made = Connection::open(&empty).unwrap();
        made.execute_batch("CREATE TABLE t(x); DROP TABLE t;")
            .unwrap();
        drop(made);
        let made = Connection::open(&foreign).unwrap();
        made.execute_batch("CREATE TABLE t(x);").unwrap();
        drop(made);
        let before = fs::read(&foreign).unwrap();
        let err = Store::open(&foreign, Access::Write)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("(it is another program's SQLite database)"),
            "{err}"
        );
        assert_eq!(fs::read(&foreign).unwrap(), before);
        let before = fs::read(&empty).unwrap();
        let err = Store::open(&empty, Access::Read).err().unwrap().to_string();
        assert!(
            err.starts_with("no snapshot yet in the history store"),
            "{err}"
        );
        assert_eq!(fs::read(&empty).unwrap(), before);
    }

    /// Only a -wal (or -journal) with bytes in it holds writes pending,
    /// and it is looked for beside the file a link leads to.
    #[cfg(unix)]
    #[test]
    fn only_a_side_file_with_bytes_in_it_is_pending() {
        let dir = tempfile::tempdir().unwrap();
        let (path, link) = (dir.path().join("h"), dir.path().join("link"));
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert_eq!(
            side_files(&link),
            [dir.path().join("h-wal"), dir.path().join("h-shm")]
        );
        assert_eq!(real_file(&link), path);
        let mut seen = vec![pending(&link, "-wal")];
        for bytes in ["", "x"] {
            fs::write(dir.path().join("h-wal"), bytes).unwrap();
            seen.push(pending(&link, "-wal"));
        }
        assert_eq!(seen, [false, false, true]);
    }

    /// A store the mode lets be written, in a writable folder, is blamed on
    /// nothing of its own: not write-protected, locked, another's, on a
    /// read-only mount or on one that sizes no file, and with room; the
    /// open-file limit is to blame, also on a file system that counts no
    /// inodes (proc). Write-protected, it is not all writable, nor may its
    /// -journal be rolled back.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_writable_store_is_blamed_on_nothing_of_its_own() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h");
        fs::write(&path, "x").unwrap();
        assert!(writable(&path) && all_writable(&path) && may_roll_back(&path));
        assert!(!write_protected(&path) && !mounted_read_only(&path) && !sizes_no_file(&path));
        assert!(!writable(&dir.path().join("missing")));
        assert_eq!((journal_locked(&path), others(&path)), (None, None));
        assert!(others_files(&path).is_empty());
        assert!(out_of_room(&path).is_none() && over_quota_to_create(&path).is_none());
        let limit = "raise the open-file limit (ulimit -n)";
        assert_eq!(
            [to_blame(&path), to_blame(Path::new("/proc/self"))],
            [limit; 2]
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        assert!(write_protected(&path) && !all_writable(&path) && !may_roll_back(&path));
    }
}
