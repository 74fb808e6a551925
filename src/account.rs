//! `Account` (every field the API sent, in its order) and `Status` (the
//! documented values, plus whatever else the API may one day send).
//!
//! An account is kept as the JSON text the API sent (without whitespace
//! between tokens), with its id and status read out when it arrives; its
//! other fields are parsed only when something asks for one. jsonl and json
//! write the text as it came, so a million accounts are never taken apart
//! and put back together just to be printed.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// One account as the API sent it. Every field is kept, unknown ones
/// included, in the order received, so json/jsonl pass it through unchanged.
#[derive(Clone)]
pub struct Account {
    /// The object, compact, as the API sent it: valid JSON.
    raw: Box<str>,
    /// The id's exact JSON text (a string keeps its quotes).
    id: Id,
    status: Status,
    /// Every field, parsed on first use (boxed: most accounts never are,
    /// and a small account moves cheaply).
    fields: OnceLock<Box<Map<String, Value>>>,
}

/// Where an account's id is: a place in its text, or its own text when the
/// account was cut down to fields without it ([`Account::only`]).
#[derive(Clone)]
enum Id {
    In(Range<usize>),
    Kept(Box<str>),
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Account").field(&self.raw).finish()
    }
}

impl PartialEq for Account {
    fn eq(&self, other: &Account) -> bool {
        self.fields() == other.fields()
    }
}

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <Box<RawValue>>::deserialize(deserializer)?;
        Account::from_text(raw.get()).map_err(D::Error::custom)
    }
}

/// Written as the text it came as.
impl Serialize for Account {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        RawValue::from_string(self.raw.to_string())
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

/// An account read from a text held in memory, in one pass: each field's
/// key and value are taken as the text they are (borrowed from the page),
/// the account's compact text is put together from them, and its id and
/// status are found on the way; a nested object or array with whitespace
/// in it is compacted. A page is read this way; [`Account`]'s own
/// `Deserialize` (any source: files, serde values) takes the account's
/// text first, then reads it this way.
#[derive(Debug)]
pub struct FromPage(pub Account);

impl<'de> Deserialize<'de> for FromPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PageAccount).map(FromPage)
    }
}

struct PageAccount;

impl<'de> Visitor<'de> for PageAccount {
    type Value = Account;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an account (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Account, A::Error> {
        let mut text = String::with_capacity(256);
        let (mut id, mut status) = (None, None);
        text.push('{');
        while let Some(key) = map.next_key::<&'de RawValue>()? {
            let value = map.next_value::<&'de RawValue>()?.get();
            if text.len() > 1 {
                text.push(',');
            }
            text.push_str(key.get());
            text.push(':');
            let start = text.len();
            // Only an array or object can hold whitespace between tokens:
            // a scalar is copied as it is, not scanned (scanning every
            // value cost 8–27 % more CPU on 100,000 accounts).
            if value.starts_with(['{', '[']) {
                text.push_str(&compact(value));
            } else {
                text.push_str(value);
            }
            let slot = match key_name(key.get()).as_deref() {
                Some("id") => &mut id,
                Some("status") => &mut status,
                _ => continue,
            };
            if slot.replace(start..text.len()).is_some() {
                return Err(A::Error::custom(format!("duplicate field {}", key.get())));
            }
        }
        text.push('}');
        Account::assemble(text, id, status).map_err(A::Error::custom)
    }
}

/// A key's name (a string's text) from its JSON text, borrowed unless it
/// has escapes.
fn key_name(key: &str) -> Option<std::borrow::Cow<'_, str>> {
    match key.contains('\\') {
        true => lenient::<String>(key).map(Into::into),
        false => key.strip_prefix('"')?.strip_suffix('"').map(Into::into),
    }
}

impl Account {
    /// An account from its JSON text: an object with an `id` that is a
    /// string or a number.
    pub fn from_text(text: &str) -> Result<Account, String> {
        if !text.starts_with('{') {
            return Err("an account is not a JSON object".into());
        }
        let FromPage(account) = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(account)
    }

