//! Reading the history: the snapshots, the list at a time, the changes
//! between consecutive snapshots, one account's versions, and the counts
//! per status at the end of each period.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Result, anyhow};
use rusqlite::{OptionalExtension, Params, Row, params};

use super::record::{corrupt, damaged_order, decode_order};
use super::{
    IN_FORCE, Org, Store, all_rows, changed_fields, recorded_status, show_time, status_changed,
    stored_account,
};
use crate::account::{Account, lenient};

/// One recorded snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub time: i64,
    pub accounts: u64,
}

impl SnapshotInfo {
    /// From a row of `taken_at, accounts`; a count below zero is a
    /// damaged row (it read as 18446744073709551611 accounts).
    fn from_row(r: &Row) -> rusqlite::Result<SnapshotInfo> {
        let count: i64 = r.get(1)?;
        let damaged = || corrupt(format!("a snapshot of {count} accounts"));
        Ok(SnapshotInfo {
            time: r.get(0)?,
            accounts: u64::try_from(count).map_err(|_| damaged())?,
        })
    }
}

/// One version of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub valid_from: i64,
    /// `None`: it still holds at the latest snapshot.
    pub valid_to: Option<i64>,
    /// The status as the account's text records it (see
    /// [`recorded_status`]).
    pub status: String,
    pub name: Option<String>,
    /// The account's exact JSON text.
    pub body: String,
}

impl Version {
    /// From a row's columns `valid_from, valid_to, name, body`, starting
    /// at column `first`.
    fn from_row(r: &Row, first: usize) -> rusqlite::Result<Version> {
        let body: String = r.get(first + 3)?;
        stored_account(&body)?;
        Ok(Version {
            valid_from: r.get(first)?,
            valid_to: r.get(first + 1)?,
            status: recorded_status(&body),
            name: r.get(first + 2)?,
            body,
        })
    }
}

/// What kind of change a row of `changes` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Removed,
    Status,
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Status => "status",
            Kind::Other => "other",
        }
    }
}

/// One account's change at one snapshot. A change of status and of other
/// fields at once is two changes (kinds `status` and `other`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub time: i64,
    pub id: String,
    pub kind: Kind,
    /// The version before (none when added).
    pub before: Option<Version>,
    /// The version after (none when removed).
    pub after: Option<Version>,
}

impl Change {
    /// The account's name after the change (before it, when removed).
    pub fn name(&self) -> Option<&str> {
        (self.after.as_ref().or(self.before.as_ref())).and_then(|v| v.name.as_deref())
    }
}

/// Counts per status at the end of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodCounts {
    /// The period's first instant.
    pub start: i64,
    /// The snapshot whose state is counted: the last one before the
    /// period ended.
    pub snapshot: i64,
    /// Per status, in [`Trend::statuses`] order.
    pub counts: Vec<u64>,
}

/// Counts per status over periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trend {
    /// Every status seen in the periods: the documented ones in the API
    /// reference's order, then others by name.
    pub statuses: Vec<String>,
    pub periods: Vec<PeriodCounts>,
}

/// The times of `changes --since` and `--until`, when given.
pub type Window = (Option<i64>, Option<i64>);

/// An account found: its row, its key, and the name it was found by.
type Found = (i64, String, Option<String>);

impl Store {
    /// The organization's snapshots, oldest first.
    pub fn snapshots(&self, org: &Org) -> Result<Vec<SnapshotInfo>> {
        let org = self.known_org(org)?;
        let sql = "SELECT taken_at, accounts FROM snapshot WHERE org = ?1 ORDER BY taken_at";
        all_rows(&self.conn, sql, [org], SnapshotInfo::from_row)
    }

