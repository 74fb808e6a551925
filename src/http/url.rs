//! The URL rules of the tool, on the `url` crate (WHATWG parsing and
//! joining; schemes and hosts case-insensitive): only absolute `http(s)`
//! URLs with a host and no `user:password@`; plain http only to loopback
//! hosts (§7); next links resolved against the page they came from and
//! kept to the API's origin (§4).

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use url::Host;
pub use url::Url;

use crate::error::api_error;
use crate::text::{shorten, terminal_safe};

/// A URL as the server reads the request for it: its origin, path and
/// parameters (decoded to their bytes, in any order). The fragment, never
/// sent, is left out: two links with one key ask for the same page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestKey(url::Origin, String, Vec<(Vec<u8>, Vec<u8>)>);

impl RequestKey {
    pub fn of(url: &Url) -> RequestKey {
        // Bytes, not text: `query_pairs` reads `%FC` and `%F6` (Latin-1
        // ü and ö) both as U+FFFD, and two cursors as one.
        let decoded = |part: &str| -> Vec<u8> {
            percent_encoding::percent_decode(part.replace('+', " ").as_bytes()).collect()
        };
        let query = url.query().unwrap_or_default();
        let mut params: Vec<(Vec<u8>, Vec<u8>)> = (query.split('&'))
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decoded(name), decoded(value))
            })
            .collect();
        params.sort();
        RequestKey(url.origin(), url.path().to_string(), params)
    }
}

/// How much of a link an error message shows.
const SHOWN_CHARS: usize = 120;

/// Parses an absolute `http://` or `https://` URL with a host and no
/// `user:password@` part. An error never repeats a URL that holds
/// credentials.
pub fn parse(text: &str) -> Result<Url, String> {
    let shown = quoted(text).unwrap_or_else(|| "a URL with `@`".into());
    // `api.talkdeskapp.com` (or `…:443`, read as a scheme) is a host alone.
    let whole = quoted(&format!("https://{}", text.trim().trim_start_matches('/')))
        .filter(|_| !text.contains("://"));
    let hint = whole.map(|url| format!("; write the whole URL, as in {url}"));
    let hint = hint.unwrap_or_default();
    let url = Url::parse(text.trim()).map_err(|e| match e {
        // `[fe80::1%25eth0]` (RFC 6874): a valid address, but WHATWG URLs
        // (and so this tool) have no zones.
        url::ParseError::InvalidIpv6Address if has_zone(text) => format!("{shown} {ZONED}"),
        e => format!("{shown} is not a valid URL ({e}){hint}"),
    })?;
    check_web(&url).map_err(|why| format!("{shown} {why}{hint}"))?;
    // fe80::/10: connecting without a zone fails ("Invalid argument").
    if matches!(url.host(), Some(Host::Ipv6(ip)) if ip.is_unicast_link_local()) {
        return Err(format!("{shown} has a link-local IPv6 address, {UNZONED}"));
    }
    Ok(url)
}

/// What is said of a URL with a zone ([`has_zone`]), after what names it.
pub const ZONED: &str = "has an IPv6 address with a zone (`%…` inside `[…]`), which is not supported; use a host name, or an address without a zone (not a link-local fe80:: one)";

/// What is said of a link-local IPv6 address, after what names it.
pub const UNZONED: &str = "which cannot be reached without a zone (`%25eth0`), and URLs carry none; use a host name, or an address that is not link-local";

/// True when `text` has `%` between its first `[` and the `]` after it.
pub fn has_zone(text: &str) -> bool {
    let inside = (text.split_once('[')).and_then(|(_, rest)| rest.split_once(']'));
    inside.is_some_and(|(address, _)| address.contains('%'))
}

/// Why `url` is not a URL the tool may send a request to, if it is not:
/// another scheme than http(s), or a user name or password. (An http(s)
/// URL the `url` crate makes always has a host: it refuses an empty one.)
fn check_web(url: &Url) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("uses `{}:`, not http:// or https://", url.scheme()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "holds a user name or password for host `{}`; remove the `…@` part (credentials belong in client_id and client_secret)",
            url.host_str().unwrap_or_default()
        ));
    }
    Ok(())
}

