//! Text the tool did not write, made fit to show: inert on a terminal
//! ([`terminal_safe`]) and short ([`shorten`]). Used by error messages, the
//! request log and the output formats alike.

use std::ops::Range;

/// Removes what a terminal would act on: ANSI CSI and OSC sequences (and
/// any other ESC sequence), C0 and C1 control characters, DEL, and the
/// Unicode bidi embedding, override and isolate characters. Newlines stay
/// (a table cell may span lines); tabs become spaces.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_terminal_safe(text, &mut out);
    out
}

/// [`terminal_safe`], appended to `out`.
pub fn push_terminal_safe(text: &str, out: &mut String) {
    // Printable ASCII, the common case, has nothing to remove.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' | '\u{9b}' | '\u{9d}' => {
                // ESC [ … final, ESC ] … BEL|ST, ESC x, CSI (0x9b), OSC (0x9d).
                let kind = match c {
                    '\u{9b}' => Some('['),
                    '\u{9d}' => Some(']'),
                    _ => chars.next(),
                };
                match kind {
                    Some('[') => {
                        // Parameters and intermediates, then one final byte 0x40-0x7e.
                        chars.find(|ch| ('\u{40}'..='\u{7e}').contains(ch));
                    }
                    Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
                        // String sequences end with BEL or ST (ESC \ or 0x9c).
                        while let Some(ch) = chars.next() {
                            let st = ch == '\u{1b}' && chars.next_if_eq(&'\\').is_some();
                            if ch == '\u{7}' || ch == '\u{9c}' || st {
                                break;
                            }
                        }
                    }
                    _ => {}
                }
            }
            '\n' => out.push('\n'),
            // Line and paragraph separators too: the columns stay aligned.
            '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => {}
            '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{61c}' => {}
            // Format characters terminals draw at widths tables do not
            // count (a soft hyphen, interlinear annotations, a BOM): the
            // columns stay aligned.
            '\u{ad}' | '\u{fff9}'..='\u{fffb}' | '\u{feff}' => {}
            // Hangul fillers: blank, drawn at widths from 0 to 2.
            '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' => {}
            '\u{fffe}' | '\u{ffff}' => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
}

/// `text`, a value the user gave, as a message shows it: each character
/// [`terminal_safe`] would take out or change (an escape, a control
/// character, a bidi override) and a newline written as Rust writes it
/// (`\u{1b}`), so that a message shows what was given, not less of it.
pub fn visible(text: &str) -> String {
    let shown = |c: char| match c == '\n' || altered(c) {
        true => c.escape_unicode().to_string(),
        false => c.to_string(),
    };
    text.chars().map(shown).collect()
}

/// Whether [`terminal_safe`] takes `c` out or changes it.
pub fn altered(c: char) -> bool {
    let mut buf = [0; 4];
    let one: &str = c.encode_utf8(&mut buf);
    terminal_safe(one) != one
}

/// A path as a message shows it: as [`visible`] shows a value, so that
/// one with a control character is named as it is (`Path::display` let
/// the terminal's sanitizing take the escape out, and a letter after it).
pub fn shown_path(path: &(impl AsRef<std::path::Path> + ?Sized)) -> String {
    visible(&path.as_ref().to_string_lossy())
}

/// `bytes` as bash's `$'…'`: printable ASCII as it is, every other byte
/// (and `'`, `\`) escaped.
pub fn dollar_quoted(bytes: &[u8]) -> String {
    let byte = |&b: &u8| match b {
        b' '..=b'~' if b != b'\'' && b != b'\\' => char::from(b).to_string(),
        _ => format!("\\x{b:02x}"),
    };
    format!("$'{}'", bytes.iter().map(byte).collect::<String>())
}

/// A serde message in the user's words: `expected u64` is "a whole
/// number 0 or more", `expected f64` "a number"; and a number that is no
/// whole number 0 to 2^64 - 1 is not called `floating point` (a whole
/// number beyond 64 bits reads as one: `1.8446744073709552e+19`).
pub fn plain_types(message: &str) -> String {
    let float = (message.split_once("invalid type: floating point `"))
        .and_then(|(before, rest)| Some((before, rest.split_once('`')?.1)));
    let mut text = match float {
        Some((before, after)) => {
            format!("{before}invalid value: a number with a fraction or beyond 64 bits{after}")
        }
        None => message.to_string(),
    };
    for (rust, plain) in [
        ("expected u64", "expected a whole number 0 or more"),
        ("expected u32", "expected a whole number 0 or more"),
        ("expected usize", "expected a whole number 0 or more"),
        ("expected i128", "expected a whole number"),
        (" as i128", ""),
        (" as u128", ""),
        (
            "invalid value: u128",
            "invalid value: a whole number far too large",
        ),
        ("expected f64", "expected a number"),
    ] {
        text = text.replace(rust, plain);
    }
    text
}

