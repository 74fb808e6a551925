//! `auth check`: ask the token endpoint for a new token (always: it is the
//! check of the credentials, whatever the cache holds), call the accounts
//! endpoint once with `per_page=1`, and report what a person setting things
//! up wants to know: it works, the scopes granted, when the token expires,
//! and how many accounts there are.

use std::time::UNIX_EPOCH;

use anyhow::Result;

use super::Context;
use crate::auth::{SCOPE, Token, now_secs};
use crate::cli::{ApiArgs, CheckArgs};

/// The last second an HTTP date can name: 9999-12-31T23:59:59Z.
const LAST_HTTP_DATE: u64 = 253_402_300_799;

/// The expiry as an HTTP date (`Tue, 01 Dec 2026 16:20:00 GMT`); a token
/// endpoint's `expires_in` of any size makes one later than that can say.
pub fn utc_text(unix_secs: u64) -> String {
    if unix_secs > LAST_HTTP_DATE {
        return "after the year 9999".to_string();
    }
    httpdate::fmt_http_date(UNIX_EPOCH + std::time::Duration::from_secs(unix_secs))
}

/// `in 59 min` (`in 30 s` under a minute, `in 2 h 5 min` from two hours,
/// `in 30 days` from two days), or `expired` once the time has passed.
pub fn time_left(expires_at: u64, now: u64) -> String {
    match expires_at.saturating_sub(now) {
        0 => "expired".to_string(),
        s if s < 60 => format!("in {s} s"),
        s if s > LAST_HTTP_DATE => "in more than 8,000 years".to_string(),
        s if s >= 172_800 => format!("in {} days", s / 86_400),
        s if s >= 7_200 && s % 3600 < 60 => format!("in {} h", s / 3600),
        s if s >= 7_200 => format!("in {} h {} min", s / 3600, s % 3600 / 60),
        s => format!("in {} min", s / 60),
    }
}

/// The scopes line: as granted, or, when none were reported, the one asked
/// for (RFC 6749 §5.1 leaves it out when it is the one granted).
pub fn scopes_text(scope: &str) -> String {
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    let granted = scopes.join(" ");
    match scopes[..] {
        [] => format!(
            "{SCOPE} (not reported by the token endpoint, which means the scope asked for, RFC 6749 §5.1)"
        ),
        _ if scopes.contains(&SCOPE) => granted,
        // The API answered, yet the grant reported is another one: said, as
        // the scope may be about to be taken away or not yet in effect.
        _ => format!("{granted} (without {SCOPE}, which the API needs)"),
    }
}

/// The report printed on success.
pub fn report(token: &Token, total: Option<u64>, lines: &[(&str, String)], now: u64) -> String {
    let at = utc_text(token.expires_at);
    let expires = match token.expiry_reported {
        true => format!("{at} ({})", time_left(token.expires_at, now)),
        false => format!("(not reported by the token endpoint; taken as {at})"),
    };
    let from = match (token.cached, token.stored) {
        (true, _) => "the token cache".to_string(),
        (false, 0) => "a new token request (auth check always asks the token endpoint)".into(),
        // Varnish told to hash a POST: the credentials sent were not checked.
        (false, age) => format!(
            "a cache in front of the token endpoint, which stored it {age} s before (Age: {age}): the credentials were not checked now; have the cache store no answer to the token request (a POST)"
        ),
    };
    let accounts = total.map_or("(the API sent no total)".into(), |t| t.to_string());
    let rows = [
        ("scopes", scopes_text(&token.scope)),
        ("expires", expires),
        ("token from", from),
        ("accounts", accounts),
    ];
    let line = |(key, value): (&str, String)| format!("  {key:<11} {value}\n");
    let rows: String = lines.iter().cloned().chain(rows).map(line).collect();
    let head = match token.stored {
        0 => "the credentials work and the accounts API answered",
        _ => "the accounts API answered a token a cache stored (the credentials were not checked)",
    };
    format!("OK: {head}\n{rows}")
}

