//! `Account` (every field the API sent, in its order) and `Status` (the
//! documented values, plus whatever else the API may one day send).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One account as the API sent it. Every field is kept, unknown ones
/// included, in the order received, so json/jsonl pass it through unchanged.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "Map<String, Value>")]
pub struct Account {
    fields: Map<String, Value>,
}

/// Written as its fields, in order; by reference (serde's `into` would
/// copy every account to write it).
impl Serialize for Account {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.fields.serialize(serializer)
    }
}

impl TryFrom<Map<String, Value>> for Account {
    type Error = String;

    fn try_from(fields: Map<String, Value>) -> Result<Self, String> {
        match fields.get("id") {
            Some(Value::String(_)) => Ok(Account { fields }),
            Some(Value::Number(_)) => Ok(Account { fields }),
            Some(_) => Err("an account's `id` is not a string".into()),
            None => Err("an account has no `id`".into()),
        }
    }
}

impl From<Account> for Map<String, Value> {
    fn from(account: Account) -> Self {
        account.fields
    }
}

impl Account {
    /// The account's id, as text.
    pub fn id(&self) -> String {
        self.field_text("id").unwrap_or_default()
    }

    /// The raw value of a field, if the API sent it.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }

    /// Every field, in the order the API sent them.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The account's status; a missing status is `Unknown("")`.
    pub fn status(&self) -> Status {
        Status::parse(self.get("status").and_then(Value::as_str).unwrap_or(""))
    }

    /// A field as a table/csv cell: strings as they are, null or missing as
    /// `None`, numbers and booleans as their JSON text, arrays and objects
    /// as compact JSON.
    pub fn field_text(&self, field: &str) -> Option<String> {
        match self.fields.get(field)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
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
        Status::DOCUMENTED
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
            .unwrap_or_else(|| Status::Unknown(text.to_string()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    fn an_account_needs_an_id() {
        assert!(serde_json::from_value::<Account>(json!({"name": "x"})).is_err());
        assert!(serde_json::from_value::<Account>(json!({"id": null})).is_err());
    }
}
