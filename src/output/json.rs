//! json (one array, written only once complete) and jsonl (one compact
//! object per line, streamed). Values are passed through unchanged.

use std::fmt::Display;
use std::io::{self, Write};

use anyhow::Result;

use super::Sink;
use crate::account::{Account, json_chars};

/// Holds each account as compact JSON text (not the parsed value) until
/// the walk is complete, then writes one array.
#[derive(Debug, Default)]
pub struct JsonSink {
    held: Vec<String>,
}

impl Sink for JsonSink {
    fn write_batch(&mut self, _out: &mut dyn Write, accounts: &[Account]) -> Result<()> {
        self.held
            .extend(accounts.iter().map(|a| a.json().to_string()));
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        Ok(write_json_lines(out, &std::mem::take(&mut self.held))?)
    }

    fn streams(&self) -> bool {
        false
    }
}

/// Writes a json array with one compact item a line (`[]` when empty), and
/// a newline: `list -o json`, and the `-o json` of `summary`, `changes`,
/// `history` and `trend`.
pub fn write_json_lines<T: Display>(out: &mut dyn Write, items: &[T]) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]\n");
    }
    for (i, item) in items.iter().enumerate() {
        let before = if i == 0 { "[\n  " } else { ",\n  " };
        write!(out, "{before}{item}")?;
    }
    out.write_all(b"\n]\n")
}

/// One object per line, as the accounts arrive: a page is encoded into a
/// buffer kept from page to page, then written at once.
#[derive(Debug, Default)]
pub struct JsonlSink {
    buffer: Vec<u8>,
}

impl Sink for JsonlSink {
    fn write_batch(&mut self, out: &mut dyn Write, accounts: &[Account]) -> Result<()> {
        self.buffer.clear();
        for account in accounts {
            self.buffer.extend_from_slice(account.json().as_bytes());
            self.buffer.push(b'\n');
        }
        Ok(out.write_all(&self.buffer)?)
    }
}

/// Compact JSON text indented as serde_json's pretty printer indents it
/// (two spaces, `"key": value`, an empty `[]` or `{}` kept whole), every
/// token as written: a number keeps its spelling (`1.0E2`, `1e400`), which
/// a value parsed and printed again would not.
pub fn pretty(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    let mut chars = json_chars(compact).peekable();
    while let Some((c, in_string)) = chars.next() {
        if in_string {
            out.push(c);
            continue;
        }
        match c {
            '{' | '[' if matches!(chars.peek(), Some(('}' | ']', false))) => {
                out.push(c);
                out.extend(chars.next().map(|(close, _)| close));
            }
            '{' | '[' => {
                out.push(c);
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn pretty_indents_as_serde_json_does_and_keeps_every_token() {
        let text = r#"{"a":[],"b":{},"c":[1,{"d":"x, y: [z]","e":"q\"{"}],"f":{"g":null,"h":[true,false]}}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(pretty(text), serde_json::to_string_pretty(&value).unwrap());
        assert_eq!(
            pretty(r#"{"n":1.0E2,"m":[1e400,-0]}"#),
            "{\n  \"n\": 1.0E2,\n  \"m\": [\n    1e400,\n    -0\n  ]\n}"
        );
    }

    fn accounts() -> Vec<Account> {
        vec![
            serde_json::from_value(
                json!({"id": "a", "name": "x\u{1b}[31m", "status": "ACTIVE", "extra": 1}),
            )
            .unwrap(),
            serde_json::from_value(json!({"id": "b", "name": null, "status": "NEW_THING"}))
                .unwrap(),
        ]
    }

    #[test]
    fn json_is_one_array_written_at_the_end() {
        let mut sink = JsonSink::default();
        let mut out = Vec::new();
        sink.write_batch(&mut out, &accounts()).unwrap();
        assert!(out.is_empty(), "nothing before the walk is complete");
        sink.finish(&mut out).unwrap();
        let parsed: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            parsed,
            json!([{"id": "a", "name": "x\u{1b}[31m", "status": "ACTIVE", "extra": 1}, {"id": "b", "name": null, "status": "NEW_THING"}])
        );
    }

    #[test]
    fn empty_json_is_an_empty_array() {
        let mut out = Vec::new();
        JsonSink::default().finish(&mut out).unwrap();
        assert_eq!(out, b"[]\n");
    }

    #[test]
    fn jsonl_is_one_compact_object_per_line() {
        let mut out = Vec::new();
        JsonlSink::default()
            .write_batch(&mut out, &accounts())
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1], r#"{"id":"b","name":null,"status":"NEW_THING"}"#);
    }
}
