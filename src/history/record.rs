//! Recording a snapshot: the accounts of a complete walk (or of an
//! imported export) merged into the versions in one transaction.
//!
//! A snapshot at time T may land anywhere: after the last one (the usual
//! case), or between two earlier ones (an imported export). With P the
//! snapshot before T and N the one after, each account's version valid at
//! P is compared with the account at T: unchanged, nothing is written;
//! changed or gone, that version ends at T and, if it also held at N, a
//! copy of it resumes at N; new or changed, a version starts at T and runs
//! until N (joined with the version that starts at N when it is the same).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use anyhow::Result;
use rusqlite::types::FromSql;
use rusqlite::{OptionalExtension, Params, Transaction, TransactionBehavior, params};

use super::when::whole_seconds;
use super::{IN_FORCE, ORG_FIRST, ORG_ROW, Org, Store, all_rows, changed_fields, status_changed};
use crate::account::{Account, lenient};
use crate::error::usage_error;

/// What changed since the previous snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: u64,
    pub removed: u64,
    pub status: u64,
    pub other: u64,
}

/// The outcome of recording a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// When the snapshot was taken (µs since the epoch).
    pub time: i64,
    pub accounts: u64,
    /// The snapshot before it, if any; the counts compare with it.
    pub previous: Option<i64>,
    /// The snapshot after it, if any (an import of an older export).
    pub next: Option<i64>,
    pub counts: Counts,
}

/// When a snapshot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Live: at this time to the second, or a second later if the
    /// organization already has a snapshot in that second.
    Now(i64),
    /// Imported at exactly this time; an existing snapshot there is an
    /// error.
    At(i64),
}

/// A body's fingerprint: two halves of SipHash with different salts, so
/// versions are compared without holding their text.
fn fingerprint(body: &str) -> [u64; 2] {
    [0u8, 1].map(|salt| BuildHasherDefault::<DefaultHasher>::default().hash_one((salt, body)))
}

/// A version of an account: one that holds at T, or one that starts at N.
struct Covering {
    version: i64,
    valid_to: Option<i64>,
    fingerprint: [u64; 2],
}

impl Store {
    /// Records `accounts` (in the API's order, each id once) as the
    /// organization's state at `taken`, in one transaction.
    pub fn record(
        &mut self,
        org: &Org,
        taken: Taken,
        accounts: Vec<Account>,
        source: &str,
    ) -> Result<Summary> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let urls = (&org.base_url, &org.token_url);
        let row = format!("{ORG_ROW} {ORG_FIRST}");
        let known: Option<i64> = tx.query_row(&row, urls, |r| r.get(0)).optional()?;
        let insert = "INSERT INTO org (base_url, token_url) VALUES (?1, ?2)";
        let org = match known {
            Some(org) => org,
            None => tx.execute(insert, urls).map(|_| tx.last_insert_rowid())?,
        };
        let at = snapshot_time(&tx, org, taken)?;
        // The snapshots just before and just after T (P and N), if any.
        let (previous, next): (Option<i64>, Option<i64>) = tx.query_row(
            "SELECT (SELECT max(taken_at) FROM snapshot WHERE org = ?1 AND taken_at < ?2),
                    (SELECT min(taken_at) FROM snapshot WHERE org = ?1 AND taken_at > ?2)",
            [org, at],
            |r| r.try_into(),
        )?;
        let mut merge = Merge::new(&tx, org, at, next)?;
        let total = accounts.len() as u64;
        let order = merge.accounts(accounts)?;
        let counts = merge.finish()?;
        // Accounts are numbered in the order first seen, so a snapshot in
        // that order needs no ordering of its own.
        let unsorted = (!order.is_sorted()).then(|| encode_order(&tx, org, previous, &order));
        let ordering = unsorted.transpose()?;
        tx.execute(
            "INSERT INTO snapshot (org, taken_at, accounts, ordering, source) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![org, at, total as i64, ordering, source],
        )?;
        tx.commit()?;
        Ok(Summary {
            time: at,
            accounts: total,
            previous,
            next,
            counts,
        })
    }
}

/// The snapshot time: free for a live snapshot, exact for an import (a
/// time that already has a snapshot is a usage error).
fn snapshot_time(tx: &Transaction, org: i64, taken: Taken) -> Result<i64> {
    let sql = "SELECT EXISTS (SELECT 1 FROM snapshot WHERE org = ?1 AND taken_at = ?2)";
    let exists = |t: i64| tx.query_row(sql, [org, t], |r| r.get::<_, bool>(0));
    // A second later while that one is taken; an import's time is exact.
    let (Taken::Now(t) | Taken::At(t)) = taken;
    let mut t = whole_seconds(t);
    while exists(t)? {
        if let Taken::At(_) = taken {
            return Err(usage_error(format!(
                "the history already has a snapshot at {}; pick another --at, or leave this export out",
                super::show_time(t)
            )));
        }
        t += 1_000_000;
    }
    Ok(t)
}

