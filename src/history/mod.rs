//! History: the organization's accounts remembered in an embedded SQLite
//! store (SPEC §8).
//!
//! Each account is kept as *versions*: its exact JSON text, valid from the
//! snapshot where it appeared until the snapshot where it changed or went
//! away. A year of snapshots of an organization that does not change costs
//! what one snapshot costs, and any snapshot can be rebuilt exactly
//! (fields, values and the API's order).
//!
//! - `store`: the file, its schema and migrations;
//! - `record`: recording a snapshot (live or imported, in any order);
//! - `query`: changes, one account's versions, counts per period, and the
//!   list as it was;
//! - `when`: the `WHEN` arguments (a date, a time, or `7d` back from now).
//!
//! Times are microseconds since the Unix epoch, UTC. Nothing here knows
//! about output formats or HTTP: commands pass accounts in and get rows
//! back.

pub mod query;
pub mod record;
pub mod store;
pub mod when;

use std::fmt;

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Params, Row};
use serde_json::{Map, Value};

use crate::account::{Account, lenient};
use crate::text::shown_path;

pub use store::{Access, Store};

/// The versions in force at `?2`: valid from it or before, until after it.
const IN_FORCE: &str = "valid_from <= ?2 AND (valid_to IS NULL OR valid_to > ?2)";

/// The organization's row, of `base_url` ?1 and `token_url` ?2: a final
/// `/` of base_url's path asks for the same pages, so it is the same
/// organization whichever spelling recorded it (the one given first).
const ORG_ROW: &str =
    "SELECT id FROM org WHERE rtrim(base_url, '/') = rtrim(?1, '/') AND token_url = ?2";
const ORG_FIRST: &str = "ORDER BY base_url = ?1 DESC, id LIMIT 1";

/// An organization: the API it is read from and the token URL (which
/// names the Talkdesk account). Snapshots of different organizations
/// never mix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub base_url: String,
    pub token_url: String,
}

impl fmt::Display for Org {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (base_url, token_url) = (&self.base_url, &self.token_url);
        write!(f, "organization {base_url} (token URL {token_url})")
    }
}

/// The key an account is kept under in the store, from its id's exact
/// JSON text. An id that is a string written the usual way is kept as its
/// text (`"abc"` as `abc`), as the store always kept it; any other id as
/// its exact JSON text: a number (`1`), a string with other escapes
/// (`"caf\u00e9"`), and a string whose text would itself read as JSON
/// (`"1"`, which the number's `1` is). Keys of the first kind are never
/// JSON and keys of the second always are, so two accounts share a key
/// only when their ids' JSON texts are one (SPEC §6), and every id kept
/// before keeps its key. (The store's migration to schema 3 calls this
/// very function, as SQL's `account_key`.)
pub fn account_key(id_text: &str) -> String {
    let usual = |id: &String| serde_json::to_string(id).is_ok_and(|usual| usual == id_text);
    let key = lenient::<String>(id_text).filter(|id| usual(id) && !is_json(id));
    key.unwrap_or_else(|| id_text.to_string())
}

/// An account's key as its id shows, as `list` shows it (`Account::id`): a
/// key that is a JSON string is read, any other key is its own text, as
/// is every key of a store before schema 3 (`legacy`).
pub fn shown_id(key: &str, legacy: bool) -> String {
    let read = (!legacy).then(|| lenient::<String>(key)).flatten();
    read.unwrap_or_else(|| key.to_string())
}

/// The JSON text of the id a key keeps (a key of a store before schema 3,
/// `legacy`, as a string).
pub fn id_text_of(key: &str, legacy: bool) -> String {
    match !legacy && is_json(key) {
        true => key.to_string(),
        false => Value::from(key).to_string(),
    }
}

fn is_json(text: &str) -> bool {
    lenient::<serde::de::IgnoredAny>(text).is_some()
}

/// The fields whose value differs between two versions' bodies (keys of
/// either side, `before`'s order first), except `status`.
pub fn changed_fields(before: &str, after: &str) -> Vec<String> {
    let parse = |text: &str| lenient::<Map<String, Value>>(text).unwrap_or_default();
    let (before, after) = (parse(before), parse(after));
    before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)))
        .filter(|k| k.as_str() != "status")
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// A version's status: none when it is missing or null (serde reads a
/// `null` as none).
fn status_of(body: &str) -> Option<Value> {
    #[derive(serde::Deserialize)]
    struct Peek {
        status: Option<Value>,
    }
    lenient::<Peek>(body).and_then(|p| p.status)
}

/// Whether the status differs between two versions' bodies, its value
/// compared as `diff` compares it: a missing status and `null` are the
/// same, `""` and `null` are not, nor `5` and `"5"`.
pub fn status_changed(before: &str, after: &str) -> bool {
    status_of(before) != status_of(after)
}

