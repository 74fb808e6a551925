//! Telling a host name that does not resolve apart from other network
//! failures. A wrong `account_name` or `region` produces exactly this
//! (the token host is `ACCOUNT.talkdeskid.com` or a regional variant), so
//! it is final rather than retried, and the message names those settings;
//! or, through a proxy, the variable that names the proxy.

use super::proxy::Via;

/// A host name that did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// One line: the host, the resolver's reason, and what to check.
    pub message: String,
    /// The resolver could not answer for now (`EAI_AGAIN`): worth
    /// retrying, unlike a name that does not exist.
    pub temporary: bool,
}

/// Between a temporary failure and what to check if it lasts.
pub const IF_IT_LASTS: &str = "; if it lasts, ";

/// How std words a failed getaddrinfo, before `gai_strerror`'s reason.
const LOOKUP_FAILED: &str = "failed to lookup address information: ";

/// `Some` when `error` says a host name did not resolve: `host`'s, or,
/// for a request through a proxy, the proxy's (only the proxy's name is
/// looked up then: it resolves the API's). `None` for any other failure.
pub fn unresolved_host(error: &ureq::Error, host: &str, via: Option<&Via>) -> Option<Unresolved> {
    let detail = match error {
        ureq::Error::HostNotFound => "no address found".to_string(),
        ureq::Error::Io(e) => e.to_string().strip_prefix(LOOKUP_FAILED)?.to_string(),
        _ => return None,
    };
    // glibc's and the BSDs' wording of `EAI_AGAIN`.
    let lower = detail.to_ascii_lowercase();
    let temporary = lower.contains("temporary failure") || lower.contains("try again");
    let (name, check) = match via {
        Some(via) => (
            format!("of the {via}"),
            format!(
                "check {}: a user name or password in it must be percent-encoded (@ as %40, : as %3A, / as %2F), or what follows a raw @ is taken for the host",
                via.var
            ),
        ),
        None => (
            host.to_string(),
            "check account_name and region (TALKDESK_ACCOUNT_NAME, TALKDESK_REGION), or token_url / base_url if you set them".into(),
        ),
    };
    Some(Unresolved {
        message: if temporary {
            format!("cannot resolve the host name {name} for now ({detail}){IF_IT_LASTS}{check}")
        } else {
            format!("cannot resolve the host name {name} ({detail}); {check}")
        },
        temporary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup_error(detail: &str) -> ureq::Error {
        ureq::Error::Io(std::io::Error::other(format!(
            "failed to lookup address information: {detail}"
        )))
    }

    #[test]
    fn an_unknown_name_is_final_and_names_the_settings_to_check() {
        let found = unresolved_host(
            &lookup_error("Name or service not known"),
            "acme.talkdeskid.com",
            None,
        )
        .expect("classified");
        assert!(!found.temporary);
        for part in [
            "acme.talkdeskid.com",
            "Name or service not known",
            "account_name",
            "region",
        ] {
            assert!(found.message.contains(part), "{part}: {}", found.message);
        }
        let none =
            unresolved_host(&ureq::Error::HostNotFound, "x.invalid", None).expect("classified");
        assert!(!none.temporary);
    }

    #[test]
    fn a_temporary_resolver_failure_is_retried_with_the_same_hint() {
        let found = unresolved_host(
            &lookup_error("Temporary failure in name resolution"),
            "h",
            None,
        )
        .expect("classified");
        assert!(found.temporary);
        assert!(
            found.message.contains("account_name and region"),
            "{}",
            found.message
        );
    }

    #[test]
    fn other_failures_are_not_name_failures() {
        assert!(unresolved_host(&ureq::Error::ConnectionFailed, "h", None).is_none());
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(unresolved_host(&ureq::Error::Io(refused), "h", None).is_none());
    }

    #[test]
    fn through_a_proxy_the_name_that_did_not_resolve_is_the_proxy_s() {
        // `http://user:p@ss@127.0.0.1:3128` with a raw `@`: the proxy host is `ss`.
        let via = Via {
            proxy: ureq::Proxy::new("http://user:p@ss:80").unwrap(),
            var: "HTTPS_PROXY",
        };
        let found = unresolved_host(
            &lookup_error("Name or service not known"),
            "127.0.0.1",
            Some(&via),
        )
        .expect("classified");
        assert!(!found.temporary);
        assert_eq!(
            found.message,
            "cannot resolve the host name of the proxy ss:80 from HTTPS_PROXY (Name or service not known); \
             check HTTPS_PROXY: a user name or password in it must be percent-encoded (@ as %40, : as %3A, / as %2F), \
             or what follows a raw @ is taken for the host"
        );
        let again = unresolved_host(
            &lookup_error("Temporary failure in name resolution"),
            "127.0.0.1",
            Some(&via),
        )
        .expect("classified");
        assert!(again.temporary);
        assert!(
            again.message.starts_with(
                "cannot resolve the host name of the proxy ss:80 from HTTPS_PROXY for now"
            ) && !again.message.contains("account_name"),
            "{}",
            again.message
        );
    }
}