/// Parses and checks the §7 rule: plain http only to loopback hosts
/// (127.0.0.0/8, ::1 and localhost).
pub fn parse_secure(text: &str) -> Result<Url, String> {
    let url = parse(text)?;
    match url.host() {
        _ if url.scheme() == "https" => Ok(url),
        Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => Ok(url),
        Some(Host::Ipv4(ip)) if ip.is_loopback() => Ok(url),
        // `::ffff:127.0.0.1` is 127.0.0.1 on a dual-stack socket.
        Some(Host::Ipv6(ip)) if ip.to_canonical().is_loopback() => Ok(url),
        // glibc looks `localhost.` up in DNS, not in /etc/hosts: it may not be
        // this machine at all.
        Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost.") => Err(
            "refusing plain http to `localhost.`: write `localhost` without the final dot (with it the name may be looked up in DNS, not in /etc/hosts), or use https://".into(),
        ),
        _ => Err(format!(
            "refusing plain http to `{}`: use https:// (plain http is allowed only to loopback hosts)",
            url.host_str().unwrap_or_default()
        )),
    }
}

/// True when `url` is plain http to `localhost`.
pub fn plain_localhost(url: &Url) -> bool {
    let named = matches!(url.host(), Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost"));
    named && url.scheme() == "http"
}

/// Why plain http to `localhost` ([`plain_localhost`]) must not be sent:
/// the name resolves (`/etc/hosts`, or DNS where it is asked first) to an
/// address off this machine, which would get the secret and the token in
/// clear. (curl always connects `localhost` to loopback.) The same for
/// every such URL.
pub fn localhost_elsewhere() -> Option<String> {
    use std::net::ToSocketAddrs;
    let mut addrs = ("localhost", 0).to_socket_addrs().ok()?;
    let off = addrs.find(|a| !on_this_machine(a))?;
    Some(format!(
        "refusing plain http to `localhost`: the name resolves to {}, which is not this machine (/etc/hosts or DNS says so), and the secret and the token would cross the network in clear; write 127.0.0.1, or use https://",
        off.ip()
    ))
}

/// A loopback address, or an IPv6 link-local one on the loopback
/// interface (`lo0` on macOS and BSD, `lo`): older macOS hosts files give
/// `localhost` `fe80::1%lo0` too. (On another link, `%eth0`, it is a
/// neighbour's.)
fn on_this_machine(addr: &std::net::SocketAddr) -> bool {
    match addr {
        std::net::SocketAddr::V6(v6) if v6.scope_id() != 0 => {
            // SAFETY: if_nametoindex reads a NUL-terminated name.
            #[cfg(unix)]
            let lo = [c"lo0", c"lo"].map(|name| unsafe { libc::if_nametoindex(name.as_ptr()) });
            #[cfg(not(unix))]
            let lo: [u32; 0] = [];
            v6.ip().is_unicast_link_local() && lo.contains(&v6.scope_id())
        }
        _ => addr.ip().to_canonical().is_loopback(),
    }
}

/// The host as a proxy or `NO_PROXY` rule sees it: no IPv6 brackets.
pub fn bare_host(url: &Url) -> String {
    match url.host() {
        Some(Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => String::new(),
    }
}

/// `base` with `path` appended to its path (`base_url` + `/express/accounts`).
pub fn join_path(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{path}", base.path().trim_end_matches('/'));
    url.set_path(&joined);
    url.set_query(None);
    url
}

/// What RFC 3986 keeps out of a query and a URL parser leaves in it (the
/// controls, already encoded by the parser, as the set to build on).
const NOT_IN_A_QUERY: &AsciiSet = &CONTROLS
    .add(b'|')
    .add(b'{')
    .add(b'}')
    .add(b'[')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'\\');

/// `query` as RFC 3986 has it: [`NOT_IN_A_QUERY`] and each `%` not
/// followed by two hex digits percent-encoded.
fn in_a_query(query: &str) -> String {
    escapes_alone(&utf8_percent_encode(query, NOT_IN_A_QUERY).to_string())
}

/// `text` with each `%` not followed by two hex digits percent-encoded.
fn escapes_alone(text: &str) -> String {
    let mut parts = text.split('%');
    let first = parts.next().unwrap_or_default().to_string();
    parts.fold(first, |out, part| {
        let hex = |h: &[u8]| h.iter().all(u8::is_ascii_hexdigit);
        let escape = part.as_bytes().get(..2).is_some_and(hex);
        out + if escape { "%" } else { "%25" } + part
    })
}

/// Resolves a next link against the page it came from, and checks that
/// the token may follow it: http(s), no user name or password, and the
/// origin of `origin` (https unless loopback, as `origin` was checked to
/// be). A refusal names the link (shortened, inert, and without any
/// password) and says why: an API error (exit 5, §4), the server's doing,
/// a plain-http link elsewhere too.
pub fn follow(page: &Url, href: &str, origin: &Url) -> anyhow::Result<Url> {
    let refuse = |why: String| {
        let shown = quoted(href).unwrap_or_else(|| "with `@`".into());
        format!("refusing to follow the API's next link {shown}: {why}")
    };
    let elsewhere = |why: String| api_error(refuse(why));
    let mut url =
        (page.join(href)).map_err(|e| elsewhere(format!("it is not a valid URL ({e})")))?;
    // Characters RFC 3986 keeps out of a query, which Tomcat refuses (400)
    // raw, and a `%` that starts no escape, which libwebsockets refuses
    // (403), in the path too: sent percent-encoded, as they mean the same.
    let query = url.query().map(in_a_query);
    if query.as_deref() != url.query() {
        url.set_query(query.as_deref());
    }
    let path = escapes_alone(url.path());
    if path != url.path() {
        url.set_path(&path);
    }
    check_web(&url).map_err(|why| elsewhere(format!("it {why}")))?;
    if url.origin() != origin.origin() {
        return Err(elsewhere(format!(
            "it leaves {} (to {}), and the token is sent only there; {}",
            origin.origin().ascii_serialization(),
            url.origin().ascii_serialization(),
            other_origin_hint(&url, origin)
        )));
    }
    Ok(url)
}

/// What to do about a next link `url` to another origin than `origin`'s.
fn other_origin_hint(url: &Url, origin: &Url) -> String {
    // `api.example.com.` and `api.example.com`: one host, two origins.
    let undotted = |u: &Url| u.host_str().map(|h| h.trim_end_matches('.').to_string());
    let dotted = origin.host_str().is_some_and(|h| h.ends_with('.'));
    let same_host = undotted(url) == undotted(origin);
    match (origin.port(), url.port()) {
        (port, theirs) if dotted && same_host && port == theirs => {
            "write base_url's host without the final dot, as the API's links do".into()
        }
        // nginx's `$host` is the host without its port: Debian's nginx passes it as the
        // Host (proxy_params) and HTTP_HOST (fastcgi_params) since 1.22.1-9+deb12u6.
        (Some(port), None) if same_host && url.scheme() == origin.scheme() => format!(
            "the link is without base_url's port {port}: a proxy in front of the API passes it the host without the port (nginx's `$host`, as Debian's proxy_params and fastcgi_params do); have it pass `$http_host`, else check base_url"
        ),
        // An app behind a TLS terminator builds its links from the plain
        // request it is passed (koa, Express, hono, h3 by default).
        (port, theirs) if same_host && port == theirs && (url.scheme(), origin.scheme()) == ("http", "https") => {
            "the link is http:// where base_url is https://, at its host and port: the API behind a TLS terminator builds its links from the plain-http request it is passed; have it take the scheme from X-Forwarded-Proto (Express: `app.set('trust proxy', …)`; koa: `app.proxy = true`), the terminator sending that header, or have the terminator rewrite them".into()
        }
        _ => "a gateway in front of the API may pass its links on unrewritten; have it rewrite them, else check base_url".into(),
    }
}

/// What to try first when an answer for `url`'s page takes longer than a
/// server allows: a smaller page, though none is smaller than one account
/// (`auth check`, `--per-page 1`).
pub fn smaller_page(url: &Url) -> &'static str {
    let per_page = query_param(url, "per_page").and_then(|n| n.parse::<u32>().ok());
    match per_page.is_none_or(|n| n > 1) {
        true => "a smaller --per-page may answer in time; else ",
        false => "",
    }
}

