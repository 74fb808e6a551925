//! The secrets of a run (the client secret, the Basic credentials, every
//! token), so that no log line or error message carries one, even when a
//! server echoes it back: whole, percent- or JSON-encoded, or in part (any
//! run of [`Redactor::PART_LEN`] bytes of one). Percent-escapes match in
//! either case (`%2f` is `%2F`, RFC 3986 §2.1). Text is redacted before it
//! is shortened for display, so no cut ever leaves part of a secret behind.

use std::collections::HashSet;

use crate::text::terminal_safe;
use std::sync::Mutex;

/// The run's secrets, longest first.
#[derive(Debug, Default)]
pub struct Redactor {
    /// Each secret in the forms it is looked for in text as it is, and
    /// each secret itself, looked for in text with its escapes decoded.
    forms: Mutex<(Forms, Forms)>,
}

/// Texts looked for, each kept as it is matched: whole in lower case (in
/// any case, `%2f` is `%2F`, and a hex or UUID secret's case says
/// nothing), in part as written but with `%2f` read as `%2F` (in any case,
/// a word of the tool's own text, `Accounts`, would be a part of one), and
/// in part as written: a part that begins at an escape's digits (`3b!Rt2Lm`
/// of `Xk7%3b!Rt2LmW9`) has no `%` before them to be read as one.
#[derive(Debug, Default)]
struct Forms {
    lower: Vec<String>,
    cased: Vec<String>,
    written: Vec<String>,
    /// Character codes a secret is looked for as a list of ([`coded`]).
    codes: Vec<Vec<u32>>,
}

impl Forms {
    fn push(&mut self, form: &str) {
        let cased = String::from_utf8(upper_hex_escapes(form.as_bytes()))
            .unwrap_or_else(|_| form.to_string());
        if !self.cased.contains(&cased) {
            // Whole in any case beyond ASCII too (`É` of `é`), as text is
            // folded for ASCII alone (byte offsets kept). Each form once:
            // for an ASCII secret the three are one, and each text looked
            // at (every page's next link) was searched for it three times.
            let folded = [form.to_string(), form.to_uppercase(), form.to_lowercase()];
            for f in folded.map(|f| f.to_ascii_lowercase()) {
                if !self.lower.contains(&f) {
                    self.lower.push(f);
                }
            }
            if cased != form {
                self.written.push(form.to_string());
            }
            self.cased.push(cased);
        }
    }
}

impl Redactor {
    /// Shorter values are not redacted: replacing every `a` of a message
    /// would garble it, and no real secret is that short.
    pub const MIN_LEN: usize = 4;

    /// A run of this many bytes of a secret, in text shown to anyone, is
    /// a part of it ([`Redactor::redact_shown`]).
    pub const PART_LEN: usize = 8;

    /// Secrets up to this many bytes are looked for as lists of their
    /// character codes too ([`Redactor::add`]).
    const CODES_LEN: usize = 256;

