//! Telling a host name that does not resolve apart from other network
//! failures. A wrong `account_name` or `region` produces exactly this
//! (the token host is `ACCOUNT.talkdeskid.com` or a regional variant), so
//! it is final rather than retried, and the message names those settings.

/// A host name that did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// One line: the host, the resolver's reason, and what to check.
    pub message: String,
    /// The resolver could not answer for now (`EAI_AGAIN`): worth
    /// retrying, unlike a name that does not exist.
    pub temporary: bool,
}

/// `Some` when `error` says the host name `host` did not resolve; `None`
/// for any other failure.
pub fn unresolved_host(error: &ureq::Error, host: &str) -> Option<Unresolved> {
    let detail = match error {
        ureq::Error::HostNotFound => "no address found".to_string(),
        ureq::Error::Io(e) => {
            // std's getaddrinfo error: "failed to lookup address information: <gai_strerror>"
            e.to_string()
                .strip_prefix("failed to lookup address information: ")?
                .to_string()
        }
        _ => return None,
    };
    // glibc's and the BSDs' wording of `EAI_AGAIN`.
    let lower = detail.to_ascii_lowercase();
    let temporary = lower.contains("temporary failure") || lower.contains("try again");
    let check = "check account_name and region (TALKDESK_ACCOUNT_NAME, TALKDESK_REGION), or token_url / base_url if you set them";
    Some(Unresolved {
        message: if temporary {
            format!("cannot resolve the host name {host} for now ({detail}); if it lasts, {check}")
        } else {
            format!("cannot resolve the host name {host} ({detail}); {check}")
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
        let none = unresolved_host(&ureq::Error::HostNotFound, "x.invalid").expect("classified");
        assert!(!none.temporary);
    }

    #[test]
    fn a_temporary_resolver_failure_is_retried_with_the_same_hint() {
        let found = unresolved_host(&lookup_error("Temporary failure in name resolution"), "h")
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
        assert!(unresolved_host(&ureq::Error::ConnectionFailed, "h").is_none());
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(unresolved_host(&ureq::Error::Io(refused), "h").is_none());
    }
}