    /// The snapshot in force at `t`: the last one at or before it.
    pub fn snapshot_at(&self, org: &Org, t: i64) -> Result<SnapshotInfo> {
        let id = self.known_org(org)?;
        let sql = "SELECT taken_at, accounts FROM snapshot WHERE org = ?1 AND taken_at <= ?2
                   ORDER BY taken_at DESC LIMIT 1";
        let found = (self.conn.query_row(sql, [id, t], SnapshotInfo::from_row)).optional()?;
        if let Some(s) = found {
            return Ok(s);
        }
        let first = self.snapshots(org)?.first().map(|s| s.time).unwrap_or(t);
        let (first, t) = (show_time(first), show_time(t));
        Err(anyhow!(
            "the history of the {org} starts at {first}, after {t}; pick a later time"
        ))
    }

    /// The accounts as recorded by the snapshot at `snapshot`
    /// (a time from [`Store::snapshot_at`]), to `each` in the order they
    /// came, one at a time, until it says `false`: a large snapshot never
    /// sits in memory, and a `--limit` reads no more than it needs.
    pub fn accounts_at(
        &self,
        org: &Org,
        snapshot: i64,
        mut each: impl FnMut(Account) -> Result<bool>,
    ) -> Result<()> {
        let id = self.known_org(org)?;
        let sql = "SELECT ordering, accounts FROM snapshot WHERE org = ?1 AND taken_at = ?2";
        let (ordering, count): (Option<Vec<u8>>, i64) =
            self.conn.query_row(sql, [id, snapshot], |r| r.try_into())?;
        // Other than the accounts the snapshot had: rows lost or copied.
        let all_there = |read: usize| match read as i64 == count {
            true => Ok(()),
            false => Err(corrupt(format!(
                "{read} rows for a snapshot of {count} accounts"
            ))),
        };
        let Some(blob) = ordering else {
            // In their natural order: as the rows are read, in the order
            // of the accounts' index. By the start's index, SQLite sorted
            // the bodies in a temporary file (on a full disk, no read).
            // From the accounts by their row (the organization's, in
            // order): the index alone scanned every organization's.
            let mut stmt = self.conn.prepare(
                "SELECT v.body FROM account a NOT INDEXED
                 CROSS JOIN version v INDEXED BY version_by_account
                 ON v.account = a.id AND v.valid_from <= ?2
                 WHERE a.org = ?1 AND (v.valid_to IS NULL OR v.valid_to > ?2) ORDER BY a.id",
            )?;
            let (mut rows, mut read) = (stmt.query([id, snapshot])?, 0);
            while let Some(row) = rows.next()? {
                read += 1;
                if !each(stored_account(&row.get::<_, String>(0)?)?)? {
                    return Ok(());
                }
            }
            return Ok(all_there(read)?);
        };
        // In another order: the accounts (not their bodies) sorted first,
        // then each body read by its index.
        let rank: HashMap<i64, usize> = (decode_order(&self.conn, &blob)?.into_iter().enumerate())
            .map(|(i, row)| (row, i))
            .collect();
        let sql =
            format!("SELECT account FROM version WHERE org = ?1 AND {IN_FORCE} ORDER BY account");
        let mut accounts: Vec<i64> = all_rows(&self.conn, &sql, [id, snapshot], |r| r.get(0))?;
        all_there(accounts.len())?;
        let each_named = accounts.iter().all(|row| rank.contains_key(row)); // as ever recorded
        each_named.then_some(()).ok_or_else(damaged_order)?;
        accounts.sort_by_key(|row| rank[row]);
        drop(rank);
        // A few hundred at a time, each by its index.
        for chunk in accounts.chunks(256) {
            // Not `IN_FORCE`: with `org = ?` SQLite reads the range by the
            // org's index, not each account by its own (8 times slower).
            let marks = vec!["?"; chunk.len()].join(",");
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT account, body FROM version WHERE account IN ({marks})
                 AND valid_from <= ?{n} AND (valid_to IS NULL OR valid_to > ?{n})",
                n = chunk.len() + 1
            ))?;
            let params = chunk.iter().chain(std::iter::once(&snapshot));
            let bodies = stmt.query_map(rusqlite::params_from_iter(params), |r| r.try_into())?;
            let mut bodies: HashMap<i64, String> = bodies.collect::<rusqlite::Result<_>>()?;
            for account in chunk {
                let body = bodies.remove(account).unwrap_or_default();
                if !each(stored_account(&body)?)? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Every change at the snapshots taken within `[since, until]`, each
    /// compared with the snapshot before it, to `each` as it is read; by
    /// time, then by id. `id`: one account's key, as
    /// [`Store::find_account`] found it.
    pub fn changes(
        &self,
        org: &Org,
        (since, until): Window,
        id: Option<&str>,
        mut each: impl FnMut(Change) -> Result<()>,
    ) -> Result<()> {
        let org_row = self.known_org(org)?;
        let sql = "SELECT min(taken_at) FROM snapshot WHERE org = ?1";
        let first: i64 = self.conn.query_row(sql, [org_row], |r| r.get(0))?;
        let low = since.unwrap_or(i64::MIN).max(first.saturating_add(1));
        // (`low` past `high`: BETWEEN, below, holds for no time.)
        let high = until.unwrap_or(i64::MAX);
        // Each (time, account) where a version starts or ends in the
        // window, with the version that ends there and the one that starts.
        // One account's by the index of its versions, not among every
        // account's changes.
        let whose = match id {
            Some(_) => "account = (SELECT id FROM account WHERE org = ?1 AND account_id = ?4)",
            None => "org = ?1",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT k.t, a.account_id,
                    b.valid_from, b.valid_to, b.name, b.body,
                    n.valid_from, n.valid_to, n.name, n.body
             FROM (SELECT valid_from AS t, account FROM version
                   WHERE {whose} AND valid_from BETWEEN ?2 AND ?3
                   UNION
                   SELECT valid_to, account FROM version
                   WHERE {whose} AND valid_to BETWEEN ?2 AND ?3) k
             JOIN account a ON a.id = k.account
             LEFT JOIN version b ON b.account = k.account AND b.valid_to = k.t
             LEFT JOIN version n ON n.account = k.account AND n.valid_from = k.t
             WHERE ?4 IS NULL OR a.account_id = ?4
             ORDER BY k.t, shown_id(a.account_id), a.account_id"
        ))?;
        let mut rows = stmt.query(rusqlite::params![org_row, low, high, id])?;
        while let Some(r) = rows.next()? {
            // A version that is not there reads as NULLs (valid_from never is).
            let version = |first: usize| match r.get::<_, Option<i64>>(first)? {
                Some(_) => Version::from_row(r, first).map(Some),
                None => Ok(None),
            };
            let (before, after) = (version(2)?, version(6)?);
            let id = self.shown_id(&r.get::<_, String>(1)?);
            // A change of status and/or of other fields, a removal or an
            // addition. (Never neither: `k.t` is where a version of the
            // account starts or ends, and that version is `n` or `b`.)
            let kinds = match (&before, &after) {
                (Some(b), Some(a)) => [
                    status_changed(&b.body, &a.body).then_some(Kind::Status),
                    (!changed_fields(&b.body, &a.body).is_empty()).then_some(Kind::Other),
                ],
                (Some(_), None) => [Some(Kind::Removed), None],
                (None, _) => [Some(Kind::Added), None],
            };
            for kind in kinds.into_iter().flatten() {
                each(Change {
                    time: r.get(0)?,
                    id: id.clone(),
                    kind,
                    before: before.clone(),
                    after: after.clone(),
                })?;
            }
        }
        Ok(())
    }