    /// Remembers a secret, and the forms a server may echo it in:
    /// form-urlencoded (as it was sent) and JSON-escaped.
    pub fn add(&self, secret: &str) {
        if secret.chars().count() < Self::MIN_LEN {
            return;
        }
        let quoted = serde_json::to_string(secret).unwrap_or_default();
        // The string's own quotes only: a secret may end with `"` (`\"`).
        let json = (quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"'))).unwrap_or(secret);
        let dollar = crate::text::dollar_quoted(secret.as_bytes());
        let dollar_quoted = (dollar.strip_prefix("$'"))
            .and_then(|d| d.strip_suffix('\''))
            .unwrap_or(&dollar);
        let form_encoded: String =
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        // A client secret's character codes (not a token's thousands), as
        // SWI-Prolog's http_authorization_data/2 gives a Basic password
        // (form-encoded, as sent), and its bytes, as Ruby and Python list them.
        let codes = [
            secret.chars().map(u32::from).collect(),
            secret.bytes().map(u32::from).collect(),
            form_encoded.chars().map(u32::from).collect::<Vec<u32>>(),
        ];
        let forms = [
            secret.to_string(),
            // As an HTML page shows it, its character references decoded.
            crate::text::unescaped(secret),
            // A space is `+` in a form, `%20` in the rest of a URL.
            form_encoded.replace('+', "%20"),
            form_encoded,
            json.to_string(),
            json.replace('/', "\\/"),
            // As a message shows a value it refuses, control characters escaped.
            crate::text::visible(secret),
            // As a command a message suggests quotes it (`--profile '…'`,
            // `$'…'`), inside its quotes: a `'` closed and reopened, or
            // every byte beyond printable ASCII escaped.
            secret.replace('\'', r"'\''"),
            secret.replace('\'', "''"),
            dollar_quoted.to_string(),
        ];
        if let Ok(mut known) = self.forms.lock() {
            known.1.push(secret);
            for form in forms.iter().filter(|f| f.chars().count() >= Self::MIN_LEN) {
                known.0.push(form);
            }
            for codes in codes
                .into_iter()
                .filter(|_| secret.len() <= Self::CODES_LEN)
            {
                if !known.0.codes.contains(&codes) {
                    known.0.codes.push(codes);
                }
            }
        }
    }

    /// Remembers the credential of an `Authorization` value (`Basic …`,
    /// `Bearer …`).
    pub fn add_authorization(&self, value: &str) {
        let credential = value.split_once(' ').map_or(value, |(_, c)| c.trim());
        self.add(credential);
    }

    /// Text to be shown (a log line, an error): [`Redactor::redact`], and
    /// then every run of [`Redactor::PART_LEN`] bytes or more that is part
    /// of a secret (a token echoed cut short, its last few characters)
    /// replaced too.
    /// Looked at as it will be shown ([`terminal_safe`]): a secret split
    /// by what a terminal drops (control characters, escape sequences) is
    /// whole there.
    pub fn redact_shown(&self, text: &str) -> String {
        self.redacted(&terminal_safe(text), true)
    }

    /// Whether `text` holds a secret or part of one, as
    /// [`Redactor::redact`] and [`Redactor::redact_shown`] find them.
    pub fn holds(&self, text: &str) -> bool {
        self.redacted(text, true) != text
    }

    /// `text` with every known secret replaced by `<redacted>`: whole
    /// secrets only, for URLs that are still to be requested.
    pub fn redact(&self, text: &str) -> String {
        self.redacted(text, false)
    }

    /// `text` with each run of it that is a secret (or, with `parts`, part
    /// of one) replaced by `<redacted>`.
    fn redacted(&self, text: &str, parts: bool) -> String {
        match self.hidden(text, parts) {
            Some(hidden) => hide(text, &hidden),
            None => text.to_string(),
        }
    }

    /// Which bytes of `text` [`Redactor::redacted`] replaces.
    fn hidden(&self, text: &str, parts: bool) -> Option<Vec<bool>> {
        let known = self.forms.lock().ok()?;
        let (secrets, plain) = &*known;
        // Offsets in the texts looked at are the text's: lower case and
        // upper-case escapes keep it byte for byte (see [`Forms`]).
        let look = |forms: &Forms, text: &[u8]| {
            let mut at = found(&forms.lower, &text.to_ascii_lowercase(), false);
            at.extend(coded(&forms.codes, text, parts));
            if parts {
                at.extend(found(&forms.cased, &upper_hex_escapes(text), true));
                at.extend(found(&forms.cased, text, true));
                at.extend(found(&forms.written, text, true));
            }
            at
        };
        let mut hidden = vec![false; text.len()];
        for (from, to) in look(secrets, text.as_bytes()) {
            hidden[from..to].fill(true);
        }
        // Escaped in any mix (every character `%XX` or `\uXXXX`, as no
        // encoder writes but a hostile server may): decoded and looked at
        // again, each match hiding the escapes it came from. The forms too:
        // a form-encoded secret split by invisible characters is one there.
        // And read past those without decoding: a secret may hold `%ef`.
        let views = [true, false].map(|decode| joined(text, decode));
        for (view, spans) in views.into_iter().flatten() {
            for forms in [plain, secrets] {
                for (from, to) in look(forms, &view) {
                    hidden[spans[from].0..spans[to - 1].1].fill(true);
                }
            }
        }
        Some(hidden)
    }

    /// A header line as `-vv` shows it (`< name: value`), its name in the
    /// lower case the `http` crate keeps: [`Redactor::redact_shown`], and a
    /// part of a secret in the name in any case, as the name shows none as
    /// the server sent it. Looked for in the whole line at once: a secret
    /// may span the name and the value.
    pub fn redact_header(&self, line: &str) -> String {
        let line = terminal_safe(line);
        let Some(mut hidden) = self.hidden(&line, true) else {
            return line.to_string();
        };
        let lower = line
            .split_once(": ")
            .map(|(name, _)| name.to_ascii_lowercase());
        if let (Some(lower), Ok(known)) = (lower, self.forms.lock()) {
            for (from, to) in found(&known.0.lower, lower.as_bytes(), true) {
                hidden[from..to].fill(true);
            }
        }
        hide(&line, &hidden)
    }
}

/// `text` with each run of bytes `hidden` marks replaced by `<redacted>`.
fn hide(text: &str, hidden: &[bool]) -> String {
    if !hidden.contains(&true) {
        return text.to_string();
    }
    let mut shown = String::with_capacity(text.len());
    let mut in_secret = false;
    for (at, c) in text.char_indices() {
        let secret = hidden[at..at + c.len_utf8()].contains(&true);
        match (secret, in_secret) {
            (true, false) => shown.push_str("<redacted>"),
            (false, _) => shown.push(c),
            (true, true) => {}
        }
        in_secret = secret;
    }
    shown
}

/// Where each of `secrets` stands in `text`, and with `parts` each run of
/// [`Redactor::PART_LEN`] bytes of one: `(start, end)` byte offsets.
fn found(secrets: &[String], text: &[u8], parts: bool) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = (secrets.iter())
        .flat_map(|s| memchr::memmem::find_iter(text, s.as_bytes()).map(|at| (at, at + s.len())))
        .collect();
    if parts {
        let len = Redactor::PART_LEN;
        let parts: HashSet<&[u8]> = secrets
            .iter()
            .flat_map(|s| s.as_bytes().windows(len))
            .collect();
        let windows = (text.windows(len).enumerate()).filter(|(_, w)| parts.contains(w));
        found.extend(windows.map(|(at, _)| (at, at + len)));
    }
    found
}

