//! The proxy from the environment, read the way curl and the Go tools
//! (`gh`, `terraform`, …) read it, rather than the way ureq does:
//!
//! - an https URL goes through `HTTPS_PROXY` (or `https_proxy`), else
//!   `ALL_PROXY` (or `all_proxy`); a plain http URL (loopback only, for
//!   tests) through `HTTP_PROXY` (or `http_proxy`), else `ALL_PROXY`. An
//!   empty variable counts as unset.
//! - `NO_PROXY` (or, when it is not set at all, `no_proxy`) is a list of
//!   comma-separated entries, spaces around them ignored: `*`; a domain
//!   (`example.com`, `.example.com` or `*.example.com`: the domain and
//!   every host under it); an IP address; a CIDR range (`10.0.0.0/8`);
//!   any of them with `:port` to match that port only. IPv6 addresses
//!   may be written with or without brackets; an IPv4 address in IPv6
//!   form (`::ffff:10.1.2.3`) is that IPv4 address, as Go reads it.
//!
//! ureq's own reading sends https through `HTTP_PROXY` alone, lets
//! `ALL_PROXY` win over `HTTPS_PROXY`, does not trim entries, and has
//! `example.com` miss `api.example.com`; a reseller's corporate setup
//! written for other tools would route differently here.

use std::net::IpAddr;

use anyhow::Result;
use percent_encoding::percent_decode_str;
use ureq::{Proxy, ProxyProtocol};

use super::url::{UNZONED, Url, ZONED, bare_host};
use crate::error::config_error;

/// The proxies of the environment, and the hosts that go direct.
#[derive(Debug)]
pub struct Proxies {
    /// A SOCKS proxy here is an error only for a request that would go
    /// through it (not for a host in `NO_PROXY`, as curl goes direct).
    https: Option<Via>,
    /// Only plain http (loopback) URLs use it: one that cannot be used
    /// (`ALL_PROXY=socks5://…` beside `HTTPS_PROXY`) is an error only for
    /// a request that would go through it.
    http: Result<Option<Via>, String>,
    no_proxy: NoProxy,
}

/// A proxy a request goes through, and the variable it came from; as
/// messages name it (never its password): `proxy host:port from VAR`.
#[derive(Debug)]
pub struct Via {
    pub proxy: Proxy,
    /// The variable it came from.
    pub var: &'static str,
}

impl std::fmt::Display for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (host, port) = (self.proxy.host(), self.proxy.port());
        write!(f, "proxy {host}:{port} from {}", self.var)
    }
}

impl Proxies {
    /// Reads the variables through `var` (the process environment in
    /// production). A value that is not a proxy URL is a configuration
    /// error; a SOCKS proxy (unsupported) is one for a request through it
    /// (see [`Proxies::unusable_for`]), rather than a silent direct connection.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Proxies> {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let choose = |names: &[&'static str]| {
            let chosen = names.iter().find_map(|n| set(n).map(|v| (*n, v)));
            (chosen.map(|(name, value)| parse_proxy(name, value.trim()))).transpose()
        };
        // Unset, it is an empty list.
        let no_proxy = var("NO_PROXY").or_else(|| var("no_proxy"));
        Ok(Proxies {
            https: choose(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"])?,
            http: choose(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
                .map_err(|e| e.to_string()),
            no_proxy: NoProxy::parse(&no_proxy.unwrap_or_default()),
        })
    }

    /// The proxy a request to `url` goes through, or `None` to go direct.
    pub fn via_for(&self, url: &Url) -> Option<&Via> {
        self.usable(url.scheme()).filter(|_| self.proxied(url))
    }

    /// The proxy set for `scheme`'s URLs, unless none is or it cannot be
    /// used.
    fn usable(&self, scheme: &str) -> Option<&Via> {
        let chosen = match scheme {
            "https" => self.https.as_ref()?,
            _ => self.http.as_ref().ok()?.as_ref()?,
        };
        unsupported(chosen).is_none().then_some(chosen)
    }

    /// The configuration error of the proxy variable a request to `url`
    /// would go through, when it cannot be used (see [`Proxies::http`]).
    pub fn unusable_for(&self, url: &Url) -> Option<anyhow::Error> {
        let why = match (url.scheme(), &self.http) {
            ("https", _) => unsupported(self.https.as_ref()?)?,
            (_, Err(why)) => why.clone(),
            (_, Ok(via)) => {
                let via = via.as_ref()?;
                unsupported(via).or_else(|| off_this_machine(via, url))?
            }
        };
        self.proxied(url).then(|| config_error(why))
    }

    /// Whether `url`'s host is not one of `NO_PROXY`'s.
    fn proxied(&self, url: &Url) -> bool {
        let port = url.port_or_known_default().unwrap_or(443);
        !self.no_proxy.matches(&bare_host(url), port)
    }

    /// One `-v` line per proxy in use (never a password).
    pub fn describe(&self) -> Vec<String> {
        let line = |scheme| {
            let via = self.usable(scheme)?;
            Some(format!(
                "{via} for {scheme}:// URLs (hosts in NO_PROXY go direct)"
            ))
        };
        ["https", "http"].into_iter().filter_map(line).collect()
    }
}