    /// An account from its compact text and where its id and status are
    /// in it: an id that is a string or a number.
    fn assemble(
        text: String,
        id: Option<Range<usize>>,
        status: Option<Range<usize>>,
    ) -> Result<Account, String> {
        let starts_id = |c: char| c == '"' || c == '-' || c.is_ascii_digit();
        let id = match id {
            Some(place) if text[place.clone()].starts_with(starts_id) => Id::In(place),
            Some(_) => return Err("an account's `id` is not a string or a number".into()),
            None => return Err("an account has no `id`".into()),
        };
        // Borrowed when it has no escapes, as statuses do.
        let status = (status.map(|place| &text[place]))
            .filter(|text| text.starts_with('"'))
            .and_then(key_name);
        let status = Status::parse(&status.unwrap_or_default());
        Ok(Account {
            raw: text.into_boxed_str(),
            id,
            status,
            fields: OnceLock::new(),
        })
    }

    /// The account's id, as text (a string's characters, a number's digits).
    pub fn id(&self) -> String {
        let id = self.id_text();
        key_name(id).map_or_else(|| id.to_string(), std::borrow::Cow::into_owned)
    }

    /// The id's exact JSON text: what tells two accounts apart, so that
    /// numeric `12345` and string `"12345"` are different ids.
    pub fn id_text(&self) -> &str {
        match &self.id {
            Id::In(place) => self.raw.get(place.clone()).unwrap_or_default(),
            Id::Kept(text) => text,
        }
    }

    /// The account as compact JSON text.
    pub fn json(&self) -> &str {
        &self.raw
    }

    /// The raw value of a field, if the API sent it.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields().get(field)
    }

    /// [`Account::get`] for one field read from the text, without parsing
    /// (and keeping) every field: for a sort key or a presence check.
    pub fn field(&self, field: &str) -> Option<Value> {
        if let Some(fields) = self.fields.get() {
            return fields.get(field).cloned();
        }
        lenient(self.raw_fields(&[field])?.pop().flatten()?)
    }

    /// Every field, in the order the API sent them.
    pub fn fields(&self) -> &Map<String, Value> {
        // The text was parsed once already: it is valid JSON.
        self.fields
            .get_or_init(|| Box::new(lenient(&self.raw).unwrap_or_default()))
    }

    /// Only these fields, in this order, of those the API sent (`list -o
    /// json --columns`), each value the text it came as.
    pub fn only(&self, fields: &[String]) -> Account {
        let found = self.raw_fields(fields).unwrap_or_default();
        let members: Vec<String> = (fields.iter().zip(found).enumerate())
            .filter(|(i, (field, _))| !fields[..*i].contains(field))
            .filter_map(|(_, (field, value))| Some(format!("{}:{}", Value::from(&**field), value?)))
            .collect();
        let raw = format!("{{{}}}", members.join(","));
        // Still the same account: its id and status stay, shown or not.
        Account {
            raw: raw.into_boxed_str(),
            id: Id::Kept(self.id_text().into()),
            status: self.status.clone(),
            fields: OnceLock::new(),
        }
    }

    /// The account's status; a missing status is `Unknown("")`.
    pub fn status(&self) -> Status {
        self.status.clone()
    }

    /// Several fields as table/csv cells (see [`Account::field_text`]), in
    /// the order of `columns`, read in one pass over the account's text
    /// (never from parsed fields: a number is then respelt, `1E2` as `1e+2`).
    pub fn cells<S: AsRef<str>>(&self, columns: &[S]) -> Vec<Option<String>> {
        // The text was read by serde_json once already: it reads again.
        let found = (self.raw_fields(columns)).unwrap_or_else(|| vec![None; columns.len()]);
        let cell = |raw| match raw {
            None | Some("null") => None,
            Some(text) if text.starts_with('"') => lenient::<String>(text),
            Some(text) => Some(text.to_string()),
        };
        found.into_iter().map(cell).collect()
    }

    /// The JSON text of each of `columns` the account has (the last of a
    /// key sent twice), read in one pass over its text.
    pub fn raw_fields<S: AsRef<str>>(&self, columns: &[S]) -> Option<Vec<Option<&str>>> {
        let mut deserializer = serde_json::Deserializer::from_str(&self.raw);
        deserializer.deserialize_map(Picker(columns)).ok()
    }

    /// A field as a table/csv cell: strings as they are, null or missing as
    /// `None`, numbers and booleans as their JSON text, arrays and objects
    /// as compact JSON.
    pub fn field_text(&self, field: &str) -> Option<String> {
        self.cells(&[field]).pop().flatten()
    }
}

