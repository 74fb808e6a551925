//! Telling a host name that does not resolve apart from other network
//! failures. A wrong `account_name` or `region` produces exactly this
//! (the token host is `ACCOUNT.talkdeskid.com` or a regional variant), so
//! it is final rather than retried, and the message names those settings.

/// The one-line reason, with what to check, when `error` says the host
/// name `host` did not resolve; `None` for any other failure. A temporary
/// resolver failure (`EAI_AGAIN`) is not a wrong name: it stays `None`
/// and is retried like any network error.
pub fn unresolved_host(error: &ureq::Error, host: &str) -> Option<String> {
    let detail = match error {
        ureq::Error::HostNotFound => "no address found".to_string(),
        ureq::Error::Io(e) => {
            let text = e.to_string();
            // std's getaddrinfo error: "failed to lookup address information: <gai_strerror>"
            let detail = text.strip_prefix("failed to lookup address information: ")?;
            if is_temporary(detail) {
                return None;
            }
            detail.to_string()
        }
        _ => return None,
    };
    Some(format!(
        "cannot resolve the host name {host} ({detail}); check account_name and region (TALKDESK_ACCOUNT_NAME, TALKDESK_REGION), or token_url / base_url if you set them"
    ))
}

/// glibc's and the BSDs' wording of `EAI_AGAIN`.
fn is_temporary(detail: &str) -> bool {
    let detail = detail.to_ascii_lowercase();
    detail.contains("temporary failure") || detail.contains("try again")
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
    fn an_unknown_name_names_the_settings_to_check() {
        let message = unresolved_host(
            &lookup_error("Name or service not known"),
            "acme.talkdeskid.com",
        )
        .expect("classified");
        for part in [
            "acme.talkdeskid.com",
            "Name or service not known",
            "account_name",
            "region",
        ] {
            assert!(message.contains(part), "{part}: {message}");
        }
        assert!(unresolved_host(&ureq::Error::HostNotFound, "x.invalid").is_some());
    }

    #[test]
    fn other_failures_are_not_name_failures() {
        assert!(
            unresolved_host(&lookup_error("Temporary failure in name resolution"), "h").is_none()
        );
        assert!(unresolved_host(&ureq::Error::ConnectionFailed, "h").is_none());
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(unresolved_host(&ureq::Error::Io(refused), "h").is_none());
    }
}