/// The deepest nesting of arrays and objects the tool reads: a value
/// deeper is refused, where reading it (a column, a sort key, a change of
/// it) would recurse until the stack ran out.
pub const MAX_DEPTH: usize = 10_000;

/// A message naming [`MAX_DEPTH`] when a JSON text nests arrays and objects
/// deeper (counted outside strings) within the `outer` levels around an
/// account's values (a page's 4, an account's own 1).
pub fn too_deep(json: &[u8], outer: usize) -> Option<String> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in json {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'[' | b'{') => depth += 1,
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_DEPTH + outer {
            return Some(format!(
                "a value is nested more than {MAX_DEPTH} levels deep, more than the tool reads"
            ));
        }
    }
    None
}

/// True for JSON text that is an array: serde's derived structs read one
/// where an object belongs, field by field in order.
pub fn is_json_array(json: &[u8]) -> bool {
    json.trim_ascii_start().starts_with(b"[")
}

/// Where a whole JSON value of type `T` lies in `body` when other text
/// comes before or after it (PHP's warnings and notices, with
/// display_errors on), and that text: the one before it, else after it,
/// with which of the two it is. None in a page of HTML that shows the
/// value (a mock server's documentation): no notices print its tags.
pub fn json_among_text<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Option<(Range<usize>, &'static str, &[u8])> {
    let span = (memchr::memchr_iter(b'{', body).take(16)).find_map(|start| {
        let mut values = serde_json::Deserializer::from_slice(&body[start..]).into_iter::<T>();
        values.next()?.ok()?;
        Some(start..start + values.byte_offset())
    })?;
    let (before, after) = (&body[..span.start], &body[span.end..]);
    let page = |text: &[u8]| {
        let text = text.to_ascii_lowercase();
        ["<html", "<body", "<!doctype"]
            .iter()
            .any(|tag| memchr::memmem::find(&text, tag.as_bytes()).is_some())
    };
    if page(before) || page(after) {
        return None;
    }
    let (place, other) = match before.trim_ascii().is_empty() {
        true => ("after", after),
        false => ("before", before),
    };
    (!other.trim_ascii().is_empty()).then_some((span, place, other))
}

/// Where an HTML page starts in `body`, which starts as JSON: the error
/// page a server appended to a page it had begun, whole or not (ASP.NET's,
/// of a handler that raised after `Response.Flush()`). Not one a string of
/// the JSON holds (a company name's `<html>`), unless the body ends as
/// markup does and the JSON was cut inside that string: one that never
/// closes, or whose closing quote (the page's) no `,` `:` `]` or `}` follows.
pub fn page_after_json(body: &[u8]) -> Option<usize> {
    let tags = [b"<?xml".as_slice(), b"<!doctype html", b"<html"];
    let page = |at: &usize| {
        let tag = |tag: &&[u8]| {
            body[*at..]
                .get(..tag.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(tag))
        };
        tags.iter().any(tag)
    };
    let ends_as_markup = body.trim_ascii_end().ends_with(b">");
    let in_cut = |start: usize| (start..body.len()).filter(|_| ends_as_markup).find(page);
    body.trim_ascii_start().starts_with(b"{").then_some(())?;
    let (mut open, mut escaped) = (None, false);
    for (at, &b) in body.iter().enumerate() {
        match (open, b) {
            (None, _) if page(&at) => return Some(at),
            (Some(_), _) if escaped => escaped = false,
            (Some(_), b'\\') => escaped = true,
            (None, b'"') => open = Some(at),
            (Some(start), b'"') => {
                let next = body[at + 1..].trim_ascii_start().first();
                if !matches!(next, Some(b',' | b':' | b']' | b'}')) {
                    return in_cut(start);
                }
                open = None;
            }
            _ => {}
        }
    }
    in_cut(open?)
}