    /// One account's store key and versions, oldest first, found by id or
    /// else by name (see [`Store::find_account`]).
    pub fn account_history(&self, org: &Org, key: &str) -> Result<(String, Vec<Version>)> {
        let (row, found) = self.find_account(org, key)?;
        let sql = "SELECT valid_from, valid_to, name, body FROM version
                   WHERE account = ?1 ORDER BY valid_from";
        let versions = all_rows(&self.conn, sql, [row], |r| Version::from_row(r, 0))?;
        Ok((found, versions))
    }

    /// The account `key` names in the organization's history (its row and
    /// store key): its id as the API wrote it (`1`, `"1"`, `"caf\u00e9"`),
    /// else its id as `list` shows it (`café`), else its name
    /// (case-insensitively). A clear error naming the organization when
    /// none has it; the matching accounts when several do.
    pub fn find_account(&self, org: &Org, key: &str) -> Result<(i64, String)> {
        let org_row = self.known_org(org)?;
        // `"abc"` is kept as `abc` (NULL, matching nothing, for a key that
        // is no JSON string).
        let decoded = lenient::<String>(key);
        let written = self.keys_where("account_id IN (?2, ?3)", params![org_row, key, decoded])?;
        let as_written = (written.into_iter()).find(|(_, found)| self.id_text(found) == key);
        if let Some(found) = as_written {
            return Ok(found);
        }
        // By id, else by name.
        let mut found = self.accounts_shown_as(org_row, key)?;
        if found.is_empty() {
            found = self.accounts_named(org_row, key)?;
        }
        match found.as_slice() {
            [] => Err(crate::error::usage_error(format!(
                "no account with id or name `{}` in the history of the {org}; check the id (`talkdesk-accounts list --at now`) or the profile",
                crate::text::visible(key)
            ))),
            [(row, id, _)] => Ok((*row, id.clone())),
            several if several.iter().all(|(_, _, name)| name.is_none()) => {
                let list: Vec<String> = several.iter().map(|(_, id, _)| self.id_text(id)).collect();
                Err(crate::error::usage_error(format!(
                    "`{key}` is the id of {} accounts, written {} in the API's JSON; pass the one you mean as it is written there (a string in double quotes)",
                    several.len(),
                    list.join(" and ")
                )))
            }
            several => {
                let list: Vec<String> = (several.iter())
                    .map(|(_, id, name)| {
                        // An id the terminal shows cleaned: its JSON text, which finds it.
                        let id = match crate::text::terminal_safe(id) == *id {
                            true => id.clone(),
                            false => self.id_text(id),
                        };
                        format!("{id} ({})", name.as_deref().unwrap_or(""))
                    })
                    .collect();
                Err(crate::error::usage_error(format!(
                    "the name `{key}` matches {} accounts: {}; pass one of these ids",
                    several.len(),
                    list.join(", ")
                )))
            }
        }
    }