/// Reads an account's object, keeping the raw text of the wanted fields
/// (the last of a key sent twice, as a parsed map keeps it).
struct Picker<'c, S>(&'c [S]);

impl<'de, S: AsRef<str>> Visitor<'de> for Picker<'_, S> {
    type Value = Vec<Option<&'de str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an account object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = vec![None; self.0.len()];
        while let Some(key) = map.next_key::<&'de RawValue>()? {
            let key = key_name(key.get()).unwrap_or_default();
            let value: &'de RawValue = map.next_value()?;
            for (column, slot) in self.0.iter().zip(found.iter_mut()) {
                if column.as_ref() == key {
                    *slot = Some(value.get());
                }
            }
        }
        Ok(found)
    }
}

/// A JSON text read as `T`; failing that, read with each lone UTF-16
/// surrogate escape (`"\ud83d"`, half an emoji as JavaScript writes it:
/// valid JSON, but no Unicode text) as U+FFFD, as jq reads it; and a
/// value nested deeper than serde_json's 128 levels is read too (the
/// tool's thread has the stack for it), rather than as nothing.
pub fn lenient<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok().or_else(|| {
        let mended = mend_surrogates(text);
        let text = mended.as_deref().unwrap_or(text);
        let mut deserializer = serde_json::Deserializer::from_str(text);
        deserializer.disable_recursion_limit();
        let value = T::deserialize(&mut deserializer).ok()?;
        deserializer.end().ok().map(|()| value)
    })
}

/// The text with its lone surrogate escapes as `\ufffd`; `None` when it
/// has none.
fn mend_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    // The UTF-16 code unit of a `\uXXXX` escape starting at `at`.
    let unit = |at: usize| -> Option<u16> {
        (bytes.get(at..at + 2)? == b"\\u")
            .then(|| u16::from_str_radix(text.get(at + 2..at + 6)?, 16).ok())?
    };
    let (mut mended, mut from, mut at) = (String::new(), 0, 0);
    while let Some(i) = (bytes.get(at..)).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let i = at + i;
        at = match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i + 12,
            Some(0xD800..=0xDFFF) => {
                mended.push_str(&text[from..i]);
                mended.push_str("\\ufffd");
                from = i + 6;
                from
            }
            // Any other escape, `\\` included.
            _ => i + 2,
        };
    }
    (from > 0).then(|| mended + &text[from..])
}

/// The text without whitespace between tokens (a nested value of a
/// pretty-printed page), so that jsonl stays one object per line. Usually
/// there is none, and the text is kept as it is.
fn compact(text: &str) -> std::borrow::Cow<'_, str> {
    if !spaced(text) {
        return text.into();
    }
    // Parsed once already: valid JSON, so whitespace outside its strings
    // is between tokens. Strings, numbers and escapes stay as written.
    json_chars(text)
        .filter(|&(c, in_string)| in_string || !matches!(c, ' ' | '\n' | '\r' | '\t'))
        .map(|(c, _)| c)
        .collect::<String>()
        .into()
}

/// The characters of a valid JSON text, each with whether it belongs to a
/// string (its quotes included).
pub fn json_chars(text: &str) -> impl Iterator<Item = (char, bool)> + '_ {
    let (mut in_string, mut escaped) = (false, false);
    text.chars().map(move |c| {
        let string = in_string || c == '"';
        match c {
            _ if !in_string => in_string = c == '"',
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => in_string = false,
            _ => {}
        }
        (c, string)
    })
}

/// True when a valid JSON text has whitespace between its tokens. A tab,
/// newline or carriage return is always between tokens (a string cannot
/// hold one unescaped); a space is when an even number of quotes come
/// before it. Without backslashes every quote counts, so only the spaces
/// and quotes are looked at (with memchr), not every byte; with them, the
/// characters are followed, escapes and all.
fn spaced(text: &str) -> bool {
    let bytes = text.as_bytes();
    if memchr::memchr3(b'\n', b'\r', b'\t', bytes).is_some() {
        return true;
    }
    if memchr::memchr(b'\\', bytes).is_some() {
        return json_chars(text).any(|(c, in_string)| c == ' ' && !in_string);
    }
    let (mut quotes, mut from) = (0, 0);
    memchr::memchr_iter(b' ', bytes).any(|at| {
        quotes += memchr::memchr_iter(b'"', &bytes[from..at]).count();
        from = at;
        quotes % 2 == 0
    })
}