/// Where in `text` a list of numbers (`[115,51,…]`, `[115, 51, …]`) spells
/// one of `codes` whole or, with `parts`, [`Redactor::PART_LEN`] of them in a
/// row, as a part of a secret is that many of its characters: `(start, end)`.
fn coded(codes: &[Vec<u32>], text: &[u8], parts: bool) -> Vec<(usize, usize)> {
    let (mut found, mut run) = (Vec::new(), Vec::<(u32, usize, usize)>::new());
    let mut at = 0;
    while at <= text.len() {
        let digits = text[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        // A number after another but for a comma and spaces continues its run.
        let after = (run.last()).map_or(&b""[..], |&(_, _, end)| &text[end..at]);
        let listed = after.first() == Some(&b',') && after[1..].iter().all(|&b| b == b' ');
        if at == text.len() || digits > 0 && !listed {
            found.extend(spelt(codes, &run, parts));
            run.clear();
        }
        let number = std::str::from_utf8(&text[at..at + digits]).ok();
        if let Some(code) = number.and_then(|n| n.parse().ok()) {
            run.push((code, at, at + digits));
        }
        at += digits.max(1);
    }
    found
}

/// Where the numbers of `run` (each with its span) spell one of `codes`, as
/// [`coded`] has it.
fn spelt(codes: &[Vec<u32>], run: &[(u32, usize, usize)], parts: bool) -> Vec<(usize, usize)> {
    let numbers: Vec<u32> = run.iter().map(|&(code, ..)| code).collect();
    let mut found = Vec::new();
    for code in codes {
        let part = if parts {
            Redactor::PART_LEN
        } else {
            code.len()
        };
        let len = part.min(code.len());
        if numbers.len() < len {
            continue;
        }
        let spelling: HashSet<&[u32]> = code.windows(len).collect();
        for (at, _) in (numbers.windows(len).enumerate()).filter(|(_, w)| spelling.contains(w)) {
            found.push((run[at].1, run[at + len - 1].2));
        }
    }
    found
}

/// Where in a text a decoded byte came from: `start..end`.
type Span = (usize, usize);

/// `text` with what it is read past ([`read_past`]) left out and, with
/// `decode`, its `%XX` escapes and JSON escapes (`\uXXXX`, surrogate pairs
/// joined, `\/`, `\"`, …) decoded, and the span of `text` each byte came
/// from; `None` when it has none of them.
fn joined(text: &str, decode: bool) -> Option<(Vec<u8>, Vec<Span>)> {
    let bytes = text.as_bytes();
    let escapes = decode && bytes.iter().any(|&b| b == b'%' || b == b'\\');
    if !escapes && !text.chars().any(read_past) {
        return None;
    }
    let hex = |at: usize, n: usize| {
        let digits = bytes.get(at..at + n)?;
        (digits.iter().all(u8::is_ascii_hexdigit))
            .then(|| u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok())?
    };
    let (mut decoded, mut spans) = (Vec::with_capacity(bytes.len()), Vec::new());
    let mut at = 0;
    while at < bytes.len() {
        // A secret split by characters a terminal does not draw, or by
        // line breaks, would show whole: they are read past.
        let c = (text.get(at..)).and_then(|rest| rest.chars().next());
        if let Some(c) = c.filter(|&c| read_past(c)) {
            at += c.len_utf8();
            continue;
        }
        let mut utf8 = [0; 4];
        let (value, len): (&[u8], usize) = match (bytes[at], bytes.get(at + 1)) {
            (b, _) if !decode => (&[b][..], 1),
            (b'%', _) if hex(at + 1, 2).is_some() => (&[hex(at + 1, 2)? as u8][..], 3),
            (b'\\', Some(b'u')) if hex(at + 2, 4).is_some() => {
                let unit = hex(at + 2, 4)?;
                let low = (bytes.get(at + 6..at + 8) == Some(b"\\u"))
                    .then(|| hex(at + 8, 4))
                    .flatten()
                    .filter(|l| (0xDC00..0xE000).contains(l) && (0xD800..0xDC00).contains(&unit));
                let (c, len) = match low {
                    Some(low) => (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12),
                    None => (unit, 6),
                };
                let c = char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
                (c.encode_utf8(&mut utf8).as_bytes(), len)
            }
            (b'\\', Some(&e @ (b'"' | b'\\' | b'/'))) => (&[e][..], 2),
            (b'\\', Some(b'b')) => (&[8][..], 2),
            (b'\\', Some(b'f')) => (&[12][..], 2),
            (b'\\', Some(b'n')) => (&b"\n"[..], 2),
            (b'\\', Some(b'r')) => (&b"\r"[..], 2),
            (b'\\', Some(b't')) => (&b"\t"[..], 2),
            (b, _) => (&[b][..], 1),
        };
        decoded.extend_from_slice(value);
        spans.extend(std::iter::repeat_n((at, at + len), value.len()));
        at += len;
    }
    Some((decoded, spans))
}

/// What a secret is read across: line breaks (a terminal shows the pieces
/// one under the other; an error line joins them with spaces), and
/// characters drawn as nothing, Unicode's default-ignorable ones
/// (zero-width spaces and joiners, word joiners, variation selectors,
/// tags, …).
fn read_past(c: char) -> bool {
    matches!(c,
        '\n' | '\r' | '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}'..='\u{1160}'
        | '\u{17b4}'..='\u{17b5}' | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fff8}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e0fff}')
}

