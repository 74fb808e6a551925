//! The secrets of a run (the client secret, the Basic credentials, every
//! token), so that no log line or error message carries one, even when a
//! server echoes it back. Text is redacted before it is shortened for
//! display, so no cut ever leaves part of a secret behind.

use std::sync::Mutex;

/// The run's secrets, longest first.
#[derive(Debug, Default)]
pub struct Redactor {
    secrets: Mutex<Vec<String>>,
}

impl Redactor {
    /// Shorter values are not redacted: replacing every `a` of a message
    /// would garble it, and no real secret is that short.
    const MIN_LEN: usize = 4;

    /// Remembers a secret.
    pub fn add(&self, secret: &str) {
        if secret.chars().count() < Self::MIN_LEN {
            return;
        }
        if let Ok(mut secrets) = self.secrets.lock() {
            if !secrets.iter().any(|s| s == secret) {
                secrets.push(secret.to_string());
                // Longest first, so a secret inside another goes with it.
                secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
            }
        }
    }

    /// Remembers the credential of an `Authorization` value (`Basic …`,
    /// `Bearer …`).
    pub fn add_authorization(&self, value: &str) {
        match value.split_once(' ') {
            Some((_, credential)) => self.add(credential.trim()),
            None => self.add(value),
        }
    }

    /// `text` with every known secret replaced by `<redacted>`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        if let Ok(secrets) = self.secrets.lock() {
            for secret in secrets.iter() {
                if out.contains(secret.as_str()) {
                    out = out.replace(secret.as_str(), "<redacted>");
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_are_redacted_wherever_they_appear() {
        let r = Redactor::default();
        r.add("hunter2-secret");
        r.add_authorization("Bearer tok-123456");
        r.add_authorization("Basic aWQ6c2VjcmV0");
        let text = r.redact(
            "echo: hunter2-secret, Authorization: Bearer tok-123456, aWQ6c2VjcmV0; x-token=tok-123456",
        );
        assert_eq!(
            text,
            "echo: <redacted>, Authorization: Bearer <redacted>, <redacted>; x-token=<redacted>"
        );
    }

    #[test]
    fn very_short_values_are_not_treated_as_secrets() {
        let r = Redactor::default();
        r.add("");
        r.add("abc");
        assert_eq!(r.redact("abc cab"), "abc cab");
    }
}