/// The value of a query parameter.
pub fn query_param(url: &Url, name: &str) -> Option<String> {
    (url.query_pairs()).find_map(|(k, v)| (k == name).then(|| v.into_owned()))
}

/// Text from a server, quoted and fit for one line of an error message;
/// `None` when it holds `@` (perhaps a password), which is never repeated.
fn quoted(text: &str) -> Option<String> {
    if text.contains('@') {
        return None;
    }
    let shown = shorten(&terminal_safe(text).replace('\n', " "), SHOWN_CHARS);
    Some(format!("`{shown}`"))
}

/// Whether a redirect's `Location` is ASP.NET's error page, where its
/// `customErrors` `defaultRedirect` sends a request whose handler failed
/// (`/Error.htm?aspxerrorpath=/token.ashx`): no URL to set.
pub fn aspx_error(location: &str) -> bool {
    location.contains("aspxerrorpath=")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Exit, exit_code_for};

    /// Older macOS hosts files give `localhost` a third address,
    /// `fe80::1%lo0`, which the check took for another machine: plain http
    /// to a local server was refused (exit 3). A link-local address with
    /// its interface named is on a link of this machine's; without one, or
    /// any other address, it is not.
    #[test]
    fn a_scoped_link_local_localhost_is_this_machine() {
        let this = [
            "127.0.0.1:80",
            "[::1]:80",
            "[::ffff:127.0.0.1]:80",
            "[fe80::1%1]:80",
        ];
        let other = ["192.0.2.1:80", "[fe80::1]:80", "[2001:db8::1%1]:80"];
        for addr in this {
            assert!(on_this_machine(&addr.parse().unwrap()), "{addr}");
        }
        for addr in other {
            assert!(!on_this_machine(&addr.parse().unwrap()), "{addr}");
        }
    }

    /// A link-local address is a neighbour's on any link but the
    /// loopback's: `localhost` at `fe80::1%eth0` was taken for this
    /// machine, and plain http sent the secret there in clear.
    #[test]
    fn a_link_local_localhost_on_another_link_is_another_machine() {
        // (No interface has that index; none but the loopback's counts.)
        assert!(!on_this_machine(&"[fe80::1%4242]:80".parse().unwrap()));
    }

    /// A host alone said "relative URL without a base", or with a port
    /// "uses `api.talkdeskapp.com:`", and no fix.
    #[test]
    fn a_host_without_a_scheme_is_shown_written_whole() {
        for (text, hint) in [
            (
                "api.talkdeskapp.com",
                "; write the whole URL, as in `https://api.talkdeskapp.com`",
            ),
            (
                "localhost:8080",
                "; write the whole URL, as in `https://localhost:8080`",
            ),
            (
                "//api.talkdeskapp.com",
                "; write the whole URL, as in `https://api.talkdeskapp.com`",
            ),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.ends_with(hint), "{err}");
        }
        assert!(!parse("ftp://h").unwrap_err().contains("whole URL"));
        assert!(!parse("u:p@h").unwrap_err().contains("p@h"));
    }

    /// An IPv6 address with a zone (`[fe80::1%25eth0]`, RFC 6874) was
    /// "not a valid URL (invalid IPv6 address)", though the address is
    /// valid: WHATWG URLs have no zones. The error says so, and what to use.
    #[test]
    fn an_ipv6_zone_is_named_as_unsupported() {
        for text in [
            "http://[fe80::1%25eth0]:8080",
            "https://[fe80::fc:ff:fe00:1%eth0]/",
            "http://[::1%25lo]:9",
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("a zone"), "{err}");
            assert!(err.contains("not supported"), "{err}");
            assert!(err.contains("a host name"), "{err}");
        }
        let err = parse("http://[fe80::zz]:80").unwrap_err();
        assert!(!err.contains("zone"), "{err}");
    }

    /// A link-local IPv6 address without a zone (`https://[fe80::1]:8443`)
    /// was taken, and every request failed with "connection error: Invalid
    /// argument (os error 22); check your network, or raise --timeout /
    /// --max-retries", retried: no such address is reached without a
    /// zone, which URLs cannot carry. It is refused, saying so.
    #[test]
    fn a_link_local_ipv6_address_is_refused_with_the_reason() {
        for text in [
            "https://[fe80::1]:8443",
            "https://[FEBF::1]/",
            "https://[fe80::fc:ff:fe00:1]",
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("link-local"), "{err}");
            assert!(err.contains("a host name"), "{err}");
        }
        for fine in ["https://[fec0::1]", "https://[fd00::2]:9", "http://[::1]:9"] {
            assert!(parse(fine).is_ok(), "{fine}");
        }
    }

    /// `http://localhost.:8080` (the name with its final dot) was told
    /// "use https://": the dot was the fault, the name not being looked
    /// up in /etc/hosts with it (glibc asks DNS). It is still refused, and
    /// the error says to write `localhost` without the dot.
    #[test]
    fn localhost_with_a_final_dot_is_told_to_drop_it() {
        for text in ["http://localhost.:8080", "http://LOCALHOST./x"] {
            let err = parse_secure(text).unwrap_err();
            assert!(
                err.contains("write `localhost` without the final dot"),
                "{err}"
            );
        }
        let err = parse_secure("http://example.com.").unwrap_err();
        assert!(!err.contains("final dot"), "{err}");
    }

    /// A `base_url` written with a final dot (`https://api.example.com.`)
    /// and the API's links without it: each link was refused as leaving
    /// for another origin, "check base_url", which did not say what to
    /// change. The link is still refused (another origin), and the error
    /// names the dot.
    #[test]
    fn a_link_that_differs_by_a_final_dot_names_the_dot() {
        let origin = url("https://api.example.com./");
        let page = url("https://api.example.com./express/accounts?page=1");
        let href = "https://api.example.com/express/accounts?page=2";
        let err = follow(&page, href, &origin).unwrap_err().to_string();
        assert!(err.contains("leaves https://api.example.com."), "{err}");
        assert!(err.contains("without the final dot"), "{err}");
        let page = url("https://api.example.com/express/accounts?page=1");
        let other = follow(
            &page,
            "https://evil.example/x",
            &url("https://api.example.com"),
        );
        assert!(!other.unwrap_err().to_string().contains("final dot"));
        let dotted_link = "https://api.example.com./express/accounts?page=2";
        let err = follow(&page, dotted_link, &url("https://api.example.com"));
        assert!(!err.unwrap_err().to_string().contains("final dot"));
    }

    fn url(text: &str) -> Url {
        parse(text).unwrap()
    }

    /// A link to base_url's host and scheme without its port names the
    /// port; one to another host, or with another scheme, does not.
    #[test]
    fn only_a_link_that_lost_just_the_port_names_the_port() {
        let origin = url("http://127.0.0.1:9160");
        let page = url("http://127.0.0.1:9160/express/accounts?page=1");
        for (href, names_the_port) in [
            ("http://127.0.0.1/express/accounts?page=2", true),
            ("http://127.0.0.2/express/accounts?page=2", false),
            ("https://127.0.0.1/express/accounts?page=2", false),
        ] {
            let err = follow(&page, href, &origin).unwrap_err().to_string();
            assert_eq!(
                err.contains("without base_url's port 9160"),
                names_the_port,
                "{err}"
            );
        }
    }

    #[test]
    fn plain_http_is_allowed_only_to_loopback() {
        for ok in [
            "https://api.talkdeskapp.com",
            "http://127.0.0.1:8080",
            "http://127.5.6.7",
            "http://localhost:3000/x",
            "HTTP://LocalHost:3000/x",
            "http://[::1]:9000",
            "http://[::ffff:127.0.0.1]:9000",
        ] {
            assert!(parse_secure(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.talkdeskapp.com",
            "http://10.0.0.1",
            "http://127.0.0.1.evil.com",
            "http://[::ffff:10.0.0.1]",
            "http://localhost.evil.com",
        ] {
            let err = parse_secure(bad).unwrap_err();
            assert!(err.contains("https://"), "{err}");
        }
    }

    /// Only plain http to the name `localhost` has its name checked
    /// against /etc/hosts: not https, nor a loopback address.
    #[test]
    fn only_plain_http_to_the_name_localhost_is_plain_localhost() {
        for yes in ["http://localhost:8025", "HTTP://LocalHost/x"] {
            assert!(plain_localhost(&url(yes)), "{yes}");
        }
        for no in [
            "https://localhost:8443",
            "http://127.0.0.1:8025",
            "http://[::1]:9",
        ] {
            assert!(!plain_localhost(&url(no)), "{no}");
        }
    }

    #[test]
    fn only_absolute_web_urls_without_credentials_parse() {
        let err = parse("https://me:hunter2@api.example.com/x").unwrap_err();
        assert!(err.contains("api.example.com"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        for bad in ["ftp://x/y", "file:///etc/passwd", "/relative", "not a url"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_resolve_by_whatwg_rules_against_the_page() {
        let page = url("http://127.0.0.1:5000/express/accounts?page=2&per_page=50");
        let origin = url("http://127.0.0.1:5000");
        for (href, resolved) in [
            (
                "/express/accounts?page=3",
                "http://127.0.0.1:5000/express/accounts?page=3",
            ),
            ("?page=3", "http://127.0.0.1:5000/express/accounts?page=3"),
            (
                "accounts?page=5",
                "http://127.0.0.1:5000/express/accounts?page=5",
            ),
            (
                "HTTP://127.0.0.1:5000/express/accounts?page=4",
                "http://127.0.0.1:5000/express/accounts?page=4",
            ),
            ("//127.0.0.1:5000/x", "http://127.0.0.1:5000/x"),
        ] {
            assert_eq!(
                follow(&page, href, &origin).unwrap().as_str(),
                resolved,
                "{href}"
            );
        }
    }

    /// Tomcat 10.1 answers 400 "Invalid character found in the request
    /// target" to a query with a raw `|`, `{` or another character RFC 3986
    /// keeps out of it, which the API's next link may hold (a cursor, a
    /// filter): the run ended at page 2, "try again later".
    #[test]
    fn a_next_links_characters_rfc_3986_keeps_out_of_a_query_are_percent_encoded() {
        let page = url("http://127.0.0.1:5000/express/accounts?page=1");
        let origin = url("http://127.0.0.1:5000");
        let href = "/express/accounts?page=2&sort=a|b&f={x}&g=[1]^`\\";
        assert_eq!(
            follow(&page, href, &origin).unwrap().as_str(),
            "http://127.0.0.1:5000/express/accounts?page=2&sort=a%7Cb&f=%7Bx%7D&g=%5B1%5D%5E%60%5C"
        );
    }

    /// libwebsockets 4.1 answers `HTTP/1.0 403` and its `<h1>403</h1>`
    /// page to a query with a `%` that starts no escape (`q=50%off`), which
    /// an API's next link may hold: the run ended at page 2 "something in
    /// front of the API … may be refusing; try again later" (exit 4).
    #[test]
    fn a_next_links_percent_signs_that_start_no_escape_are_percent_encoded() {
        let page = url("http://127.0.0.1:5000/express/accounts?page=1");
        let origin = url("http://127.0.0.1:5000");
        let href = "/express/accounts?page=2&q=50%off&r=%zz&s=%4&t=100%&u=%41%2f";
        assert_eq!(
            follow(&page, href, &origin).unwrap().as_str(),
            "http://127.0.0.1:5000/express/accounts?page=2&q=50%25off&r=%25zz&s=%254&t=100%25&u=%41%2f"
        );
    }

    /// libwebsockets 4.1 answers such a `%` in a path alike (`HTTP/1.0
    /// 403`, its `<h1>403</h1>` page): a next link's path is sent so too.
    #[test]
    fn a_next_links_path_percent_signs_that_start_no_escape_are_percent_encoded() {
        let page = url("http://127.0.0.1:5000/express/accounts?page=1");
        let origin = url("http://127.0.0.1:5000");
        let href = "/express/50%off/%zz/accounts%/%41%2f?page=2";
        assert_eq!(
            follow(&page, href, &origin).unwrap().as_str(),
            "http://127.0.0.1:5000/express/50%25off/%25zz/accounts%25/%41%2f?page=2"
        );
    }

    /// An http:// link at base_url's host and port (the default ones
    /// too) is an app's behind a TLS terminator; at another port, or
    /// another host, the gateway's word stays.
    #[test]
    fn an_http_link_at_base_urls_host_and_port_names_the_tls_terminator() {
        let page = url("https://api.example.com/express/accounts");
        let origin = url("https://api.example.com/");
        let said = |href| follow(&page, href, &origin).unwrap_err().to_string();
        let terminator = "the link is http:// where base_url is https://";
        assert!(said("http://api.example.com/x?page=2").contains(terminator));
        for href in [
            "http://api.example.com:8080/x",
            "http://other.example.com/x",
        ] {
            assert!(!said(href).contains(terminator), "{href}");
            assert!(
                said(href).contains("have it rewrite them, else check base_url"),
                "{href}"
            );
        }
    }

    #[test]
    fn links_elsewhere_are_refused_with_the_reason() {
        let page = url("https://api.talkdeskapp.com/express/accounts");
        let origin = url("https://api.talkdeskapp.com/");
        for (href, why) in [
            ("file:///etc/passwd", "file:"),
            ("javascript:alert(1)", "javascript:"),
            ("//evil.example/x", "leaves https://api.talkdeskapp.com"),
            ("https://api.talkdeskapp.com:8443/x", "leaves"),
            (
                "http://api.talkdeskapp.com/x",
                "(to http://api.talkdeskapp.com)",
            ),
            (
                "https://me:pw@api.talkdeskapp.com/x",
                "user name or password",
            ),
        ] {
            let err = follow(&page, href, &origin).unwrap_err().to_string();
            assert!(err.contains(why), "{href}: {err}");
            assert!(!err.contains(":pw@"), "{err}");
        }
        let long = format!("https://evil.example/{}", "a".repeat(500));
        let err = follow(&page, &long, &origin).unwrap_err();
        assert_eq!(exit_code_for(&err), Exit::Api, "another origin");
        let err = err.to_string();
        assert!(err.len() < 400 && err.contains('…'), "{err}");
    }

    #[test]
    fn paths_are_appended_and_hosts_shown_bare() {
        let base = url("https://gw.example.com/talkdesk/");
        assert_eq!(
            join_path(&base, "/express/accounts").as_str(),
            "https://gw.example.com/talkdesk/express/accounts"
        );
        assert_eq!(bare_host(&url("http://[::1]:9/")), "::1");
        let q = url("http://127.0.0.1/x?page=7&per_page=20");
        assert_eq!(query_param(&q, "per_page").as_deref(), Some("20"));
        assert_eq!(query_param(&q, "nope"), None);
    }

    /// A user name alone, or a password without one, is refused as both are.
    #[test]
    fn a_user_name_or_a_password_alone_is_refused() {
        for text in [
            "https://me@api.example.com/",
            "https://:hunter2@api.example.com/",
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("user name or password"), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }
}