/// A proxy URL; `host:port` alone means `http://host:port`. The `url`
/// crate checks it first (ureq's own parsing takes a port that is not a
/// number for the scheme's default).
fn parse_proxy(var: &'static str, value: &str) -> Result<Via> {
    let invalid = || {
        config_error(format!(
            "{var} is not a proxy URL; set it to http://host:port (or https://, with user:password@ if the proxy needs it), or unset it"
        ))
    };
    let text = match value.contains("://") {
        true => value.to_string(),
        false => format!("http://{value}"),
    };
    let parsed = match url::Url::parse(&text) {
        Err(url::ParseError::InvalidPort) => None,
        // `[fe80::1%25eth0]` (RFC 6874): WHATWG URLs have no zones.
        Err(url::ParseError::InvalidIpv6Address) if super::url::has_zone(value) => {
            return Err(config_error(format!("{var} {ZONED}, or unset {var}")));
        }
        Err(_) => return Err(invalid()),
        Ok(parsed) => Some(parsed).filter(|p| p.port() != Some(0)),
    };
    let Some(parsed) = parsed else {
        // `user:p/w@host`: the URL reads `p` as a port, the rest as a path.
        let credentials = if value.contains('@') {
            ", or a user name or password with a character to percent-encode (`/` as %2F, `?` as %3F, `#` as %23, `@` as %40, `:` as %3A)"
        } else {
            ""
        };
        return Err(config_error(format!(
            "{var} has an invalid port (it must be a number from 1 to 65535){credentials}; fix {var} or unset it"
        )));
    };
    // ureq refuses these as it refuses any bad URL: say what is wrong.
    let not_utf8 = |part: &str| percent_decode_str(part).decode_utf8().is_err();
    let bad = [
        ("user name", parsed.username()),
        ("password", parsed.password().unwrap_or_default()),
    ];
    if let Some((which, _)) = bad.iter().find(|(_, part)| not_utf8(part)) {
        return Err(config_error(format!(
            "the {which} in {var} is not UTF-8 text once its %-escapes are decoded; percent-encode the UTF-8 bytes of each character (é as %C3%A9), or unset {var}"
        )));
    }
    // As the `url` crate wrote it: raw UTF-8 in the credentials percent-encoded.
    let proxy = Proxy::new(parsed.as_str()).map_err(|_| invalid())?;
    if proxy.host().is_empty() {
        return Err(invalid());
    }
    Ok(Via { proxy, var })
}