/// The versions of the organization that meet `condition` at `?2`, by
/// account row (fingerprints, not texts).
fn versions(tx: &Transaction, org: i64, t: i64, condition: &str) -> Result<HashMap<i64, Covering>> {
    let sql =
        format!("SELECT id, account, valid_to, body FROM version WHERE org = ?1 AND {condition}");
    all_rows(tx, &sql, [org, t], |r| {
        let covering = Covering {
            version: r.get(0)?,
            valid_to: r.get(2)?,
            fingerprint: fingerprint(&r.get::<_, String>(3)?),
        };
        Ok((r.get(1)?, covering))
    })
}

/// The accounts at T merged into the versions: what held before, what
/// starts after, and the counts so far. The statements it writes with are
/// prepared once, in the connection's cache.
struct Merge<'t> {
    tx: &'t Transaction<'t>,
    org: i64,
    at: i64,
    next: Option<i64>,
    covering: HashMap<i64, Covering>,
    starting: HashMap<i64, Covering>,
    counts: Counts,
}

impl<'t> Merge<'t> {
    fn new(tx: &'t Transaction<'t>, org: i64, at: i64, next: Option<i64>) -> Result<Self> {
        Ok(Merge {
            tx,
            org,
            at,
            next,
            // The versions that hold at T, and those that start at N (to
            // join a new version with).
            covering: versions(tx, org, at, IN_FORCE)?,
            starting: match next {
                Some(n) => versions(tx, org, n, "valid_from = ?2")?,
                None => HashMap::new(),
            },
            counts: Counts::default(),
        })
    }

    /// Runs `sql`, a statement prepared once.
    fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        Ok(self.tx.prepare_cached(sql)?.execute(params)?)
    }

    /// The one value `sql` (a statement prepared once) reads.
    fn one<T: FromSql>(&self, sql: &str, params: impl Params) -> rusqlite::Result<T> {
        self.tx.prepare_cached(sql)?.query_row(params, |r| r.get(0))
    }

    /// Merges each account of the snapshot; returns their rows in the
    /// snapshot's order. Each id comes once: the walk drops an id seen
    /// before and an import refuses one, by its exact text, and
    /// `account_key` gives different texts different keys.
    fn accounts(&mut self, accounts: Vec<Account>) -> Result<Vec<i64>> {
        let mut order: Vec<i64> = Vec::with_capacity(accounts.len());
        for account in accounts {
            let row = self.account_row(&super::account_key(account.id_text()))?;
            order.push(row);
            self.account(row, &account)?;
        }
        Ok(order)
    }

    /// The account's row, created when the organization never had it.
    /// Account rows are looked up one by one (an index), not held: a
    /// 100,000-account organization stays small in memory.
    fn account_row(&mut self, id: &str) -> Result<i64> {
        let sql = "SELECT id FROM account WHERE org = ?1 AND account_id = ?2";
        if let Some(row) = self.one(sql, params![self.org, id]).optional()? {
            return Ok(row);
        }
        let insert = "INSERT INTO account (org, account_id) VALUES (?1, ?2)";
        self.execute(insert, params![self.org, id])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// One account: unchanged, nothing; changed, its version ends and a
    /// new one starts; new, a version starts: the one starting at N moved
    /// back to T when it is the same, else a new one until N. A change is
    /// counted as `changes` lists it: a status whose value changed, else
    /// other fields whose values changed; a text only respelt (keys in
    /// another order, other escapes) is kept but not counted.
    fn account(&mut self, row: i64, account: &Account) -> Result<()> {
        let (body, status) = (account.json(), account.status());
        let print = fingerprint(body);
        match self.covering.remove(&row) {
            Some(v) if v.fingerprint == print => return Ok(()),
            Some(v) => {
                self.close(&v)?;
                let before: String =
                    self.one("SELECT body FROM version WHERE id = ?1", [v.version])?;
                super::stored_account(&before)?;
                if status_changed(&before, body) {
                    self.counts.status += 1;
                } else if !changed_fields(&before, body).is_empty() {
                    self.counts.other += 1;
                }
            }
            None => self.counts.added += 1,
        }
        match self.starting.get(&row) {
            Some(w) if w.fingerprint == print => self.execute(
                "UPDATE version SET valid_from = ?2 WHERE id = ?1",
                [w.version, self.at],
            )?,
            _ => self.execute(
                "INSERT INTO version (org, account, valid_from, valid_to, status, name, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    self.org,
                    row,
                    self.at,
                    self.next,
                    status.as_str(),
                    name(body),
                    body
                ],
            )?,
        };
        Ok(())
    }

    /// Ends `v` at T; if it also held at N, it resumes there.
    fn close(&mut self, v: &Covering) -> Result<()> {
        self.execute(
            "UPDATE version SET valid_to = ?2 WHERE id = ?1",
            [v.version, self.at],
        )?;
        if let Some(n) = self.next.filter(|&n| v.valid_to != Some(n)) {
            let resume =
                "INSERT INTO version (org, account, valid_from, valid_to, status, name, body)
                 SELECT org, account, ?2, ?3, status, name, body FROM version WHERE id = ?1";
            self.execute(resume, params![v.version, n, v.valid_to])?;
        }
        Ok(())
    }

    /// The versions of accounts not in the snapshot end at T (removed).
    fn finish(mut self) -> Result<Counts> {
        for v in std::mem::take(&mut self.covering).values() {
            self.close(v)?;
            self.counts.removed += 1;
        }
        Ok(self.counts)
    }
}