/// `bytes` with the hex digits of every `%XX` escape in upper case: the
/// same length, the same bytes otherwise.
fn upper_hex_escapes(bytes: &[u8]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    let mut at = 0;
    while at + 2 < bytes.len() {
        let escape = bytes[at] == b'%' && bytes[at + 1..at + 3].iter().all(u8::is_ascii_hexdigit);
        if escape {
            bytes[at + 1..at + 3].make_ascii_uppercase();
        }
        at += if escape { 3 } else { 1 };
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client secret's character codes are a part of it eight codes
    /// in a row, as its text is eight characters: eight bytes of them (two
    /// or three codes, ` 50, 100` of a hex secret's `2d`) redacted ordinary
    /// numbers, a list of allowed values among them.
    #[test]
    fn a_few_of_a_secrets_character_codes_are_no_part_of_it() {
        let r = Redactor::default();
        r.add("9f2d6c1e8a7b4c3d");
        for text in [
            "per_page: must be one of 10, 25, 50, 100",
            "ids 102,50,100,54 and 99,49,101,56 are gone",
        ] {
            assert_eq!(r.redact_shown(text), text);
        }
        for (text, shown) in [
            (
                "found `[57,102,50,100,54,99,49,101|...]'",
                "found `[<redacted>|...]'",
            ),
            ("[100, 54, 99, 49, 101, 56, 97, 55, 98]", "[<redacted>]"),
            (
                "[57,102,50,100,54,99,49,101,56,97,55,98,52,99,51,100]",
                "[<redacted>]",
            ),
            ("[50,100,54,99,49,101,56,97,9]", "[<redacted>,9]"),
        ] {
            assert_eq!(r.redact_shown(text), shown);
        }
        // Python's and Ruby's lists of its bytes, beyond ASCII too.
        r.add("pässwört-Gé heim");
        let bytes: Vec<String> = "pässwört-Gé heim".bytes().map(|b| b.to_string()).collect();
        let text = format!("found [{}]", bytes.join(", "));
        assert_eq!(r.redact_shown(&text), "found [<redacted>]");
    }

    /// A secret holding a control character, pasted where a value goes
    /// (the account name), is shown escaped in the message that refuses
    /// it (`text::visible`): the escaped form is redacted whole, not the
    /// run before the escape alone, which left its tail (`{1b}[0m…`) shown.
    #[test]
    fn a_secret_with_a_control_character_shown_escaped_is_redacted_whole() {
        let r = Redactor::default();
        let secret = "Zq9-SECRET\u{1b}[0mclient-77";
        r.add(secret);
        let text = format!("is `{}`, which is not", crate::text::visible(secret));
        assert_eq!(r.redact_shown(&text), "is `<redacted>`, which is not");
    }

    /// A secret that spans a header's name and value (it holds `: `) is
    /// redacted whole in a `-vv` line, as in any other: the part in the
    /// name, redacted first, left the rest in the value (`: mW9z`) shown.
    #[test]
    fn a_secret_spanning_a_header_name_and_value_is_redacted_whole() {
        let r = Redactor::default();
        r.add("Xk7QRt2L: mW9z");
        assert_eq!(r.redact_header("< x-xk7qrt2l: mW9z"), "< x-<redacted>");
        assert_eq!(
            r.redact_header("< x-echo-xk7qrt2l: w"),
            "< x-echo-<redacted>: w"
        );
    }

    /// Characters drawn as nothing between the pieces of a secret made it
    /// look whole on a terminal, unredacted.
    #[test]
    fn a_secret_split_by_invisible_characters_is_redacted() {
        let r = Redactor::default();
        r.add("Zq9-SECRET-client-77");
        for sep in [
            "\u{200b}",
            "\u{200d}",
            "\u{2060}",
            "\u{2062}",
            "\u{180e}",
            "\u{34f}",
            "\u{e0020}",
        ] {
            let text = format!("bad Zq9-SEC{sep}RET-cli{sep}ent-77, or not");
            assert_eq!(r.redact_shown(&text), "bad <redacted>, or not", "{sep:?}");
            assert_eq!(r.redact(&text), "bad <redacted>, or not", "{sep:?}");
        }
        // Nor by what a terminal drops, which shows it joined.
        for sep in ["\u{1}", "\u{7f}", "\u{85}", "\u{1b}[0m", "\u{fff9}"] {
            let text = format!("bad Zq9-SEC{sep}RET-cli{sep}ent-77, or not");
            assert_eq!(r.redact_shown(&text), "bad <redacted>, or not", "{sep:?}");
        }
        // Nor by line breaks.
        for sep in ["\n", "\r\n", "\r"] {
            let text = format!("bad Zq9-SEC{sep}RET-cli{sep}ent-77, or not");
            assert_eq!(r.redact_shown(&text), "bad <redacted>, or not", "{sep:?}");
        }
        // A form-encoded one too (a space is `+`).
        r.add("pass word 123456");
        assert_eq!(r.redact("p=pass+wo\u{200b}rd+123456"), "p=<redacted>");
        // Other text with them is left as it is.
        let joined = "👨\u{200d}👩\u{200d}👧 Zq9";
        assert_eq!(r.redact_shown(joined), joined);
    }

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

    /// No run of `PART_LEN` bytes of `secret` is left in `text`.
    fn assert_no_part(text: &str, secret: &str) {
        for window in secret.as_bytes().windows(Redactor::PART_LEN) {
            let window = String::from_utf8_lossy(window);
            assert!(!text.contains(window.as_ref()), "{window} in {text}");
        }
    }

    #[test]
    fn a_secret_echoed_in_part_or_encoded_is_redacted_when_shown() {
        let r = Redactor::default();
        let secret = "Xk7Qp2Lm/9Vb4+Nz8Rt5 Wy3H=é";
        r.add(secret);
        for echo in [
            "token Xk7Qp2Lm/9Vb4… has expired",
            "the one ending in z8Rt5 Wy3H=é",
            "client_secret=Xk7Qp2Lm%2F9Vb4%2BNz8Rt5+Wy3H%3D%C3%A9",
            r#"{"secret": "Xk7Qp2Lm\/9Vb4+Nz8Rt5 Wy3H=\u00e9"}"#,
            r#"{"secret": "Xk7Qp2Lm\/9Vb4+Nz8Rt5 Wy3H=é"}"#,
        ] {
            let shown = r.redact_shown(echo);
            assert!(shown.contains("<redacted>"), "{shown}");
            assert_no_part(&shown, secret);
        }
        assert_eq!(
            r.redact_shown("token Xk7Qp2Lm/9Vb4… has expired"),
            "token <redacted>… has expired"
        );
        // The tool's own words, and short runs that happen to match, stay.
        let words = "GET https://api.talkdeskapp.com/express/accounts?page=2: HTTP 401 (token Xk7)";
        assert_eq!(r.redact_shown(words), words);
        // URLs still to be requested lose whole secrets only.
        assert_eq!(r.redact("a/Xk7Qp2Lm/9Vb4"), "a/Xk7Qp2Lm/9Vb4");
    }

    /// A part of a secret holding `%3b` that begins at the escape's digits
    /// (no `%` before them to read them as one) was shown, up to 9
    /// characters; and a stray `%` before a part of a hex secret read its
    /// digits as an escape's (found by fuzzing).
    #[test]
    fn a_part_at_an_escapes_digits_or_after_a_stray_percent_is_hidden() {
        let r = Redactor::default();
        r.add("Xk7%3b!Rt2LmW9");
        let shown = r.redact_shown("client secret ending 3b!Rt2LmW is not valid");
        assert_eq!(shown, "client secret ending <redacted> is not valid");
        let r = Redactor::default();
        r.add("3f9a2c7e5b1d4a6f");
        assert_eq!(
            r.redact_shown("token %3f9a2c7e5 refused"),
            "token %<redacted> refused"
        );
    }

    /// `%2b` is `%2B` (RFC 3986 §2.1): an echo with lower-case (or
    /// mixed) escapes was shown whole.
    #[test]
    fn percent_escapes_match_in_either_case() {
        let r = Redactor::default();
        r.add("Zq8+Lm/2Xv=Pt7Rw");
        r.add_authorization("Bearer tok/9+Ab=Cd");
        r.add("pass word 123");
        for (echo, redacted) in [
            (
                "bad secret Zq8%2BLm%2F2Xv%3DPt7Rw!",
                "bad secret <redacted>!",
            ),
            (
                "bad secret Zq8%2bLm%2f2Xv%3dPt7Rw!",
                "bad secret <redacted>!",
            ),
            (
                "bad secret Zq8%2bLm%2F2Xv%3dPt7Rw!",
                "bad secret <redacted>!",
            ),
            ("token=tok%2f9%2bAb%3dCd&x=%2f", "token=<redacted>&x=%2f"),
            (
                "p=pass+word+123 q=pass%20word%20123",
                "p=<redacted> q=<redacted>",
            ),
        ] {
            assert_eq!(r.redact(echo), redacted);
            assert_eq!(r.redact_shown(echo), redacted);
        }
        // In part: the first eight bytes of the escaped secret, lower case.
        assert_eq!(r.redact_shown("was Zq8%2bLm%2f…"), "was <redacted>…");
        // Other escapes keep their case.
        assert_eq!(r.redact_shown("a%2fb %e9 %"), "a%2fb %e9 %");
    }

    /// Every character escaped, as no encoder writes it but a hostile
    /// server may echo it: shown whole before.
    #[test]
    fn a_secret_escaped_character_by_character_is_redacted() {
        let r = Redactor::default();
        let secret = "sEcR3t-9f/é😀";
        r.add(secret);
        let percent: String = secret.bytes().map(|b| format!("%{b:02x}")).collect();
        let json: String = secret
            .encode_utf16()
            .map(|u| format!("\\u{u:04X}"))
            .collect();
        let mixed = "%73E\\u0063R3t-9f\\/\\u00e9\\ud83d\\ude00";
        for echo in [&percent, &json, mixed] {
            let line = format!("unknown secret {echo}; bye");
            assert_eq!(r.redact(&line), "unknown secret <redacted>; bye", "{line}");
            assert_eq!(r.redact_shown(&line), "unknown secret <redacted>; bye");
        }
        // In part, escaped: the first eight bytes, each escaped.
        let part: String = secret
            .bytes()
            .take(8)
            .map(|b| format!("%{b:02X}"))
            .collect();
        assert_eq!(r.redact_shown(&format!("was {part}…")), "was <redacted>…");
        // Escapes of other text stay as they were.
        let other = "a%2fb \\u0041 \\n %zz \\";
        assert_eq!(r.redact_shown(other), other);
    }

    /// A secret holding control characters, echoed in JSON with their
    /// short escapes (`\t`, `\b`, `\f`, `\r`) beside a `\uXXXX` one (so
    /// in neither of the forms remembered), is found decoded.
    #[test]
    fn a_secret_echoed_with_short_json_escapes_is_redacted() {
        let r = Redactor::default();
        r.add("K9\tq\u{8}w\u{c}e\rZ\"7x");
        let line = r#"{"error":"unknown client K9\tq\bw\fe\rZ\u00227x"}"#;
        assert_eq!(r.redact(line), r#"{"error":"unknown client <redacted>"}"#);
    }

    /// An echo in another case was shown: for a hex or UUID credential,
    /// the credential itself.
    #[test]
    fn a_secret_echoed_in_another_case_is_redacted() {
        let r = Redactor::default();
        r.add("3f2504e04f8911d39a0c0305e82c3301");
        r.add("Zq7Xk9Vw2Lm4NpRt6Yb3");
        for echo in [
            "bad 3F2504E04F8911D39A0C0305E82C3301!",
            "bad zq7xk9vw2lm4nprt6yb3!",
            "bad ZQ7XK9VW2LM4%4ePRT6YB3!",
            "bad \\u005aQ7XK9VW2LM4NPRT6YB3!",
        ] {
            assert_eq!(r.redact_shown(echo), "bad <redacted>!", "{echo}");
        }
        // A part in another case is left: a word of the tool's own text
        // would be one (a secret `Accounts-Reader-Key-2026` made every
        // page's URL `/express/<redacted>`).
        assert_eq!(r.redact_shown("was ZQ7XK9VW…"), "was ZQ7XK9VW…");
        assert_eq!(r.redact_shown("was Zq7Xk9Vw…"), "was <redacted>…");
        r.add("Accounts-Reader-Key-2026");
        let url = "GET https://api.talkdeskapp.com/express/accounts?page=2";
        assert_eq!(r.redact_shown(url), url);
    }

    /// A secret with letters outside ASCII echoed in upper case (a server
    /// upper-casing what it quotes) was shown whole: case was folded for
    /// ASCII letters alone (found by fuzzing echoes).
    #[test]
    fn a_secret_with_letters_outside_ascii_is_redacted_in_another_case() {
        let r = Redactor::default();
        r.add("sécrét-Ünïcødé-4x9");
        for echo in ["bad SÉCRÉT-ÜNÏCØDÉ-4X9!", "bad sécrét-ünïcødé-4x9!"] {
            assert_eq!(r.redact_shown(echo), "bad <redacted>!", "{echo}");
        }
    }

    /// Each case-folded form is looked for once: an ASCII secret's upper-
    /// and lower-case forms fold to the one already kept (three searches of
    /// every page's next link for one secret cost a walk 0.7 % more
    /// instructions), a secret beyond ASCII keeps its other forms.
    #[test]
    fn a_secret_is_looked_for_once_in_each_case_folded_form() {
        let r = Redactor::default();
        r.add("Tok3n-abc-DEF");
        r.add("sécrét-Ünïcødé-4x9");
        let secrets = &r.forms.lock().unwrap().0;
        let unique: HashSet<&String> = secrets.lower.iter().collect();
        assert_eq!(unique.len(), secrets.lower.len(), "{:?}", secrets.lower);
        let ascii = secrets.lower.iter().filter(|f| f.starts_with("tok3n"));
        assert_eq!(ascii.count(), 1, "{:?}", secrets.lower);
        assert!(
            secrets.lower.iter().any(|f| f.starts_with("sÉcrÉt")),
            "{:?}",
            secrets.lower
        );
    }

    /// A secret with a `%XX` in it, split by a line break: its start was
    /// looked for only with the escape decoded, and shown.
    #[test]
    fn a_secret_holding_a_percent_escape_split_by_line_breaks_is_redacted() {
        let r = Redactor::default();
        r.add("Abecd%efxghyijzklamnbopcqr");
        for sep in ["\n", "\u{200b}"] {
            let text = format!("bad Abec{sep}d%ef{sep}xghy{sep}ijzk{sep}lamn{sep}bopc{sep}qr!");
            assert_eq!(r.redact_shown(&text), "bad <redacted>!", "{sep:?}");
        }
    }

    /// A secret holding a character reference was shown decoded from an
    /// HTML page, which is read as a browser shows it.
    #[test]
    fn a_secret_holding_a_character_reference_is_redacted_decoded() {
        let r = Redactor::default();
        r.add("Ab&#38;Zq7Xk9V");
        assert_eq!(r.redact_shown("bad Ab&Zq7Xk9V!"), "bad <redacted>!");
    }

    #[test]
    fn a_secret_ending_in_a_quote_is_redacted_json_escaped() {
        let r = Redactor::default();
        r.add("Xk7Qp2Lm\"");
        assert_eq!(r.redact(r#"{"s":"Xk7Qp2Lm\""}"#), r#"{"s":"<redacted>"}"#);
    }

    #[test]
    fn very_short_values_are_not_treated_as_secrets() {
        let r = Redactor::default();
        r.add("");
        r.add("abc");
        assert_eq!(r.redact("abc cab"), "abc cab");
    }

    /// A secret whose character references decode to fewer than
    /// `MIN_LEN` characters (`&#65;&#66;`) redacted every `ab` of a message.
    #[test]
    fn a_secret_decoding_to_a_short_text_leaves_other_text_alone() {
        let r = Redactor::default();
        r.add("&#65;&#66;");
        assert_eq!(r.redact_shown("about &#65;&#66;"), "about <redacted>");
    }

    #[test]
    fn a_value_of_min_len_is_a_secret() {
        let r = Redactor::default();
        r.add("abcd");
        assert_eq!(r.redact("x abcd y"), "x <redacted> y");
    }

    /// A stray `%` or `\u` that is no escape, elsewhere in the text, does
    /// not stop the escapes of a secret from being decoded; nor does a
    /// surrogate without its pair.
    #[test]
    fn escapes_are_decoded_past_what_is_no_escape() {
        let r = Redactor::default();
        r.add("sEcR3t-9f");
        for stray in ["100%zz", "\\uzzzz", "\\ud83d\\u0041", "\\u0041\\udc00"] {
            let line = format!("{stray}: %73%45%63%52%33%74%2d%39%66");
            let shown = format!("{stray}: <redacted>");
            assert_eq!(r.redact_shown(&line), shown, "{line}");
        }
    }

    #[test]
    fn only_the_digits_of_percent_escapes_are_upper_cased() {
        let text = b"%2f and later %3d, cafe %zz %4";
        assert_eq!(upper_hex_escapes(text), b"%2F and later %3D, cafe %zz %4");
    }
}
