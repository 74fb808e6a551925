//! Error bodies: Talkdesk's `{code, message, description, fields}` and
//! OAuth's `{error, error_description}`, shown whole on one line.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

pub use super::client::NEXT_LINK_TOO_LONG;
use super::client::{Reply, token_length};
use super::pacer::{GO_TIMEOUT_PAGE, is_crowd_refusal, is_limiter_fault};
use super::redact::Redactor;
use super::retry::MAX_RETRY_AFTER;
use super::trust::CLIENT_CERTIFICATE;
use super::url::{Url, aspx_error, smaller_page};
use crate::error::api_error;
use crate::text::{
    counted, shorten, spoken_duration, terminal_safe, unescaped, utf16_units, without_bom,
};

/// How much of a body that is not a Talkdesk or OAuth error is shown.
const SNIPPET_CHARS: usize = 200;

/// How much of each field of an error body is shown: every real message
/// whole, a hostile one of megabytes cut.
const PART_CHARS: usize = 1000;

#[derive(Debug, Default, Deserialize)]
struct TalkdeskError {
    code: Option<Value>,
    message: Option<String>,
    description: Option<String>,
    #[serde(default)]
    fields: Vec<FieldError>,
    error: Option<String>,
    error_description: Option<String>,
    // RFC 9457 problem details (Prism, connexion); FastAPI's `detail`
    // may be a list, shown as the body is.
    title: Option<Value>,
    detail: Option<Value>,
    // Zalando's problem-spring-web's, API Platform's; RFC 7807's example.
    #[serde(alias = "violations", alias = "invalid-params")]
    validation: Option<Value>,
    // Litestar's list of messages ([`parsed`]).
    extra: Option<Value>,
    errors: Option<Value>,
    // Apigee's own `{"fault":{"faultstring":…,"detail":{"errorcode":…}}}`.
    // Read as a value: another API's `fault` of another shape is ignored.
    fault: Option<Value>,
    // Jetty's `{"message":…,"url":…,"status":"500"}` (its status a string).
    url: Option<Value>,
    status: Option<Value>,
}

/// The messages in a problem's `validation` or `errors`: Prism's
/// `[{"message": …}]`, RFC 9457's and JSON:API's `[{"detail": …}]`,
/// ASP.NET's `{"per_page": ["…"]}`; a message named by its `key`
/// (Litestar's) or `field` (Zalando's).
fn messages(value: &Value, name: &str) -> Vec<String> {
    let own = ["message", "detail", "msg"]
        .iter()
        .find_map(|k| value.get(k)?.as_str());
    let key = ["key", "field"].iter().find_map(|k| value.get(k)?.as_str());
    let key = key.map(|key| format!("{key}: ")).unwrap_or_default();
    match value {
        Value::String(text) => vec![format!("{name}{text}")],
        Value::Array(items) => items.iter().flat_map(|v| messages(v, name)).collect(),
        Value::Object(_) if own.is_some() => {
            vec![format!("{name}{key}{}", own.unwrap_or_default())]
        }
        Value::Object(map) => (map.iter())
            .flat_map(|(k, v)| messages(v, &format!("{k}: ")))
            .collect(),
        _ => Vec::new(),
    }
}

#[derive(Debug, Deserialize)]
struct FieldError {
    name: Option<String>,
    description: Option<String>,
}

/// An error body's fields; Apigee's fault read as its `code` (`detail.errorcode`)
/// and `message` (`faultstring`).
fn parsed(body: &str) -> TalkdeskError {
    let mut parsed = serde_json::from_str::<TalkdeskError>(body).unwrap_or_default();
    // A blank code says nothing, as a blank text.
    let blank = |c: &Value| c.as_str().is_some_and(|s| s.trim().is_empty());
    parsed.code = parsed.code.filter(|c| !blank(c));
    // Litestar's `extra` lists its messages; another's is an extension
    // member (RFC 9457 §3.2), no message.
    let extra = parsed.extra.take().filter(Value::is_array);
    parsed.validation = parsed.validation.or(extra);
    if let Some(fault) = parsed.fault.take() {
        let errorcode = (fault.pointer("/detail/errorcode")).filter(|c| c.is_string() && !blank(c));
        parsed.code = parsed.code.or(errorcode.cloned());
        let faultstring = fault.get("faultstring").and_then(Value::as_str);
        parsed.message = parsed.message.or(faultstring.map(str::to_string));
    }
    // Jetty escapes its message as XML (`&lt;`, `&amp;`): decoded here, so
    // that the redactor sees what the server was given.
    let status = parsed.status.as_ref().and_then(Value::as_str);
    let jetty = parsed.url.as_ref().is_some_and(Value::is_string)
        && status.is_some_and(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()));
    if jetty {
        parsed.message = parsed.message.map(|m| unescaped(&m));
    }
    parsed
}

/// `HTTP 400 (code 400): Bad Request: Invalid query parameters; per_page: must be …`,
/// with the run's secrets redacted before anything is shortened.
pub fn describe(reply: &Reply, redactor: &Redactor) -> String {
    // An empty body says nothing: its status's standard reason does
    // (Node's own 431 was a bare "HTTP 431"), as ureq reports the number.
    let reason = (reason(reply.status))
        .filter(|_| reply.body.iter().all(u8::is_ascii_whitespace))
        .map(|reason| format!(" {reason}"));
    let mut text = format!("HTTP {}{}", reply.status, reason.unwrap_or_default());
    let own = (reply.retries > 0).then(|| counted(reply.retries, "retry", "retries"));
    let run = (reply.run_refusals).map(|n| format!("{n} refusals in a row for the run"));
    let after: Vec<String> = [own, run].into_iter().flatten().collect();
    if !after.is_empty() {
        text += &format!(" after {}", after.join(" and "));
    }
    // Only the start of a text is shown: it alone is redacted (a secret
    // that begins within what is shown ends well within 64 KiB), then cut.
    // A secret the bound cuts leaves fewer of its characters before it
    // than the redactor knows for a part of one: they go with the cut (a
    // text of secrets, each redacted to a word, brought them into view).
    let shown = |text: &str, max: usize| {
        let mut end = text.len();
        if end > 64 * 1024 {
            end = 64 * 1024 - (Redactor::PART_LEN - 1);
        }
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        shorten(&redactor.redact_shown(&text[..end]), max)
    };
    let body = decoded(&reply.body, reply.charset.as_deref());
    let parsed = parsed(&body);
    if let Some(code) = &parsed.code {
        let code = (code.as_str()).map_or_else(|| code.to_string(), str::to_string);
        text += &format!(" (code {})", shown(&code, PART_CHARS));
    }
    let field = |f: &FieldError| {
        let name = f.name.as_deref().unwrap_or("?");
        format!("{name}: {}", f.description.as_deref().unwrap_or(""))
    };
    let fields: Vec<String> = parsed.fields.iter().map(field).collect();
    let fields = (!fields.is_empty()).then(|| fields.join("; "));
    let text_of = |v: Option<&Value>| v?.as_str().map(str::to_string);
    // FastAPI's `detail` is a list of objects: their `msg`.
    let listed = parsed.detail.as_ref().filter(|d| !d.is_string());
    let violations: Vec<String> = [listed, parsed.validation.as_ref(), parsed.errors.as_ref()]
        .into_iter()
        .flatten()
        .flat_map(|v| messages(v, ""))
        .collect();
    let texts = [
        parsed.error,
        parsed.message,
        text_of(parsed.title.as_ref()),
        parsed.description,
        text_of(parsed.detail.as_ref()),
        parsed.error_description,
        fields,
        (!violations.is_empty()).then(|| violations.join("; ")),
    ];
    let mut parts: Vec<String> = (texts.into_iter().flatten())
        .filter(|part| !part.trim().is_empty())
        .map(|part| without_backtrace(shown(&part, PART_CHARS)))
        .collect();
    let markup = is_markup(body.as_bytes());
    // No body, or a web server's own page (Apache's 401 before
    // mod_auth_openidc's challenge): its Bearer challenge's words, if any.
    let challenge =
        (reply.challenge.as_ref()).filter(|_| says_nothing(reply.status, body.as_bytes()));
    if parts.is_empty() && parsed.code.is_none() && !body.trim().is_empty() && challenge.is_none() {
        parts.push(in_words(&body, markup, &shown));
    }
    if let Some(said) = challenge {
        parts.push(shown(said, PART_CHARS));
    }
    for part in parts {
        text += &format!(": {}", part.trim());
    }
    // Every part from the server went through `shown` above.
    terminal_safe(&text).replace(['\n', '\r'], " ")
}

/// A message without the backtrace SWI-Prolog's HTTP server puts after it
/// (library(http/http_error), or debug mode): `In:`, then a line per frame
/// (`  [23] throw(…)`, numbered: an application's `[query]` is no frame),
/// the server's, not what was raised. Cut once redacted (`shown`), so that
/// no cut leaves part of a secret behind.
fn without_backtrace(text: String) -> String {
    let frame = |at: usize| {
        let number = text[at + 5..].trim_start().strip_prefix('[');
        number
            .and_then(|n| n.split_once(']'))
            .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
    };
    match text.find("\nIn:\n") {
        Some(at) if frame(at) => text[..at].to_string(),
        _ => text,
    }
}

/// A body that says nothing more, as one line of words, `shown`: a page
/// of `markup` summed up, else the text, redacted first (a secret its line
/// breaks split is read past), then each run of white space one space and
/// rules drawn with `=`, `-` and the like left out (WireMock's "Request was
/// not matched" page, a table padded into columns) unless they are all it
/// has, then cut.
fn in_words(text: &str, markup: bool, shown: &dyn Fn(&str, usize) -> String) -> String {
    if let Some(page) = markup.then(|| html_summary(text)).flatten() {
        return shown(&page, SNIPPET_CHARS);
    }
    let said = shown(text, usize::MAX);
    if let Some(raised) = raised(&said) {
        let said = format!("{raised} (the end of a Python traceback)");
        return shorten(&said, SNIPPET_CHARS);
    }
    let rule = |w: &&str| w.len() >= 3 && w.chars().all(|c| "=-_*~#+".contains(c));
    let mut words: Vec<&str> = said.split_whitespace().filter(|w| !rule(w)).collect();
    // Rules alone: they are what it says.
    if words.is_empty() {
        words = said.split_whitespace().collect();
    }
    shorten(&words.join(" "), SNIPPET_CHARS)
}

/// What a Python traceback says was raised (eventlet's 500 with `debug`,
/// its default; Starlette's with `debug=True`): the first line not
/// indented after its last frame (a message's further lines come after it:
/// SQLAlchemy's `(Background on this error at: …)`), unless a heading of
/// its own (a cause's, when text was cut).
fn raised(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let frames = text.strip_prefix("Traceback (most recent call last):")?;
    let last = frames
        .rfind("\n  File \"")
        .map_or(frames, |at| &frames[at + 1..]);
    let headings = ["Traceback (", "During handling of ", "The above exception "];
    (last.lines().map(str::trim_end)).find(|line| {
        !line.is_empty()
            && !line.starts_with(char::is_whitespace)
            && !headings.iter().any(|h| line.starts_with(h))
    })
}

/// What `part` of a reply's body says, as [`describe`] says of a whole
/// one: the text a server printed before or after the JSON it answered.
pub fn describe_part(reply: &Reply, part: &[u8], redactor: &Redactor) -> String {
    let part = Reply {
        body: part.to_vec(),
        ..reply.clone()
    };
    describe(&part, redactor)
}

/// A 200 that is no page or no token (`context`: its request), whose
/// headers hold a CGI script's `Status` the web server sent on rather than
/// applying it (busybox httpd 1.35 applies it only as the script's first
/// line; RFC 3875 §6.3.3, anywhere).
pub fn cgi_status(context: &str, reply: &Reply, redactor: &Redactor) -> Option<anyhow::Error> {
    let status = crate::text::shorten(&redactor.redact_shown(reply.cgi_status.as_deref()?), 60);
    let said = error_said(reply, redactor).map_or(String::new(), |said| format!(" ({said})"));
    Some(api_error(format!(
        "{context}: HTTP {}, but its headers hold `Status: {status}`: a CGI script's status that the web server sent on as a header instead of applying it (busybox httpd applies it only as the script's first line); whoever runs the server must have the script print Status: first{said}",
        reply.status
    )))
}

/// What a JSON error body answered in place of what was asked says
/// (`HTTP 200: Rate limit is exceeded. …`), if it is one: it has a code or
/// a message of its own (a gateway's, as Azure API Management's or
/// Apigee's). `None` for any other body.
pub fn error_said(reply: &Reply, redactor: &Redactor) -> Option<String> {
    let parsed = parsed(&decoded(&reply.body, reply.charset.as_deref()));
    // A title or detail counts only as text, and no text if blank.
    let text_of = |v: Option<Value>| v.and_then(|v| v.as_str().map(str::to_string));
    let texts = [parsed.message, parsed.error, parsed.description]
        .into_iter()
        .chain([parsed.error_description, text_of(parsed.title)])
        .chain([text_of(parsed.detail)]);
    let said = parsed.code.is_some() || texts.flatten().any(|t| !t.trim().is_empty());
    said.then(|| describe(reply, redactor))
}

/// AWS API Gateway's 403 `{"message":"Missing Authentication Token"}`: its
/// answer for a path or method it has no route for (a stage or base path
/// missing from the URL), or for a request without the AWS signature a
/// route asks for; never a verdict on a token or the client credentials.
pub fn no_route(body: &[u8]) -> bool {
    let body = String::from_utf8_lossy(body);
    parsed(&body).message.as_deref() == Some("Missing Authentication Token")
}