    /// The accounts whose id shows as `key`: the key itself (`café`), the
    /// usual JSON text of it (`"1"`), or a JSON string with escapes that
    /// reads as it (`"caf\u00e9"`): only keys from `"` to `#` with a
    /// backslash are read, not every account. (Two reads, each through the
    /// index: one with OR read every row.)
    fn accounts_shown_as(&self, org_row: i64, key: &str) -> Result<Vec<Found>> {
        let quoted = serde_json::to_string(key)?;
        let mut by_id = self.keys_where("account_id IN (?2, ?3)", params![org_row, key, quoted])?;
        by_id.extend(self.keys_where(
            "account_id >= '\"' AND account_id < '#' AND instr(account_id, '\\') > 0
             AND shown_id(account_id) = ?2",
            params![org_row, key],
        )?);
        by_id.sort();
        by_id.dedup();
        Ok((by_id.into_iter())
            .filter(|(_, id)| self.shown_id(id) == key)
            .map(|(row, id)| (row, id, None))
            .collect())
    }

    /// The accounts that ever had the name `key`, in any case (Unicode's:
    /// SQLite's NOCASE knows only ASCII letters), each with its latest
    /// such name.
    fn accounts_named(&self, org_row: i64, key: &str) -> Result<Vec<Found>> {
        let wanted = key.to_lowercase();
        let mut named = BTreeMap::new();
        let mut statement = self.conn.prepare(
            "SELECT a.id, a.account_id, v.name FROM version v JOIN account a ON a.id = v.account
             WHERE v.org = ?1 AND v.name IS NOT NULL ORDER BY v.valid_from",
        )?;
        let mut rows = statement.query([org_row])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(2)?;
            if name.to_lowercase() == wanted {
                // In time order: the last one kept is the latest.
                named.insert(r.get(0)?, (r.get(1)?, name));
            }
        }
        Ok((named.into_iter())
            .map(|(row, (id, name))| (row, id, Some(name)))
            .collect())
    }

    /// The accounts of an organization (`?1`) whose rows meet `condition`,
    /// as (row, key), by key.
    fn keys_where(&self, condition: &str, params: impl Params) -> Result<Vec<(i64, String)>> {
        let sql = format!(
            "SELECT id, account_id FROM account WHERE org = ?1 AND {condition} ORDER BY account_id"
        );
        all_rows(&self.conn, &sql, params, |r| r.try_into())
    }

    /// The counts per status at the end of each period, from `snapshots`
    /// (the organization's, as [`Store::snapshots`] gives them). `starts`
    /// are the periods' first instants, ascending; a period ends where the
    /// next begins, the last one never. Periods before the first snapshot
    /// are left out.
    pub fn trend(&self, org: &Org, snapshots: &[SnapshotInfo], starts: &[i64]) -> Result<Trend> {
        let org_row = self.known_org(org)?;
        let times: Vec<i64> = snapshots.iter().map(|s| s.time).collect();
        // The versions' starts and ends, each in time order by its index,
        // read as the periods are counted: held whole, 1.5 million versions
        // took 213 MB. A version that ends before it starts was never valid.
        let mut opened = self.conn.prepare(
            "SELECT valid_from, status FROM version
             WHERE org = ?1 AND (valid_to IS NULL OR valid_to > valid_from) ORDER BY valid_from",
        )?;
        let mut closed = self.conn.prepare(
            "SELECT valid_to, status FROM version
             WHERE org = ?1 AND valid_to > valid_from ORDER BY valid_to",
        )?;
        let event = |r: &Row| r.try_into();
        let opened = opened.query_map([org_row], event)?;
        let closed = closed.query_map([org_row], event)?;
        Ok(sweep(&times, [opened, closed], starts, i64::MAX)?)
    }
}