/// The `name` field of an account's text as a table shows it
/// (`Account::field_text`), read when a version is written (most accounts
/// of a snapshot are unchanged: nothing more is read of them).
fn name(body: &str) -> Option<String> {
    // A map, not a struct: a key given twice is no error there, and the
    // last one wins, as in the table (a struct found no name at all).
    // As written: a number parsed and printed again is respelt.
    type Fields = HashMap<String, Box<serde_json::value::RawValue>>;
    let name = lenient::<Fields>(body)?.remove("name")?;
    match name.get() {
        text if text.starts_with('"') => lenient(text),
        // No name, as the table shows it (it was the name `null`).
        "null" => None,
        text => Some(text.to_string()),
    }
}

/// A snapshot's order of accounts, when it is not their natural order:
/// the rows, 8 bytes each; or, when the order is mostly that of the
/// previous snapshot's full ordering (its *base*), a patch on it: the
/// base's id negated, then (row, row before it or 0) for each account new
/// or moved since the base; or the id negated alone of a snapshot whose
/// patch it repeats. An unchanged order costs 8 bytes, not 8 an account.
/// Orderings are never rewritten, so a snapshot imported between two
/// others changes neither's.
fn encode_order(
    tx: &Transaction,
    org: i64,
    previous: Option<i64>,
    order: &[i64],
) -> Result<Vec<u8>> {
    let full = || order.iter().flat_map(|r| r.to_le_bytes()).collect();
    let blob_of = |condition: &str, key: i64| -> rusqlite::Result<(i64, Vec<u8>)> {
        let sql =
            format!("SELECT id, ordering FROM snapshot WHERE {condition} AND ordering IS NOT NULL");
        tx.query_row(&sql, [key, org], |r| r.try_into())
    };
    let previous = previous.map(|p| blob_of("taken_at = ?1 AND org = ?2", p).optional());
    let Some((mut id, mut blob)) = previous.transpose()?.flatten() else {
        return Ok(full());
    };
    // The patch the previous order holds (its own, or the one it refers
    // to), and the full order under it: each of a length one is written
    // in (a whole one cut short made the new order a patch on what no
    // reading takes).
    let mut holder = None;
    well_formed(&blob)?;
    while let Some(base) = patch_base(&blob) {
        if blob.len() > 8 {
            holder.get_or_insert((id, blob[8..].to_vec()));
        }
        let (was, under) = blob_of("id = ?1 AND org = ?2", base)?;
        check_base(&blob, &under)?;
        well_formed(&under)?;
        (id, blob) = (was, under);
    }
    let rank: HashMap<i64, usize> = rows(&blob).enumerate().map(|(i, r)| (r, i)).collect();
    let kept = in_place(order, &rank);
    let placed: Vec<usize> = (0..order.len())
        .filter(|&i| !kept.contains(&order[i]))
        .collect();
    if placed.len() > order.len() / 8 {
        return Ok(full());
    }
    let pairs: Vec<u8> = (placed.iter())
        .flat_map(|&i| [order[i], if i == 0 { 0 } else { order[i - 1] }])
        .flat_map(|r| r.to_le_bytes())
        .collect();
    // The previous order's patch again: a reference to it.
    match holder {
        Some((holder, same)) if same == pairs => Ok((-holder).to_le_bytes().to_vec()),
        _ => Ok([(-id).to_le_bytes().to_vec(), pairs].concat()),
    }
}