/// What [`no_route`]'s 403 says to check: `setting`, or, for a later
/// page (`link`), the next link that led there.
pub fn no_route_hint(setting: &str, link: bool) -> String {
    let said = "AWS API Gateway says this for a path or method it has no route for (or a request without an AWS signature), not for the credentials or a scope";
    match link {
        true => format!(
            "{said}: the API's next link leads to a path the gateway does not route (a gateway passing the API's links on unrewritten, or a stage missing from them); have it rewrite them, else check {setting}"
        ),
        false => format!("{said}: check {setting}, its path and any stage"),
    }
}

/// A page of markup (a proxy's or a gateway's error page) as an error
/// shows it: its title (`502 Bad Gateway`), then the lines of its text
/// that say more: mitmproxy's `Certificate verify failed: …`, Apache's
/// `Reason: …`. A line found in the title (`Bad Gateway`) says nothing
/// more, nor does a last line of one word, a server's name
/// (`nginx/1.22.1`). Without a title, its words.
fn html_summary(body: &str) -> Option<String> {
    // The lines in `<nav>` bars only when no other says more (a page
    // whose words are all in them, a firewall's, keeps them).
    let Some(title) = html_title(body) else {
        return words_of(body, true).or_else(|| words_of(body, false));
    };
    let said = |no_nav| more_than(&title, words_of(body, no_nav));
    match said(true).or_else(|| said(false)) {
        None => Some(title),
        // Line breaks kept, for the redactor to read past.
        Some(more) => Some(format!("{title}:\n{more}")),
    }
}

/// The lines of `words` that say more than `title` ([`html_summary`]).
fn more_than(title: &str, words: Option<String>) -> Option<String> {
    // Each line is looked for in the title's start alone, and the first
    // lines alone: a page of megabytes with a long title took minutes. The
    // text is returned whole: `describe` cuts it, after the redactor.
    const LINES: usize = 1000;
    let whole_title = title.to_lowercase();
    let lower: String = whole_title.chars().take(PART_CHARS).collect();
    let lines: Vec<&str> = words.iter().flat_map(|w| w.lines()).collect();
    // Said already: by the title (again after `HTTP`, Jetty's `<h2>`), or
    // by a line before under the same label (its stack trace's first line,
    // its cause's); under another, it is news (two fields wrong alike).
    let mut seen = std::collections::HashSet::new();
    let said: Vec<bool> = (lines.iter().enumerate())
        .map(|(n, line)| {
            n < LINES && {
                let line = line.to_lowercase();
                let own = line.strip_prefix("http ").unwrap_or(&line);
                let label = n.checked_sub(1).map(|n| lines[n].to_lowercase());
                own == whole_title || lower.contains(own) || !seen.insert((label, line))
            }
        })
        .collect();
    // A label (Jetty's `STATUS:`) goes with the value said already.
    let label = |n: usize| lines[n].ends_with(':') && said.get(n + 1) == Some(&true);
    let mut more: Vec<&str> = (lines.iter().enumerate())
        .filter(|&(n, _)| !said[n] && !label(n))
        .map(|(_, line)| *line)
        .collect();
    if more.last().is_some_and(|last| !last.contains(' ')) {
        more.pop();
    }
    (!more.is_empty()).then(|| more.join("\n"))
}

/// The title of an HTML page, which says what its markup would only
/// clutter: `429 Too Many Requests`.
fn html_title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let open = lower.find("<title>")? + "<title>".len();
    let close = open + lower[open..].find("</title>")?;
    Some(unescaped(body[open..close].trim())).filter(|t| !t.is_empty())
}

/// Tags a browser shows their text within, a word they split staying one.
const INLINE_TAGS: [&str; 27] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var",
    "wbr",
];

/// The words of a markup page (Apache's `ErrorDocument`, a gateway's
/// nested `<div>`s), its tags, comments, scripts, styles and, with
/// `no_nav`, `<nav>` bars (Mojolicious's) left out, so that the server's
/// message is what gets shown. Inline tags join what they split, as a
/// browser shows it; other tags and line breaks stay line breaks, for the
/// redactor to read past (a secret split so was shown in pieces); the
/// error line makes them spaces.
fn words_of(body: &str, no_nav: bool) -> Option<String> {
    // Where `pattern` first stands in `text`, in any case.
    let find = |text: &str, pattern: &str| {
        (text.as_bytes().windows(pattern.len()))
            .position(|w| w.eq_ignore_ascii_case(pattern.as_bytes()))
    };
    let mut text = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let tag = &rest[open..];
        // A tag starts with a letter, `/`, `!` or `?`; any other `<` is text.
        if !tag[1..].starts_with(|c: char| c.is_ascii_alphabetic() || "/!?".contains(c)) {
            text.push('<');
            rest = &tag[1..];
            continue;
        }
        let name: String = (tag[1..].trim_start_matches('/').chars())
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let inline = tag.starts_with("<!--") || INLINE_TAGS.contains(&name.as_str());
        text.push_str(if inline { "" } else { "\n" });
        let end = match name.as_str() {
            _ if tag.starts_with("<!--") => find(tag, "-->").map(|at| at + 3),
            "script" | "style" | "nav" if !tag.starts_with("</") && (no_nav || name != "nav") => {
                (find(tag, &format!("</{name}")))
                    .and_then(|at| tag[at..].find('>').map(|gt| at + gt + 1))
            }
            _ => tag.find('>').map(|gt| gt + 1),
        };
        rest = end.map_or("", |end| &tag[end..]);
    }
    text.push_str(rest);
    // Each run of spaces one space, or one line break if it has one.
    let text = unescaped(&text);
    let lines = (text.split(['\n', '\r'])).map(|line| line.split_whitespace().collect::<Vec<_>>());
    let lines: Vec<String> = lines
        .filter(|words| !words.is_empty())
        .map(|words| words.join(" "))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A body as text: UTF-8, else the charset its `Content-Type` named
/// (UTF-16 also by its byte-order mark; Latin-1 and Windows' superset of it
/// as Latin-1), else UTF-8 with replacement characters.
fn decoded<'a>(body: &'a [u8], charset: Option<&str>) -> std::borrow::Cow<'a, str> {
    if let Ok(text) = std::str::from_utf8(body) {
        return text.into();
    }
    let utf16 = |bytes: &[u8], big: bool| String::from_utf16_lossy(&utf16_units(bytes, big)).into();
    match (body, charset.unwrap_or_default()) {
        ([0xFF, 0xFE, rest @ ..], _) => utf16(rest, false),
        ([0xFE, 0xFF, rest @ ..], _) => utf16(rest, true),
        (_, "utf-16le") => utf16(body, false),
        (_, "utf-16" | "utf-16be") => utf16(body, true),
        (_, "iso-8859-1" | "latin1" | "latin-1" | "windows-1252" | "cp1252" | "us-ascii") => {
            body.iter().map(|&b| char::from(b)).collect()
        }
        _ => String::from_utf8_lossy(body),
    }
}

/// The error for an answer the caller has no use for (exit 5): a
/// redirect, which is never followed so that no credential travels to a
/// `Location` elsewhere (`setting` says what to check), or any other
/// status, shown whole with its hint.
pub fn unexpected(
    context: &str,
    reply: &Reply,
    setting: &str,
    redactor: &Redactor,
) -> anyhow::Error {
    // Nothing was asked conditionally: a cache on the way answered.
    if reply.status == 304 {
        return api_error(format!(
            "{context}: HTTP 304 Not Modified, although nothing was asked conditionally: a cache between the tool and the server answered; check {setting} and any proxy"
        ));
    }
    if (300..=399).contains(&reply.status) {
        return not_followed(context, reply, setting, redactor);
    }
    // What the hint of `status` says, if it says anything.
    let hint_of = |status| hint(status, setting).map_or(String::new(), |h| format!("; {h}"));
    let extra = match reply.status {
        200..=299 => format!("; only HTTP 200 carries an answer; check {setting}"),
        400 if wants_client_certificate(&reply.body) => format!("; {CLIENT_CERTIFICATE}"),
        // Jetty's when told to require SNI, which is not sent to an address.
        400 if says(&reply.body, "SNI required") => format!(
            "; the server wants the host name in the TLS handshake (SNI), which is not sent for an address: use in {setting} the host name its certificate is for"
        ),
        // Apache's, nginx's, aiohttp's, civetweb's, libevent's, Netty's and
        // cpp-httplib's 400 for a request header over their limit (the
        // bearer token): what a 431 says.
        400 if setting != "token_url" && header_too_large_400(context, reply) => {
            maybe_too_large(context, reply, setting)
        }
        // CherryPy's, Sanic's and inets' 413 for the same; to a GET, which
        // sends no body, an empty one (inets' page lost to its close) and
        // Nim's bare status line, which it sends for a body over its limit
        // too, or HTTP::Daemon's page of it (its `<title>` and `<h1>`).
        413 if header_too_large_413(&reply.body)
            || setting != "token_url" && says_its_status_alone(&reply.body) =>
        {
            too_large(context, reply, setting)
        }
        // Django's page for any 400 (a Host ALLOWED_HOSTS does not list, a
        // view's `BadRequest`): it read the request, over TLS too.
        400 if is_markup(&reply.body) && says(&reply.body, DJANGO_400) => {
            format!("; check {setting}{DISALLOWED_HOST}")
        }
        // Over TLS, which reached the URL's host and port: a gateway in front
        // passed the request on unreadable (a PROXY header nginx does not read).
        400 if unread(reply) && context.contains(" https://") => {
            unread_over_tls(setting, &reply.body)
        }
        // yaws' page for a Host naming none of its `<server>`s, Mono's for none of its prefixes.
        400 if NO_HOST.contains(&reply.body.trim_ascii()) => no_virtual_host(setting, &reply.body),
        // A web server's own page (plain http to its https port): not the API's.
        400 if setting != "token_url" && is_web_server_page(&reply.body) => {
            format!("; not the API's answer; check {setting} (its scheme and port)")
        }
        // The server read the body and refused its form: no scheme or port to check.
        400 | 500 if setting == "token_url" && refuses_the_form(reply) => {
            format!("; {NOT_THIS_REQUEST}")
        }
        403 if wants_http2(&reply.body) => format!(
            "; the server there speaks only HTTP/2 over TLS, and this tool HTTP/1.1: have it allow HTTP/1.1 (Node: allowHTTP1), else check {setting}"
        ),
        100..=199 | 600.. => format!("; no HTTP status the API answers with; check {setting}"),
        500 if is_limiter_fault(&reply.body) => hint_of(429),
        // Traefik's inFlightReq, chi's Throttle, fasthttp's MaxConnsPerIP: no later run gets by.
        429 if is_crowd_refusal(&reply.body) => "; the API or a gateway before it limits the requests (or connections) in flight: lower --concurrency (--concurrency 1 sends one at a time), or raise --max-retries".into(),
        // A spent hourly quota: when to run again, not "raise --max-retries".
        429 | 503 if reply.keep_away > Some(MAX_RETRY_AFTER) => {
            let wait = reply.keep_away.unwrap_or_default();
            format!("; {}", keep_away(wait, now()))
        }
        431 => too_large(context, reply, setting),
        // Varnish told to cache every GET serves the refusal it stored
        // to every retry: more retries meet the same answer.
        429 | 500 | 502..=504 if reply.age.is_some() => stored(reply, setting),
        503 | 504 if setting == "base_url" && slow_page(reply) => gave_up(context, reply),
        _ => own_page(reply, setting).unwrap_or_else(|| hint_of(reply.status)),
    };
    api_error(format!("{context}: {}{extra}", describe(reply, redactor)))
}

/// What to check or change for a 500 a server made itself, the same to
/// every retry: Catalyst's `-Debug` page for a path it has no action for, as
/// an application without a `default` action answers; Prism's under
/// `--errors` ([`PRISM_VIOLATIONS`]). And squid's 503 for a server it could
/// not connect to (as it answers in a tunnel it decrypts): a wrong port too.
/// And a 405's hint for the 400 of Boost.Beast's example servers to a
/// method they do not serve (the token request's POST). And the bare 501
/// of POCO's HTTPServer to a request no handler takes (RESTinio's to one
/// its router rejects): a base_url with a path it does not serve. And
/// Starlette's TrustedHostMiddleware's 400 for a Host it does not allow.
fn own_page(reply: &Reply, setting: &str) -> Option<String> {
    if reply.status == 400 && reply.body.trim_ascii() == UNTRUSTED_400 {
        let what = token_or_api(setting, "; no OAuth answer", "");
        return Some(format!("{what}; check {setting}{UNTRUSTED_HOST}"));
    }
    if reply.status == 501 && setting != "token_url" && reply.body.trim_ascii().is_empty() {
        return Some(NO_HANDLER.into());
    }
    let beast = setting == "token_url" && reply.body.trim_ascii() == BEAST_400;
    if reply.status == 400 && beast {
        return hint(405, setting).map(|h| format!("; {h}"));
    }
    if reply.status == 500 && says(&reply.body, PRISM_VIOLATIONS) {
        return Some(PRISM_CHECKED.into());
    }
    if reply.status == 503 && says(&reply.body, SQUID_CONNECT_FAIL) {
        return Some(format!(
            "; squid, a proxy in between, could not connect to the server (its page names the address and the system's reason): check {setting}, its host and port; if they are right, the server is down: try again later or raise --max-retries"
        ));
    }
    let unknown = says(&reply.body, UNKNOWN_RESOURCE) && is_markup(&reply.body);
    (reply.status == 500 && unknown).then(|| format!("; check {setting}{NO_ACTION}"))
}

/// What a bare 501 to a page says (POCO's, RESTinio's for a path they serve not).
const NO_HANDLER: &str = "; a bare 501, as a server on POCO or RESTinio answers a path it has no handler for: check base_url (the path /express/accounts is appended to it)";