/// Runs `auth check`.
pub fn check(ctx: &Context, args: &CheckArgs) -> Result<()> {
    // The API options it has, with a page of one account.
    let args = ApiArgs {
        per_page: Some(1),
        timeout: args.timeout,
        max_retries: args.max_retries,
        no_cache: args.no_cache,
        max_rate: None,
    };
    let settings = ctx.settings(&args, None)?;
    let (token, total) = ctx.with_api(&settings, &args, |api, auth| {
        auth.new_token()?;
        let page = api.get_page(&api.page_url(1), None)?;
        // The token in use now: a refused token was replaced. Its scopes
        // are the server's words, shown: a secret echoed there is not.
        let mut token = auth.token()?;
        token.scope = api.client().redactor().redact_shown(&token.scope);
        Ok((token, page.total))
    })?;
    let id = (settings.client_id.as_ref()).map(|id| ("client id", id.value.clone()));
    let url = (settings.token_url.as_ref()).map(|url| ("token url", url.value.to_string()));
    let api = Some(("api", settings.base_url.value.to_string()));
    let lines: Vec<_> = [id, url, api].into_iter().flatten().collect();
    let text = report(&token, total, &lines, now_secs());
    super::print("the report", crate::text::terminal_safe(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn utc_text_is_an_http_date() {
        assert_eq!(utc_text(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(utc_text(1_709_210_096), "Thu, 29 Feb 2024 12:34:56 GMT");
        // `expires_in: 1e20` saturates to u64::MAX: it panicked here.
        assert_eq!(utc_text(LAST_HTTP_DATE), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(utc_text(LAST_HTTP_DATE + 1), "after the year 9999");
        assert_eq!(utc_text(u64::MAX), "after the year 9999");
    }

    #[test]
    fn time_left_is_in_whole_units() {
        assert_eq!(time_left(1000 + 3599, 1000), "in 59 min");
        assert_eq!(time_left(1000 + 60, 1000), "in 1 min");
        assert_eq!(time_left(1000 + 30, 1000), "in 30 s", "it said in 0 min");
        // A long-lived token: it said "in 43200 min".
        assert_eq!(time_left(30 * 86_400, 0), "in 30 days");
        assert_eq!(time_left(7_200 + 300 + 59, 0), "in 2 h 5 min");
        assert_eq!(time_left(7_259, 0), "in 2 h");
        assert_eq!(time_left(7_199, 0), "in 119 min");
        assert_eq!(time_left(u64::MAX, 1000), "in more than 8,000 years");
        assert_eq!(time_left(1000, 1000), "expired");
        // Two hours and one minute: a minute past the hour is said.
        assert_eq!(time_left(7_260, 0), "in 2 h 1 min");
        // The last second an HTTP date names is still counted in days.
        assert_eq!(time_left(LAST_HTTP_DATE, 0), "in 2932896 days");
    }

    #[test]
    fn the_report_says_everything_and_never_the_token() {
        let token = Token {
            access_token: Secret::new("tok-secret"),
            expires_at: 3600,
            since: 0,
            scope: "express-accounts:read other:scope".into(),
            cached: true,
            expiry_reported: true,
            stored: 0,
        };
        let text = report(&token, Some(425), &[("api", "https://x/".into())], 0);
        assert!(
            text.starts_with("OK: the credentials work and the accounts API answered\n"),
            "{text}"
        );
        assert!(text.contains("  scopes      express-accounts:read other:scope\n"));
        assert!(text.contains("  expires     Thu, 01 Jan 1970 01:00:00 GMT (in 60 min)\n"));
        assert!(text.contains("  token from  the token cache\n"));
        assert!(text.contains("  accounts    425\n"));
        assert!(!text.contains("tok-secret"));
    }

    #[test]
    fn missing_scopes_are_explained() {
        assert!(scopes_text(" ").contains("not reported"));
        // Other scopes than the one asked for were shown without a word.
        assert_eq!(
            scopes_text("other:read"),
            "other:read (without express-accounts:read, which the API needs)"
        );
        assert_eq!(
            scopes_text("a:b express-accounts:read"),
            "a:b express-accounts:read"
        );
    }
}