/// The accounts of `order` that keep their base order: a longest run of
/// rising ranks (patience sorting).
fn in_place(order: &[i64], rank: &HashMap<i64, usize>) -> HashSet<i64> {
    let ranked: Vec<(i64, usize)> = order
        .iter()
        .filter_map(|r| Some((*r, *rank.get(r)?)))
        .collect();
    // The tails of the longest runs so far, by length, and each one's
    // account before it in its run.
    let (mut tails, mut before) = (Vec::<usize>::new(), vec![None; ranked.len()]);
    for (i, &(_, k)) in ranked.iter().enumerate() {
        let at = tails.partition_point(|&t| ranked[t].1 < k);
        before[i] = at.checked_sub(1).map(|shorter| tails[shorter]);
        match tails.get_mut(at) {
            Some(tail) => *tail = i,
            None => tails.push(i),
        }
    }
    std::iter::successors(tails.last().copied(), |&i| before[i])
        .map(|i| ranked[i].0)
        .collect()
}

/// The rows of a blob, 8 bytes each.
fn rows(blob: &[u8]) -> impl Iterator<Item = i64> + '_ {
    // Each chunk is 8 bytes: the conversion cannot fail.
    blob.chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap_or_default()))
}

/// The snapshot whose ordering a patch is on (none for a full ordering).
fn patch_base(blob: &[u8]) -> Option<i64> {
    rows(blob).next().filter(|&r| r < 0).map(|r| -r)
}

/// Refuses the ordering `under` as the base of `over` when no recording
/// made it so (a damaged row, or a cycle of them, never ended): a patch is
/// on a whole ordering, and only a reference (the id alone) on a patch.
fn check_base(over: &[u8], under: &[u8]) -> rusqlite::Result<()> {
    let bad = patch_base(under).is_some() && (over.len() > 8 || under.len() == 8);
    if bad { Err(damaged_order()) } else { Ok(()) }
}

/// Refuses an ordering of a length no recording writes: rows of 8 bytes;
/// a patch's after its base in pairs.
fn well_formed(blob: &[u8]) -> rusqlite::Result<()> {
    let bad = blob.len() % 8 != 0 || (patch_base(blob).is_some() && blob.len() % 16 != 8);
    if bad { Err(damaged_order()) } else { Ok(()) }
}

/// What a snapshot's ordering that no recording made is: a damaged store.
pub(super) fn damaged_order() -> rusqlite::Error {
    corrupt("a snapshot's ordering is not one this tool wrote".into())
}

/// A damaged store, `why` naming what was found.
pub(super) fn corrupt(why: String) -> rusqlite::Error {
    let corrupt = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT);
    rusqlite::Error::SqliteFailure(corrupt, Some(why))
}

