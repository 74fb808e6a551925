//! URLs the tool talks to: parsing, the loopback-only plain-http rule (§7),
//! origins for token pinning, and resolving `_links` hrefs.

use std::fmt;
use std::net::IpAddr;

use ureq::http::Uri;

/// An absolute http(s) URL that passed [`Url::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    uri: Uri,
}

/// Scheme, host and port: where a bearer token may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

impl Url {
    /// Parses an absolute `http://` or `https://` URL with a host and no
    /// `user:password@` part. An error never repeats a URL that holds
    /// credentials.
    pub fn parse(text: &str) -> Result<Url, String> {
        // A text with `@` may hold a password: never repeat it.
        let shown = if text.contains('@') {
            "a URL with `@`".to_string()
        } else {
            format!("`{text}`")
        };
        let uri: Uri = text
            .parse()
            .map_err(|_| format!("{shown} is not a valid URL"))?;
        if let Some(authority) = uri.authority().filter(|a| a.as_str().contains('@')) {
            return Err(format!(
                "the URL of host `{}` holds a user name or password; remove the `…@` part (credentials belong in client_id and client_secret)",
                authority.host()
            ));
        }
        match uri.scheme_str() {
            Some("http") | Some("https") => {}
            Some(other) => return Err(format!("{shown} uses `{other}`; use an https:// URL")),
            None => {
                return Err(format!(
                    "{shown} is not an absolute URL; use https://host/…"
                ));
            }
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(format!("{shown} has no host"));
        }
        Ok(Url { uri })
    }

    /// Parses and checks the §7 rule: plain http only to loopback hosts.
    pub fn parse_secure(text: &str) -> Result<Url, String> {
        let url = Url::parse(text)?;
        url.check_secure()?;
        Ok(url)
    }

    /// Plain http is allowed only to 127.0.0.0/8, ::1 and localhost.
    pub fn check_secure(&self) -> Result<(), String> {
        if self.is_https() || self.is_loopback() {
            Ok(())
        } else {
            Err(format!(
                "refusing plain http to `{}`: use https:// (plain http is allowed only to loopback hosts)",
                self.host()
            ))
        }
    }

    pub fn is_https(&self) -> bool {
        self.uri.scheme_str() == Some("https")
    }

    /// The host, without IPv6 brackets.
    pub fn host(&self) -> &str {
        let host = self.uri.host().unwrap_or_default();
        host.trim_start_matches('[').trim_end_matches(']')
    }