/// [`Store::trend`] on versions already read.
#[cfg(test)]
fn count_periods(
    snapshots: &[i64],
    intervals: &[(i64, Option<i64>, String)],
    starts: &[i64],
    end: i64,
) -> Trend {
    let valid = (intervals.iter()).filter(|(from, to, _)| to.is_none_or(|to| to > *from));
    let mut opened: Vec<_> = valid.clone().map(|(f, _, s)| (*f, s.clone())).collect();
    let mut closed: Vec<_> = valid
        .filter_map(|(_, t, s)| t.map(|t| (t, s.clone())))
        .collect();
    opened.sort_by_key(|e| e.0);
    closed.sort_by_key(|e| e.0);
    let events = [opened, closed].map(|e| e.into_iter().map(Ok));
    sweep(snapshots, events, starts, end)
        .unwrap_or_else(|never: std::convert::Infallible| match never {})
}

/// The counts per period from the versions' starts and their ends, each
/// in time order, swept once as the periods' snapshots go forward: a
/// day's periods over years cost what the versions do, not periods times
/// accounts.
fn sweep<E>(
    snapshots: &[i64],
    [opened, closed]: [impl Iterator<Item = Result<(i64, String), E>>; 2],
    starts: &[i64],
    end: i64,
) -> Result<Trend, E> {
    let (mut opened, mut closed) = (opened.peekable(), closed.peekable());
    let mut valid: HashMap<String, i64> = HashMap::new();
    // Per period: its start, the last snapshot before it ends, the counts.
    let mut counted: Vec<(i64, i64, HashMap<String, u64>)> = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let period_end = starts.get(i + 1).copied().unwrap_or(end);
        let taken = snapshots.partition_point(|&t| t < period_end);
        let Some(&snapshot) = taken.checked_sub(1).and_then(|k| snapshots.get(k)) else {
            continue;
        };
        // The versions valid at the snapshot: `from <= t < to`.
        let due = |e: &Result<(i64, String), E>| e.as_ref().is_ok_and(|(t, _)| *t <= snapshot);
        for (events, change) in [(&mut opened, 1), (&mut closed, -1)] {
            while let Some(event) = events.next_if(|e| due(e) || e.is_err()) {
                *valid.entry(event?.1).or_insert(0) += change;
            }
        }
        let counts = (valid.iter())
            .filter(|&(_, &n)| n > 0)
            .map(|(status, &n)| (status.clone(), n as u64))
            .collect();
        counted.push((start, snapshot, counts));
    }
    // Documented statuses first, in the reference's order, then others.
    let documented = crate::account::Status::DOCUMENTED;
    let rank = |s: &str| (documented.iter().position(|d| d.as_str() == s)).unwrap_or(usize::MAX);
    let statuses = (counted.iter()).flat_map(|(_, _, counts)| counts.keys().map(String::as_str));
    let mut statuses: Vec<&str> = statuses.collect();
    statuses.sort_by_key(|&s| (rank(s), s));
    statuses.dedup();
    let periods = (counted.iter())
        .map(|(start, snapshot, counts)| PeriodCounts {
            start: *start,
            snapshot: *snapshot,
            counts: (statuses.iter())
                .map(|&s| counts.get(s).copied().unwrap_or(0))
                .collect(),
        })
        .collect();
    Ok(Trend {
        statuses: statuses.into_iter().map(String::from).collect(),
        periods,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `changes --id` read every change of the window, every account's, to
    /// keep one account's (0.43 s on a year of 50,000 accounts, where
    /// `history` of it takes a millisecond). Counted in the pages SQLite
    /// looked at, hits and misses of its cache, not in time.
    #[test]
    fn the_changes_of_one_account_read_its_versions_only() {
        use crate::history::record::Taken;
        use crate::history::store::Access;
        use rusqlite::ffi;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        let org = Org {
            base_url: "http://127.0.0.1:1/".into(),
            token_url: "http://127.0.0.1:1/oauth/token".into(),
        };
        for day in 0..3 {
            let accounts = (0..3000)
                .map(|i| {
                    let status = ["ACTIVE", "CHURNED"][(i + day) % 2];
                    let body = format!(r#"{{"id":"a{i}","status":"{status}"}}"#);
                    serde_json::from_str(&body).unwrap()
                })
                .collect();
            let t = Taken::At(day as i64 * 86_400_000_000);
            store.record(&org, t, accounts, "test").unwrap();
        }
        let key = store.find_account(&org, "a7").unwrap().1;
        let pages = |reset: i32| {
            let (mut total, mut high) = (0, 0);
            for status in [
                ffi::SQLITE_DBSTATUS_CACHE_HIT,
                ffi::SQLITE_DBSTATUS_CACHE_MISS,
            ] {
                let mut n = 0;
                // SAFETY: an open connection's handle, and two out integers.
                unsafe {
                    ffi::sqlite3_db_status(store.conn.handle(), status, &mut n, &mut high, reset)
                };
                total += n;
            }
            total
        };
        pages(1);
        let mut kinds = Vec::new();
        let window = (None, None);
        let read = store.changes(&org, window, Some(&key), |c| {
            kinds.push(c.kind);
            Ok(())
        });
        read.unwrap();
        assert_eq!(kinds, [Kind::Status, Kind::Status]);
        let read = pages(0);
        assert!(read < 100, "{read} pages read for 2 changes");
    }

    #[test]
    fn changed_fields_cover_both_sides_but_status() {
        assert_eq!(
            changed_fields(
                r#"{"id":"1","name":"a","status":"ACTIVE","x":1}"#,
                r#"{"id":"1","name":"b","status":"CHURNED","y":2}"#
            ),
            ["name", "x", "y"]
        );
        assert!(changed_fields(r#"{"id":"1"}"#, r#"{"id":"1"}"#).is_empty());
    }

    /// The sweep counts what looking at every version for every period
    /// counted (it took periods times versions: 17 s for 100,000 accounts
    /// and `--every day` over 26 years).
    #[test]
    fn the_sweep_counts_as_every_version_looked_at_would() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200 {
            let mut snapshots: Vec<i64> = (0..rng.usize(1..6)).map(|_| rng.i64(0..50)).collect();
            snapshots.sort_unstable();
            snapshots.dedup();
            let intervals: Vec<(i64, Option<i64>, String)> = (0..rng.usize(0..12))
                .map(|_| {
                    let from = snapshots[rng.usize(..snapshots.len())];
                    let to = rng.bool().then(|| from + rng.i64(-3..30));
                    (from, to, ["A", "B", "C"][rng.usize(..3)].to_string())
                })
                .collect();
            let starts: Vec<i64> = (-5..60).step_by(rng.usize(1..9)).collect();
            let trend = count_periods(&snapshots, &intervals, &starts, 70);
            for period in &trend.periods {
                let valid = |(from, to, _): &&(i64, Option<i64>, String)| {
                    *from <= period.snapshot && to.is_none_or(|to| to > period.snapshot)
                };
                for (status, &n) in trend.statuses.iter().zip(&period.counts) {
                    let naive = intervals.iter().filter(valid).filter(|v| &v.2 == status);
                    assert_eq!(naive.count() as u64, n, "{snapshots:?} {intervals:?}");
                }
            }
            let statuses: std::collections::BTreeSet<&String> = (trend.periods.iter())
                .flat_map(|p| {
                    intervals.iter().filter(move |(from, to, _)| {
                        *from <= p.snapshot && to.is_none_or(|to| to > p.snapshot)
                    })
                })
                .map(|(_, _, status)| status)
                .collect();
            assert_eq!(statuses.len(), trend.statuses.len(), "{intervals:?}");
        }
    }

    #[test]
    fn periods_count_the_last_snapshot_before_their_end() {
        let snapshots = [10, 20, 35];
        let intervals = vec![
            (10, None, "ACTIVE".to_string()),
            (10, Some(20), "IN_TRIAL".to_string()),
            (20, Some(35), "ACTIVE".to_string()),
            (35, None, "ZED".to_string()),
        ];
        // Periods [0,10) (no snapshot yet), [10,30), [30,40).
        let trend = count_periods(&snapshots, &intervals, &[0, 10, 30], 40);
        assert_eq!(trend.statuses, ["ACTIVE", "ZED"]);
        assert_eq!(
            trend.periods,
            vec![
                PeriodCounts {
                    start: 10,
                    snapshot: 20,
                    counts: vec![2, 0]
                },
                PeriodCounts {
                    start: 30,
                    snapshot: 35,
                    counts: vec![1, 1]
                },
            ]
        );
    }

    /// Each version runs from its start to the next one's (the last one's
    /// to none), in `history` and in `changes` alike.
    #[test]
    fn an_accounts_versions_run_from_one_change_to_the_next() {
        use crate::history::record::Taken;
        use crate::history::store::Access;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        let org = Org {
            base_url: "http://127.0.0.1:1/".into(),
            token_url: "http://127.0.0.1:1/oauth/token".into(),
        };
        for (t, status) in [(10, "ACTIVE"), (20, "ACTIVE"), (30, "CHURNED")] {
            let body = format!(r#"{{"id":"a","name":"n","status":"{status}"}}"#);
            let accounts = vec![serde_json::from_str(&body).unwrap()];
            store
                .record(&org, Taken::At(t * 1_000_000), accounts, "t")
                .unwrap();
        }
        let (_, versions) = store.account_history(&org, "a").unwrap();
        let spans: Vec<_> = (versions.iter())
            .map(|v| {
                (
                    v.valid_from,
                    v.valid_to,
                    v.status.as_str(),
                    v.name.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            spans,
            [
                (10_000_000, Some(30_000_000), "ACTIVE", Some("n")),
                (30_000_000, None, "CHURNED", Some("n"))
            ]
        );
        let mut seen = Vec::new();
        let read = store.changes(&org, (None, None), None, |c| {
            let span = |v: Option<Version>| v.map(|v| (v.valid_from, v.valid_to));
            seen.push((c.time, c.kind, span(c.before), span(c.after)));
            Ok(())
        });
        read.unwrap();
        let (t1, t3) = (10_000_000, 30_000_000);
        assert_eq!(
            seen,
            [(t3, Kind::Status, Some((t1, Some(t3))), Some((t3, None)))]
        );
    }

    #[test]
    fn each_kind_has_its_word_and_a_change_is_named_after_it_or_else_before() {
        let words = [Kind::Added, Kind::Removed, Kind::Status, Kind::Other].map(Kind::as_str);
        assert_eq!(words, ["added", "removed", "status", "other"]);
        let version = |name: Option<&str>| Version {
            valid_from: 1,
            valid_to: None,
            status: "ACTIVE".into(),
            name: name.map(String::from),
            body: r#"{"id":"a"}"#.into(),
        };
        let change = |before, after| Change {
            time: 1,
            id: "a".into(),
            kind: Kind::Other,
            before,
            after,
        };
        let renamed = change(Some(version(Some("old"))), Some(version(Some("new"))));
        assert_eq!(renamed.name(), Some("new"));
        assert_eq!(change(Some(version(Some("old"))), None).name(), Some("old"));
        assert_eq!(change(None, Some(version(None))).name(), None);
    }

    /// Two accounts of one name: the error lists each id with its name;
    /// two ids that show alike (`"café"`, `"caf\u00e9"`): the error says
    /// how each is written.
    #[test]
    fn the_snapshots_are_listed_and_a_name_of_two_accounts_lists_both() {
        use crate::history::record::Taken;
        use crate::history::store::Access;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        let org = Org {
            base_url: "http://127.0.0.1:1/".into(),
            token_url: "http://127.0.0.1:1/oauth/token".into(),
        };
        let bodies = [
            r#"{"id":"a","name":"Twin","status":"ACTIVE"}"#,
            r#"{"id":"b","name":"twin","status":"ACTIVE"}"#,
            r#"{"id":"caf\u00e9","status":"ACTIVE"}"#,
            r#"{"id":"café","status":"ACTIVE"}"#,
        ];
        for (t, n) in [(10, 1), (20, 4)] {
            let accounts = (bodies[..n].iter())
                .map(|b| serde_json::from_str(b).unwrap())
                .collect();
            store
                .record(&org, Taken::At(t * 1_000_000), accounts, "t")
                .unwrap();
        }
        let snapshots = store.snapshots(&org).unwrap();
        let expected = [(10, 1), (20, 4)].map(|(t, accounts)| SnapshotInfo {
            time: t * 1_000_000,
            accounts,
        });
        assert_eq!(snapshots, expected);
        let err = store.find_account(&org, "TWIN").unwrap_err().to_string();
        assert!(
            err.contains("matches 2 accounts: a (Twin), b (twin);"),
            "{err}"
        );
        let err = store.find_account(&org, "café").unwrap_err().to_string();
        assert!(err.contains("is the id of 2 accounts"), "{err}");
    }
}