/// Why no request can go through `via`: a SOCKS proxy (unsupported), or
/// one at a link-local IPv6 address, which connecting without a zone
/// fails ("Invalid argument").
fn unsupported(via: &Via) -> Option<String> {
    let (proxy, var) = (&via.proxy, via.var);
    let address = proxy.host().trim_matches(['[', ']']).parse();
    if address.is_ok_and(|ip: std::net::Ipv6Addr| ip.is_unicast_link_local()) {
        return Some(format!(
            "{var} has a link-local IPv6 address ({}), {UNZONED}, or unset {var}",
            proxy.host()
        ));
    }
    let protocol = proxy.protocol();
    (!matches!(protocol, ProxyProtocol::Http | ProxyProtocol::Https)).then(|| format!(
        "the proxy in {var} ({protocol:?} at {}:{}) is not supported, only http:// and https:// proxies are; set {var} to one, or unset it",
        proxy.host(),
        proxy.port()
    ))
}

/// Why plain http to `url` (a loopback host, §7) cannot go through
/// `via`: a proxy off this machine would get it in clear, secrets and
/// all, and pass it on to its own loopback, not this machine's.
fn off_this_machine(via: &Via, url: &Url) -> Option<String> {
    let at = format!("http://{}:{}", via.proxy.host(), via.proxy.port());
    let host = bare_host(url);
    match super::url::parse_secure(&at) {
        // At `localhost` that /etc/hosts or DNS puts elsewhere, as the API.
        Ok(proxy) => (super::url::plain_localhost(&proxy).then(super::url::localhost_elsewhere))
            .flatten()
            .map(|why| format!("the {via}: {why}")),
        Err(_) => Some(format!(
            "refusing plain http to `{host}` through the {via}: it would cross the network in clear, secrets included, to the proxy's own {host}; add {host} to NO_PROXY, or unset {}",
            via.var
        )),
    }
}

/// The hosts that go direct: each entry, and the port it is for (any
/// when `None`).
#[derive(Debug, Default, PartialEq)]
pub struct NoProxy(Vec<(Entry, Option<u16>)>);

#[derive(Debug, PartialEq)]
enum Entry {
    All,
    /// The domain itself and every host under it.
    Domain(String),
    /// An address range (an address alone: its 128 bits), as IPv6: the
    /// network and its prefix length (see [`v6`]).
    Net(u128, u8),
}

impl NoProxy {
    /// Parses a `NO_PROXY` list; entries that cannot be understood are
    /// skipped, as curl and Go skip them.
    pub fn parse(list: &str) -> NoProxy {
        NoProxy(list.split(',').filter_map(Entry::parse).collect())
    }

    /// Whether `host` (no brackets) on `port` goes direct.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let ip = host.parse::<IpAddr>().ok();
        let matches = |entry: &Entry| match entry {
            Entry::All => true,
            // A name never matches an address (as curl): `0.0.1` is not
            // a domain of 127.0.0.1.
            Entry::Domain(domain) => {
                let rest = host.strip_suffix(domain.as_str());
                ip.is_none() && rest.is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
            }
            Entry::Net(net, prefix) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*prefix)).unwrap_or(0);
                ip.is_some_and(|ip| v6(ip) & mask == net & mask)
            }
        };
        (self.0.iter()).any(|(entry, want)| want.is_none_or(|p| p == port) && matches(entry))
    }
}

impl Entry {
    /// An entry, and the port it is for.
    fn parse(raw: &str) -> Option<(Entry, Option<u16>)> {
        let text = raw.trim().to_ascii_lowercase();
        if text.is_empty() {
            return None;
        }
        if text == "*" {
            return Some((Entry::All, None));
        }
        if let Some((addr, prefix)) = text.split_once('/') {
            let addr: IpAddr = addr.trim_matches(['[', ']']).parse().ok()?;
            let (prefix, port) = match prefix.split_once(':') {
                Some((prefix, port)) => (prefix, Some(port.parse::<u16>().ok()?)),
                None => (prefix, None),
            };
            let prefix: u8 = prefix.parse().ok()?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            return (prefix <= max).then_some((Entry::Net(v6(addr), 128 - max + prefix), port));
        }
        // A bare v6 address (several colons, no port).
        if let Ok(addr) = text.parse::<IpAddr>() {
            return Some((Entry::Net(v6(addr), 128), None));
        }
        // `host:port`, `v4:port` and `[v6]:port` carry a port; `[v6]` does not.
        let (host, port) = match text.rsplit_once(':') {
            Some((host, port)) if !text.ends_with(']') => (host, Some(port.parse::<u16>().ok()?)),
            _ => (text.as_str(), None),
        };
        let unbracketed = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
        if let Ok(addr) = unbracketed.unwrap_or(host).parse::<IpAddr>() {
            return Some((Entry::Net(v6(addr), 128), port));
        }
        let domain = host.trim_start_matches("*.").trim_matches('.');
        if domain.is_empty() || domain.contains(['*', '/', ' ', '[', ']']) {
            return None;
        }
        Some((Entry::Domain(domain.to_string()), port))
    }
}

