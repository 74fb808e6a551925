//! `list --sort FIELD`: a stable sort by one field. Numbers compare as
//! numbers, text case-insensitively, and accounts without the field (or
//! with `null`) come last; ties keep the API's order.

use std::cmp::Ordering;

use serde_json::Value;

use crate::account::Account;

/// What an account is sorted by.
#[derive(Debug, Clone, PartialEq)]
enum SortKey {
    /// Its value, and its exact JSON text for numbers no f64 tells apart.
    Number(f64, String),
    Text(String),
    Missing,
}

impl SortKey {
    /// The key of `field` in `account`: JSON numbers are numbers; strings
    /// are lowercased; booleans, arrays and objects sort as their JSON
    /// text; a missing field or `null` is `Missing`.
    fn of(account: &Account, field: &str) -> SortKey {
        match account.field(field) {
            None | Some(Value::Null) => SortKey::Missing,
            // Beyond f64's range a number is ±infinity: `-1e400` first.
            // A JSON number is in f64's grammar: it always parses.
            Some(Value::Number(n)) => {
                let text = n.to_string();
                SortKey::Number(text.parse().unwrap_or(f64::NAN), text)
            }
            Some(Value::String(s)) => SortKey::Text(s.to_lowercase()),
            Some(other) => SortKey::Text(other.to_string().to_lowercase()),
        }
    }

    /// Numbers first (by value), then text, then missing values.
    fn compare(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            // (`==` first: -0 and 0 are one number, a tie.)
            (SortKey::Number(a, x), SortKey::Number(b, y)) => match a == b {
                true => exact_cmp(x, y),
                false => a.total_cmp(b),
            },
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
            (SortKey::Number(..), _) | (_, SortKey::Missing) => Ordering::Less,
            _ => Ordering::Greater,
        }
    }
}

/// Two numbers f64 cannot tell apart, by their exact decimal values: a
/// total order (a comparison that only told integers apart made `2^53`
/// less than `2^53 + 1` yet equal to `2^53 + 0.5`, which a sort may panic
/// on).
fn exact_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (decimal(a), decimal(b));
    let magnitude = || (a.2.cmp(&b.2)).then_with(|| a.1.cmp(&b.1));
    // Zero has no digits, and no sign that counts.
    let sign = |d: &(bool, String, i128)| match (d.1.is_empty(), d.0) {
        (true, _) => 0,
        (false, true) => -1,
        (false, false) => 1,
    };
    match (sign(&a), sign(&b)) {
        (1, 1) => magnitude(),
        (-1, -1) => magnitude().reverse(),
        (x, y) => x.cmp(&y),
    }
}

/// A JSON number as its sign, its significant digits (none for zero) and
/// the exponent that makes them `0.DIGITS × 10^exponent`.
fn decimal(text: &str) -> (bool, String, i128) {
    let (negative, text) = text.strip_prefix('-').map_or((false, text), |t| (true, t));
    let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    // An exponent beyond i64 is as far as it goes, on its side (a leading
    // `+` parses as i64's own sign).
    let exponent = (exponent.parse::<i64>()).unwrap_or(match exponent.starts_with('-') {
        true => i64::MIN,
        false => i64::MAX,
    });
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0');
    let leading = (digits.len() - significant.len()) as i128;
    let exponent = whole.len() as i128 + i128::from(exponent) - leading;
    (
        negative,
        significant.trim_end_matches('0').to_string(),
        exponent,
    )
}

