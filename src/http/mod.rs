//! The bottom layer: everything that talks HTTP and nothing that knows
//! accounts. The ureq agent of a run and its retries ([`client`]), error
//! bodies ([`errors`]), the proxy of each URL ([`proxy`]), secrets kept out
//! of every line ([`redact`]), backoff and `Retry-After` ([`retry`]), the
//! pace of every request ([`pacer`]), rate limits seen ([`throttle`]), the
//! trust roots ([`trust`]), and the URL rules ([`url`]). Both `auth` and
//! `api` build on it; it imports neither.

pub mod client;
pub mod dns;
pub mod errors;
pub mod pacer;
pub mod proxy;
pub mod redact;
pub mod retry;
pub mod throttle;
pub mod trust;
pub mod url;

use anyhow::Result;

/// Where the bearer credential of a request comes from: `auth` provides
/// it, `api` uses it, and neither knows the other.
pub trait Bearer: Sync {
    /// The `Authorization` value to send (`Bearer …`), getting one when
    /// there is none or it is near its end; with when it expires, if known.
    fn authorization(&self) -> Result<(String, Option<std::time::SystemTime>)>;

    /// The API refused `rejected` (a 401, or a 403 for a token that worked
    /// or came from the cache): it is dropped, and the next
    /// [`authorization`](Bearer::authorization) gets a new one, unless
    /// another request already did.
    fn reject(&self, rejected: &str) -> Result<()>;

    /// The API refused the renewed value too, or refused a value with a
    /// 403 for its scope: it is not kept for a later run.
    fn forget(&self, rejected: &str);

    /// Whether the API refused `value` in this run (another request's
    /// 401): a request that got it before its wait gets another.
    fn refused(&self, value: &str) -> bool;

    /// Whether `value` is the run's token and came from the token cache.
    fn cached(&self, value: &str) -> bool;
}