/// An address as IPv6: an IPv4 address as its mapped form (`10.1.2.3` is
/// `::ffff:10.1.2.3`, one address as Go's `net.IP` reads them), and an
/// IPv4 range as the range of those, its prefix after their 96 bits.
fn v6(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn a_proxy_port_that_is_not_a_port_is_a_config_error() {
        for value in [
            "http://me:pw@proxy:notaport",
            "proxy:99999",
            "http://proxy:0x50",
            // Port 0 was taken: four retries of "connection refused".
            "http://127.0.0.1:0",
        ] {
            let err = proxies(&[("HTTPS_PROXY", value)]).unwrap_err();
            let text = format!("{err:#}");
            assert!(
                text.contains("HTTPS_PROXY has an invalid port"),
                "{value}: {text}"
            );
            assert!(!text.contains("pw"), "{text}");
        }
        // A password with a `/` reads as a bad port: the message says what
        // to percent-encode (and never shows the password).
        let err = proxies(&[("HTTPS_PROXY", "http://me:p@ss:w/rd@proxy:3128")]).unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("`/` as %2F, `?` as %3F, `#` as %23, `@` as %40"),
            "{text}"
        );
        assert!(!text.contains("rd@"), "{text}");
        let p = proxies(&[("HTTPS_PROXY", "http://proxy:3128")]).unwrap();
        let api = url("https://api.talkdeskapp.com");
        assert_eq!(
            p.via_for(&api).map(|v| v.to_string()).as_deref(),
            Some("proxy proxy:3128 from HTTPS_PROXY")
        );
    }

    fn proxies(vars: &[(&str, &str)]) -> Result<Proxies> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let p = Proxies::from_env(|name| map.get(name).cloned())?;
        // As a request to the API finds it: a SOCKS proxy is an error there.
        p.unusable_for(&url("https://api.talkdeskapp.com"))
            .map_or(Ok(p), Err)
    }

    fn host_of(p: Option<&Via>) -> Option<String> {
        p.map(|p| format!("{}:{}", p.proxy.host(), p.proxy.port()))
    }

    #[test]
    fn https_goes_through_https_proxy_then_all_proxy_and_never_http_proxy() {
        let api = url("https://api.talkdeskapp.com");
        let p = proxies(&[("HTTP_PROXY", "http://plain:3128")]).unwrap();
        assert_eq!(
            host_of(p.via_for(&api)),
            None,
            "HTTP_PROXY is for http:// URLs"
        );
        let p = proxies(&[
            ("ALL_PROXY", "http://all:1"),
            ("HTTPS_PROXY", "http://secure:2"),
        ])
        .unwrap();
        assert_eq!(host_of(p.via_for(&api)).as_deref(), Some("secure:2"));
        let p = proxies(&[("all_proxy", "all:1"), ("https_proxy", "")]).unwrap();
        assert_eq!(
            host_of(p.via_for(&api)).as_deref(),
            Some("all:1"),
            "an empty variable is unset; a bare host:port is http://"
        );
        let p = proxies(&[("HTTP_PROXY", "http://plain:3128")]).unwrap();
        assert_eq!(
            host_of(p.via_for(&url("http://127.0.0.1:8080"))).as_deref(),
            Some("plain:3128")
        );
    }

    #[test]
    fn a_bad_or_socks_proxy_is_a_config_error_naming_the_variable_but_no_password() {
        for (value, says) in [
            ("socks5://user:hunter2@proxy:1080", "not supported"),
            ("http://user:hunter2@[bad", "not a proxy URL"),
        ] {
            let err = proxies(&[("HTTPS_PROXY", value)]).unwrap_err();
            let text = format!("{err:#}");
            assert!(
                text.contains("HTTPS_PROXY") && text.contains(says),
                "{text}"
            );
            assert!(!text.contains("hunter2"), "{text}");
            assert_eq!(
                crate::error::exit_code_for(&err),
                crate::error::Exit::Config
            );
        }
    }

    #[test]
    fn credentials_that_do_not_decode_to_utf8_are_named_but_not_shown() {
        for (value, which) in [
            ("http://user:hunter2%ff@proxy:3128", "password"),
            ("http://us%C3er:hunter2@proxy:3128", "user name"),
        ] {
            let err = proxies(&[("HTTPS_PROXY", value)]).unwrap_err();
            let text = format!("{err:#}");
            assert_eq!(
                text,
                format!(
                    "the {which} in HTTPS_PROXY is not UTF-8 text once its %-escapes are decoded; \
                     percent-encode the UTF-8 bytes of each character (é as %C3%A9), or unset HTTPS_PROXY"
                )
            );
            assert_eq!(
                crate::error::exit_code_for(&err),
                crate::error::Exit::Config
            );
        }
        let p = proxies(&[("HTTPS_PROXY", "http://us%C3%A9r:p%40ss@proxy:3128")]).unwrap();
        assert!(p.via_for(&url("https://api.talkdeskapp.com")).is_some());
    }

    #[test]
    fn no_proxy_entries_are_trimmed_and_match_domains_ips_ranges_and_ports() {
        let list = NoProxy::parse(
            " localhost , .corp.example, *.internal.test,example.com, 10.0.0.0/8,192.168.1.5, \
             [::1], fd00::/8, api.talkdeskapp.com:8443, [fe80::1]:443, ,bad:port",
        );
        for (host, port) in [
            ("localhost", 80),
            ("corp.example", 443),
            ("a.b.corp.example", 443),
            ("x.internal.test", 443),
            ("example.com", 443),
            ("API.Example.com", 443),
            ("example.com.", 443),
            ("10.200.3.4", 443),
            ("192.168.1.5", 8080),
            ("::1", 443),
            ("fd12::7", 443),
            ("api.talkdeskapp.com", 8443),
            ("fe80::1", 443),
        ] {
            assert!(list.matches(host, port), "{host}:{port} goes direct");
        }
        // A range with a port (it never matched); a name is not an address.
        let ranges = NoProxy::parse("127.0.0.0/8:23443, [::1]/128:23443, 0.0.1, *.0.1");
        assert!(ranges.matches("127.0.0.1", 23443) && ranges.matches("::1", 23443));
        assert!(!ranges.matches("127.0.0.1", 443) && !ranges.matches("::1", 443));
        for (host, port) in [
            ("notexample.com", 443),
            ("example.com.evil.test", 443),
            ("11.0.0.1", 443),
            ("192.168.1.6", 443),
            ("api.talkdeskapp.com", 443),
            ("fe80::1", 80),
            ("talkdeskapp.com", 443),
        ] {
            assert!(!list.matches(host, port), "{host}:{port} goes through");
        }
        assert!(NoProxy::parse("*").matches("anything", 1));
        assert!(!NoProxy::parse("").matches("localhost", 80));
    }

    /// An IPv4 address written in IPv6 form (`::ffff:127.0.0.1`) is that
    /// address, as the Go tools' `net.IP.Equal` and `IPNet.Contains` read
    /// it: `NO_PROXY=127.0.0.1` sent it through the proxy.
    #[test]
    fn no_proxy_reads_an_ipv4_address_in_ipv6_form_as_that_address() {
        let v4 = NoProxy::parse("127.0.0.1, 10.0.0.0/8");
        assert!(v4.matches("::ffff:127.0.0.1", 443));
        assert!(v4.matches("::ffff:10.1.2.3", 443));
        let mapped = NoProxy::parse("::ffff:127.0.0.1, ::ffff:10.0.0.0/104");
        assert!(mapped.matches("127.0.0.1", 443));
        assert!(mapped.matches("10.1.2.3", 443));
        assert!(!mapped.matches("11.1.2.3", 443) && !v4.matches("::ffff:11.1.2.3", 443));
    }

    #[test]
    fn no_proxy_wins_over_the_proxy_and_no_proxy_is_read_only_without_no_proxy() {
        let api = url("https://api.talkdeskapp.com");
        let p = proxies(&[
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("NO_PROXY", "intranet, talkdeskapp.com"),
        ])
        .unwrap();
        assert_eq!(host_of(p.via_for(&api)), None);
        assert_eq!(
            host_of(p.via_for(&url("https://mycompany.talkdeskid.com"))).as_deref(),
            Some("proxy:3128")
        );
        let p = proxies(&[
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("NO_PROXY", ""),
            ("no_proxy", "*"),
        ])
        .unwrap();
        assert!(
            p.via_for(&api).is_some(),
            "NO_PROXY is set (empty): no_proxy is not read"
        );
    }

    #[test]
    fn describe_names_the_variable_and_hides_the_password() {
        let p = proxies(&[("HTTPS_PROXY", "http://me:hunter2@proxy.corp:3128")]).unwrap();
        let lines = p.describe();
        assert_eq!(
            lines,
            [
                "proxy proxy.corp:3128 from HTTPS_PROXY for https:// URLs (hosts in NO_PROXY go direct)"
            ]
        );
        assert!(proxies(&[]).unwrap().describe().is_empty());
    }

    /// Credentials in raw UTF-8 were "not a proxy URL"; they are taken as
    /// their percent-encoding is.
    #[test]
    fn raw_utf8_credentials_are_taken_as_if_percent_encoded() {
        let raw = proxies(&[("HTTPS_PROXY", "http://ütf:pässwörd@proxy:3128")]).unwrap();
        let api = url("https://api.talkdeskapp.com");
        assert_eq!(host_of(raw.via_for(&api)).as_deref(), Some("proxy:3128"));
    }

    /// Plain http (loopback URLs only) through a proxy off this machine is
    /// refused, naming the host and the variable; through one on it, it is not.
    #[test]
    fn plain_http_goes_only_through_a_proxy_on_this_machine() {
        let local = url("http://127.0.0.1:8080");
        let env = |value: &str| {
            Proxies::from_env(|name| (name == "HTTP_PROXY").then(|| value.to_string())).unwrap()
        };
        let why = env("http://proxy.corp:3128").unusable_for(&local).unwrap();
        assert_eq!(
            why.to_string(),
            "refusing plain http to `127.0.0.1` through the proxy proxy.corp:3128 from HTTP_PROXY: \
             it would cross the network in clear, secrets included, to the proxy's own 127.0.0.1; \
             add 127.0.0.1 to NO_PROXY, or unset HTTP_PROXY"
        );
        assert_eq!(
            crate::error::exit_code_for(&why),
            crate::error::Exit::Config
        );
        let near = env("http://127.0.0.1:3128");
        assert!(near.unusable_for(&local).is_none());
        assert_eq!(
            host_of(near.via_for(&local)).as_deref(),
            Some("127.0.0.1:3128")
        );
    }

    #[test]
    fn a_proxy_address_with_a_zone_is_named_as_such() {
        let err = proxies(&[("HTTPS_PROXY", "http://[fe80::1%25eth0]:3128")]).unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.starts_with("HTTPS_PROXY has an IPv6 address with a zone"),
            "{text}"
        );
        assert_eq!(
            crate::error::exit_code_for(&err),
            crate::error::Exit::Config
        );
    }

    /// An entry that is no domain (empty once its dots are trimmed, or with
    /// a `*` or a bracket inside) is skipped, not kept as a domain.
    #[test]
    fn no_proxy_skips_entries_that_are_no_domain() {
        assert_eq!(NoProxy::parse(".,*.,..,a*b,x]y"), NoProxy::default());
    }
}