/// The order an ordering of [`encode_order`] stands for: every account of
/// its snapshot in order (and, from a base, some accounts no longer there).
pub(super) fn decode_order(conn: &rusqlite::Connection, blob: &[u8]) -> Result<Vec<i64>> {
    well_formed(blob)?;
    let Some(base) = patch_base(blob) else {
        return Ok(rows(blob).collect());
    };
    let sql = "SELECT ordering FROM snapshot WHERE id = ?1";
    let base: Vec<u8> = conn.query_row(sql, [base], |r| r.get(0))?;
    check_base(blob, &base)?;
    // A reference to a patch: that patch's order (never deeper).
    let base: Vec<i64> = decode_order(conn, &base)?;
    let pairs: Vec<i64> = rows(blob).skip(1).collect();
    let after: HashMap<i64, i64> = pairs.chunks_exact(2).map(|p| (p[1], p[0])).collect();
    let placed: HashSet<i64> = after.values().copied().collect();
    // Each account once: more, and placings run in a cycle (a damaged row).
    let most = base.len() + placed.len();
    // The accounts placed first (after 0), then each account of the base
    // not placed elsewhere, each followed by those placed after it.
    let heads = std::iter::once(0).chain(base.into_iter().filter(|r| !placed.contains(r)));
    let chain = |head| std::iter::successors(Some(head), |row| after.get(row).copied());
    let order: Vec<i64> = heads.flat_map(chain).skip(1).take(most + 1).collect();
    match order.len() > most {
        true => Err(damaged_order().into()),
        false => Ok(order),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::store::{Access, MIGRATIONS};

    /// A `name` given twice was no name at all: `history NAME` found the
    /// account by neither. The last one counts, as in the table.
    #[test]
    fn the_name_recorded_is_the_one_the_table_shows() {
        assert_eq!(
            name(r#"{"id":"k","name":"a","name":"b"}"#).as_deref(),
            Some("b")
        );
        assert_eq!(name(r#"{"id":"k","name":1E2}"#).as_deref(), Some("1E2"));
        assert_eq!(
            name(r#"{"id":"k","name":"caf\u00e9"}"#).as_deref(),
            Some("café")
        );
        assert_eq!(name(r#"{"id":"k"}"#), None);
    }

    /// What an ordering may be based on: a patch (a base's id negated,
    /// then pairs) on a whole ordering, and a reference (the id alone) on
    /// a patch; never a patch on a patch nor a reference on a reference,
    /// which no recording writes (two such rows naming each other were
    /// followed without end).
    #[test]
    fn only_a_reference_is_based_on_a_patch() {
        let blob =
            |rows: &[i64]| -> Vec<u8> { rows.iter().flat_map(|r| r.to_le_bytes()).collect() };
        let (whole, patch, reference) = (blob(&[3, 1, 2]), blob(&[-1, 3, 0]), blob(&[-2]));
        assert!(check_base(&patch, &whole).is_ok());
        assert!(check_base(&reference, &patch).is_ok());
        assert!(check_base(&reference, &whole).is_ok());
        assert!(check_base(&patch, &patch).is_err());
        assert!(check_base(&reference, &reference).is_err());
    }

    /// A patch whose placings run in a cycle that an account of its base
    /// leads into (a damaged row: 3 after 2, 4 after 3, 3 after 4) is
    /// damage, not an order cut short at the accounts' count ([1, 2, 3, 4]).
    #[test]
    fn a_patch_whose_placings_run_in_a_cycle_is_damage() {
        let blob =
            |rows: &[i64]| -> Vec<u8> { rows.iter().flat_map(|r| r.to_le_bytes()).collect() };
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE snapshot (id INTEGER PRIMARY KEY, ordering BLOB)")
            .unwrap();
        let sql = "INSERT INTO snapshot VALUES (1, ?1)";
        conn.execute(sql, [blob(&[1, 2])]).unwrap();
        let placed = decode_order(&conn, &blob(&[-1, 3, 2, 4, 3])).unwrap();
        assert_eq!(placed, [1, 2, 3, 4]);
        let cycle = decode_order(&conn, &blob(&[-1, 3, 2, 4, 3, 3, 4]));
        assert_eq!(cycle.unwrap_err().to_string(), damaged_order().to_string());
    }

    /// Every body of the snapshot at `t`, in order.
    fn all_at(store: &Store, t: i64) -> Vec<String> {
        let mut bodies = Vec::new();
        let read = store.accounts_at(&org(), t, |account| {
            bodies.push(account.json().to_string());
            Ok(true)
        });
        read.unwrap();
        bodies
    }

    fn org() -> Org {
        Org {
            base_url: "http://127.0.0.1:1/".into(),
            token_url: "http://127.0.0.1:1/oauth/token".into(),
        }
    }

    fn account(id: &str, status: &str, name: &str) -> Account {
        let body = format!(r#"{{"id":"{id}","name":"{name}","status":"{status}"}}"#);
        serde_json::from_str(&body).unwrap()
    }

    /// Day `d`'s accounts: a small deterministic churn over ids a0..a9,
    /// in an order that changes on some days.
    fn day(d: u64) -> Vec<Account> {
        let mut accounts: Vec<Account> = (0..10u64)
            .filter(|i| (i * 7 + d * 3) % 11 != 0)
            .map(|i| {
                let status = ["ACTIVE", "IN_TRIAL", "CHURNED"][((i + d / 2) % 3) as usize];
                let name = format!("n{i}-{}", (d / 3) % 2);
                account(&format!("a{i}"), status, &name)
            })
            .collect();
        if d % 4 == 1 {
            accounts.reverse();
        }
        accounts
    }

    fn bodies(accounts: &[Account]) -> Vec<String> {
        accounts.iter().map(|a| a.json().to_string()).collect()
    }

    #[test]
    fn any_snapshot_is_rebuilt_exactly_whatever_the_order_of_recording() {
        let dir = tempfile::tempdir().unwrap();
        let days: Vec<u64> = (0..12).collect();
        for order in [
            days.clone(),
            days.iter().rev().copied().collect::<Vec<_>>(),
            vec![5, 0, 11, 3, 8, 1, 10, 2, 7, 4, 9, 6],
        ] {
            let path = dir.path().join(format!("{}.sqlite3", order[0]));
            let mut store = Store::open(&path, Access::Write).unwrap();
            for &d in &order {
                store
                    .record(&org(), Taken::At(d as i64 * 1_000_000), day(d), "test")
                    .unwrap();
            }
            for &d in &days {
                let t = d as i64 * 1_000_000;
                assert_eq!(store.snapshot_at(&org(), t + 999_999).unwrap().time, t);
                assert_eq!(
                    all_at(&store, t),
                    bodies(&day(d)),
                    "day {d}, recorded in order {order:?}"
                );
            }
        }
    }

    #[test]
    fn an_unchanging_organization_adds_no_versions() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        for t in 0..30 {
            let s = store
                .record(&org(), Taken::Now(t * 1_000_000), day(0), "test")
                .unwrap();
            if t > 0 {
                assert_eq!(s.counts, Counts::default());
                assert_eq!(s.previous, Some((t - 1) * 1_000_000));
            }
        }
        let versions: i64 = store
            .conn
            .query_row("SELECT count(*) FROM version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(versions, day(0).len() as i64);
    }

    #[test]
    fn counts_compare_with_the_snapshot_before() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        let first = vec![
            account("a", "ACTIVE", "x"),
            account("b", "IN_TRIAL", "y"),
            account("c", "ACTIVE", "z"),
        ];
        let s = store
            .record(&org(), Taken::At(10_000_000), first, "t")
            .unwrap();
        assert_eq!(s.counts.added, 3);
        let second = vec![
            account("a", "ACTIVE", "x2"),
            account("b", "ACTIVE", "y"),
            account("d", "ACTIVE", "w"),
        ];
        let s = store
            .record(&org(), Taken::At(20_000_000), second, "t")
            .unwrap();
        assert_eq!(
            s.counts,
            Counts {
                added: 1,
                removed: 1,
                status: 1,
                other: 1
            }
        );
        let err = store
            .record(&org(), Taken::At(20_000_001), vec![], "t")
            .unwrap_err();
        assert_eq!(crate::error::exit_code_for(&err), crate::error::Exit::Usage);
        assert_eq!(
            crate::error::one_line(&err),
            "the history already has a snapshot at 1970-01-01T00:00:20Z; pick another --at, or leave this export out"
        );
        let live = store
            .record(&org(), Taken::Now(20_500_000), vec![], "t")
            .unwrap();
        assert_eq!(live.time, 21_000_000, "a second later, to the second");
    }

    /// What the first release wrote: schema 1, and one snapshot of
    /// accounts whose keys schema 3 keeps (`a`, the number 7, NUL 2 and 1
    /// NUL) or changes (`"123"`, `"\u0062"`). NUL 2 is a key that a
    /// temporary key NUL + row once met, and SQLite's json_valid read 1
    /// NUL as JSON.
    fn first_release_store(path: &std::path::Path) {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        let app = crate::history::store::APPLICATION_ID;
        conn.pragma_update(None, "application_id", app).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO org (id, base_url, token_url) VALUES (1, 'http://127.0.0.1:1/', 'http://127.0.0.1:1/oauth/token');
             INSERT INTO snapshot (org, taken_at, accounts) VALUES (1, 10000000, 6);",
        )
        .unwrap();
        let accounts = [
            ("a", r#"{"id":"a","name":"x","status":"ACTIVE"}"#),
            ("123", r#"{"id":"123","status":"ACTIVE"}"#),
            ("7", r#"{"id":7,"status":"ACTIVE"}"#),
            ("b", r#"{"id":"\u0062","status":"ACTIVE"}"#),
            ("\u{0}2", r#"{"id":"\u00002","status":"ACTIVE"}"#),
            ("1\u{0}", r#"{"id":"1\u0000","status":"ACTIVE"}"#),
        ];
        for (row, (key, body)) in (1..).zip(accounts) {
            conn.execute(
                "INSERT INTO account (id, org, account_id) VALUES (?1, 1, ?2)",
                rusqlite::params![row, key],
            )
            .unwrap();
            let name = (row == 1).then_some("x");
            conn.execute(
                "INSERT INTO version (org, account, valid_from, valid_to, status, name, body)
                 VALUES (1, ?1, 10000000, NULL, 'ACTIVE', ?2, ?3)",
                rusqlite::params![row, name, body],
            )
            .unwrap();
        }
    }

    /// A store of schema 2 that cannot be upgraded (read-only) is read with
    /// its keys as they are: `"q"` (the id `"\"q\""`) was shown as `q`, and
    /// `q` named two accounts.
    #[cfg(unix)]
    #[test]
    fn a_read_only_store_before_schema_3_shows_and_finds_its_keys_as_they_are() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.sqlite3");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(&MIGRATIONS[..2].join(";")).unwrap();
            let app = crate::history::store::APPLICATION_ID;
            conn.pragma_update(None, "application_id", app).unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute_batch(
                r#"INSERT INTO org (id, base_url, token_url) VALUES (1, 'http://127.0.0.1:1/', 'http://127.0.0.1:1/oauth/token');
                   INSERT INTO snapshot (org, taken_at, accounts) VALUES (1, 10000000, 2);
                   INSERT INTO account (id, org, account_id) VALUES (1, 1, 'q'), (2, 1, '"q"');
                   INSERT INTO version (org, account, valid_from, valid_to, status, name, body)
                     VALUES (1, 1, 10000000, NULL, 'ACTIVE', NULL, '{"id":"q","status":"ACTIVE"}'),
                            (1, 2, 10000000, NULL, 'ACTIVE', NULL, '{"id":"\"q\"","status":"ACTIVE"}');"#,
            )
            .unwrap();
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        let store = Store::open(&path, Access::Read).unwrap();
        assert_eq!(store.schema_version().unwrap(), 2, "not upgraded");
        let found = |key: &str| store.account_history(&org(), key).map(|(id, _)| id);
        assert_eq!(found("q").unwrap(), "q");
        assert_eq!(found(r#""\"q\"""#).unwrap(), r#""q""#);
        assert_eq!(store.shown_id(r#""q""#), r#""q""#);
    }

    #[test]
    fn a_store_of_the_first_schema_is_upgraded_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.sqlite3");
        first_release_store(&path);
        let mut store = Store::open(&path, Access::Write).unwrap();
        assert_eq!(store.schema_version().unwrap(), 4);
        // Schema 3 keeps an id under its JSON text unless it is a string
        // written the usual way that reads as no JSON.
        let keys: Vec<String> = (store
            .conn
            .prepare("SELECT account_id FROM account ORDER BY id"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
        assert_eq!(
            keys,
            ["a", "\"123\"", "7", "\"\\u0062\"", "\u{0}2", "1\u{0}"]
        );
        let source: String = store
            .conn
            .query_row("SELECT source FROM snapshot", [], |r| r.get(0))
            .unwrap();
        assert_eq!(source, "api");
        let s = store
            .record(
                &org(),
                Taken::At(20_000_000),
                vec![
                    account("a", "CHURNED", "x"),
                    Account::from_text(r#"{"id":"123","status":"ACTIVE"}"#).unwrap(),
                    Account::from_text(r#"{"id":7,"status":"ACTIVE"}"#).unwrap(),
                    Account::from_text(r#"{"id":"\u0062","status":"ACTIVE"}"#).unwrap(),
                    Account::from_text(r#"{"id":"\u00002","status":"ACTIVE"}"#).unwrap(),
                    Account::from_text(r#"{"id":"1\u0000","status":"ACTIVE"}"#).unwrap(),
                ],
                "t",
            )
            .unwrap();
        // The same accounts as before the upgrade: none added or removed.
        let nothing_else = Counts {
            status: 1,
            ..Counts::default()
        };
        assert_eq!(s.counts, nothing_else);
        assert_eq!(
            all_at(&store, 10_000_000),
            [
                r#"{"id":"a","name":"x","status":"ACTIVE"}"#,
                r#"{"id":"123","status":"ACTIVE"}"#,
                r#"{"id":7,"status":"ACTIVE"}"#,
                r#"{"id":"\u0062","status":"ACTIVE"}"#,
                r#"{"id":"\u00002","status":"ACTIVE"}"#,
                r#"{"id":"1\u0000","status":"ACTIVE"}"#,
            ]
        );
    }

    /// Orders that drift (accounts added anywhere, removed, moved, now and
    /// then shuffled whole), recorded at times in a random order, each read
    /// back as recorded: whole orderings and patches on them alike.
    #[test]
    fn drifting_orders_recorded_in_any_time_order_read_back_as_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        let mut rng = fastrand::Rng::with_seed(11);
        let (mut ids, mut next, mut days) = (Vec::<u32>::new(), 0, Vec::new());
        for _ in 0..120 {
            for _ in 0..rng.usize(0..4) {
                ids.insert(rng.usize(0..=ids.len()), next);
                next += 1;
            }
            if !ids.is_empty() && rng.bool() {
                let moved = ids.remove(rng.usize(0..ids.len()));
                ids.insert(rng.usize(0..=ids.len()), moved);
            }
            if ids.len() > 2 && rng.u8(0..4) == 0 {
                ids.remove(rng.usize(0..ids.len()));
            }
            if rng.u8(0..30) == 0 {
                rng.shuffle(&mut ids);
            }
            days.push(ids.clone());
        }
        let mut times: Vec<usize> = (0..days.len()).collect();
        rng.shuffle(&mut times[20..]);
        let at = |t: usize| (t as i64 + 1) * 1_000_000;
        let bodies = |ids: &[u32]| -> Vec<String> {
            let accounts = ids.iter().map(|i| account(&format!("a{i}"), "ACTIVE", "n"));
            accounts.map(|a| a.json().to_string()).collect()
        };
        for &t in &times {
            let accounts = (days[t].iter()).map(|i| account(&format!("a{i}"), "ACTIVE", "n"));
            store
                .record(&org(), Taken::At(at(t)), accounts.collect(), "t")
                .unwrap();
        }
        for (t, ids) in days.iter().enumerate() {
            assert_eq!(all_at(&store, at(t)), bodies(ids), "day {t}");
        }
        // Both kinds were read: a patch's first row is negative.
        let sql = "SELECT count(*) FROM snapshot WHERE substr(ordering, 8, 1) >= x'80'";
        let patches: i64 = store.conn.query_row(sql, [], |r| r.get(0)).unwrap();
        let sql = "SELECT count(*) FROM snapshot WHERE substr(ordering, 8, 1) < x'80'";
        let whole: i64 = store.conn.query_row(sql, [], |r| r.get(0)).unwrap();
        assert!(
            patches > 20 && whole > 5,
            "{patches} patches, {whole} whole"
        );
    }

    /// An import just before a snapshot that has the same account moves
    /// that account's version back to the import: one version, not two
    /// meeting at the later snapshot.
    #[test]
    fn an_import_before_the_same_account_starts_its_version_earlier() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        let a = || vec![account("a", "ACTIVE", "x")];
        store
            .record(&org(), Taken::At(20_000_000), a(), "t")
            .unwrap();
        let s = store
            .record(&org(), Taken::At(10_000_000), a(), "t")
            .unwrap();
        assert_eq!((s.previous, s.next), (None, Some(20_000_000)));
        let (_, versions) = store.account_history(&org(), "a").unwrap();
        let spans: Vec<_> = versions
            .iter()
            .map(|v| (v.valid_from, v.valid_to))
            .collect();
        assert_eq!(spans, [(10_000_000, None)]);
    }

    /// The bytes each ordering takes: whole (8 an account) when an eighth
    /// or more of the accounts moved, a patch on it when no more than an
    /// eighth did, and 8 for an order the previous patch already gives.
    #[test]
    fn an_order_costs_a_patch_up_to_an_eighth_moved_and_8_bytes_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h"), Access::Write).unwrap();
        let ids = |names: &[String]| -> Vec<Account> {
            names.iter().map(|n| account(n, "ACTIVE", "n")).collect()
        };
        let natural: Vec<String> = (0..16).map(|i| format!("a{i:02}")).collect();
        let reversed: Vec<String> = natural.iter().rev().cloned().collect();
        let two_new: Vec<String> = ["b0", "b1"]
            .map(String::from)
            .into_iter()
            .chain(reversed.clone())
            .collect();
        let mut one_moved = reversed.clone();
        let moved = one_moved.pop().unwrap();
        one_moved.insert(0, moved);
        let days = [natural, reversed, two_new.clone(), two_new, one_moved];
        for (t, names) in (1..).zip(&days) {
            store
                .record(&org(), Taken::At(t * 1_000_000), ids(names), "t")
                .unwrap();
        }
        for (t, names) in (1..).zip(&days) {
            let want: Vec<String> = ids(names).iter().map(|a| a.json().to_string()).collect();
            assert_eq!(all_at(&store, t * 1_000_000), want, "day {t}");
        }
        let sql = "SELECT length(ordering) FROM snapshot ORDER BY taken_at";
        let mut stmt = store.conn.prepare(sql).unwrap();
        let lengths: Vec<Option<i64>> = (stmt.query_map([], |r| r.get(0)).unwrap())
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // Natural; whole; 2 new of 18 (a patch of 2 pairs); the same again
        // (a reference); 1 moved of 16 (a patch of 1 pair).
        assert_eq!(lengths, [None, Some(128), Some(40), Some(8), Some(24)]);
    }
}