/// Sorts `accounts` by `field`, stably. Returns false when no account has
/// the field at all (the order is then unchanged), so the caller can warn.
pub fn sort_by_field(accounts: &mut Vec<Account>, field: &str) -> bool {
    let mut keyed: Vec<(SortKey, Account)> = accounts
        .drain(..)
        .map(|a| (SortKey::of(&a, field), a))
        .collect();
    let any = keyed.iter().any(|(k, _)| *k != SortKey::Missing);
    keyed.sort_by(|(a, _), (b, _)| a.compare(b));
    accounts.extend(keyed.into_iter().map(|(_, a)| a));
    any
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn accounts(values: Vec<Value>) -> Vec<Account> {
        values
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect()
    }

    fn ids(accounts: &[Account]) -> Vec<String> {
        accounts.iter().map(Account::id).collect()
    }

    #[test]
    fn text_sorts_case_insensitively_and_stably() {
        let mut list = accounts(vec![
            json!({"id": "1", "name": "beta"}),
            json!({"id": "2", "name": "Alpha"}),
            json!({"id": "3", "name": "alpha"}),
            json!({"id": "4", "name": "ALPHA"}),
            json!({"id": "5", "name": "Émile"}),
            json!({"id": "6", "name": "Charlie"}),
        ]);
        assert!(sort_by_field(&mut list, "name"));
        assert_eq!(ids(&list), ["2", "3", "4", "1", "6", "5"]);
    }

    /// `2^53` < `2^53 + 1`, and `2^53 + 0.5` between them, f64 telling
    /// none apart: the order is total (it was not, and a sort may panic).
    #[test]
    fn numbers_f64_cannot_tell_apart_sort_by_their_exact_value() {
        let keys: Vec<SortKey> = [
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740992",
            "9.0071992547409925e15",
            "-9007199254740993",
            "-9007199254740992.5",
            "1e400",
            "1E401",
            "0.1e401",
            "-0",
            "0.0",
        ]
        .iter()
        .map(|t| SortKey::Number(t.parse::<f64>().unwrap(), t.to_string()))
        .collect();
        for a in &keys {
            for b in &keys {
                assert_eq!(a.compare(b), b.compare(a).reverse(), "{a:?} {b:?}");
                for c in &keys {
                    if a.compare(b).is_le() && b.compare(c).is_le() {
                        assert!(a.compare(c).is_le(), "{a:?} {b:?} {c:?}");
                    }
                }
            }
        }
        let text = |k: &SortKey| match k {
            SortKey::Number(_, t) => t.clone(),
            _ => String::new(),
        };
        let mut sorted = keys.clone();
        sorted.sort_by(SortKey::compare);
        assert_eq!(
            sorted.iter().map(text).collect::<Vec<_>>(),
            [
                "-9007199254740993",
                "-9007199254740992.5",
                "-0",
                "0.0",
                "9007199254740992",
                "9007199254740992.5",
                "9.0071992547409925e15",
                "9007199254740993",
                "1e400",
                "0.1e401",
                "1E401",
            ]
        );
    }

    /// An exponent beyond i64 is as far as it goes on its side: the
    /// smallest of numbers f64 reads as 0 first, the largest of its
    /// infinities last.
    #[test]
    fn exponents_beyond_64_bits_sort_on_their_side() {
        let texts = [
            "1e400",
            "1e-99999999999999999999",
            "1e99999999999999999999",
            "1e-400",
        ];
        let mut keys: Vec<SortKey> = (texts.iter())
            .map(|t| SortKey::Number(t.parse::<f64>().unwrap(), t.to_string()))
            .collect();
        keys.sort_by(SortKey::compare);
        let sorted: Vec<String> = (keys.iter())
            .map(|k| match k {
                SortKey::Number(_, t) => t.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            sorted,
            [
                "1e-99999999999999999999",
                "1e-400",
                "1e400",
                "1e99999999999999999999"
            ]
        );
    }

    #[test]
    fn numbers_sort_numerically_not_as_text() {
        let mut list = accounts(vec![
            json!({"id": "a", "seats": 10}),
            json!({"id": "b", "seats": 9}),
            json!({"id": "c", "seats": -1.5}),
            json!({"id": "d", "seats": 100}),
        ]);
        sort_by_field(&mut list, "seats");
        assert_eq!(ids(&list), ["c", "b", "a", "d"]);
    }

    /// The ids of accounts given as JSON texts (numbers as written), sorted
    /// by `n`.
    fn sorted_by_n(texts: &[&str]) -> Vec<String> {
        let parse = |text: &&str| serde_json::from_str::<Account>(text).unwrap();
        let mut list: Vec<Account> = texts.iter().map(parse).collect();
        sort_by_field(&mut list, "n");
        ids(&list)
    }

    /// `-0` sorted before `0`: one number, a tie, in the API's order.
    #[test]
    fn minus_zero_and_zero_are_a_tie() {
        let ids = sorted_by_n(&[
            r#"{"id":"a","n":0}"#,
            r#"{"id":"b","n":-0}"#,
            r#"{"id":"c","n":0.0}"#,
            r#"{"id":"d","n":-0.0}"#,
            r#"{"id":"e","n":-1}"#,
        ]);
        assert_eq!(ids, ["e", "a", "b", "c", "d"]);
    }

    #[test]
    fn integers_beyond_64_bits_sort_by_every_digit() {
        let ids = sorted_by_n(&[
            r#"{"id":"b","n":100000000000000000000002}"#,
            r#"{"id":"a","n":100000000000000000000001}"#,
            r#"{"id":"y","n":-100000000000000000000001}"#,
            r#"{"id":"z","n":-100000000000000000000002}"#,
        ]);
        assert_eq!(ids, ["z", "y", "a", "b"]);
    }

    #[test]
    fn numbers_beyond_the_range_of_f64_sort_as_infinities() {
        let parse = |text: &str| serde_json::from_str::<Account>(text).unwrap();
        let mut list = vec![
            parse(r#"{"id":"big","n":1e400}"#),
            parse(r#"{"id":"long","n":12345678901234567890124}"#),
            parse(r#"{"id":"tiny","n":-1e400}"#),
            parse(r#"{"id":"zero","n":1e-400}"#),
        ];
        sort_by_field(&mut list, "n");
        assert_eq!(ids(&list), ["tiny", "zero", "long", "big"]);
    }

    #[test]
    fn missing_and_null_come_last_in_their_original_order() {
        let mut list = accounts(vec![
            json!({"id": "n1", "status": null}),
            json!({"id": "z", "status": "CHURNED"}),
            json!({"id": "m1"}),
            json!({"id": "a", "status": "ACTIVE"}),
            json!({"id": "n2", "status": null}),
        ]);
        sort_by_field(&mut list, "status");
        assert_eq!(ids(&list), ["a", "z", "n1", "m1", "n2"]);
    }

    #[test]
    fn numbers_come_before_text() {
        assert_eq!(
            SortKey::Number(5.0, "5".into()).compare(&SortKey::Text("1".into())),
            Ordering::Less
        );
        assert_eq!(
            SortKey::Text("z".into()).compare(&SortKey::Missing),
            Ordering::Less
        );
    }

    #[test]
    fn a_field_no_account_has_leaves_the_order_and_says_so() {
        let mut list = accounts(vec![json!({"id": "2"}), json!({"id": "1"})]);
        assert!(!sort_by_field(&mut list, "nope"));
        assert_eq!(ids(&list), ["2", "1"]);
    }
}