/// The error for a redirect, never followed: credentials stay at `setting`.
fn not_followed(context: &str, reply: &Reply, setting: &str, redactor: &Redactor) -> anyhow::Error {
    let status = reply.status;
    let Some(location) = reply.location.as_deref() else {
        return api_error(format!(
            "{context}: HTTP {status} without a Location header; check {setting}"
        ));
    };
    let sign_in = if to_sign_in(location) {
        "it sends to a sign-in page, as a gateway in front does with what its auth check refuses (nginx auth_request, Caddy forward_auth, an SSO proxy), and this tool signs in to no page: ask whoever runs it to let the API's requests through, else "
    } else if aspx_error(location) {
        "it sends to ASP.NET's error page (its customErrors defaultRedirect), as ASP.NET does a request whose handler failed: the server failed; try again later, else ask whoever runs it to fix the error (its log names it); it sends a path it has nothing at (its 404) there too: "
    } else {
        ""
    };
    let location = terminal_safe(&redactor.redact_shown(location));
    let location = shorten(&location, SNIPPET_CHARS);
    api_error(format!(
        "{context}: HTTP {status} redirect to {location} not followed (credentials never leave {setting}); {sign_in}check {setting}"
    ))
}

/// Whether a redirect's `Location` is a sign-in page's: a path with a part
/// naming one (`/login`, `/u/login.php`; not its host, `login.example.com`,
/// nor `/authorize-payments`), or a query holding an address to come back
/// to (oauth2-proxy's and Authelia's `rd`).
pub fn to_sign_in(location: &str) -> bool {
    // Read by WHATWG rules (the `url` crate), a relative one against any base.
    let Ok(url) = Url::parse("http://host/").and_then(|base| base.join(location)) else {
        return false;
    };
    let words = ["login", "signin", "sign_in", "sign-in", "authorize", "sso"];
    let named = |part: &str| {
        let part = part.to_ascii_lowercase();
        words.contains(&part.split('.').next().unwrap_or_default())
    };
    let back = [
        "rd",
        "redirect_uri",
        "redirect_url",
        "return_to",
        "returnurl",
    ];
    let address = |to: &str| to.starts_with('/') || to.to_ascii_lowercase().starts_with("http");
    // A token endpoint's, whatever words before (GitHub's and Gitea's
    // `/login/oauth/access_token`): its last part names a token.
    let parts = || url.path_segments().into_iter().flatten();
    let token = parts().rfind(|part| !part.is_empty());
    if token.is_some_and(|last| last.to_ascii_lowercase().contains("token")) {
        return false;
    }
    parts().any(named)
        || (url.query_pairs())
            .any(|(key, to)| back.contains(&&*key.to_ascii_lowercase()) && address(&to))
}

/// A server's words for a `503` of an application slower than its time
/// limit: daphne's, salvo's.
const TIME_LIMIT: [&str; 2] = [
    "Application failed to respond within time limit.",
    "server timed out while processing the request",
];

/// A page past a limit on how long it may take: a gateway's `504`, or a
/// `503` in a server's words of [`TIME_LIMIT`] or with Go's
/// `http.TimeoutHandler` page (echo's `Timeout` middleware).
fn slow_page(reply: &Reply) -> bool {
    reply.status == 504
        || (TIME_LIMIT.iter()).any(|words| says(&reply.body, words))
        || reply.body.trim_ascii() == GO_TIMEOUT_PAGE
}

/// http-proxy-middleware's words (its default error answer, as in 2.x and
/// webpack-dev-server's proxy) for any failure to get the answer of the
/// server behind it, all a `504`: a refused or reset connection, an
/// unknown host, a timeout.
const HPM_ERROR: &[u8] = b"Error occurred while trying to proxy: ";

/// What a page's `504 Gateway Timeout` says (hono's `timeout()`, nginx's
/// `proxy_read_timeout`), or a server's `503` past its time limit: a limit
/// on how long an answer may take, which a smaller page may come within;
/// none is smaller than one account. http-proxy-middleware's `504` may be
/// of an API it cannot reach too.
fn gave_up(context: &str, reply: &Reply) -> String {
    let hpm = reply.status == 504 && without_bom(&reply.body).starts_with(HPM_ERROR);
    let who = match reply.status {
        504 if hpm => {
            "http-proxy-middleware before the API got no answer from it (it answers 504 alike to a refused or reset connection, an unknown host and a timeout): check that the API behind it is up and the proxy's target is right"
        }
        504 => {
            "a gateway before the API gave up waiting for its answer (hono's `timeout()`, nginx's `proxy_read_timeout`)"
        }
        _ => {
            "the server gave up waiting for the application behind it (daphne's --http-timeout, salvo's Timeout, Go's http.TimeoutHandler as in echo's Timeout middleware)"
        }
    };
    let url = context
        .split_once(' ')
        .and_then(|(_, url)| Url::parse(url).ok());
    let smaller = url.map_or("", |url| smaller_page(&url));
    let then = if hpm { "; or," } else { ":" };
    format!(
        "; {who}{then} if the API takes that long for a page, {smaller}try again later or raise --max-retries"
    )
}

/// yaws' page for a request whose Host names none of its `<server>`s (with
/// `pick_first_virthost_on_nomatch = false`), that has no Host, or that it
/// cannot read.
const YAWS_400: &[u8] = b"<html><h1>400 Bad Request</h1></html>";

/// The `type` of Stoplight Prism's 500 when run with `--errors`: the answer
/// (its mock's, or in proxy mode the server's behind it) breaks its OpenAPI
/// document.
const PRISM_VIOLATIONS: &str = "\"https://stoplight.io/prism/errors#VIOLATIONS\"";

/// The `<body>` of squid's page, in any of its languages, for a server it
/// could not connect to (ERR_CONNECT_FAIL).
const SQUID_CONNECT_FAIL: &str = "<body id=\"ERR_CONNECT_FAIL\">";

/// What [`PRISM_VIOLATIONS`] says.
const PRISM_CHECKED: &str = "; Prism made this 500 itself, as it does with --errors for an answer that breaks its OpenAPI document, every time: fix the document (or, in proxy mode, the server behind it), or run Prism without --errors";

/// Stoplight Prism's own 401 (its `type`), for a request that does not meet
/// the security its OpenAPI document declares, where the document has no
/// 401 answer of its own.
const PRISM_UNAUTHORIZED: &str = "\"https://stoplight.io/prism/errors#UNAUTHORIZED\"";

/// Whether `body` is [`PRISM_UNAUTHORIZED`]'s.
pub fn is_prism_unauthorized(body: &[u8]) -> bool {
    says(body, PRISM_UNAUTHORIZED)
}

/// What a page's [`PRISM_UNAUTHORIZED`] says: the token is not in question.
pub const PRISM_SCHEME: &str = "Prism made this 401 itself: its OpenAPI document asks /express/accounts for another security scheme than the Bearer token this tool sends (the token endpoint granted it); declare `{type: http, scheme: bearer}` security there";

/// What Boost.Beast's example HTTP servers (`http_server_sync` and its
/// siblings, 1.74) answer a method they do not serve (a POST) with.
const BEAST_400: &[u8] = b"Unknown HTTP-method";

/// The title of Django's page (DEBUG off) for every 400 it answers
/// (`BadRequest` and any `SuspiciousOperation`): for a request whose Host
/// its `ALLOWED_HOSTS` does not list (`DisallowedHost`) the most likely.
const DJANGO_400: &str = "<title>Bad Request (400)</title>";

/// What [`NO_HOST`]'s page `body` says: yaws', or Mono's.
fn no_virtual_host(setting: &str, body: &[u8]) -> String {
    let what = token_or_api(setting, "no OAuth answer", "not the API's answer");
    let tail = [NO_VIRTUAL_HOST, NO_PREFIX][usize::from(body.trim_ascii() != YAWS_400)];
    format!("; {what}; check {setting}{tail}")
}

/// [`YAWS_400`], and Mono's HttpListener's page (6.8) for a request whose
/// host name and path none of its prefixes covers (a right host at a path
/// none begins gets it too), which says [`NO_PREFIX`] after `check
/// {setting}`.
const NO_HOST: [&[u8]; 2] = [YAWS_400, b"<h1>Bad Request (Invalid host)</h1>"];
pub const NO_PREFIX: &str = " (its host name and path): Mono's HttpListener answers so a request whose host name and path none of its prefixes covers";

/// What [`no_virtual_host`] says after `check {setting}`.
pub const NO_VIRTUAL_HOST: &str =
    " (its host name): yaws answers so a request whose Host names none of its virtual hosts";

/// What Starlette's `TrustedHostMiddleware` (FastAPI's too) answers a
/// request whose Host its `allowed_hosts` does not list with, and what
/// that says after `check {setting}`.
const UNTRUSTED_400: &[u8] = b"Invalid host header";
pub const UNTRUSTED_HOST: &str = " (its host name): Starlette's TrustedHostMiddleware (FastAPI's too) answers so a request whose Host its allowed_hosts does not list";

/// Catalyst's words, in its `-Debug` page (a 500), for a path it has no
/// action for.
const UNKNOWN_RESOURCE: &str = "<code class=\"error\">Unknown resource &quot;";

/// What [`UNKNOWN_RESOURCE`]'s page says after `check {setting}`.
pub const NO_ACTION: &str = " (its path): Catalyst answers so a path it has no action for, when the application has no default action";

/// What [`DJANGO_400`]'s page says after `check {setting}`.
pub const DISALLOWED_HOST: &str = " (its host name): Django answers so a request whose Host its ALLOWED_HOSTS does not list, as it does a request its view refuses (BadRequest)";

/// Whether a 400 is what a server answers a request it could not read
/// with: a web server's page, or no body (Node's bare 400), or, in HTTP/1.0,
/// `Bad Request` alone (Warp's, the request's version unread).
fn unread(reply: &Reply) -> bool {
    is_web_server_page(&reply.body) || bare_or_unread(reply)
}

/// What a web server's page (or bare 400) for a request it could not read
/// says, of a request sent over TLS: no scheme or port to check, but a gateway.
fn unread_over_tls(setting: &str, body: &[u8]) -> String {
    let what = token_or_api(setting, "no OAuth answer", "not the API's answer");
    let page = match body.trim_ascii().is_empty() {
        true => "a bare 400, as a web server (Node's) answers a request it could not read",
        false => "a web server's page for a request it could not read",
    };
    format!(
        "; {what}: {page}, though the request went to it over TLS: a gateway in front of it (a TLS terminator, a load balancer) may pass requests on in a form it does not read (the PROXY protocol, as hitch's write-proxy or haproxy's send-proxy sends, to a server not set to read it): ask whoever runs them; else check {setting} (its host name)"
    )
}

/// What a refusal with an `Age` above 0 says: a cache in front stored it
/// (and, if it was retried, answered every retry with it).
fn stored(reply: &Reply, setting: &str) -> String {
    let age = reply.age.map_or(0, std::num::NonZeroU64::get);
    let server = token_or_api(setting, "the token endpoint", "the API");
    // Not retried (`--max-retries 0`, a wait past the cap): no retry to name.
    let retried = reply.retries > 0 || reply.run_refusals.is_some();
    let every = retried.then_some(" and answers every retry with it");
    let (every, status) = (every.unwrap_or_default(), reply.status);
    format!(
        "; this HTTP {status} came from a cache in front of {server}, which stored it {age} s before (Age: {age}){every}: have the cache store no {status} (nor any answer to a request with Authorization), or try again once it expires"
    )
}

/// A URL (or access token) no server's limit on request headers is below
/// (WEBrick's on the request line, the lowest known, is 2083 bytes).
pub const LONG_URL: usize = 1024;

/// What a refusal of request headers too large says: that the access
/// token they carry is too long, unless the URL of `context` (`GET url`)
/// is the longer and long ([`LONG_URL`]), as lighttpd and Node count the
/// request line with the headers: then the next link is; or unless both
/// are short, which no server's limit on size is below (nghttpx's on the
/// number of header fields refuses so): then neither is.
fn too_large(context: &str, reply: &Reply, setting: &str) -> String {
    if setting != "token_url" && url_to_blame(context, reply) {
        return link_too_large(context, reply);
    }
    let (url, token) = (url_length(context), token_length(&reply.authorization));
    if setting == "token_url" || token >= LONG_URL {
        return hint(431, setting).map_or(String::new(), |h| format!("; {h}"));
    }
    format!(
        "; the server refuses request headers this large, though they are small (the access token {token} bytes, the URL {url}): its limit on their size or number, or a proxy's in between, is below what any request needs; ask whoever runs it"
    )
}

/// What [`too_large`] says of a URL to blame, with the sizes of both.
pub fn link_too_large(context: &str, reply: &Reply) -> String {
    let (url, token) = (url_length(context), token_length(&reply.authorization));
    format!(
        "; the server refuses request headers this large, the request line counted with them: the URL is {url} bytes, the access token {token}: {NEXT_LINK_TOO_LONG}"
    )
}

/// Whether the URL of `context`, not the access token, is what makes
/// request headers too large: the longer of the two, and long.
fn url_to_blame(context: &str, reply: &Reply) -> bool {
    let url = url_length(context);
    url > token_length(&reply.authorization) && url >= LONG_URL
}

/// [`too_large`] of a 400: of a bare one to an `Authorization` line of
/// 4 KiB to 8 KiB, which most servers take (lua-http does not), a "may".
fn maybe_too_large(context: &str, reply: &Reply, setting: &str) -> String {
    let under_8k = bare_or_unread(reply) && reply.authorization.len() <= 8192 - 17;
    if !under_8k || url_to_blame(context, reply) {
        return too_large(context, reply, setting);
    }
    let token = token_length(&reply.authorization);
    format!(
        "; the server may refuse request headers this large, as lua-http does a header line of 4 KiB or more: if so, the access token they carry ({token} bytes) is too long for it"
    )
}