/// An account's status as its text records it, case included (the
/// store's `status` column is the status as `trend` counts it): a string
/// as it is, nothing when it is missing or null, another value its JSON
/// text.
pub fn recorded_status(body: &str) -> String {
    match status_of(body) {
        None => String::new(),
        Some(Value::String(s)) => s,
        Some(other) => other.to_string(),
    }
}

/// An account from its text in the store. A text that is no account's
/// JSON (a row damaged on disk, or by another program) is an error
/// [`Store::damaged`] tells as a damaged store.
pub(crate) fn stored_account(text: &str) -> rusqlite::Result<Account> {
    Account::from_text(text).map_err(|e| {
        let why = format!("an account's text in it is not an account's JSON: {e}");
        rusqlite::Error::FromSqlConversionFailure(
            usize::MAX,
            rusqlite::types::Type::Text,
            why.into(),
        )
    })
}

/// Every row `sql` gives for `params`, each read by `read`.
fn all_rows<T, C: FromIterator<T>>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<C> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map(params, read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A time as RFC 3339 in UTC, to the second.
pub fn show_time(micros: i64) -> String {
    let t = jiff::Timestamp::from_second(micros.div_euclid(1_000_000));
    t.map_or_else(|_| micros.to_string(), |t| t.to_string())
}

impl Store {
    /// A key as its id shows ([`shown_id`]).
    pub fn shown_id(&self, key: &str) -> String {
        shown_id(key, self.legacy_keys)
    }

    /// The JSON text of the id a key keeps ([`id_text_of`]).
    pub fn id_text(&self, key: &str) -> String {
        id_text_of(key, self.legacy_keys)
    }

    /// The organization's row when it has a snapshot, or the error that
    /// says to run `snapshot`.
    pub(crate) fn known_org(&self, org: &Org) -> Result<i64> {
        let urls = (&org.base_url, &org.token_url);
        let with_snapshot = "EXISTS (SELECT 1 FROM snapshot WHERE snapshot.org = org.id)";
        let sql = format!("{ORG_ROW} AND {with_snapshot} {ORG_FIRST}");
        let id: Option<i64> = (self.conn.query_row(&sql, urls, |r| r.get(0))).optional()?;
        if let Some(id) = id {
            return Ok(id);
        }
        // Another profile's, or the same one spelt another way (a `/`
        // more): "no snapshot yet" alone read as an empty store.
        let sql = format!(
            "SELECT base_url, token_url FROM org WHERE {with_snapshot}
             ORDER BY (base_url = ?1 OR token_url = ?2) DESC, id"
        );
        let others: Vec<Org> = all_rows(&self.conn, &sql, urls, |r| {
            Ok(Org {
                base_url: r.get(0)?,
                token_url: r.get(1)?,
            })
        })?;
        let path = shown_path(&self.path);
        let first = "run `talkdesk-accounts snapshot` first (or `snapshot --import FILE --at TIME` for a saved export)";
        Err(match others.as_slice() {
            [] => {
                anyhow::anyhow!("no snapshot yet of the {org} in the history store {path}; {first}")
            }
            [other, rest @ ..] => {
                let more = match rest.len() {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                anyhow::anyhow!(
                    "no snapshot yet of the {org} in the history store {path}, which holds the {other}{more}; pass the --profile (or base_url and token_url) they were recorded with, or {first}"
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        account_key(
            Account::from_text(&format!(r#"{{"id":{text}}}"#))
                .unwrap()
                .id_text(),
        )
    }

    #[test]
    fn ids_share_a_key_only_when_their_json_texts_are_one() {
        let texts = [
            r#""abc""#,
            r#""\u0061bc""#,
            "1",
            r#""1""#,
            "1.0",
            r#""true""#,
            r#""\"1\"""#,
            r#""a\nb""#,
            r#""café""#,
            r#""x\ud800y""#,
            r#""1\u0000""#,
        ];
        let keys: Vec<String> = texts.iter().map(|t| key(t)).collect();
        let distinct: std::collections::HashSet<&String> = keys.iter().collect();
        assert_eq!(distinct.len(), texts.len(), "{keys:?}");
        // As the store always kept them: a usual string as its text, a
        // number as its JSON text.
        assert_eq!(key(r#""abc""#), "abc");
        assert_eq!(key(r#""a\nb""#), "a\nb");
        assert_eq!(key("1.0"), "1.0");
        assert_eq!(key(r#""1""#), r#""1""#);
        for text in texts {
            let shown = Account::from_text(&format!(r#"{{"id":{text}}}"#))
                .unwrap()
                .id();
            assert_eq!(shown_id(&key(text), false), shown, "{text}");
            assert_eq!(id_text_of(&key(text), false), text, "{text}");
        }
    }
}