/// `bytes` without a UTF-8 byte-order mark in front (a proxy's, or
/// Windows Notepad's): JSON and PEM readers may ignore it (RFC 8259).
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Whether `body` starts as JSON and stops before its end (a server that
/// ended its answer early).
pub fn json_cut_short(body: &[u8]) -> bool {
    let text = without_bom(body).trim_ascii_start();
    matches!(text.first(), Some(b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_err_and(|e| e.is_eof())
}

/// True for text starting with a UTF-16 byte-order mark, as Windows
/// PowerShell's `>` writes what it redirects.
pub fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")
}

/// The compressor whose magic number starts `bytes` (none starts a JSON
/// text), as `gzip` keeps a nightly export.
pub fn compressed_with(bytes: &[u8]) -> Option<&'static str> {
    let magic: [(&[u8], &str); 4] = [
        (b"\x1f\x8b", "gzip"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"\xfd7zXZ\x00", "xz"),
        (b"BZh", "bzip2"),
    ];
    let is_bzip2 = |rest: &[u8]| rest.first().is_some_and(u8::is_ascii_digit);
    (magic.into_iter())
        .find(|(m, tool)| bytes.starts_with(m) && (*tool != "bzip2" || is_bzip2(&bytes[3..])))
        .map(|(_, tool)| tool)
}

/// UTF-16 without a byte-order mark (`iconv -t UTF-16LE`): its first
/// character ASCII, and the other byte of it NUL, which no JSON text holds.
pub fn utf16_without_bom(bytes: &[u8]) -> bool {
    matches!(bytes, [0, b, ..] | [b, 0, ..] if *b != 0 && b.is_ascii())
}

/// The line of the first ASCII control character that TOML and JSON
/// allow nowhere (all but tab and line ends), named: the Ctrl-Z old DOS
/// editors end a file with, a NUL, each invisible in an editor.
pub fn control_character(text: &str) -> Option<(usize, String)> {
    let at = text.find(|c: char| c.is_ascii_control() && !matches!(c, '\t' | '\r' | '\n'))?;
    let c = text[at..].chars().next()?;
    let named = match c {
        '\0' => "a NUL (U+0000)".into(),
        '\u{1a}' => "a Ctrl-Z (U+001A), as old DOS editors end a file with".into(),
        c => format!("a control character (U+{:04X})", u32::from(c)),
    };
    Some((text[..at].matches('\n').count() + 1, named))
}

/// `bytes` as UTF-16 code units, big- or little-endian (an odd last byte
/// left out).
pub fn utf16_units(bytes: &[u8], big: bool) -> Vec<u16> {
    let unit = |c: &[u8]| match big {
        true => u16::from_be_bytes([c[0], c[1]]),
        false => u16::from_le_bytes([c[0], c[1]]),
    };
    bytes.chunks_exact(2).map(unit).collect()
}

/// What a body that should be JSON is, where it is no text a JSON reader
/// can name (a file served as it is: saved as UTF-16, or kept compressed),
/// with what to do about the server at `setting` that sends it.
pub fn foreign_body(bytes: &[u8], setting: &str) -> Option<(String, String)> {
    if is_utf16(bytes) || utf16_without_bom(bytes) {
        return Some((
            "UTF-16 text".into(),
            format!(
                "JSON is UTF-8 (RFC 8259), and the server at {setting} sends UTF-16 (as Windows PowerShell's `>` saves a file); have it send UTF-8 (save a file it serves as UTF-8)"
            ),
        ));
    }
    if let Some(size) = chunk_framed(bytes) {
        return Some((
            format!("chunk framing: a chunk size, {size} in hex, on its first line"),
            format!(
                "the server at {setting}, or a proxy in front of it, sends a chunked answer's framing as the body (rouille's proxy passes one on so): have whoever runs it fix it, or set {setting} to the server behind any proxy"
            ),
        ));
    }
    compressed_with(bytes).map(|tool| {
        (
            format!("{tool}-compressed data, with no Content-Encoding"),
            format!("the server at {setting} sends a compressed file as it is; have it send the UTF-8 JSON inside (`{tool} -d` a file it serves)"),
        )
    })
}

/// The chunk size a body starts with when it is still in HTTP/1.1 chunk
/// framing (RFC 9112 §7.1): a line of hex digits (with any extension),
/// then that many bytes and a CRLF, as a proxy that passes a chunked
/// answer's raw bytes on as its body sends it.
fn chunk_framed(bytes: &[u8]) -> Option<&str> {
    let line_end = memchr::memmem::find(bytes, b"\r\n")?;
    let line = std::str::from_utf8(&bytes[..line_end]).ok()?;
    let size = line.split(';').next().unwrap_or_default();
    let hex = (1..=16).contains(&size.len()) && size.bytes().all(|b| b.is_ascii_hexdigit());
    let len = usize::from_str_radix(size, 16)
        .ok()
        .filter(|&len| hex && len > 0)?;
    let end = (line_end + 2).checked_add(len)?;
    (bytes.get(end..end.checked_add(2)?)? == b"\r\n").then_some(size)
}

/// `1 request`, `2 requests`: a count and its noun, singular or plural.
pub fn counted(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `90 s`, `50 min`, `3 h`, `2 h 5 min`, `365 days`: a length of time as
/// a message says it, rounded up to the unit it is said in.
pub fn spoken_duration(secs: u64) -> String {
    let mins = secs.div_ceil(60);
    match mins {
        _ if secs < 120 => format!("{secs} s"),
        ..120 => format!("{mins} min"),
        120..2880 if mins % 60 == 0 => format!("{} h", mins / 60),
        120..2880 => format!("{} h {} min", mins / 60, mins % 60),
        _ => format!("{} days", secs.div_ceil(86_400)),
    }
}

/// At most `max` characters of `text`, with `…` when it was cut. Callers
/// redact secrets first: a cut must never leave part of one behind.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// `text` with each run of more than `max` characters without a space
/// (a URL with a huge query, a path) cut in its middle to `max`, marked
/// `…`: an error line stays readable. Callers redact secrets first.
pub fn shorten_words(text: &str, max: usize) -> String {
    let cut = |word| shorten_middle(word, max);
    text.split(' ').map(cut).collect::<Vec<String>>().join(" ")
}

/// At most `max` characters of `text`, cut in its middle (`…`) when
/// longer: its end (`… with "id"`) stays. Callers redact secrets first.
pub fn shorten_middle(text: &str, max: usize) -> String {
    let chars = text.chars().count();
    if chars <= max {
        return text.to_string();
    }
    let tail = max / 4;
    let head = text.chars().take(max - tail - 1);
    head.chain(['…'])
        .chain(text.chars().skip(chars - tail))
        .collect()
}

/// `text` with HTML's character references decoded: the named ones error
/// pages use, and numeric ones (`&#8203;`, `&#x5A;`), which a secret may
/// be spelt in.
pub fn unescaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.bytes().take(12).position(|b| b == b';');
        let reference = end.and_then(|end| {
            let c = match &rest[1..end] {
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "amp" => '&',
                "apos" => '\'',
                "nbsp" => ' ',
                name => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        let (c, len) = reference.unwrap_or(('&', 1));
        out.push(c);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn json_among_text_finds_the_value_and_the_text_beside_it() {
        use serde::de::IgnoredAny;
        let among = |body: &str| {
            json_among_text::<IgnoredAny>(body.as_bytes())
                .map(|(at, place, other)| (at, place, String::from_utf8_lossy(other).into_owned()))
        };
        let warning = "<b>Warning</b>: x in {y} on line 1\n";
        assert_eq!(
            among(&format!("{warning}{{\"a\":1}}\n")),
            Some((35..42, "before", warning.into()))
        );
        assert_eq!(
            among(&format!("{{\"a\":1}}{warning}")),
            Some((0..7, "after", warning.into()))
        );
        // Blank beside it, or no JSON value at all: none.
        for body in ["{\"a\":1}", "  {\"a\":1}\r\n", "<html>{nope}</html>", ""] {
            assert_eq!(among(body), None, "{body:?}");
        }
        // A page of HTML showing the value is no text printed beside it.
        let docs = "<!DOCTYPE html><html><body><pre>{\"a\":1}</pre></body></html>";
        assert_eq!(among(docs), None);
        // Another type than the one asked for is no value of it.
        assert!(json_among_text::<Vec<u8>>(b"x {\"a\":1}").is_none());
    }

    #[test]
    fn depth_is_counted_outside_strings() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(too_deep(deep(MAX_DEPTH).as_bytes(), 0).is_none());
        assert!(too_deep(deep(MAX_DEPTH + 1).as_bytes(), 0).is_some());
        assert!(too_deep(deep(MAX_DEPTH + 1).as_bytes(), 1).is_none());
        let text = format!(
            r#"{{"a":"{}\"[","b":{}}}"#,
            "[".repeat(MAX_DEPTH * 2),
            deep(9)
        );
        assert!(
            too_deep(text.as_bytes(), 1).is_none(),
            "brackets in strings are text"
        );
    }
    use super::*;

    /// `<html>` inside a string of the JSON (a company name), of a page
    /// cut short or refused for another reason, is no page after it: it
    /// was said "an HTML page after N bytes of its JSON" (read-through of
    /// the ASP.NET fix).
    #[test]
    fn markup_inside_a_json_string_is_no_page_after_the_json() {
        let name = br#"{"_embedded":{"accounts":[{"company_name":"<html> \"<!DOCTYPE html> Co"#;
        assert_eq!(page_after_json(name), None);
        let whole = br#"{"_embedded":{"accounts":[{"company_name":"<html>"}]}}"#;
        assert_eq!(page_after_json(whole), None);
        let cut = br#"{"total": 2, "_embedded": {"accounts": [{"id": "a", "note": "x<HTML"}, {"id"#;
        assert_eq!(page_after_json(cut), None);
        let appended = br#"{"a": "<html>", "b": 1}<!DOCTYPE html><html>"#;
        assert_eq!(page_after_json(appended), Some(23));
        // Cut inside a string, then the page: its end says markup.
        let cut_then_page = br#"{"a": "Comp<!DOCTYPE html><html></html>"#;
        assert_eq!(page_after_json(cut_then_page), Some(11));
    }

    /// The page after a JSON cut inside a string starts in that string,
    /// not in an earlier one: a company name's `<html>` before it was
    /// taken for its start, and the words shown were the page's accounts
    /// (XSP 4.8, a handler raising after it flushed half a page).
    #[test]
    fn a_page_after_a_cut_string_starts_in_the_string_cut() {
        let cut = br#"{"a": [{"company_name": "<html> Co", "name": "Comp<?xml version="1.0"?><html></html>"#;
        let at = cut.windows(5).position(|w| w == b"<?xml");
        assert_eq!(page_after_json(cut), at);
        // Its quotes may close the string cut: still the first tag in it.
        let quoted = br#"{"a": "<html>", "b": "x<!DOCTYPE html><html lang="en"></html>"#;
        assert_eq!(page_after_json(quoted), Some(23));
    }

    #[test]
    fn visible_escapes_what_terminal_safe_would_take_out_and_keeps_the_rest() {
        assert_eq!(
            visible("a\u{1b}[2Jb\tc\nd\u{202e}é東"),
            r"a\u{1b}[2Jb\u{9}c\u{a}d\u{202e}é東"
        );
        assert_eq!(visible("plain-name_1"), "plain-name_1");
        assert_eq!(terminal_safe(&visible("\u{9b}31m\u{7}")), r"\u{9b}31m\u{7}");
    }

    #[test]
    fn format_characters_and_separators_that_misalign_a_table_go() {
        assert_eq!(
            terminal_safe(
                "a\u{ad}b\u{2028}c\u{2029}d\u{fff9}e\u{fffb}\u{feff}f\u{3164}\u{ffa0}\u{fffe}"
            ),
            "ab c def\u{fffd}"
        );
    }

    #[test]
    fn a_number_beyond_64_bits_is_not_called_floating_point() {
        assert_eq!(
            plain_types(
                "invalid type: floating point `1.8446744073709552e+19`, expected u64 at line 1"
            ),
            "invalid value: a number with a fraction or beyond 64 bits, expected a whole number 0 or more at line 1"
        );
    }

    #[test]
    fn only_long_words_are_cut_in_their_middle() {
        let url = format!("http://h/x?q={}&page=2:", "a".repeat(70_000));
        let line = format!("GET {url} request failed: uri too long");
        let short = shorten_words(&line, 100);
        assert_eq!(short.chars().count(), 4 + 100 + 29, "{short}");
        assert!(short.starts_with("GET http://h/x?q=aaa") && short.contains("…"));
        assert!(
            short.ends_with("aaa&page=2: request failed: uri too long"),
            "{short}"
        );
        assert_eq!(shorten_words("a b  c", 1), "a b  c");
    }

    #[test]
    fn ansi_and_osc_sequences_are_removed() {
        assert_eq!(terminal_safe("\x1b[31mRed\x1b[0m Corp"), "Red Corp");
        assert_eq!(terminal_safe("\x1b]0;pwned\x07Acme"), "Acme");
        assert_eq!(
            terminal_safe("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\"),
            "click"
        );
        assert_eq!(terminal_safe("a\u{9b}2Jb"), "ab");
        assert_eq!(terminal_safe("trailing\x1b"), "trailing");
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_removed() {
        assert_eq!(terminal_safe("a\x00b\x07c\x7fd\u{85}e\rf"), "abcdef");
        assert_eq!(terminal_safe("evil\u{202e}fdp.exe"), "evilfdp.exe");
        assert_eq!(terminal_safe("x\u{2066}y\u{2069}"), "xy");
        assert_eq!(terminal_safe("tab\there"), "tab here");
        assert_eq!(terminal_safe("two\nlines"), "two\nlines");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in [
            "Café Zürich GmbH",
            "東京テレコム株式会社",
            "O'Brien & Sons, \"Ltd\"",
            "-",
        ] {
            assert_eq!(terminal_safe(s), s);
        }
    }

    #[test]
    fn shorten_cuts_at_characters_and_marks_the_cut() {
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("ééé", 2), "éé…");
    }

    /// The 8-bit OSC (0x9d) goes up to its BEL or 8-bit ST (0x9c), as ESC ] does.
    #[test]
    fn an_eight_bit_osc_is_removed_to_its_terminator() {
        assert_eq!(terminal_safe("a\u{9d}0;pwned\u{9c}b"), "ab");
        assert_eq!(terminal_safe("a\x1b]0;pwned\u{9c}b"), "ab");
        assert_eq!(terminal_safe("a\u{9d}2;x\x07b"), "ab");
    }

    #[test]
    fn json_arrays_and_utf16_are_told_by_their_first_bytes() {
        assert!(is_json_array(b" \n[1]") && !is_json_array(b"{\"a\":[1]}"));
        assert!(is_utf16(b"\xFF\xFEa\0") && is_utf16(b"\xFE\xFF\0a"));
        assert!(!is_utf16(b"\xEF\xBB\xBF[]") && !is_utf16(b"\xFF"));
        assert_eq!(without_bom(b"\xEF\xBB\xBF[]"), b"[]");
    }

    /// A body still in chunk framing is told by its first chunk: a size in
    /// hex, that many bytes, a CRLF; JSON, a PHP warning before it, or a
    /// size the bytes do not fill is not.
    #[test]
    fn a_body_still_in_chunk_framing_is_told_by_its_first_chunk() {
        assert_eq!(chunk_framed(b"2\r\n{}\r\n0\r\n\r\n"), Some("2"));
        assert_eq!(
            chunk_framed(b"1f;x=y\r\n{\"count\": 0, \"total\": 0, \"a\":1}\r\n0\r\n\r\n"),
            Some("1f")
        );
        assert_eq!(chunk_framed(b"{}\r\n"), None);
        assert_eq!(chunk_framed(b"3\r\n{}\r\n0\r\n\r\n"), None);
        assert_eq!(chunk_framed(b"0\r\n\r\n"), None);
        assert_eq!(chunk_framed(b"+2\r\n{}\r\n"), None);
        assert_eq!(chunk_framed(b"Warning: x in /a.php\r\n{}"), None);
    }

    /// A `'` or `\` is escaped like any other byte: raw, `'` would close
    /// the `$'…'` and `\` start an escape bash reads as another byte.
    #[test]
    fn dollar_quoting_escapes_a_quote_and_a_backslash() {
        assert_eq!(dollar_quoted(b"a'b\\c\x1bd"), r"$'a\x27b\x5cc\x1bd'");
    }

    #[test]
    fn two_minutes_are_said_in_minutes() {
        assert_eq!(spoken_duration(119), "119 s");
        assert_eq!(spoken_duration(120), "2 min");
        assert_eq!(spoken_duration(121), "3 min");
    }

    /// Depth is counted past an escaped quote, after a string's end, and
    /// down again at each closing bracket.
    #[test]
    fn depth_follows_escapes_string_ends_and_closing_brackets() {
        let open = "[".repeat(MAX_DEPTH + 1);
        let escaped = format!(r#"{{"a":"\"{open}"}}"#);
        assert!(too_deep(escaped.as_bytes(), 1).is_none(), "escaped quote");
        let after = format!(r#"{{"a":"x","b":{open}"#);
        assert!(too_deep(after.as_bytes(), 0).is_some(), "after a string");
        let siblings = format!("[{}[]]", "[],".repeat(MAX_DEPTH + 1));
        assert!(too_deep(siblings.as_bytes(), 0).is_none(), "closed arrays");
    }
}