/// The length in bytes of the URL of `context` (`GET url`).
pub fn url_length(context: &str) -> usize {
    context.split_once(' ').map_or(0, |(_, url)| url.len())
}

/// Now; a clock past what a timestamp holds (the year 9999) reads as its
/// bound, where `Timestamp::now()` ended the run in a panic.
fn now() -> jiff::Timestamp {
    let now = std::time::SystemTime::now();
    jiff::Timestamp::try_from(now).unwrap_or(jiff::Timestamp::MAX)
}

/// `the server asks to wait 50 min (until 2026-12-03 05:12 UTC), …`: a
/// wait past what a retry waits from `now`, and when it ends, both
/// rounded up (a run at the minute shown is never early).
fn keep_away(wait: Duration, now: jiff::Timestamp) -> String {
    let secs = (wait.as_secs()).saturating_add(u64::from(wait.subsec_nanos() > 0));
    let said = spoken_duration(secs);
    let until = (now.checked_add(wait).ok())
        .and_then(|end| {
            let minute = jiff::TimestampRound::new().smallest(jiff::Unit::Minute);
            end.round(minute.mode(jiff::RoundMode::Ceil)).ok()
        })
        .map(|t| format!(" (until {} UTC)", t.strftime("%Y-%m-%d %H:%M")))
        .unwrap_or_default();
    format!(
        "the server asks to wait {said}{until}, longer than the {} s a retry waits at most: run again after that",
        MAX_RETRY_AFTER.as_secs()
    )
}

/// What a gateway's 403 for a spent quota says (Azure API Management's
/// `quota` policy, with a `Retry-After` of `wait`; Tyk's, without): no
/// scope to add.
pub fn spent_quota(wait: Option<Duration>) -> String {
    let back = match wait {
        // Tyk says no Retry-After.
        None => "run again once it is renewed".to_string(),
        Some(wait) if wait > MAX_RETRY_AFTER => keep_away(wait, now()),
        // Rounded up: a try after the seconds alone would be early.
        Some(wait) => format!(
            "the server asks to wait {} s: try again then",
            (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
        ),
    };
    format!("a quota in front of the API is spent, no scope is missing: {back}")
}

/// nginx's page for a client certificate it requires (`ssl_verify_client
/// on`): `400 No required SSL certificate was sent`.
fn wants_client_certificate(body: &[u8]) -> bool {
    is_markup(body) && says(body, "No required SSL certificate")
}

/// The answer Go's web servers (caddy, Traefik) give plain http sent to
/// their https port: text, not a page of markup, yet no OAuth answer.
pub fn is_web_server_page(body: &[u8]) -> bool {
    is_markup(body)
        || without_bom(body).starts_with(b"Client sent an HTTP request to an HTTPS server")
}

/// What a token endpoint that read the token request and refused it
/// without an OAuth error (a handler taking another body) is told.
const NOT_THIS_REQUEST: &str = "no OAuth answer (a token endpoint refuses with an OAuth error): the server there refuses this tool's request, a client_credentials grant in a form with HTTP Basic client authentication (client_secret_basic), the only kind it sends; check token_url";

/// actix-web's words for a body its `web::Form` or `web::Json` extractor
/// refuses (a form without a field it requires, a type that is no JSON),
/// Litestar's validation failure, BlackSheep's two words for a body it
/// could not bind (each answers any other 400 in the same shape), Falcon's
/// `HTTPMissingParam` (a form field its handler requires), Dancer2's
/// with a JSON serializer, which reads any body as JSON, and Rails' (in
/// development) for a form without a field its action requires.
fn is_extractor_refusal(body: &[u8]) -> bool {
    let text = without_bom(body);
    let refusals = [
        &b"Parse error: "[..],
        b"Content type error",
        b"Json deserialize error: ",
        br#"{"status_code":400,"detail":"Validation failed for "#,
        b"Bad Request: Bad Request: invalid parameter in request payload.",
        b"Bad Request: Expected request content",
        br#"{"title": "Missing parameter", "#,
    ];
    (refusals.iter()).any(|words| text.starts_with(words))
        || says(text, r#""message":"Failed to deserialize content: "#)
        || says(
            text,
            r##""exception":"#\u003cActionController::ParameterMissing: "##,
        )
}

/// Whether the token endpoint read the form and refused it: a 400 of
/// [`is_extractor_refusal`], or the 500 of json-server 1.x, which reads any
/// body as JSON, with Node's (20 and later) `JSON.parse` error for the form,
/// which starts `grant_type=` (HTML-escaped: `&quot;grant_type&quot;... is
/// not valid JSON`).
fn refuses_the_form(reply: &Reply) -> bool {
    let body = &reply.body;
    match reply.status {
        400 => is_extractor_refusal(body),
        _ => says(body, "grant_type") && says(body, "... is not valid JSON"),
    }
}

/// Node's HTTP/2 server over TLS without `allowHTTP1` (redbird's
/// `ssl.http2`) to a client that offers no ALPN, as this tool's TLS does.
pub fn wants_http2(body: &[u8]) -> bool {
    without_bom(body).starts_with(b"Missing ALPN Protocol")
}

/// True for a web server's page refusing a request header over its limit
/// with a 400 (Apache's `LimitRequestFieldSize`, nginx's
/// `large_client_header_buffers`, Tomcat's `maxHttpHeaderSize`), or
/// aiohttp's plain text for a header or request line over its 8190 bytes,
/// or the cause Netty's `HttpServerCodec` gives for headers over its
/// `maxHeaderSize` (a `TooLongFrameException` in 4.1.48,
/// `TooLongHttpHeaderException` later), which a handler may answer with.
fn header_too_large(body: &[u8]) -> bool {
    let said = [
        "Size of a request header field exceeds server limit",
        "Request Header Or Cookie Too Large",
        "Request header is too large",
    ];
    let aiohttp =
        without_bom(body).starts_with(b"Got more than ") && says(body, " bytes when reading: ");
    let netty = says(body, "HTTP header is larger than ");
    aiohttp || netty || is_markup(body) && said.iter().any(|phrase| says(body, phrase))
}

/// Whether a 400 says nothing but its status: no body, or `Bad Request`
/// alone (thin's, and Warp 3.3's to any request it cannot read).
pub fn says_bad_request_alone(reply: &Reply) -> bool {
    let said = reply.body.trim_ascii();
    said.is_empty() || said == b"Bad Request"
}

/// Whether a 400 is a server's to a request it could not read, saying
/// nothing: no body, or `Bad Request` alone in HTTP/1.0 (Warp 3.3's, the
/// request's version unread; an application's own is in HTTP/1.1).
fn bare_or_unread(reply: &Reply) -> bool {
    reply.body.trim_ascii().is_empty() || reply.http10 && says_bad_request_alone(reply)
}

/// True for a 400 of [`header_too_large`], or, [`bare_or_unread`] (Warp
/// 3.3's for headers over its `setMaxTotalHeaderLength`), lua-http's
/// for a header line (`Authorization: `, the value and CRLF) of 4096 bytes
/// or more and cpp-httplib's for one over 8192; or, under a token or URL
/// (of `context`) of [`LONG_URL`] or more, civetweb's (`max_request_size`),
/// or libevent's page (2.1, `max_headers_size`), or Mono's HttpListener's
/// (6.8, a head over 32 KiB), or, under one near 8 KiB
/// or more, meinheld's (1.0, its limit on a URL or a header's value),
/// and, under one of about 16 KiB or more, uvicorn's (h11's
/// `max_incomplete_event_size`), which they answer any request they
/// cannot read with, libevent's any application's 400 too.
fn header_too_large_400(context: &str, reply: &Reply) -> bool {
    let bare = bare_or_unread(reply) && reply.authorization.len() > 4096 - 18;
    let longest = token_length(&reply.authorization).max(url_length(context));
    let long = longest >= LONG_URL;
    let text = without_bom(&reply.body);
    let civetweb = text.starts_with(b"Error 400: Bad Request\nMalformed message");
    let libevent = text.starts_with(b"<HTML><HEAD>\n<TITLE>400 Bad Request</TITLE>\n</HEAD><BODY>\n<H1>Bad Request</H1>\n</BODY></HTML>");
    let mono = text == b"<h1>Bad Request (Bad request)</h1>";
    // Its limits are 8 KiB (`Bearer ` and the token; the URL without its origin).
    let meinheld = longest >= 8 * 1024 - 8
        && text.starts_with(
            b"<html><head><title>Bad Request</title></head><body><p>Bad Request.</p></body></html>",
        );
    // uvicorn's (h11) past 16 KiB of a head not whole in one read.
    let uvicorn = longest >= 16 * 1024 - 512 && text == b"Invalid HTTP request received.";
    let paged = long && (civetweb || libevent || mono);
    bare || header_too_large(&reply.body) || meinheld || uvicorn || paged
}

/// True for a 413 that names the request's headers, not its body, as
/// cheroot (CherryPy), Sanic and inets word theirs; or Pistache's for a
/// request over its buffer (4 KiB, headers counted; a GET has no body).
fn header_too_large_413(body: &[u8]) -> bool {
    says(body, "headers sent with the request exceed")
        || says(body, "Request header exceeds the size limit")
        || says(body, "Headers unreasonably long")
        || says(body, "Request exceeded maximum buffer size")
}

/// True for a 413 whose body is empty or says its status line alone.
fn says_its_status_alone(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let words = html_summary(&text).unwrap_or_default();
    ["", "413 Request Entity Too Large", "413 Payload Too Large"].contains(&words.as_str())
}

/// Rails' page (`ActionDispatch::HostAuthorization`, in development) for a
/// request whose Host its `config.hosts` does not list: a 403.
pub fn is_blocked_host(body: &[u8]) -> bool {
    is_markup(body) && says(body, "<h1>Blocked host: ")
}

/// What [`is_blocked_host`]'s page says after `check {setting}`.
pub const BLOCKED_HOST: &str = " (its host name): Rails (its HostAuthorization) answers so a request whose Host its config.hosts does not list: use the host name it serves, or have that one added there";

/// What a CSRF check's refusal of the token POST says: Django's page (its
/// `CsrfViewMiddleware`, for a view without `@csrf_exempt`: the view's own
/// refusal, no filter's in front), or Plack::Middleware::CSRFBlock's 403
/// (text) for a POST without its token.
pub fn csrf_refusal(status: u16, body: &[u8]) -> Option<&'static str> {
    if is_markup(body) && says(body, "CSRF verification failed") {
        return Some(
            "Django's CSRF check (its CsrfViewMiddleware) refuses the POST: the view at token_url is no token endpoint, or one without Django's @csrf_exempt (a token endpoint takes POSTs without a CSRF token); check token_url, else have whoever runs it exempt the view",
        );
    }
    let plack = status == 403 && without_bom(body).trim_ascii() == b"CSRF detected";
    plack.then_some(
        "a CSRF check (Plack::Middleware::CSRFBlock) refuses the POST: the app at token_url is no token endpoint, or one behind that check (a token endpoint takes POSTs without a CSRF token); check token_url, else have whoever runs it exempt the token endpoint",
    )
}

/// Whether `body` holds `phrase`.
fn says(body: &[u8], phrase: &str) -> bool {
    memchr::memmem::find(body, phrase.as_bytes()).is_some()
}

/// What to do about PHP's warnings and notices printed with an answer's
/// JSON, before or after it (`display_errors` on; Slim 3 also appends
/// what the app printed), after "the server at SETTING prints it with …".
pub const DISPLAY_ERRORS: &str = "PHP's warnings and notices land there with display_errors on (Slim 3 also appends what the app printed); have whoever runs it turn display_errors off, or fix what it warns of";

/// Whether a body says nothing of its own: none, a web server's page, or
/// its status's bare reason (passport's "Unauthorized").
pub fn says_nothing(status: u16, body: &[u8]) -> bool {
    let said = body.trim_ascii();
    said.is_empty() || is_markup(body) || reason(status).is_some_and(|r| said == r.as_bytes())
}

/// A status's standard reason phrase (`Unauthorized`), if it has one.
fn reason(status: u16) -> Option<&'static str> {
    (ureq::http::StatusCode::from_u16(status).ok()).and_then(|code| code.canonical_reason())
}

/// True for a body that is a page of markup (HTML): no API's or OAuth
/// server's answer, but a web server's, a proxy's or a web filter's.
pub fn is_markup(body: &[u8]) -> bool {
    without_bom(body).trim_ascii_start().starts_with(b"<")
}

/// True for a page of HTML, a web server's or a filter's: markup other
/// than an [`is_xml`] document or libwebsockets' page for a status, which
/// the application itself sends (`lws_return_http_status`).
pub fn is_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(512)];
    let lws = r#"<link rel="stylesheet" type="text/css" href="/error.css"/></head><body><h1>"#;
    is_markup(body) && !is_xml(body) && !says(head, lws)
}

/// True for an XML document (Grape's `format :xml`: `<?xml …?><error>`),
/// not XHTML (lighttpd's pages open with `<?xml` too), nor a storage
/// service's error (S3's, GCS's, Azure Blob's `<Error><Code>`, as CloudFront
/// in front sends for a path it passes to a bucket): no application's word.
pub fn is_xml(body: &[u8]) -> bool {
    let head = without_bom(body).trim_ascii_start();
    let head = head[..head.len().min(512)].to_ascii_lowercase();
    let page = ["<html", "<!doctype html", "<error><code>"];
    head.starts_with(b"<?xml") && !page.iter().any(|tag| says(&head, tag))
}