/// An account status. Values outside the documented list are kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Active,
    Churned,
    InTrial,
    Inactive,
    Prospect,
    TrialLost,
    Other,
    Unknown(String),
}

impl Status {
    /// The documented statuses, in the API reference's order.
    pub const DOCUMENTED: [Status; 7] = [
        Status::Active,
        Status::Churned,
        Status::InTrial,
        Status::Inactive,
        Status::Prospect,
        Status::TrialLost,
        Status::Other,
    ];

    /// The status as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Active => "ACTIVE",
            Status::Churned => "CHURNED",
            Status::InTrial => "IN_TRIAL",
            Status::Inactive => "INACTIVE",
            Status::Prospect => "PROSPECT",
            Status::TrialLost => "TRIAL_LOST",
            Status::Other => "OTHER",
            Status::Unknown(s) => s,
        }
    }

    /// Reads a status from the API, case-insensitively; never fails.
    pub fn parse(text: &str) -> Status {
        let named = |status: &Status| status.as_str().eq_ignore_ascii_case(text);
        let documented = Status::DOCUMENTED.into_iter().find(named);
        documented.unwrap_or_else(|| Status::Unknown(text.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_statuses_parse_case_insensitively() {
        assert_eq!(Status::parse("ACTIVE"), Status::Active);
        assert_eq!(Status::parse("in_trial"), Status::InTrial);
        assert_eq!(Status::parse("Trial_Lost"), Status::TrialLost);
        for s in Status::DOCUMENTED {
            assert_eq!(Status::parse(s.as_str()), s);
        }
    }

    #[test]
    fn unknown_statuses_pass_through_unchanged() {
        assert_eq!(
            Status::parse("SUSPENDED"),
            Status::Unknown("SUSPENDED".into())
        );
        assert_eq!(Status::parse("SUSPENDED").as_str(), "SUSPENDED");
    }

    #[test]
    fn accounts_keep_every_field_in_order() {
        let text = r#"{"zeta":1,"id":"a1","name":null,"status":"ACTIVE","extra":{"k":[1,2]}}"#;
        let account: Account = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&account).unwrap(), text);
        assert_eq!(account.id(), "a1");
        assert_eq!(account.field_text("name"), None);
        assert_eq!(account.field_text("missing"), None);
        assert_eq!(account.field_text("zeta").as_deref(), Some("1"));
        assert_eq!(
            account.field_text("extra").as_deref(),
            Some(r#"{"k":[1,2]}"#)
        );
    }

    #[test]
    fn an_account_is_kept_as_compact_text_with_its_id_and_status_read_out() {
        let pretty = "{\n  \"id\": 12,\n  \"name\": \"A  B\",\n  \"status\": \"churned\"\n}";
        let account: Account = serde_json::from_str(pretty).unwrap();
        assert_eq!(
            account.json(),
            r#"{"id":12,"name":"A  B","status":"churned"}"#
        );
        assert_eq!(account.id_text(), "12");
        assert_eq!(account.id(), "12");
        assert_eq!(account.status(), Status::Churned);
        let text: Account = serde_json::from_str(r#"{"id":"12","status":7}"#).unwrap();
        assert_eq!(text.id_text(), r#""12""#);
        assert_eq!(text.id(), "12");
        assert_eq!(text.status(), Status::Unknown(String::new()));
        // From a value, and back: the same fields.
        let from_value: Account = serde_json::from_value(json!({"id": "x", "k": [1]})).unwrap();
        assert_eq!(
            serde_json::to_value(&from_value).unwrap(),
            json!({"id": "x", "k": [1]})
        );
        // A nested value loses its whitespace, never its escapes or digits.
        let nested = "{\"id\":1,\"o\": { \"k\" : [\"\\u00e9 \\/ \\\"\", 1E400 ] }}";
        let account: Account = serde_json::from_str(nested).unwrap();
        assert_eq!(
            account.json(),
            r#"{"id":1,"o":{"k":["\u00e9 \/ \"",1E400]}}"#
        );
    }

    #[test]
    fn lone_surrogates_are_read_as_u_fffd_and_pairs_and_other_escapes_as_they_are() {
        for (text, read) in [
            (r#""cut \ud83d""#, "cut \u{FFFD}"),
            (r#""\udc00-\ud800\ud800""#, "\u{FFFD}-\u{FFFD}\u{FFFD}"),
            (r#""\ud83d\ude00 \ud83d""#, "😀 \u{FFFD}"),
            (r#""\\ud800 \u00e9""#, r"\ud800 é"),
            (r#""\\\ud800""#, "\\\u{FFFD}"),
        ] {
            assert_eq!(lenient::<String>(text).as_deref(), Some(read), "{text}");
        }
        assert_eq!(mend_surrogates(r#""\ud83d\ude00 \\ud800""#), None);
        assert_eq!(
            mend_surrogates("\"a\\"),
            None,
            "a text that ends in a backslash"
        );
        assert_eq!(
            lenient::<String>(r#""\ud83d"#),
            None,
            "still JSON or nothing"
        );
    }

    #[test]
    fn cells_read_in_one_pass_are_the_fields_as_text() {
        let text =
            r#"{"id":"a\u00e9","n":1.5,"x":null,"o":{"k":[1,"2"]},"b":true,"id2":"=x","n":2}"#;
        let account: Account = serde_json::from_str(text).unwrap();
        let columns: Vec<String> = ["id", "n", "x", "o", "b", "missing", "id"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let one_pass = account.cells(&columns);
        let each: Vec<Option<String>> = columns.iter().map(|c| account.field_text(c)).collect();
        assert_eq!(one_pass, each);
        assert_eq!(one_pass[0].as_deref(), Some("aé"));
        assert_eq!(
            one_pass[1].as_deref(),
            Some("2"),
            "the last of a key sent twice"
        );
        // Once parsed, from the fields.
        assert_eq!(account.cells(&columns), each);
    }

    #[test]
    fn ids_are_told_apart_by_their_exact_json_text() {
        let parse = |text: &str| {
            serde_json::from_str::<Account>(text)
                .unwrap()
                .id_text()
                .to_string()
        };
        assert_ne!(parse(r#"{"id":12345}"#), parse(r#"{"id":"12345"}"#));
        assert_ne!(
            parse(r#"{"id":100000000000000000000001}"#),
            parse(r#"{"id":100000000000000000000002}"#)
        );
        assert_eq!(
            parse(r#"{"id":100000000000000000000001}"#),
            "100000000000000000000001"
        );
    }

    #[test]
    fn an_account_needs_an_id() {
        assert!(serde_json::from_value::<Account>(json!({"name": "x"})).is_err());
        assert!(serde_json::from_value::<Account>(json!({"id": null})).is_err());
    }

    #[test]
    fn whitespace_between_tokens_is_found_and_inside_strings_is_not() {
        let cases = [
            (r#"{"a":"b c","d":1}"#, false),
            (r#"{"a": "b"}"#, true),
            (r#"{"a":"b","c":[1, 2]}"#, true),
            ("{\"a\":\n\"b\"}", true),
            ("{\"a\":\"b\"}\t", true),
            (r#"{"a":"x \" y","b":"z"}"#, false),
            (r#"{"a":"x \" y", "b":"z"}"#, true),
            (r#"{"a":"x \\","b":"y z"}"#, false),
            (r#"{"a":"x \\", "b":"y"}"#, true),
            (r#"{"a b":"c d","e":"f g h"}"#, false),
            (r#"{"a":"","b":" "}"#, false),
            (r#"{"a":"" ,"b":"c"}"#, true),
        ];
        for (text, want) in cases {
            assert_eq!(spaced(text), want, "{text}");
            let value: Value = serde_json::from_str(text).expect("valid JSON");
            let compact = serde_json::to_string(&value).unwrap();
            assert_eq!(want, compact.len() != text.len(), "{text}");
        }
    }

    #[test]
    fn an_account_is_read_in_one_pass_with_its_values_id_and_status() {
        let texts = [
            r#"{"id":"a1","name":"Acme Corp","status":"ACTIVE"}"#,
            r#"{ "id" : 7 , "status": "in_trial", "n": { "x" : [1, 2] }, "s": "a , b" }"#,
            "{\n  \"status\": \"CHURNED\",\n  \"id\": \"x\\\"y\",\n  \"big\": 123456789012345678901234567890\n}",
            r#"{"\u0069d":"escaped-key","st\u0061tus":"TRIAL_LOST","t":[true,null]}"#,
            r#"{"id":"no-status","deep":[{"a":[]},{}]}"#,
        ];
        for text in texts {
            let FromPage(quick) = serde_json::from_str(text).unwrap();
            // From a serde value (no text to borrow): the same account.
            let value: Value = serde_json::from_str(text).unwrap();
            let generic: Account = serde_json::from_value(value.clone()).unwrap();
            // The text as sent when it is compact; else compact, same values.
            if !spaced(text) {
                assert_eq!(quick.json(), text);
            }
            assert!(!spaced(quick.json()), "{}", quick.json());
            assert_eq!(Value::Object(quick.fields().clone()), value, "{text}");
            let id = &value["id"];
            assert_eq!(
                quick.id(),
                id.as_str().map_or(id.to_string(), str::to_string)
            );
            let status = value["status"].as_str().unwrap_or_default();
            assert_eq!(quick.status(), Status::parse(status), "{text}");
            assert_eq!(quick, generic, "{text}");
        }
        for (text, error) in [
            (r#"{"id":"a","id":"b"}"#, "duplicate field \"id\""),
            (
                r#"{"id":{"n":1}}"#,
                "an account's `id` is not a string or a number",
            ),
            (r#"{"name":"x"}"#, "an account has no `id`"),
            (r#""text""#, "expected an account (a JSON object)"),
        ] {
            let err = serde_json::from_str::<FromPage>(text)
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(error), "{text}: {err}");
        }
    }

    #[test]
    fn one_field_is_read_without_parsing_and_keeping_them_all() {
        let account: Account =
            serde_json::from_str(r#"{"id":"a","n":12345678901234567890123,"x":null,"s":"t"}"#)
                .unwrap();
        assert_eq!(account.field("s"), Some(Value::String("t".into())));
        assert_eq!(account.field("x"), Some(Value::Null));
        assert_eq!(account.field("nope"), None);
        assert_eq!(
            account.field("n").unwrap().to_string(),
            "12345678901234567890123"
        );
        assert!(account.fields.get().is_none(), "no map kept");
        assert_eq!(account.field("s").as_ref(), account.get("s"));
    }

    #[test]
    fn accounts_are_equal_when_their_fields_are_and_debug_shows_the_text() {
        let read = |text: &str| serde_json::from_str::<Account>(text).unwrap();
        let account = read(r#"{"id":"a","n":1}"#);
        assert_eq!(account, read(r#"{ "id": "a", "n": 1 }"#));
        assert_ne!(account, read(r#"{"id":"a","n":2}"#));
        assert_ne!(account, read(r#"{"id":"a"}"#));
        assert_eq!(
            format!("{account:?}"),
            r#"Account("{\"id\":\"a\",\"n\":1}")"#
        );
    }

    #[test]
    fn only_keeps_the_fields_asked_for_once_each_in_their_order() {
        let account: Account =
            serde_json::from_str(r#"{"id":"a","name":"N","status":"ACTIVE","n":[1]}"#).unwrap();
        let fields: Vec<String> = ["n", "name", "n", "missing"]
            .iter()
            .map(|f| f.to_string())
            .collect();
        let only = account.only(&fields);
        assert_eq!(only.json(), r#"{"n":[1],"name":"N"}"#);
        // Still the same account: its id and status stay.
        assert_eq!(only.id_text(), r#""a""#);
        assert_eq!(only.status(), Status::Active);
    }

    #[test]
    fn a_lone_surrogate_right_after_a_pair_further_in_is_mended() {
        assert_eq!(
            lenient::<String>(r#""ab\ud83d\ude00\ud83d""#).as_deref(),
            Some("ab😀\u{FFFD}")
        );
    }
}