    /// True for localhost, 127.0.0.0/8 and ::1.
    pub fn is_loopback(&self) -> bool {
        let host = self.host();
        host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// Scheme, host and port (the default port when none is given).
    pub fn origin(&self) -> Origin {
        let scheme = self
            .uri
            .scheme_str()
            .unwrap_or("https")
            .to_ascii_lowercase();
        Origin {
            port: self.port(),
            host: self.host().to_ascii_lowercase(),
            scheme,
        }
    }

    /// The port, or the scheme's default when none is given.
    pub fn port(&self) -> u16 {
        let default_port = if self.is_https() { 443 } else { 80 };
        self.uri.port_u16().unwrap_or(default_port)
    }

    /// The path without a trailing slash (`""` for the root).
    pub fn path(&self) -> &str {
        self.uri.path().trim_end_matches('/')
    }

    /// The query string, if any.
    pub fn query(&self) -> Option<&str> {
        self.uri.query()
    }

    /// `scheme://authority`, no path.
    fn origin_prefix(&self) -> String {
        format!(
            "{}://{}",
            self.uri.scheme_str().unwrap_or("https"),
            self.uri.authority().map(|a| a.as_str()).unwrap_or_default()
        )
    }

    /// This URL with a path appended (`base_url` + `/express/accounts`).
    pub fn join_path(&self, path: &str) -> Url {
        let text = format!("{}{}{}", self.origin_prefix(), self.path(), path);
        // The parts come from a valid URL and a constant path.
        Url::parse(&text).unwrap_or_else(|_| self.clone())
    }

    /// Resolves a `_links` href: absolute as it is; `/path?…` against the
    /// origin (keeping a base path prefix that the href lacks); `?query`
    /// against this URL's path.
    pub fn resolve(&self, href: &str) -> Result<Url, String> {
        if href.starts_with("http://") || href.starts_with("https://") {
            return Url::parse(href);
        }
        let text = if let Some(query) = href.strip_prefix('?') {
            format!("{}{}?{query}", self.origin_prefix(), self.uri.path())
        } else if href.starts_with('/') {
            format!("{}{href}", self.origin_prefix())
        } else {
            let dir = self
                .uri
                .path()
                .rsplit_once('/')
                .map(|(d, _)| d)
                .unwrap_or("");
            format!("{}{dir}/{href}", self.origin_prefix())
        };
        Url::parse(&text).map_err(|_| format!("the link `{href}` is not a valid URL"))
    }

    /// The value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query()?
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_allowed_only_to_loopback() {
        for ok in [
            "https://api.talkdeskapp.com",
            "http://127.0.0.1:8080",
            "http://127.5.6.7",
            "http://localhost:3000/x",
            "http://[::1]:9000",
        ] {
            assert!(Url::parse_secure(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.talkdeskapp.com",
            "http://10.0.0.1",
            "http://127.0.0.1.evil.com",
        ] {
            let err = Url::parse_secure(bad).unwrap_err();
            assert!(err.contains("https://"), "{err}");
        }
    }

    #[test]
    fn credentials_in_urls_are_refused_without_echoing_them() {
        let err = Url::parse("https://me:hunter2@api.example.com/x").unwrap_err();
        assert!(err.contains("api.example.com"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let base = Url::parse("https://api.example.com/express/accounts").unwrap();
        let err = base
            .resolve("https://me:hunter2@api.example.com/express/accounts?page=2")
            .unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn non_urls_are_rejected() {
        assert!(Url::parse("api.talkdeskapp.com").is_err());
        assert!(Url::parse("ftp://x.com").is_err());
        assert!(Url::parse("").is_err());
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let a = Url::parse("https://api.talkdeskapp.com/express").unwrap();
        let b = Url::parse("https://API.talkdeskapp.com:443/other?x=1").unwrap();
        let c = Url::parse("http://api.talkdeskapp.com").unwrap();
        let d = Url::parse("https://api.talkdeskapp.com:8443").unwrap();
        assert_eq!(a.origin(), b.origin());
        assert_ne!(a.origin(), c.origin());
        assert_ne!(a.origin(), d.origin());
    }

    #[test]
    fn links_resolve_absolute_and_relative() {
        let base = Url::parse("http://127.0.0.1:5000/express/accounts?page=1").unwrap();
        assert_eq!(
            base.resolve("/express/accounts?page=2&per_page=50")
                .unwrap()
                .to_string(),
            "http://127.0.0.1:5000/express/accounts?page=2&per_page=50"
        );
        assert_eq!(
            base.resolve("?page=3").unwrap().to_string(),
            "http://127.0.0.1:5000/express/accounts?page=3"
        );
        assert_eq!(
            base.resolve("https://api.talkdeskapp.com/express/accounts?page=4")
                .unwrap()
                .to_string(),
            "https://api.talkdeskapp.com/express/accounts?page=4"
        );
        assert_eq!(
            base.resolve("accounts?page=5").unwrap().to_string(),
            "http://127.0.0.1:5000/express/accounts?page=5"
        );
    }

    #[test]
    fn join_path_appends_to_a_base_path() {
        let base = Url::parse("https://gw.example.com/talkdesk/").unwrap();
        assert_eq!(
            base.join_path("/express/accounts").to_string(),
            "https://gw.example.com/talkdesk/express/accounts"
        );
    }

    #[test]
    fn query_params_are_read() {
        let url = Url::parse("http://127.0.0.1/x?page=7&per_page=20").unwrap();
        assert_eq!(url.query_param("page"), Some("7"));
        assert_eq!(url.query_param("per_page"), Some("20"));
        assert_eq!(url.query_param("nope"), None);
    }
}