/// What to check when a 401 or 403 came as a page of markup from
/// `server` (the API, or the token endpoint): the proxy variables when one
/// was `proxied` through, else what filters unasked.
pub fn markup_refusal(proxied: bool, server: &str) -> String {
    if proxied {
        format!(
            "the answer is an HTML page, not {server}'s: something in front of it (a proxy or a web filter) may be refusing; check HTTPS_PROXY and NO_PROXY"
        )
    } else {
        format!(
            "the answer is an HTML page, not {server}'s: something in front of it (a web filter on your network, or a firewall such as mod_security or mod_evasive before {server}) may be refusing; ask whoever runs it, or try again later"
        )
    }
}

/// `token` for the token request (`setting` is `token_url`), else `api`.
fn token_or_api(setting: &str, token: &'static str, api: &'static str) -> &'static str {
    if setting == "token_url" { token } else { api }
}

/// What to do about a status, where something helps; `setting` is the
/// one that names the URL asked.
pub fn hint(status: u16, setting: &str) -> Option<&'static str> {
    let token_url = setting == "token_url";
    // The token request's hint, then the API's.
    let pick = |token, api| token_or_api(setting, token, api);
    Some(match status {
        401 => "check the client id and secret (a newly added scope can take minutes to work)",
        403 => {
            "the OAuth client needs the express-accounts:read scope, and resellers must be entitled to the Billing Insights API"
        }
        400 if token_url => "no OAuth answer; check token_url (its scheme and port)",
        // FastAPI's for a form without a password grant's `username`; axum's
        // and Rocket's for one without a `client_id` (client_secret_post).
        422 if token_url => NOT_THIS_REQUEST,
        404 => pick(
            "check token_url, or account_name and region when token_url is not set (they form it)",
            "check base_url (the path /express/accounts is appended to it)",
        ),
        // A static web server there (nginx and Apache: 405; Python's http.server: 501).
        405 | 501 if token_url => {
            "the URL takes no POST, so it is no token endpoint; check token_url"
        }
        405 => {
            "the URL takes no GET, so it is no accounts endpoint; check base_url (the path /express/accounts is appended to it)"
        }
        // A mock whose spec has no JSON answer there (Prism's `hal+json` only).
        406 => pick(
            "the server there cannot answer in application/json (the type asked for), as a token endpoint does; check token_url",
            "the server there cannot answer in application/json (the type asked for), as the API does; check base_url",
        ),
        // tower-http's TimeoutLayer's for a slow handler; ziproxy's, at its
        // ConnTimeout, for its backend's answer.
        408 => {
            "the server gave up waiting for the request, or for its own answer to it (axum's tower-http TimeoutLayer answers 408 so), or a gateway in front of it for the answer of the server behind it (ziproxy answers 408 so); try again later"
        }
        // Rocket's (limits.form), tower-http's RequestBodyLimitLayer's and poem's SizeLimit's.
        413 if token_url => {
            "the server there refuses the token request's form (under 100 bytes) as too large; check token_url, else have whoever runs the endpoint raise its body limit (Rocket's limits.form, tower-http's RequestBodyLimitLayer, poem's SizeLimit)"
        }
        // fastify's without @fastify/formbody, for the form RFC 6749 §4.4 asks for.
        415 => pick(
            "the server there takes no application/x-www-form-urlencoded POST, which a token endpoint takes (RFC 6749): check token_url; a token endpoint of your own on fastify needs @fastify/formbody",
            "the server there refuses the request's type; check base_url",
        ),
        // A WebSocket endpoint's answer to a plain request; HTTP/2 only.
        426 | 505 => pick(
            "the server there wants another protocol (as a WebSocket endpoint does) or HTTP version; check token_url",
            "the server there wants another protocol (as a WebSocket endpoint does) or HTTP version; check base_url",
        ),
        // No link is followed to the token endpoint: token_url is its URL.
        414 => pick(
            "the server refuses URLs this long: token_url is too long for it, or for a proxy in between; check token_url",
            "the server refuses URLs this long: the API's next link is too long for it, or for a proxy in between",
        ),
        // The token request carries no access token: a client id and secret.
        431 => pick(
            "the server refuses request headers this large, though the token request's carry only the client id and secret: check token_url",
            "the server refuses request headers this large: the access token they carry is too long for it",
        ),
        // The token request never reached the API: name what was asked.
        429 => pick(
            "the token endpoint or a gateway before it is rate limiting; try again later or raise --max-retries",
            "the API or a gateway before it is rate limiting; try again later or raise --max-retries",
        ),
        500 | 502 | 503 | 504 => pick(
            "the token endpoint or a gateway before it is failing; try again later or raise --max-retries",
            "the API or a gateway before it is failing; try again later or raise --max-retries",
        ),
        // A gateway's own (Cloudflare's 520 to 527): not retried (§5).
        520..=599 => pick(
            "a gateway before the token endpoint failed; try again later",
            "a gateway before the API failed; try again later",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::client::test_reply as reply;

    /// A sign-in page's address (a path naming one, or a query saying where
    /// to come back to) is told from an API's moved or upgraded address.
    #[test]
    fn a_redirect_to_a_sign_in_page_is_told_apart() {
        for (location, sign_in) in [
            ("http://127.0.0.1:1/login?rd=/express/accounts?page=1", true),
            ("https://login.example.com/authorize?rd=x", true),
            ("https://auth.example.com/?rd=https%3A%2F%2Fapi", true),
            (
                "https://idp/x?client_id=a&redirect_uri=https%3A%2F%2Fapi",
                true,
            ),
            (
                "https://api.example.com/express/accounts?page=1&per_page=50",
                false,
            ),
            ("https://api.example.com/express/accounts/", false),
            ("/v2/oauth/token", false),
            (
                "https://login.microsoftonline.com/t/oauth2/v2.0/token",
                false,
            ),
            ("https://api.example.com/api/authorize-payments", false),
            ("https://shop.example.com/catalog?rd=1", false),
            ("https://example.com/u/Login.php", true),
            ("https://github.com/login/oauth/access_token", false),
            ("/login/oauth/access_token/?rd=/x", false),
            ("/login?rd=/oauth/token", true),
        ] {
            assert_eq!(to_sign_in(location), sign_in, "{location}");
        }
    }

    /// UTF-16 big-endian by its byte-order mark or its charset, and bytes
    /// of no charset named read as UTF-8 with replacement characters.
    #[test]
    fn a_body_is_read_big_endian_or_lossily() {
        let be: Vec<u8> = "café".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decoded(&[&[0xFE, 0xFF][..], &be].concat(), None), "café");
        assert_eq!(decoded(&be, Some("utf-16be")), "café");
        assert_eq!(decoded(b"caf\xe9", None), "caf\u{FFFD}");
    }

    /// A text body of rules alone (`=====`, `-----`) has no words left when
    /// its rules are left out: it is shown as it is, not as an empty part
    /// (`HTTP 502: `).
    #[test]
    fn a_text_body_of_rules_alone_is_shown_as_it_is() {
        let text = describe(&reply(502, "=====\n-----\n"), &Redactor::default());
        assert_eq!(text, "HTTP 502: ===== -----");
    }

    /// Grape's `format :xml` answer is XML; lighttpd's XHTML page, which
    /// opens with `<?xml` too, and an HTML page are HTML.
    #[test]
    fn an_xml_document_is_told_from_an_xhtml_page() {
        let grape = b"\xEF\xBB\xBF <?xml version=\"1.0\"?>\n<error><message>No</message></error>";
        let lighttpd = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html><body>431</body></html>";
        assert!(is_xml(grape) && !is_html(grape));
        assert!(!is_xml(lighttpd) && is_html(lighttpd));
        assert!(!is_xml(b"<?XML?><HTML></HTML>") && is_html(b"<html></html>"));
    }

    /// Jetty 9.4's JSON error (`sendError(500, "backend <down> & out")`)
    /// escapes its message as XML: shown with `<`, `>` and `&`, and a
    /// secret echoed in it (escaped so) redacted once decoded.
    #[test]
    fn jettys_json_error_is_shown_with_its_xml_escapes_decoded() {
        let jetty = "{\n\"servlet\":\"accounts\",\n\"message\":\"backend &lt;down&gt; &amp; &quot;out&quot; &#39;now&apos;\",\n\"url\":\"/express/accounts\",\n\"status\":\"500\"\n}";
        let text = describe(&reply(500, jetty), &Redactor::default());
        assert_eq!(text, "HTTP 500: backend <down> & \"out\" 'now'");
        let redactor = Redactor::default();
        redactor.add("s3cr&t<Xk9Vq");
        let echoed = "{\"message\":\"bad secret s3cr&amp;t&lt;Xk9Vq\",\"url\":\"/oauth/token\",\"status\":\"401\"}";
        let text = describe(&reply(401, echoed), &redactor);
        assert_eq!(text, "HTTP 401: bad secret <redacted>");
        // Another API's message is shown as it is written.
        let other = describe(&reply(500, r#"{"message":"a &amp; b"}"#), &redactor);
        assert_eq!(other, "HTTP 500: a &amp; b");
    }

    /// Jetty's error is known by both its `url` and its status of three
    /// digits as text: one of them alone, or a status of other text, is
    /// another API's, whose message is shown as it is written.
    #[test]
    fn only_a_url_with_a_three_digit_status_is_read_as_jettys_error() {
        for body in [
            r#"{"message":"a &amp; b","status":"500"}"#,
            r#"{"message":"a &amp; b","url":"/x"}"#,
            r#"{"message":"a &amp; b","url":"/x","status":"5000"}"#,
            r#"{"message":"a &amp; b","url":"/x","status":"ERR"}"#,
        ] {
            let text = describe(&reply(500, body), &Redactor::default());
            assert_eq!(text, "HTTP 500: a &amp; b", "{body}");
        }
    }

    /// Jetty 9.4's HTML error page (to a client that does not ask for
    /// JSON) says its title again in an `<h2>`, `HTTP ERROR 500 …`, and its
    /// status and message in a table: said once.
    #[test]
    fn jettys_html_error_page_does_not_repeat_its_title() {
        let page = "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n<title>Error 500 backend down</title>\n</head>\n<body><h2>HTTP ERROR 500 backend down</h2>\n<table>\n<tr><th>URI:</th><td>/express/accounts</td></tr>\n<tr><th>STATUS:</th><td>500</td></tr>\n<tr><th>MESSAGE:</th><td>backend down</td></tr>\n<tr><th>SERVLET:</th><td>accounts</td></tr>\n<tr><th>CAUSED BY:</th><td>java.lang.IllegalStateException: pool exhausted</td></tr>\n</table>\n<h3>Caused by:</h3><pre>java.lang.IllegalStateException: pool exhausted\n\tat com.example.Accounts.doGet(Accounts.java:42)\n</pre>\n<hr><a href=\"https://eclipse.org/jetty\">Powered by Jetty:// 9.4.53.v20231009</a><hr/>\n\n</body>\n</html>\n";
        let text = describe(&reply(500, page), &Redactor::default());
        assert!(
            text.starts_with("HTTP 500: Error 500 backend down: URI: /express/accounts SERVLET: accounts CAUSED BY: java.lang.IllegalStateException: pool exhausted at com.example.Accounts.doGet"),
            "{text}"
        );
        for repeat in ["HTTP ERROR", "STATUS:", "MESSAGE:", "Caused by:"] {
            assert!(!text.contains(repeat), "{text}");
        }
    }

    /// A line said again under another label is news: an HTML page that
    /// finds two parameters wrong alike names both, not the first alone.
    #[test]
    fn an_html_pages_line_said_again_under_another_label_is_kept() {
        let page = "<html><head><title>Error 400 Bad query</title></head><body><table>\n<tr><th>page:</th><td>must be a number</td></tr>\n<tr><th>per_page:</th><td>must be a number</td></tr>\n</table></body></html>\n";
        let text = describe(&reply(400, page), &Redactor::default());
        assert!(text.contains("per_page: must be a number"), "{text}");
    }

    #[test]
    fn statuses_no_api_answers_with_say_what_to_check() {
        for status in [101, 999] {
            let err = unexpected(
                "GET x",
                &reply(status, ""),
                "base_url",
                &Redactor::default(),
            );
            assert!(
                err.to_string()
                    .ends_with("no HTTP status the API answers with; check base_url"),
                "{err}"
            );
        }
    }

    /// The first 1000 lines alone (the title's own the first) are looked
    /// for in the title: the 1001st is shown though it says the title again.
    #[test]
    fn only_a_pages_first_1000_lines_are_looked_for_in_its_title() {
        let lines: String = (1..1000).map(|n| format!("<p>line {n}</p>")).collect();
        let page = format!("<title>said again</title>{lines}<p>said again</p><p>the end</p>");
        let summary = html_summary(&page).unwrap();
        assert!(
            summary.ends_with("\nline 999\nsaid again\nthe end"),
            "{}",
            &summary[summary.len() - 40..]
        );
        let page = page.replace("<p>line 1</p>", "");
        let summary = html_summary(&page).unwrap();
        assert!(summary.ends_with("\nline 999\nthe end"), "{summary}");
    }

    /// A page of megabytes with a long title and many lines is summed up as
    /// a short one is: its title, then its lines, cut after the redactor.
    /// (What this cost when each line was looked for in the whole title,
    /// minutes of CPU, no assertion here can say: the review's script
    /// `/tmp/s13/r/f1.sh` timed it, 45 s then, 0.6 s now.)
    #[test]
    fn a_huge_html_page_is_summed_up_from_its_start() {
        let title = "x".repeat(100_000);
        let lines = "<p>a b</p>\n".repeat(20_000);
        let page = format!("<html><title>{title}</title><body>{lines}</body></html>");
        let summary = html_summary(&page).unwrap();
        assert!(summary.starts_with("xxxx") && summary.contains(":\na b\na b"));
        let text = describe(&reply(403, &page), &Redactor::default());
        assert!(
            text.starts_with("HTTP 403: xxxx") && text.ends_with('…'),
            "{text}"
        );
    }

    /// A body past the 64 KiB bound whose bound falls inside a character
    /// (`é` is two bytes) is cut before that character, not panicked on.
    #[test]
    fn a_long_body_is_cut_at_a_character_boundary() {
        let text = describe(&reply(400, &"é".repeat(40_000)), &Redactor::default());
        assert!(
            text.starts_with("HTTP 400: éé") && text.ends_with('…'),
            "{text}"
        );
    }

    /// A text of secrets, each redacted to one word, brought the bound at
    /// which the text is cut into what is shown: a secret cut by it showed
    /// its first characters, fewer than the redactor knows for a part.
    #[test]
    fn a_secret_cut_by_the_bound_leaves_nothing_of_it() {
        let redactor = Redactor::default();
        let secret = "test-secret-value";
        redactor.add(secret);
        for tail in 1..Redactor::PART_LEN {
            // `tail` characters of the last secret before the bound.
            let before = 64 * 1024 - tail;
            let whole = (before - 20) / secret.len();
            let filler = "-".repeat(before - whole * secret.len());
            let body = format!("{}{filler}{secret}", secret.repeat(whole));
            let text = describe(&reply(403, &body), &redactor);
            // Shown whole (short once redacted): the cut text's end is its end.
            assert!(
                text.len() < 100 && !text.ends_with(&secret[..tail]),
                "{tail}: {text}"
            );
        }
    }

    /// A text is shown up to its last byte at 64 KiB, and past that only up
    /// to 7 bytes (a secret's part, less one) before the bound, never
    /// into a character: a text of secrets, redacted to one word, shows
    /// where the cut fell.
    #[test]
    fn a_text_past_64_kib_is_cut_7_bytes_before_the_bound() {
        let redactor = Redactor::default();
        let secret = "test-secret-value";
        redactor.add(secret);
        // Secrets, then dashes, then `AAAAAAA` ending at byte `at`, then `tail`.
        let said = |at: usize, tail: &str| {
            let whole = (at - 7 - 20) / secret.len();
            let filler = "-".repeat(at - 7 - whole * secret.len());
            let body = format!("{}{filler}AAAAAAA{tail}", secret.repeat(whole));
            describe(&reply(403, &body), &redactor)
        };
        let cases = [
            (64 * 1024, ""),
            (64 * 1024 - 7, "BBBBBBBB"),
            (64 * 1024 - 8, "éBBBBBBB"),
        ];
        for (at, tail) in cases {
            let text = said(at, tail);
            assert!(
                text.starts_with("HTTP 403: <redacted>--") && text.ends_with("-AAAAAAA"),
                "{at}: {text}"
            );
        }
    }

    /// nginx's own 429 page was shown markup and all.
    #[test]
    fn an_html_error_page_is_shown_by_its_title() {
        let page = "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body><center><h1>429 Too Many Requests</h1></center><hr><center>nginx/1.22.1</center></body></html>";
        let text = describe(&reply(429, page), &Redactor::default());
        assert_eq!(text, "HTTP 429: 429 Too Many Requests");
        let mitmproxy = "<!DOCTYPE html>\n<html>\n<head>\n    <title>502 Bad Gateway</title>\n    <style>body { margin: 0 }</style>\n</head>\n<body>\n<h1>502 Bad Gateway</h1>\n<p>Certificate verify failed: unable to get local issuer certificate</p>\n</body>\n</html>\n";
        let text = describe(&reply(502, mitmproxy), &Redactor::default());
        assert_eq!(
            text,
            "HTTP 502: 502 Bad Gateway: Certificate verify failed: unable to get local issuer certificate"
        );
        let apache = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>502 Proxy Error</title>\n</head><body>\n<h1>Proxy Error</h1>\n<p>The proxy server received an invalid\nresponse from an upstream server.<br />\nThe proxy server could not handle the request<p>Reason: <strong>Error reading from remote server</strong></p></p>\n<hr>\n<address>Apache/2.4.62 (Debian) Server at localhost Port 443</address>\n</body></html>\n";
        let text = describe(&reply(502, apache), &Redactor::default());
        assert!(
            text.starts_with("HTTP 502: 502 Proxy Error: The proxy server received an invalid response from an upstream server. The proxy server could not handle the request Reason: Error reading from remote server"),
            "{text}"
        );
        let text = describe(&reply(502, "<p>no title</p>"), &Redactor::default());
        assert_eq!(text, "HTTP 502: no title");
        let page = "<html><head><style>p { color: red }</style></head><body><div class=x><div>Down for\n maintenance &amp; <b>back</b> soon</div></div><script>alert(1)</script></body></html>";
        let text = describe(&reply(503, page), &Redactor::default());
        assert_eq!(text, "HTTP 503: Down for maintenance & back soon");
        let cut = describe(&reply(503, "<p>cut <b"), &Redactor::default());
        assert_eq!(cut, "HTTP 503: cut");
    }

    /// Mojolicious's development pages (its 404 and 500) start with a
    /// `<nav>` bar of links (Documentation, Tutorial, …, 25 words) before
    /// the page's own words: they were shown in place of its message.
    #[test]
    fn a_pages_navigation_bar_is_left_out() {
        let page = "<html><head><title>Page Not Found (development mode)</title></head><body><header><nav class=\"navbar\"><a href=\"/\">Documentation</a>\n<a href=\"/t\">Tutorial</a>\n<a href=\"/r\">Routing</a></nav></header><p>None of these routes could generate a response for your GET request for /api/express/accounts</p></body></html>";
        let text = describe(&reply(404, page), &Redactor::default());
        assert_eq!(
            text,
            "HTTP 404: Page Not Found (development mode): None of these routes could generate a response for your GET request for /api/express/accounts"
        );
    }

    /// A page whose only words are in a `<nav>` (a firewall's) shows them:
    /// leaving navigation bars out lost its message behind the title alone,
    /// and, without a title, showed the page's raw markup.
    #[test]
    fn a_page_of_only_a_nav_shows_its_words() {
        let nav = "<nav>Blocked by the firewall: too many requests</nav></body></html>";
        for (head, said) in [
            ("", "HTTP 403"),
            ("<title>Forbidden</title>", "HTTP 403: Forbidden"),
        ] {
            let page = format!("<html><head>{head}</head><body>{nav}");
            let text = describe(&reply(403, &page), &Redactor::default());
            assert_eq!(
                text,
                format!("{said}: Blocked by the firewall: too many requests")
            );
        }
    }

    /// A tag a browser shows inline joins the word it splits (`un<b>known`
    /// is one word); a comment is left out whole, a `>` in it too.
    #[test]
    fn an_inline_tag_joins_a_word_and_a_comment_goes_whole() {
        let page = "<p>Un<b>known</b> client<!-- a > b --> id</p>";
        let text = describe(&reply(401, page), &Redactor::default());
        assert_eq!(text, "HTTP 401: Unknown client id");
    }

    #[test]
    fn a_less_than_sign_in_a_pages_text_is_no_tag() {
        let page = "<p>Limit: fewer than <5 requests a second, 1 < 2 <- wait</p>";
        let text = describe(&reply(429, page), &Redactor::default());
        assert_eq!(
            text,
            "HTTP 429: Limit: fewer than <5 requests a second, 1 < 2 <- wait"
        );
    }

    #[test]
    fn talkdesk_errors_are_shown_whole() {
        let r = reply(
            400,
            r#"{"code":"0330001","message":"Bad Request","description":"Invalid query parameters","fields":[{"name":"per_page","description":"must be between 1 and 100"},{"name":"page","description":"must be positive"}]}"#,
        );
        assert_eq!(
            describe(&r, &Redactor::default()),
            "HTTP 400 (code 0330001): Bad Request: Invalid query parameters: per_page: must be between 1 and 100; page: must be positive"
        );
    }

    /// Stoplight Prism's 422 (RFC 9457 problem details) was shown as its
    /// JSON cut at 200 characters, which lost the one sentence that says
    /// what was wrong: `per_page must be <= 40`.
    #[test]
    fn problem_details_are_shown_with_their_violations() {
        let prism = r#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request","status":422,"detail":"Your request is not valid and no HTTP validation response was found in the spec, so Prism is generating this error for you.","validation":[{"location":["query","per_page"],"severity":"Error","code":"maximum","message":"Request query parameter per_page must be <= 40"}]}"#;
        assert_eq!(
            describe(&reply(422, prism), &Redactor::default()),
            "HTTP 422: Invalid request: Your request is not valid and no HTTP validation response was found in the spec, so Prism is generating this error for you.: Request query parameter per_page must be <= 40"
        );
        let aspnet = r#"{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"per_page":["The field per_page must be between 1 and 25."]},"traceId":"00-1"}"#;
        assert_eq!(
            describe(&reply(400, aspnet), &Redactor::default()),
            "HTTP 400: One or more validation errors occurred.: per_page: The field per_page must be between 1 and 25."
        );
        let rfc = r##"{"title":"Your request is not valid.","errors":[{"detail":"must be a positive integer","pointer":"#/age"}]}"##;
        assert_eq!(
            describe(&reply(422, rfc), &Redactor::default()),
            "HTTP 422: Your request is not valid.: must be a positive integer"
        );
        // FastAPI's detail of objects: their `msg`, every one (the body cut
        // at 200 characters lost the second).
        let fastapi = r#"{"detail":[{"type":"less_than_equal","loc":["query","per_page"],"msg":"Input should be less than or equal to 25","input":"50","ctx":{"le":25}},{"type":"int_parsing","loc":["query","page"],"msg":"Input should be a valid integer"}]}"#;
        let text = describe(&reply(422, fastapi), &Redactor::default());
        assert_eq!(
            text,
            "HTTP 422: Input should be less than or equal to 25; Input should be a valid integer"
        );
    }

    #[test]
    fn oauth_errors_are_shown() {
        let r = reply(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
        );
        assert_eq!(
            describe(&r, &Redactor::default()),
            "HTTP 401: invalid_client: Client authentication failed"
        );
    }

    #[test]
    fn other_bodies_are_shown_short_and_inert() {
        let r = reply(502, "<html>\x1b[31mBad gateway</html>\n");
        assert_eq!(describe(&r, &Redactor::default()), "HTTP 502: Bad gateway");
        let long = "x".repeat(500);
        assert!(describe(&reply(500, &long), &Redactor::default()).ends_with('…'));
        // An empty body: the status's standard reason.
        assert_eq!(
            describe(&reply(503, ""), &Redactor::default()),
            "HTTP 503 Service Unavailable"
        );
    }

    #[test]
    fn a_secret_is_redacted_before_the_body_is_cut() {
        let redactor = Redactor::default();
        redactor.add("Xk7Qp2Lm9Vb4Nz8Rt5Wy3H");
        let body = format!("{}secret=Xk7Qp2Lm9Vb4Nz8Rt5Wy3H", "a".repeat(190));
        let text = describe(&reply(400, &body), &redactor);
        assert!(text.ends_with("secret=<re…"), "{text}");
        assert!(!text.contains("Xk7"), "{text}");
    }

    /// A page that splits a secret with tags (a browser shows it as one
    /// word), line breaks or entities showed it, in pieces joined by spaces
    /// that were the tool's own.
    #[test]
    fn a_secret_split_by_markup_is_redacted() {
        let redactor = Redactor::default();
        redactor.add("Zq7Xk9Vw2Lm4NpRt6Yb3");
        for page in [
            "<p>Bad credentials: Zq7Xk9V<b>w2Lm4Np</b>Rt6Yb3</p>",
            "<p>Bad: <span>Zq7X</span><span>k9Vw</span><span>2Lm4</span><span>NpRt</span><span>6Yb3</span></p>",
            "<p>Bad: Zq7Xk9<wbr>Vw2Lm4<!-- x -->NpRt6Yb3</p>",
            "<p>Bad: Zq7Xk9V<br>w2Lm4Np<br/>Rt6Yb3</p>",
            "<pre>Bad: Zq7Xk9V\nw2Lm4Np\nRt6Yb3</pre>",
            "<p>Bad: Zq7Xk9V&#8203;w2Lm4Np&#x200B;Rt6Yb3 &#90;q7Xk9Vw2Lm4NpRt6Yb&#51;</p>",
            "<html><title>Bad: Zq7Xk9V\nw2Lm4NpRt6Yb3</title></html>",
        ] {
            let text = describe(&reply(401, page), &redactor);
            assert!(text.contains(": <redacted>"), "{page}: {text}");
            for piece in ["Zq7", "w2L", "6Yb"] {
                assert!(!text.contains(piece), "{page}: {text}");
            }
        }
    }

    #[test]
    fn a_field_of_megabytes_is_cut() {
        let huge = format!(r#"{{"code":"{0}","message":"{0}"}}"#, "m".repeat(5_000_000));
        let text = describe(&reply(400, &huge), &Redactor::default());
        assert!(text.len() < 3 * PART_CHARS + 100, "{} bytes", text.len());
        assert!(text.contains("mmm…"), "{}", &text[..80]);
    }

    #[test]
    fn retries_are_counted_in_the_message() {
        let mut r = reply(503, "");
        r.retries = 4;
        assert_eq!(
            describe(&r, &Redactor::default()),
            "HTTP 503 Service Unavailable after 4 retries"
        );
        // Given up on for the run's refusals: its own 4 retries were 2.
        let mut r = reply(429, "");
        (r.retries, r.run_refusals) = (2, Some(5));
        assert_eq!(
            describe(&r, &Redactor::default()),
            "HTTP 429 Too Many Requests after 2 retries and 5 refusals in a row for the run"
        );
        r.retries = 0;
        assert_eq!(
            describe(&r, &Redactor::default()),
            "HTTP 429 Too Many Requests after 5 refusals in a row for the run"
        );
    }

    #[test]
    fn a_long_wait_is_said_rounded_up_with_when_it_ends() {
        let now: jiff::Timestamp = "2026-12-03T05:11:08Z".parse().unwrap();
        let said = |secs| keep_away(Duration::from_secs(secs), now);
        let wait = |secs| said(secs).split(", longer").next().unwrap().to_string();
        let asks = "the server asks to wait";
        assert_eq!(
            wait(61),
            format!("{asks} 61 s (until 2026-12-03 05:13 UTC)")
        );
        // 06:01:08: a run at 06:01 would be early.
        assert_eq!(
            wait(3000),
            format!("{asks} 50 min (until 2026-12-03 06:02 UTC)")
        );
        assert_eq!(
            wait(3001),
            format!("{asks} 51 min (until 2026-12-03 06:02 UTC)")
        );
        assert_eq!(
            wait(7199),
            format!("{asks} 2 h (until 2026-12-03 07:12 UTC)")
        );
        assert_eq!(
            wait(5 * 3600 + 60),
            format!("{asks} 5 h 1 min (until 2026-12-03 10:13 UTC)")
        );
        assert_eq!(
            wait(172_799),
            format!("{asks} 2 days (until 2026-12-05 05:12 UTC)")
        );
        assert_eq!(
            wait(259_000),
            format!("{asks} 3 days (until 2026-12-06 05:08 UTC)")
        );
        let forever = keep_away(Duration::MAX, now);
        assert!(
            forever.starts_with("the server asks to wait 213503982334602 days, longer"),
            "{forever}"
        );
        assert!(
            said(61).ends_with(
                " UTC), longer than the 60 s a retry waits at most: run again after that"
            )
        );
        // A part of a second is a second more.
        let part = keep_away(Duration::from_millis(61_001), now);
        assert!(
            part.starts_with(&format!("{asks} 62 s (until 2026-12-03 05:13 UTC)")),
            "{part}"
        );
    }

    #[test]
    fn auth_statuses_have_hints() {
        assert!(
            hint(401, "base_url")
                .unwrap()
                .contains("client id and secret")
        );
        assert!(
            hint(403, "base_url")
                .unwrap()
                .contains("express-accounts:read")
        );
        assert!(hint(503, "base_url").unwrap().contains("try again later"));
        assert_eq!(hint(501, "base_url"), None);
        // A 404 sends the user to the URL that was not found.
        assert!(hint(404, "base_url").unwrap().starts_with("check base_url"));
        assert!(
            hint(404, "token_url")
                .unwrap()
                .starts_with("check token_url")
        );
    }

    /// Each status's hint, for the token request and for the API: the one
    /// asked is named (`token_url` or `base_url`), and a status nothing
    /// helps with (a 2xx, a 501 from the API, a 600) has none.
    #[test]
    fn each_status_hints_at_the_setting_asked() {
        let cases: [(u16, &str, &str); 27] = [
            (400, "token_url", "no OAuth answer; check token_url"),
            (422, "token_url", "refuses this tool's request"),
            (404, "token_url", "account_name and region"),
            (404, "base_url", "check base_url (the path"),
            (405, "token_url", "takes no POST"),
            (501, "token_url", "takes no POST"),
            (405, "base_url", "takes no GET"),
            (
                406,
                "token_url",
                "as a token endpoint does; check token_url",
            ),
            (406, "base_url", "as the API does; check base_url"),
            (408, "base_url", "gave up waiting"),
            (426, "token_url", "HTTP version; check token_url"),
            (505, "token_url", "HTTP version; check token_url"),
            (426, "base_url", "HTTP version; check base_url"),
            (505, "base_url", "HTTP version; check base_url"),
            (414, "base_url", "refuses URLs this long"),
            (431, "token_url", "only the client id and secret"),
            (431, "base_url", "the access token they carry"),
            (
                429,
                "token_url",
                "the token endpoint or a gateway before it is rate limiting",
            ),
            (
                429,
                "base_url",
                "the API or a gateway before it is rate limiting",
            ),
            (
                500,
                "token_url",
                "the token endpoint or a gateway before it is failing",
            ),
            (
                502,
                "token_url",
                "the token endpoint or a gateway before it is failing",
            ),
            (
                504,
                "token_url",
                "the token endpoint or a gateway before it is failing",
            ),
            (500, "base_url", "the API or a gateway before it is failing"),
            (502, "base_url", "the API or a gateway before it is failing"),
            (504, "base_url", "the API or a gateway before it is failing"),
            (
                520,
                "token_url",
                "a gateway before the token endpoint failed",
            ),
            (599, "base_url", "a gateway before the API failed"),
        ];
        for (status, setting, says) in cases {
            let hint = hint(status, setting).unwrap_or_default();
            assert!(hint.contains(says), "{status} {setting}: {hint}");
        }
        for (status, setting) in [(400, "base_url"), (422, "base_url"), (200, "token_url")] {
            assert_eq!(hint(status, setting), None, "{status} {setting}");
        }
        for status in [519, 600] {
            assert_eq!(hint(status, "base_url"), None, "{status}");
        }
    }

    /// What `unexpected` adds to a status, by what its body says.
    fn extra(status: u16, body: &str, setting: &str) -> String {
        extra_of(&reply(status, body), setting)
    }

    fn extra_of(reply: &Reply, setting: &str) -> String {
        unexpected("GET x", reply, setting, &Redactor::default()).to_string()
    }

    /// Each kind of answer no caller uses is told apart by its status and
    /// body: a gateway's, a web server's, a cache's, a rate limiter's.
    #[test]
    fn an_unexpected_answer_says_what_it_came_from() {
        let said = extra(304, "", "base_url");
        assert!(said.contains("HTTP 304 Not Modified, although"), "{said}");
        let said = extra(302, "", "base_url");
        assert!(
            said.ends_with("HTTP 302 without a Location header; check base_url"),
            "{said}"
        );
        let mut r = reply(399, "");
        r.location = Some("https://elsewhere/".into());
        let said = extra_of(&r, "base_url");
        assert!(
            said.contains("HTTP 399 redirect to https://elsewhere/ not followed"),
            "{said}"
        );
        for status in [200, 299] {
            let said = extra(status, "", "base_url");
            assert!(
                said.ends_with("only HTTP 200 carries an answer; check base_url"),
                "{said}"
            );
        }
        let nginx =
            "<html><head><title>400 No required SSL certificate was sent</title></head></html>";
        assert!(extra(400, nginx, "base_url").ends_with(CLIENT_CERTIFICATE));
        let cookie =
            "<html><head><title>400 Request Header Or Cookie Too Large</title></head></html>";
        let mut long = reply(400, cookie);
        long.authorization = format!("Bearer {}", "t".repeat(2000)).into();
        let said = extra_of(&long, "base_url");
        assert!(
            said.ends_with("the access token they carry is too long for it"),
            "{said}"
        );
        let said = extra(400, cookie, "base_url");
        assert!(said.ends_with("ask whoever runs it"), "{said}");
        // The token request's 400 of a page: no OAuth answer, whatever it says.
        for page in [cookie, "<html>x</html>"] {
            let said = extra(400, page, "token_url");
            assert!(
                said.ends_with("no OAuth answer; check token_url (its scheme and port)"),
                "{said}"
            );
        }
    }

    /// aiohttp's plain text for a header over its limit is its "Got more
    /// than" start with its "bytes when reading" both: either alone is
    /// some other 400's text.
    #[test]
    fn aiohttps_400_for_a_long_header_needs_both_of_its_phrases() {
        assert!(header_too_large(
            b"Got more than 8190 bytes when reading: b'Bearer eyJ...'."
        ));
        assert!(!header_too_large(b"Got more than one Host header"));
        assert!(!header_too_large(b"Bad request: 12 bytes when reading: x"));
    }

    /// A web server's 400 page for a request that went over TLS blames no
    /// scheme or port but a gateway passing it on unreadable, in the words
    /// of what was asked (no OAuth answer at token_url); over http, the
    /// scheme and port.
    #[test]
    fn a_web_servers_400_over_tls_names_a_gateway_in_front() {
        let nginx = "<html><head><title>400 Bad Request</title></head></html>";
        let said = |context: &str, setting: &str| {
            let r = reply(400, nginx);
            unexpected(context, &r, setting, &Redactor::default()).to_string()
        };
        let gateway = "a web server's page for a request it could not read, though the request went to it over TLS";
        for (context, setting, what) in [
            (
                "token request to https://x/oauth/token",
                "token_url",
                "no OAuth answer",
            ),
            ("GET https://x/accounts", "base_url", "not the API's answer"),
        ] {
            let over_tls = said(context, setting);
            assert!(
                over_tls.contains(&format!("; {what}: {gateway}")),
                "{over_tls}"
            );
            assert!(
                over_tls.ends_with(&format!("; else check {setting} (its host name)")),
                "{over_tls}"
            );
        }
        let plain = said("GET http://x/accounts", "base_url");
        assert!(
            plain.ends_with("not the API's answer; check base_url (its scheme and port)"),
            "{plain}"
        );
    }

    /// A body a web server, a gateway or a rate limiter wrote before the
    /// API could answer is told apart from the status's own hint.
    #[test]
    fn an_unexpected_answer_from_before_the_api_says_so() {
        let mut long = reply(413, "Request header exceeds the size limit");
        long.authorization = format!("Bearer {}", "t".repeat(1024)).into();
        assert!(
            extra_of(&long, "base_url").ends_with("the access token they carry is too long for it"),
            "{}",
            extra_of(&long, "base_url")
        );
        let said = extra(413, "Payload Too Large", "base_url");
        assert!(said.ends_with("HTTP 413: Payload Too Large"), "{said}");
        let go = "Client sent an HTTP request to an HTTPS server.\n";
        let said = extra(400, go, "base_url");
        assert!(
            said.ends_with("not the API's answer; check base_url (its scheme and port)"),
            "{said}"
        );
        let said = extra(
            403,
            "Missing ALPN Protocol, expected `h2` to be available.",
            "base_url",
        );
        assert!(said.contains("speaks only HTTP/2 over TLS"), "{said}");
        let spike = r#"{"fault":{"faultstring":"Spike arrest violation","detail":{"errorcode":"policies.ratelimit.SpikeArrestViolation"}}}"#;
        let said = extra(500, spike, "base_url");
        assert!(said.ends_with("the API or a gateway before it is rate limiting; try again later or raise --max-retries"), "{said}");
        let said = extra(429, "max connections reached: 5", "base_url");
        assert!(said.contains("lower --concurrency"), "{said}");
        // Any other 403, markup or a header named in plain text: the status's own.
        let said = extra(403, "{}", "base_url");
        assert!(
            said.ends_with("entitled to the Billing Insights API"),
            "{said}"
        );
        let said = extra(400, "<html>x</html>", "base_url");
        assert!(
            said.ends_with("not the API's answer; check base_url (its scheme and port)"),
            "{said}"
        );
        let said = extra(400, "Request header is too large", "base_url");
        assert!(
            said.ends_with("HTTP 400: Request header is too large"),
            "{said}"
        );
        let said = extra(431, "", "token_url");
        assert!(
            said.ends_with("only the client id and secret: check token_url"),
            "{said}"
        );
        let said = extra(418, "", "base_url");
        assert!(said.ends_with("HTTP 418 I'm a teapot"), "{said}");
    }

    /// A wait past what a retry waits says when to run again; one of no
    /// more than that, the status's own hint.
    #[test]
    fn only_a_wait_past_the_cap_says_when_to_run_again() {
        for status in [429, 503] {
            let mut r = reply(status, "");
            r.keep_away = Some(MAX_RETRY_AFTER + Duration::from_secs(1));
            let said = extra_of(&r, "base_url");
            assert!(said.contains("; the server asks to wait 61 s"), "{said}");
            r.keep_away = Some(MAX_RETRY_AFTER);
            let said = extra_of(&r, "base_url");
            assert!(
                said.ends_with("try again later or raise --max-retries"),
                "{said}"
            );
        }
    }

    /// A long wait ends from now: at least the wait after the call began,
    /// and within a minute of it after the call ended (rounded up).
    #[test]
    fn a_long_wait_is_said_to_end_from_now() {
        let mut r = reply(429, "");
        r.keep_away = Some(Duration::from_secs(3000));
        let before = jiff::Timestamp::now();
        let said = extra_of(&r, "base_url");
        let after = jiff::Timestamp::now();
        let until = (said.split("(until ").nth(1))
            .and_then(|rest| rest.split(" UTC)").next())
            .unwrap_or_default();
        let end: jiff::Timestamp = format!("{}:00Z", until.replace(' ', "T")).parse().unwrap();
        let wait = jiff::SignedDuration::from_secs(3000);
        let minute = jiff::SignedDuration::from_secs(60);
        assert!(
            end >= before + wait && end <= after + wait + minute,
            "{said}"
        );
    }

    /// A refusal a cache stored names the cache, and every retry only
    /// when there was one.
    #[test]
    fn a_stored_refusal_says_a_cache_answered() {
        for status in [429, 500, 502, 504] {
            let mut r = reply(status, "");
            r.age = std::num::NonZeroU64::new(5);
            let said = extra_of(&r, "base_url");
            assert!(said.contains(&format!("; this HTTP {status} came from a cache in front of the API, which stored it 5 s before (Age: 5): have")), "{said}");
            let said = extra_of(&r, "token_url");
            assert!(
                said.contains("a cache in front of the token endpoint"),
                "{said}"
            );
            r.retries = 1;
            assert!(extra_of(&r, "base_url").contains("(Age: 5) and answers every retry with it"));
            (r.retries, r.run_refusals) = (0, Some(3));
            assert!(extra_of(&r, "base_url").contains("(Age: 5) and answers every retry with it"));
        }
        // No Age, or a status no cache's storing explains: its own hint.
        let said = extra(503, "", "base_url");
        assert!(
            said.ends_with(
                "the API or a gateway before it is failing; try again later or raise --max-retries"
            ),
            "{said}"
        );
        let mut r = reply(404, "");
        r.age = std::num::NonZeroU64::new(5);
        assert!(!extra_of(&r, "base_url").contains("cache"));
    }

    /// Headers too large: the access token, unless the URL is the longer
    /// and long (a request line counted with the headers), or neither is
    /// long (a limit on the number of header fields).
    #[test]
    fn headers_too_large_blame_the_longer_of_url_and_token() {
        let said = |url_len: usize, token_len: usize, setting: &str| {
            let mut r = reply(431, "");
            r.authorization = format!("Bearer {}", "t".repeat(token_len)).into();
            let context = format!("GET {}", "u".repeat(url_len));
            unexpected(&context, &r, setting, &Redactor::default()).to_string()
        };
        let token = "the access token they carry is too long for it";
        let url = "the API's next link is too long for it";
        assert!(
            said(1024, 10, "base_url")
                .contains("the URL is 1024 bytes, the access token 10: the API's next link")
        );
        let neither = "though they are small (the access token 10 bytes, the URL 1023)";
        assert!(said(1023, 10, "base_url").contains(neither));
        assert!(said(1023, 10, "base_url").ends_with("ask whoever runs it"));
        assert!(said(1023, 1024, "base_url").ends_with(token));
        assert!(said(2000, 2000, "base_url").ends_with(token));
        assert!(said(2001, 2000, "base_url").contains(url));
        assert!(said(2001, 2000, "token_url").ends_with("check token_url"));
    }

    /// libevent's page (or civetweb's) for any request it cannot read is
    /// read as headers too large under a token or URL of `LONG_URL` bytes,
    /// not one byte shorter.
    #[test]
    fn a_page_for_any_request_unread_blames_only_a_long_token_or_url() {
        let page = "<HTML><HEAD>\n<TITLE>400 Bad Request</TITLE>\n</HEAD><BODY>\n<H1>Bad Request</H1>\n</BODY></HTML>\n";
        let said = |url_len: usize, token_len: usize| {
            let mut r = reply(400, page);
            r.authorization = format!("Bearer {}", "t".repeat(token_len)).into();
            let context = format!("GET {}", "u".repeat(url_len));
            unexpected(&context, &r, "base_url", &Redactor::default()).to_string()
        };
        assert!(said(10, 1024).ends_with("the access token they carry is too long for it"));
        assert!(
            said(10, 1023).ends_with("not the API's answer; check base_url (its scheme and port)")
        );
        assert!(said(1024, 10).contains("the API's next link is too long for it"));
    }

    /// cpp-httplib answers a header line over its 8192 bytes (an access
    /// token of 8,169 bytes), lua-http one of 4096 bytes (4,072), with a
    /// bare `400`: what a 431 says (under 8 KiB, that it may be), of no
    /// shorter line, nor of a 400 that says why.
    #[test]
    fn a_bare_400_to_a_header_line_over_8_kib_blames_the_access_token() {
        let said = |token_len: usize, body: &str| {
            let mut r = reply(400, body);
            r.authorization = format!("Bearer {}", "t".repeat(token_len)).into();
            unexpected("GET x", &r, "base_url", &Redactor::default()).to_string()
        };
        let too_large = "refuses request headers this large: the access token they carry";
        assert!(said(8169, "").contains(too_large), "{}", said(8169, ""));
        let may = "may refuse request headers this large";
        assert!(said(4072, "").contains(may), "{}", said(4072, ""));
        assert!(!said(4071, "").contains("request headers"));
        assert!(!said(8169, r#"{"message":"bad page"}"#).contains("request headers"));
    }

    /// uvicorn's 400 for any request it cannot read blames the access token
    /// only when that is near h11's 16 KiB or more.
    #[test]
    fn uvicorns_400_blames_only_a_token_near_16_kib() {
        let said = |token_len: usize| {
            let mut r = reply(400, "Invalid HTTP request received.");
            r.authorization = format!("Bearer {}", "t".repeat(token_len)).into();
            unexpected("GET x", &r, "base_url", &Redactor::default()).to_string()
        };
        assert!(said(16_000).contains("the access token they carry is too long"));
        assert!(!said(9_000).contains("request headers"), "{}", said(9_000));
    }

    /// Under 8 KiB most servers take the line (nginx, Apache, Node, Go):
    /// a bare 400 there (a gateway refusing for another reason) may be no
    /// refusal of the token, so it says "may", and how long the token is.
    #[test]
    fn a_bare_400_to_a_header_line_under_8_kib_says_the_token_may_be_too_long() {
        let said = |token_len: usize| {
            let mut r = reply(400, "");
            r.authorization = format!("Bearer {}", "t".repeat(token_len)).into();
            unexpected("GET x", &r, "base_url", &Redactor::default()).to_string()
        };
        let may = "the server may refuse request headers this large, as lua-http does a header line of 4 KiB or more: if so, the access token they carry (5000 bytes) is too long for it";
        assert!(said(5000).ends_with(may), "{}", said(5000));
        assert!(said(8168).contains("may refuse"), "{}", said(8168));
        assert!(!said(8169).contains("may refuse"), "{}", said(8169));
    }

    /// A quota's wait: none said, one of seconds (never 0 s), one past a
    /// retry's.
    #[test]
    fn a_spent_quota_says_when_to_try_again() {
        assert!(spent_quota(None).ends_with("run again once it is renewed"));
        let said = spent_quota(Some(Duration::from_millis(500)));
        assert!(
            said.ends_with("the server asks to wait 1 s: try again then"),
            "{said}"
        );
        let said = spent_quota(Some(MAX_RETRY_AFTER));
        assert!(
            said.ends_with("the server asks to wait 60 s: try again then"),
            "{said}"
        );
        let said = spent_quota(Some(MAX_RETRY_AFTER + Duration::from_secs(1)));
        assert!(
            said.contains("longer than the 60 s a retry waits at most"),
            "{said}"
        );
    }

    /// A quota's wait of seconds and a part (a reset of `1.5`, a
    /// Retry-After date less the time since) said the seconds alone: a try
    /// then was early. Rounded up, as a wait past a retry's is.
    #[test]
    fn a_spent_quota_s_part_of_a_second_is_said_as_a_second_more() {
        for (millis, secs) in [(1500, 2), (59_001, 60)] {
            let said = spent_quota(Some(Duration::from_millis(millis)));
            let wait = format!("the server asks to wait {secs} s: try again then");
            assert!(said.ends_with(&wait), "{millis} ms: {said}");
        }
    }

    /// A body that answers in place of what was asked: a code or a text
    /// of its own; a title or detail only if it is text, and no blank text.
    #[test]
    fn an_error_is_said_only_by_a_code_or_a_text() {
        let said = |body: &str| error_said(&reply(200, body), &Redactor::default());
        for body in [
            r#"{"code":7}"#,
            r#"{"message":"Rate limit is exceeded."}"#,
            r#"{"error":"x"}"#,
            r#"{"description":"x"}"#,
            r#"{"error_description":"x"}"#,
            r#"{"title":"x"}"#,
            r#"{"detail":"x"}"#,
            r#"{"fault":{"faultstring":"Spike arrest violation"}}"#,
        ] {
            assert!(
                said(body).is_some_and(|s| s.starts_with("HTTP 200")),
                "{body}"
            );
        }
        for body in [
            r#"{"title":5}"#,
            r#"{"detail":[{"msg":"x"}]}"#,
            r#"{"message":" "}"#,
            r#"{"title":" "}"#,
            r#"{"detail":"\t"}"#,
            r#"{"code":" "}"#,
            r#"{"code":""}"#,
            r#"{"fault":{"detail":{"errorcode":" "}}}"#,
            r#"{"accounts":[]}"#,
            "plain",
        ] {
            assert_eq!(said(body), None, "{body}");
        }
    }

    /// AWS API Gateway's 403 for no route, and no other message.
    #[test]
    fn only_a_missing_authentication_token_is_no_route() {
        assert!(no_route(br#"{"message":"Missing Authentication Token"}"#));
        assert!(!no_route(br#"{"message":"Forbidden"}"#));
        assert!(!no_route(b"Missing Authentication Token"));
    }

    /// UTF-16 little-endian by its byte-order mark or its charset, and
    /// Latin-1 by its.
    #[test]
    fn a_body_is_read_little_endian_or_as_latin_1() {
        let le: Vec<u8> = "café".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decoded(&[&[0xFF, 0xFE][..], &le].concat(), None), "café");
        assert_eq!(decoded(&le, Some("utf-16le")), "café");
        let be: Vec<u8> = "café".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decoded(&be, Some("utf-16")), "café");
        assert_eq!(decoded(b"caf\xe9", Some("iso-8859-1")), "café");
    }

    /// An `extra` beside a problem's `invalid-params` or `violations` is an
    /// extension member (RFC 9457 §3.2), no second list of them: the body
    /// was shown raw, its title and violations not read (serde's "duplicate
    /// field"). An `extra` of other data than Litestar's list of messages
    /// (a trace id) is no message.
    #[test]
    fn an_extension_member_named_extra_is_no_list_of_violations() {
        let problem = r#"{"title":"Your request parameters didn't validate.","invalid-params":[{"name":"per_page","reason":"must be at most 50"}],"extra":{"request_id":"abc123"}}"#;
        let said = describe(&reply(400, problem), &Redactor::default());
        assert!(
            said.starts_with("HTTP 400: Your request parameters didn't validate.: "),
            "{said}"
        );
        assert!(said.contains("must be at most 50"), "{said}");
        assert!(!said.contains("abc123"), "{said}");
        let traced = r#"{"detail":"Invalid per_page","extra":{"trace_id":"4bf92f3577b34da6"}}"#;
        assert_eq!(
            describe(&reply(400, traced), &Redactor::default()),
            "HTTP 400: Invalid per_page"
        );
    }

    /// Litestar and BlackSheep answer every 400 in the same shape, one a
    /// handler raises for bad credentials too: only their words for a body
    /// they could not bind count as a refusal of the request's kind.
    #[test]
    fn only_a_frameworks_words_for_a_body_it_could_not_bind_are_a_refusal() {
        for body in [
            &br#"{"status_code":400,"detail":"Validation failed for POST /oauth/token","extra":[]}"#[..],
            b"Bad Request: Bad Request: invalid parameter in request payload.",
            b"Bad Request: Expected request content",
            b"Parse error: missing field `client_id`.",
            br#"{"message":"Failed to deserialize content: malformed JSON string","status":400}"#,
        ] {
            assert!(is_extractor_refusal(body), "{}", String::from_utf8_lossy(body));
        }
        for body in [
            &br#"{"status_code":400,"detail":"Invalid client credentials"}"#[..],
            b"Bad Request: Invalid client credentials",
        ] {
            assert!(
                !is_extractor_refusal(body),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    /// Litestar's validation error lists what was wrong in `extra`, each
    /// under the `key` it names: the run said only "Validation failed for
    /// GET …", the limit it broke lost.
    #[test]
    fn litestars_extra_is_shown_with_its_keys() {
        let litestar = r#"{"status_code":400,"detail":"Validation failed for GET /express/accounts?per_page=100","extra":[{"message":"Expected `int` <= 50","key":"per_page","source":"query"}]}"#;
        assert_eq!(
            describe(&reply(400, litestar), &Redactor::default()),
            "HTTP 400: Validation failed for GET /express/accounts?per_page=100: per_page: Expected `int` <= 50"
        );
    }

    /// Messages are found at any depth, each named by the key it is under.
    #[test]
    fn violations_are_named_by_their_key() {
        let value: Value =
            serde_json::from_str(r#"{"page":[{"msg":"a"}],"per_page":{"limit":["b", 5]},"n":1}"#)
                .unwrap();
        assert_eq!(messages(&value, ""), ["page: a", "limit: b"]);
        let value: Value = serde_json::from_str(r#"[{"detail":"c"},{"message":"d"}]"#).unwrap();
        assert_eq!(messages(&value, "x: "), ["x: c", "x: d"]);
    }

    /// A 414 for the token request (a token_url with a long path) said
    /// "the API's next link is too long for it", though no link is ever
    /// followed there: it sends the user to token_url.
    #[test]
    fn a_414_for_the_token_request_names_token_url_not_a_next_link() {
        let said = hint(414, "token_url").unwrap();
        assert!(
            said.contains("check token_url") && !said.contains("next link"),
            "{said}"
        );
    }

    /// A 500 is read as a refusal of the form only with both marks of
    /// `JSON.parse`'s error for it: the form's `grant_type` and "is not
    /// valid JSON"; either alone (a server's own words) is not one.
    #[test]
    fn a_500_refuses_the_form_only_as_json_parse_of_it_says() {
        let parse = "Unexpected token &#39;g&#39;, &quot;grant_type&quot;... is not valid JSON";
        assert!(refuses_the_form(&reply(500, parse)));
        for body in [
            "unsupported grant_type",
            "Unexpected token 'x', \"xyz\"... is not valid JSON",
        ] {
            assert!(!refuses_the_form(&reply(500, body)), "{body}");
        }
    }
}
