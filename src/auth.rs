//! The bearer token: OAuth 2.0 client credentials with HTTP Basic client
//! authentication, and the on-disk token cache (§4).
//!
//! The cache holds one file per token URL, client id and client secret
//! under `<cache dir>/talkdesk-accounts/`, named by a SHA-256 fingerprint of
//! the three (so a changed or wrong secret never reuses another secret's
//! token), mode 0600 in a 0700 folder, written atomically. It never holds
//! the client secret. A corrupt file is ignored and replaced.

use std::fmt;
use std::fs;
use std::io::{Read, Write};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::atomic_file::{
    AtomicFile, create_private_dir, current_user, file_in_the_way, may_not_enter,
    modes_kept_or_none, open_regular, owner_of, set_mode,
};
use crate::error::{
    Exit, api_error, auth_error, exit_code_for, failure, no_room, one_line, out_of_files,
};
use crate::http::Bearer;
use crate::http::client::{
    AnsweredMeanwhile, Authorization, Client, Reply, Request, follow_redirects,
};
use crate::http::errors::{
    BLOCKED_HOST, DISPLAY_ERRORS, cgi_status, csrf_refusal, describe, describe_part, error_said,
    is_blocked_host, is_html, is_markup, is_xml, markup_refusal, no_route, no_route_hint,
    says_nothing, spent_quota, to_sign_in, unexpected, wants_http2,
};
use crate::http::redact::Redactor;
use crate::http::url::{Url, aspx_error};
use crate::interrupt::locked;
use crate::text::{is_json_array, json_among_text, shorten, shown_path, without_bom};

/// A secret that never prints: `Debug` shows `<redacted>`, and there is
/// no `Display` to print it with.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What the API commands need, all present.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: Secret,
    pub token_url: Url,
}

/// The scope the endpoint needs.
pub const SCOPE: &str = "express-accounts:read";

/// The longest access token used (real ones are a few KiB): a request's
/// head, its other headers with it, must fit ureq's 128 KiB.
const MAX_TOKEN_BYTES: usize = 120 * 1024;

/// How the token request authenticates the client, as a refusal names it.
const BASIC: &str = "HTTP Basic client authentication (client_secret_basic)";

/// What a 401 to the token request that asks for a Bearer token is told.
const BEARER_ASKED: &str = "its WWW-Authenticate asks for a Bearer token, as an API does of a request without one, and it sent no OAuth error: the server at token_url is no token endpoint, or a gateway in front of it wants a token before the endpoint gets the request; check token_url (the API's own address is base_url)";

/// What a 401 to the token request that asks for HTTP Digest alone is told.
const DIGEST_ASKED: &str = "its WWW-Authenticate asks for HTTP Digest, a user name and password, which this tool does not send (it sends the client credentials with HTTP Basic client authentication, client_secret_basic): a password-protected site or a gateway in front of the token endpoint (libsoup's SoupAuthDomainDigest, Apache's mod_auth_digest) asks for them; check token_url";

/// What a 403 to the token request that says nothing (no body, or its
/// status's word) is told: no OAuth error says the credentials were read.
const BARE_403: &str = "no OAuth error came with it (a token endpoint refusing a client says why, RFC 6749 §5.2), nor words of its own: something may refuse the POST before any token endpoint reads the credentials (json-server --read-only refuses every POST so, as does a gateway's address filter); check token_url, else client_id and client_secret";

/// A cached token is used until this many seconds before it expires.
pub const EXPIRY_MARGIN_SECS: u64 = 60;

/// An access token and what came with it.
#[derive(Clone)]
pub struct Token {
    pub access_token: Secret,
    /// Unix seconds.
    pub expires_at: u64,
    /// Unix seconds: when it was issued; 0 for a cached token, whose issue
    /// is not kept (the cache's whole margin applies to it).
    pub since: u64,
    pub scope: String,
    /// True when it came from the cache.
    pub cached: bool,
    /// False when the token endpoint sent no `expires_in` (an hour is
    /// assumed).
    pub expiry_reported: bool,
    /// The `Age` of the token answer: a cache in front of the token
    /// endpoint stored it that many seconds before (0: none did).
    pub stored: u64,
}

impl Token {
    /// Too near its expiry to be sent: within the cache's margin, or half
    /// its life when that is shorter. A token issued already expired
    /// (`expires_in: 0`) is sent as it is: the API's 401 decides.
    fn lapsed(&self, now: u64) -> bool {
        let life = self.expires_at.saturating_sub(self.since);
        life > 0 && now.saturating_add(EXPIRY_MARGIN_SECS.min(life / 2)) >= self.expires_at
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(deserialize_with = "access_token")]
    access_token: String,
    #[serde(default, deserialize_with = "token_type")]
    token_type: Option<String>,
    #[serde(default, deserialize_with = "seconds")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "scopes")]
    scope: Option<String>,
}

/// The messages of the token answer's own field readers: they name the
/// field and what it should be, never its value, so they are shown.
const ACCESS_TOKEN_NOT_TEXT: &str = "`access_token` is not a string";
const TOKEN_TYPE_NOT_TEXT: &str = "`token_type` is not a string";
const EXPIRES_IN_NOT_SECONDS: &str = "`expires_in` is not a number of seconds";
const SCOPE_NOT_TEXT: &str = "`scope` is neither a string nor a list of strings";
/// How a token answer whose JSON ends too soon is said.
const STOPS: &str = "its JSON stops at";

/// `access_token`, a string.
fn access_token<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    text(d, ACCESS_TOKEN_NOT_TEXT)?.ok_or_else(|| serde::de::Error::custom(ACCESS_TOKEN_NOT_TEXT))
}

/// `token_type`, a string if there is one.
fn token_type<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    text(d, TOKEN_TYPE_NOT_TEXT)
}

/// A string or none, else `wrong`. Read as any JSON first: an answer cut
/// short inside the string keeps its own error (its JSON stops), never
/// taken for a value of another type.
fn text<'de, D: serde::Deserializer<'de>>(d: D, wrong: &str) -> Result<Option<String>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(serde::de::Error::custom(wrong)),
    }
}

/// `scope` as RFC 6749 §5.1 has it, one space-separated string, or as a
/// list of strings, as some servers send it: joined with spaces. It only
/// informs `auth check`, so its form never costs the run its token.
fn scopes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scope {
        Text(String),
        List(Vec<String>),
    }
    let scope = Option::<serde_json::Value>::deserialize(d)?.map(serde_json::from_value::<Scope>);
    let scope = scope
        .transpose()
        .map_err(|_| serde::de::Error::custom(SCOPE_NOT_TEXT))?;
    Ok(scope.map(|scope| match scope {
        Scope::Text(text) => text,
        Scope::List(list) => list.join(" "),
    }))
}

/// `expires_in` as token endpoints send it: a number of any size or sign,
/// or one in a string (Azure AD v1); whole seconds, from zero. Anything
/// else is an error that quotes nothing.
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let seconds = match Option::<serde_json::Value>::deserialize(d)? {
        None => return Ok(None),
        // As written: `as_f64` has none for one past a float (1e400).
        Some(serde_json::Value::Number(n)) => n.as_str().parse::<f64>().ok(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match seconds {
        // `as` saturates: beyond 64 bits is u64::MAX, below zero is 0.
        Some(s) if !s.is_nan() => Ok(Some(s as u64)),
        _ => Err(serde::de::Error::custom(EXPIRES_IN_NOT_SECONDS)),
    }
}

/// What a cache file holds (no client secret, ever).
#[derive(Serialize, Deserialize)]
struct CacheEntry {
    token_url: String,
    client_id: String,
    /// [`fingerprint`] of the credentials the token was issued for.
    fingerprint: String,
    access_token: String,
    expires_at: u64,
    scope: String,
}

/// True for a token an HTTP header can carry (visible ASCII, RFC 6750's
/// b64token and more).
fn sendable(token: &str) -> bool {
    token.bytes().all(|b| b.is_ascii_graphic())
}

/// The most a cache file is read: an entry is a few hundred bytes.
const CACHE_FILE_MAX: u64 = 64 * 1024;

/// The on-disk token cache.
#[derive(Debug, Clone)]
pub struct TokenCache {
    dir: PathBuf,
    /// The user the cache must belong to: this process's (on unix).
    owner: u32,
}

/// The cache folder: `<cache dir>/talkdesk-accounts`.
pub fn default_cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("talkdesk-accounts"))
}

/// Seconds since the Unix epoch (0 on a clock set before it).
pub(crate) fn now_secs() -> u64 {
    (SystemTime::now().duration_since(UNIX_EPOCH)).map_or(0, |d| d.as_secs())
}

/// A one-way fingerprint of the credentials: SHA-256 of the token URL,
/// client id and client secret, in hex. It names the cache entry; the
/// secret cannot be recovered from it.
fn fingerprint(creds: &Credentials) -> String {
    let mut hash = Sha256::new();
    for part in [
        creds.token_url.as_str(),
        &creds.client_id,
        creds.client_secret.expose(),
    ] {
        // Length-prefixed, so that no two triples hash the same text.
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    format!("{:x}", hash.finalize())
}

impl TokenCache {
    pub fn new(dir: PathBuf) -> TokenCache {
        TokenCache {
            dir,
            owner: current_user(),
        }
    }

    /// Whether a file or folder of the cache belongs to its owner (as ssh
    /// trusts only its user's files): a token planted by another user who
    /// can write the folder is never sent.
    fn owned(&self, meta: &fs::Metadata) -> bool {
        owner_of(meta) == self.owner
    }

    fn path(&self, creds: &Credentials) -> PathBuf {
        self.dir
            .join(format!("token-{}.json", &fingerprint(creds)[..32]))
    }

    /// A fresh cached token for these credentials, if any. Unreadable or
    /// corrupt files count as none.
    pub fn load(&self, creds: &Credentials) -> Option<Token> {
        let text = self.read(&self.path(creds))?;
        let entry: CacheEntry = serde_json::from_str(&text).ok()?;
        // A token no header can carry (a hand-edited file) is none: it made
        // every run fail until the file was deleted.
        let token = &entry.access_token;
        if entry.fingerprint != fingerprint(creds) || token.is_empty() || !sendable(token) {
            return None;
        }
        let token = Token {
            access_token: Secret::new(entry.access_token),
            expires_at: entry.expires_at,
            since: 0,
            scope: entry.scope,
            cached: true,
            expiry_reported: true,
            stored: 0,
        };
        let fresh = token.expires_at > now_secs().saturating_add(EXPIRY_MARGIN_SECS);
        fresh.then_some(token)
    }

    /// The text of a cache file, if it is a regular file of at most
    /// [`CACHE_FILE_MAX`] bytes. A link is not followed (one there was
    /// planted; [`TokenCache::store`] replaces it), and a pipe or a device
    /// is never read: it would hang the run or fill its memory. A file or
    /// folder others can reach is tightened to 0600 / 0700, as `store`
    /// makes them.
    fn read(&self, path: &Path) -> Option<String> {
        let file = open_regular(path)?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() > CACHE_FILE_MAX {
            return None;
        }
        let dir = fs::metadata(&self.dir).ok()?;
        if !self.owned(&meta) || !self.owned(&dir) {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let loose = |mode: u32| mode & 0o077 != 0;
            if loose(meta.permissions().mode()) {
                let _ = file.set_permissions(fs::Permissions::from_mode(0o600));
            }
            if dir.is_dir() && loose(dir.permissions().mode()) {
                let _ = fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700));
            }
        }
        std::io::read_to_string(file.take(CACHE_FILE_MAX)).ok()
    }

    /// Writes the token atomically: a 0600 temporary file in the 0700
    /// folder, renamed into place. A token or scope holding the client
    /// secret or the Basic value sent, or a part of either holding the
    /// secret as the redactor finds one (a server answering with them), is
    /// not written: the cache never holds the secret.
    pub fn store(&self, creds: &Credentials, token: &Token) -> Result<()> {
        let secret = creds.client_secret.expose();
        let basic = basic_auth(&creds.client_id, secret);
        let basic = basic.strip_prefix("Basic ").unwrap_or(&basic);
        let id = form_encoded(&creds.client_id);
        let known = Redactor::default();
        known.add(secret);
        // From its first group holding the secret (a JWT may hold the id).
        known.add(&basic[(id.len() + 1) / 3 * 4..]);
        if known.holds(token.access_token.expose()) || known.holds(&token.scope) {
            return Ok(());
        }
        let dir = shown_path(&self.dir);
        // What is wrong with the folder and what to do, then the way out
        // they all share.
        let unusable =
            |why: String| anyhow::anyhow!("the token cache folder {dir} {why}, or pass --no-cache");
        if let Err(e) = create_private_dir(&self.dir) {
            // A link to nothing (a folder moved away), a file in the way:
            // said, not as "File exists" (or "Not a directory") at every run.
            // A file above it (a cache home set to a file's path) is not
            // the cache's to remove.
            let dangling = fs::read_link(&self.dir).ok().filter(|_| !self.dir.exists());
            return Err(unusable(match (dangling, file_in_the_way(&self.dir)) {
                (Some(target), _) => format!(
                    "is a link to {}, which does not exist; create that folder, remove the link",
                    shown_path(&target)
                ),
                (_, Some(file)) if file == self.dir => "is a file, not a folder; remove it".into(),
                (_, Some(file)) => format!(
                    "cannot be made: {} is a file, not a folder; check XDG_CACHE_HOME",
                    shown_path(&file)
                ),
                _ => {
                    let why = may_not_enter(&self.dir, "pass --no-cache");
                    let why = why.unwrap_or_else(|| format!("{e}; {}", cache_advice(&e)));
                    anyhow::bail!("the token cache folder {dir} cannot be made: {why}");
                }
            }));
        }
        if !fs::metadata(&self.dir).is_ok_and(|d| self.owned(&d)) {
            return Err(unusable("belongs to another user; remove it".into()));
        }
        // An older, looser folder is tightened (a read-only one cannot be).
        modes_kept_or_none(set_mode(&self.dir, 0o700))
            .map_err(|e| cache_not_written(e, &self.dir))?;
        self.private_or_unused()?;
        let entry = CacheEntry {
            token_url: creds.token_url.to_string(),
            client_id: creds.client_id.clone(),
            fingerprint: fingerprint(creds),
            access_token: token.access_token.expose().to_string(),
            expires_at: token.expires_at,
            scope: token.scope.clone(),
        };
        let target = self.path(creds);
        // A folder there is not replaced by a rename: said, not as "Is a
        // directory" of the cache folder.
        if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
            anyhow::bail!(
                "the token cache entry {} is a folder; remove it, or pass --no-cache",
                shown_path(&target)
            );
        }
        // An entry too large to be read back (a token of 64 to 120 KiB)
        // is not written: each run wrote it again, and asked anew.
        let text = serde_json::to_vec(&entry)?;
        if text.len() as u64 > CACHE_FILE_MAX {
            return Ok(());
        }
        // A link here was planted: it is replaced, never written through.
        let written = AtomicFile::replacing(&target).and_then(|mut file| {
            file.write_all(&text)?;
            file.commit(true)
        });
        written.map_err(|e| cache_not_written(e, &self.dir))
    }

    /// Refuses a folder others may still read once it was made 0700: on a
    /// disk that keeps no modes (a FAT disk through FUSE, whose chmod is
    /// not implemented; a vfat mount, whose chmod changes nothing), every
    /// file has its mount's mode, and a token is never left where others
    /// may read it. A private one (0700 by the mount) is used.
    fn private_or_unused(&self) -> Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&self.dir).map(|m| m.permissions().mode() & 0o777);
            let mode = mode.map_err(|e| cache_not_written(e, &self.dir))?;
            if mode & 0o077 != 0 {
                anyhow::bail!(
                    "the token cache folder {} stays {mode:o} where others may read it, for its disk keeps no modes, so no token is written there; set XDG_CACHE_HOME to a folder on another disk, or pass --no-cache",
                    shown_path(&self.dir)
                );
            }
        }
        Ok(())
    }

    /// Forgets the token for these credentials.
    pub fn remove(&self, creds: &Credentials) {
        let _ = fs::remove_file(self.path(creds));
    }
}

/// Why the token could not be cached in `dir`, and what to do.
fn cache_not_written(e: std::io::Error, dir: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "writing the token cache in {}: {e}; {}",
        shown_path(&dir),
        cache_advice(&e)
    )
}

/// What to do when the token cache's folder or file could not be made or
/// written: where no permission is to blame (no room, the open-file
/// limit), that; else another folder.
fn cache_advice(e: &std::io::Error) -> String {
    let elsewhere = "set XDG_CACHE_HOME to a folder on another disk";
    match no_room(e, elsewhere).or_else(|| out_of_files(e).map(String::from)) {
        Some(what) => what + ", or pass --no-cache",
        // A home this user may not write, `HOME=/` for a daemon.
        None => "set XDG_CACHE_HOME to a folder this user may write, or pass --no-cache".into(),
    }
}

/// Hands out the run's bearer token: from memory, the cache, or a new
/// token request; and replaces it when the API says it is no longer good.
pub struct Auth<'a> {
    client: &'a Client,
    creds: Credentials,
    cache: Option<TokenCache>,
    current: Mutex<Option<Token>>,
    /// A renewal that failed, as its exit and message: the pages in flight
    /// with the refused token end with it rather than each try again.
    failed: Mutex<Option<(Exit, String)>>,
    /// The tokens the API refused this run: never used again, even when a
    /// cache that cannot be written still holds one.
    refused: Mutex<Vec<Secret>>,
}

impl<'a> Auth<'a> {
    pub fn new(client: &'a Client, creds: Credentials, cache: Option<TokenCache>) -> Auth<'a> {
        client.redactor().add(creds.client_secret.expose());
        // The Basic value too, as a token request adds it: a run whose token
        // comes from the cache sends none, and a server may still echo it.
        let basic = basic_auth(&creds.client_id, creds.client_secret.expose());
        client.redactor().add_authorization(&basic);
        Auth {
            client,
            creds,
            cache,
            current: Mutex::new(None),
            failed: Mutex::new(None),
            refused: Mutex::default(),
        }
    }

    /// A new token from the token endpoint, whatever the cache holds
    /// (`auth check`: the check of the credentials); it becomes the run's
    /// token and is cached.
    pub fn new_token(&self) -> Result<Token> {
        let token = self.fetch(None)?;
        *self.current()? = Some(token.clone());
        Ok(token)
    }

    fn current(&self) -> Result<MutexGuard<'_, Option<Token>>> {
        (self.current.lock()).map_err(|_| anyhow::anyhow!("token lock poisoned"))
    }

    /// The current token, getting one if there is none yet.
    pub fn token(&self) -> Result<Token> {
        let mut current = self.current()?;
        match current.as_ref() {
            Some(token) if !token.lapsed(now_secs()) => return Ok(token.clone()),
            // Known to expire before it would be answered: another, as for
            // none (not a 401, or a gateway's 403, for each request in
            // flight); the cache holds it only if another run renewed it.
            Some(_) => self
                .client
                .debug("the token is about to expire; getting another"),
            None => {}
        }
        let token = match self.cached_token() {
            Some(token) => self.taken(token, "using the cached token"),
            None => self.fetch_once()?,
        };
        *current = Some(token.clone());
        Ok(token)
    }

    /// The cache's token for these credentials, unless the API refused it
    /// this run.
    fn cached_token(&self) -> Option<Token> {
        let token = self.cache.as_ref().and_then(|c| c.load(&self.creds));
        token.filter(|t| !Bearer::refused(self, t.access_token.expose()))
    }

    /// A cached token, taken for the run (`how`, in the `-v` log): its value
    /// is redacted from then on.
    fn taken(&self, token: Token, how: &str) -> Token {
        self.client.redactor().add(token.access_token.expose());
        self.client.debug(how);
        token
    }

    /// [`fetch`](Self::fetch), unless a token request of the run already
    /// failed: its error then, rather than each page in flight asking again.
    /// (The `current` lock, held by both callers, keeps two from asking.)
    fn fetch_once(&self) -> Result<Token> {
        self.failed_before()?;
        // Runs started together each ask: one whose request was refused
        // (a token endpoint limiting the client) takes the token another
        // run cached while it waited to retry, rather than ask again.
        let came = || self.cached_token().is_some();
        let fetched = match self.fetch(Some(&came)) {
            // Gone again (another run's 401 removed it): ask after all.
            Err(e) if e.is::<AnsweredMeanwhile>() => self.cached_token().map_or_else(
                || self.fetch(None),
                |token| Ok(self.taken(token, "using the token another run cached meanwhile")),
            ),
            fetched => fetched,
        };
        fetched.inspect_err(|e| *locked(&self.failed) = Some((exit_code_for(e), one_line(e))))
    }

    /// The error of the run's failed token request, if there was one.
    fn failed_before(&self) -> Result<()> {
        match locked(&self.failed).as_ref() {
            Some((kind, message)) => Err(failure(*kind, message.clone())),
            None => Ok(()),
        }
    }

    /// Asks the token endpoint for a new token and caches it. A 307 or 308
    /// (which keep the method and the form) within the token URL's origin
    /// is followed ([`follow_redirects`]); any other redirect is an error.
    fn fetch(&self, meanwhile: Option<&dyn Fn() -> bool>) -> Result<Token> {
        let basic = basic_auth(&self.creds.client_id, self.creds.client_secret.expose());
        let context = format!("token request to {}", self.creds.token_url);
        let redactor = self.client.redactor();
        let (url, reply) = follow_redirects(
            self.creds.token_url.clone(),
            &self.creds.token_url,
            &[307, 308],
            redactor,
            (&context, "token_url"),
            |url| {
                self.client.send(&Request {
                    url,
                    authorization: Authorization::Fixed(&basic),
                    form: Some(&[("grant_type", "client_credentials"), ("scope", SCOPE)]),
                    issues_token: true,
                    ahead: None,
                    proven: false,
                    meanwhile,
                })
            },
        )?;
        // A failure where a followed redirect led is named there too.
        let context = match url == self.creds.token_url {
            true => context,
            false => format!(
                "{context} (redirected to {})",
                shorten(&redactor.redact_shown(url.as_str()), 200)
            ),
        };
        // A 301, 302 or 303 within the origin would turn the POST into a GET
        // (a 307 or 308 keeps it): its target is the URL to set, unless a sign-in page's.
        let moved = (reply.location.as_deref())
            .filter(|&to| matches!(reply.status, 301..=303) && !to_sign_in(to) && !aspx_error(to))
            .and_then(|location| url.join(&redactor.redact(location)).ok())
            .filter(|target| target.origin() == self.creds.token_url.origin());
        if let Some(target) = moved {
            return Err(api_error(format!(
                "{context}: HTTP {} redirect to {} not followed: only a 307 or 308 keeps the POST and its form; set token_url to it",
                reply.status,
                shorten(&redactor.redact_shown(target.as_str()), 200)
            )));
        }
        // A byte-order mark before it (a proxy's doing) is skipped, as on
        // a page.
        let body = without_bom(&reply.body);
        self.refused(&context, &reply, body)?;
        // A token file a static server sends as it is, saved as UTF-16 or
        // compressed.
        if let Some((what, hint)) = crate::text::foreign_body(body, "token_url") {
            return Err(api_error(format!(
                "{context}: the answer is not a token ({what}); {hint}"
            )));
        }
        let parsed: TokenResponse = match is_json_array(body) {
            true => Err("not a JSON object".to_string()),
            false => serde_json::from_slice(body).map_err(|e| token_parse_problem(&e)),
        }
        .map_err(|problem| not_a_token(&context, &reply, body, problem, redactor))?;
        redactor.add(&parsed.access_token);
        if let Some(why) = unusable(&parsed) {
            return Err(api_error(format!("{context}: {why}; check token_url")));
        }
        let life = life_left(&context, parsed.expires_in, reply.age)?;
        let now = now_secs();
        let token = Token {
            access_token: Secret::new(parsed.access_token),
            expires_at: now.saturating_add(life),
            since: now,
            scope: parsed.scope.unwrap_or_default(),
            cached: false,
            expiry_reported: parsed.expires_in.is_some(),
            stored: reply.age.map_or(0, NonZeroU64::get),
        };
        if let Some(Err(e)) = self.cache.as_ref().map(|c| c.store(&self.creds, &token)) {
            let warning = format!("could not cache the token: {}", one_line(&e));
            self.client.warn(&warning);
        }
        Ok(token)
    }

    /// Refuses a token answer that is no token: an OAuth error answer
    /// (RFC 6749 §5.2), a refusal, or a web server's page.
    fn refused(&self, context: &str, reply: &Reply, body: &[u8]) -> Result<()> {
        let redactor = self.client.redactor();
        // An OAuth error answer (RFC 6749 §5.2) refuses the request, even sent with a 200.
        let value = serde_json::from_slice::<serde_json::Value>(body).unwrap_or_default();
        // A blank error is none, as a blank message says nothing; a blank token too (Go's).
        let error =
            (text_of(&value, "error")).filter(|_| text_of(&value, "access_token").is_none());
        let error = error.map(rfc_spelling);
        let granted = !(self.refused.lock()).map_or(true, |r| r.is_empty());
        match read_as(reply, error, &value) {
            200 if error.is_none() => Ok(()),
            // A 400 or 422 that does not say so as a token endpoint does, a
            // page of markup or text (Go's for plain http to its https
            // port, its `400 Bad Request`) or another server's JSON (Spring
            // Boot's `"error": "Bad Request"`), is no refusal of the
            // credentials.
            400 | 422 if !says_refused(&value, error) => {
                Err(not_a_refusal(context, reply, &value, redactor))
            }
            403 if wants_http2(body) => Err(unexpected(context, reply, "token_url", redactor)),
            200 | 400 | 401 | 403 | 422 => {
                let note = self.credential_note();
                let csrf = csrf_refusal(reply.status, body);
                // The grant or the scope refused to a client it knew (not a
                // 401: Keycloak's `unauthorized_client` for a wrong secret).
                let check = match (is_markup(body), reply.status == 401, error) {
                    // Apache's ProxyErrorOverride keeps the endpoint's challenge.
                    (true, true, _) if reply.asks_basic => format!(
                        "the answer is an HTML page, not the OAuth error, but its WWW-Authenticate asks for HTTP Basic again, as a token endpoint refusing the client credentials does (a proxy in front of it, such as Apache with ProxyErrorOverride, may put its own page in place of the error); {note}check client_id and client_secret"
                    ),
                    // libsoup's SoupAuthDomainDigest: no OAuth endpoint's refusal.
                    (_, true, None) if reply.asks_digest => DIGEST_ASKED.into(),
                    _ if csrf.is_some() => csrf.unwrap_or_default().into(),
                    (true, ..) if is_blocked_host(body) => format!("check token_url{BLOCKED_HOST}"),
                    (true, ..) if is_html(body) => {
                        markup_refusal(self.client.proxied(&self.creds.token_url), "the token endpoint")
                    }
                    // An API's challenge (Django REST framework's), or a gateway's (Kong's) in
                    // front of a token endpoint: not the endpoint's refusal.
                    (_, true, None) if reply.tokenless => BEARER_ASKED.into(),
                    (_, false, Some("unauthorized_client" | "unsupported_grant_type")) => {
                        grant_hint(error, &value)
                    }
                    (_, false, Some("invalid_scope")) => {
                        format!("the OAuth client needs the {SCOPE} scope")
                    }
                    // A limiter's 403 with a Retry-After (@fastify/rate-limit's ban).
                    _ if reply.status == 403 && reply.keep_away.is_some() => {
                        spent_quota(reply.keep_away)
                    }
                    _ if reply.status == 403 && no_route(body) => no_route_hint("token_url", false),
                    // The API refused a token these credentials were granted (hapi-rate-limit's 403),
                    // and no OAuth error (RFC 6749 §5.2) says the endpoint refused them.
                    _ if reply.status == 403 && granted && !error.is_some_and(is_oauth_code) => {
                        "these credentials were granted a token before: something in front of the token endpoint (a rate limiter or a firewall) may be refusing; try again later".into()
                    }
                    _ if reply.status == 403 && says_nothing(403, body) => BARE_403.into(),
                    // RFC 6749 §5.2: also an authentication method the client may
                    // not use, when the server's words name one (Authlib's "cannot
                    // authenticate with methods"); a wrong secret's does not.
                    _ if error == Some("invalid_client") && names_a_method(&value) => format!(
                        "{note}check client_id and client_secret, and that the OAuth client has the {SCOPE} scope and allows {BASIC}, the only one this tool sends"
                    ),
                    // This tool's request is well formed: the client may not make it so
                    // (unless a credential holds what no server takes: oidc-provider's).
                    _ if error == Some("invalid_request") && !self.unprintable() => format!(
                        "{note}this tool sends a client_credentials grant with {BASIC}: the OAuth client must allow both, at a token_url that offers them"
                    ),
                    _ => format!(
                        "{note}check client_id and client_secret, and that the OAuth client has the {SCOPE} scope"
                    ),
                };
                Err(auth_error(format!(
                    "{context} refused: {}; {check}",
                    describe(reply, redactor)
                )))
            }
            _ => Err(not_a_refusal(context, reply, &value, redactor)),
        }
    }

    /// Whether the id or the secret holds a character outside printable ASCII.
    fn unprintable(&self) -> bool {
        !printable(self.creds.client_secret.expose()) || !printable(&self.creds.client_id)
    }

    /// A space pasted with a credential is sent with it (only line endings
    /// are left out), a character outside printable ASCII is named as such,
    /// and other characters than letters, digits and `-._*`
    /// are sent percent-encoded (RFC 6749 §2.3.1), which some token servers
    /// do not decode: said, never shown.
    fn credential_note(&self) -> String {
        let both = [
            ("client_secret", self.creds.client_secret.expose()),
            ("client_id", &self.creds.client_id),
        ];
        if let Some((name, _)) = both.iter().find(|(_, text)| text.trim() != *text) {
            return format!("{name} begins or ends with a space, which is sent as part of it; ");
        }
        if let Some((name, _)) = both.iter().find(|(_, text)| !printable(text)) {
            return format!(
                "{name} holds characters outside printable ASCII, which RFC 6749 (Appendix A) allows in none: one may have been pasted with it (a zero-width space, a typographic quote); "
            );
        }
        // Both named when both hold them: a new secret alone would be refused again.
        let encoded = both.iter().filter(|(_, text)| form_encoded(text) != *text);
        let names: Vec<&str> = encoded.map(|(name, _)| *name).collect();
        let (holds, avoids) = match names.len() {
            0 => return String::new(),
            1 => ("holds", "one without them avoids"),
            _ => ("hold", "ones without them avoid"),
        };
        format!(
            "{} {holds} characters other than letters, digits and -._*, sent percent-encoded (RFC 6749 §2.3.1), which some token servers do not decode ({avoids} that); ",
            names.join(" and ")
        )
    }
}

/// RFC 6749 Appendix A: an id or secret is printable ASCII (VSCHAR).
fn printable(text: &str) -> bool {
    text.chars().all(|c| matches!(c, ' '..='~'))
}

impl Bearer for Auth<'_> {
    fn authorization(&self) -> Result<(String, Option<SystemTime>)> {
        let token = self.token()?;
        // A token issued already expired is sent as it is (see `lapsed`).
        let life = token.expires_at.saturating_sub(token.since);
        // (An expiry past what a clock holds is no expiry: `expires_in: 1e20`.)
        let at = UNIX_EPOCH.checked_add(Duration::from_secs(token.expires_at));
        let expires = at.filter(|_| life > 0);
        Ok((format!("Bearer {}", token.access_token.expose()), expires))
    }

    /// The API refused `rejected` (401, or 403 once it worked): drop it and its cache entry,
    /// unless another request already did (the run holds another token,
    /// or none yet). The repeat gets a new one (see `Client::turn`).
    fn reject(&self, rejected: &str) -> Result<()> {
        let rejected = rejected.strip_prefix("Bearer ").unwrap_or(rejected);
        let mut current = self.current()?;
        self.failed_before()?;
        if current.as_ref().map(|t| t.access_token.expose()) != Some(rejected) {
            return Ok(());
        }
        if let Some(cache) = &self.cache {
            cache.remove(&self.creds);
        }
        self.client
            .debug("the API refused the token; getting a new one");
        let refused = current.take().map(|token| token.access_token);
        locked(&self.refused).extend(refused);
        Ok(())
    }

    fn refused(&self, value: &str) -> bool {
        let value = value.strip_prefix("Bearer ").unwrap_or(value);
        locked(&self.refused).iter().any(|r| r.expose() == value)
    }

    fn cached(&self, value: &str) -> bool {
        let value = value.strip_prefix("Bearer ").unwrap_or(value);
        let current = locked(&self.current);
        (current.as_ref()).is_some_and(|t| t.cached && t.access_token.expose() == value)
    }

    fn forget(&self, rejected: &str) {
        let rejected = rejected.strip_prefix("Bearer ").unwrap_or(rejected);
        let current = self.current().ok();
        let held = current.as_ref().and_then(|c| c.as_ref());
        let held = held.filter(|token| token.access_token.expose() == rejected);
        if let (Some(_), Some(cache)) = (held, &self.cache) {
            cache.remove(&self.creds);
        }
    }
}

/// What is left of a token's life: its `expires_in` (an hour when none is
/// said) less the `Age` of the answer, when a cache in front of the token
/// endpoint stored it (Varnish told to hash a POST): `expires_in` counts
/// from when the endpoint answered (RFC 9111 §4.2.3). A token kept past
/// its life is not sent (the API would refuse it, and the cache serve it
/// again for the new one asked). An `expires_in: 0` is sent as it is.
fn life_left(context: &str, expires_in: Option<u64>, age: Option<NonZeroU64>) -> Result<u64> {
    // `expires_in: 0` is taken as it is: an `Age` cannot shorten it.
    let (Some(life @ 1..), Some(age)) = (expires_in, age.map(NonZeroU64::get)) else {
        return Ok(expires_in.unwrap_or(3600));
    };
    match life.checked_sub(age) {
        Some(left) if left > 0 => Ok(left),
        _ => Err(auth_error(format!(
            "{context}: the token came from a cache in front of the token endpoint, which stored it {age} s before (Age: {age}), as long as the token lasts or longer (expires_in: {life}): have the cache store no answer to the token request (a POST), or try again once it drops it"
        ))),
    }
}

/// Why a token that parsed cannot be used, if it cannot.
fn unusable(parsed: &TokenResponse) -> Option<&'static str> {
    let kind = parsed.token_type.as_deref().map(str::to_ascii_lowercase);
    match parsed.access_token.as_str() {
        "" => Some("the access_token is empty"),
        // Past what a request's head may carry (ureq writes at most
        // 128 KiB): every page failed as "not valid HTTP; check base_url".
        t if t.len() > MAX_TOKEN_BYTES => Some(
            "the access_token is longer than 120 KiB, more than a request can carry (real ones are a few KiB)",
        ),
        t if !sendable(t) => Some(
            "the access_token holds a space, a control character or a character outside ASCII, which a Bearer token cannot (RFC 6750)",
        ),
        // Apigee's `BearerToken` (a departure its docs list) is a bearer
        // token. Types of a standard are named (RFC 9449, the MAC draft);
        // no other text of the answer is shown.
        _ => match kind.as_deref() {
            None | Some("bearer" | "bearertoken") => None,
            Some("dpop") => Some(
                "the token type is DPoP, not Bearer: the OAuth client binds its tokens to a key (RFC 9449), which this tool does not; have it issue Bearer tokens",
            ),
            Some("mac") => {
                Some("the token type is MAC, not Bearer: have the OAuth client issue Bearer tokens")
            }
            Some(_) => Some("the token type is not Bearer"),
        },
    }
}

/// The error for a token answer that is not a token (`problem`): a login
/// page of a proxy or gateway in between, as on a page, or a gateway's own
/// error sent with a 200, with its words; a CGI script's status sent on as
/// a header ([`cgi_status`]).
fn not_a_token(
    context: &str,
    reply: &Reply,
    body: &[u8],
    problem: String,
    redactor: &Redactor,
) -> anyhow::Error {
    if let Some(error) = cgi_status(context, reply, redactor) {
        return error;
    }
    // PHP's warnings with the token: their words, not the token's.
    let among = json_among_text::<TokenResponse>(body);
    let php = format!("; the server at token_url prints it with the token: {DISPLAY_ERRORS}");
    let appended = crate::text::page_after_json(body);
    let (problem, hint) = match (&among, is_markup(body)) {
        (Some((_, place, _)), _) => (format!("other text {place} the token's JSON"), &*php),
        (_, true) if is_xml(body) => (
            "an XML document".into(),
            "; check token_url: the server there answers in XML, not the JSON OAuth sends a token in (RFC 6749 §5.1), as Grape's `format :xml` does",
        ),
        (_, true) => (
            "an HTML page".into(),
            "; check token_url, or a proxy in between",
        ),
        _ if body.trim_ascii().is_empty() => ("an empty body".into(), "; check token_url"),
        _ if appended.is_some() => {
            let at = appended.unwrap_or_default();
            (
                format!("an HTML page after {at} bytes of its JSON"),
                APPENDED,
            )
        }
        // Framed short: the Content-Length ended it (a cut chunked or
        // close-ended one is said so as it is read).
        _ if problem.starts_with(STOPS) => (
            problem,
            "; the server ended the answer there (its Content-Length): the server at token_url sends fewer bytes than its JSON has",
        ),
        _ => (problem, "; check token_url"),
    };
    // Every token a token answer names is known to the redactor already.
    let other = among
        .map(|(.., other)| other)
        .or(appended.map(|at| &body[at..]));
    let says = match other {
        Some(other) => Some(describe_part(reply, other, redactor)),
        None => error_said(reply, redactor),
    };
    let says = says.map_or(String::new(), |s| format!(" ({s})"));
    api_error(format!(
        "{context}: the answer is not a token ({problem}){hint}{says}"
    ))
}

/// What an HTML page after a token answer's JSON (whole or not) says to do.
const APPENDED: &str = "; the server at token_url began its answer, then sent an error page after it, as ASP.NET does when a handler fails after Response.Flush(): it fails while making the token; try again later, else have whoever runs it fix the error it names";

/// Why a token answer did not parse, without any value from it: serde's
/// messages quote the offending value, and in a token answer that may be
/// the token itself.
fn token_parse_problem(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = format!("line {} column {}", error.line(), error.column());
    match error.classify() {
        Category::Eof => format!("{STOPS} {at}, before its end"),
        Category::Syntax | Category::Io => format!("not valid JSON at {at}"),
        Category::Data => match error.to_string().split_once(" at line") {
            Some((kind, _)) if kind.ends_with("expected struct TokenResponse") => {
                "not a JSON object".into()
            }
            // Only serde's own "missing field `name`" and "duplicate field
            // `name`", and the field readers' own messages, are shown: they
            // name a field, never a value of the answer.
            Some((shown, _))
                if shown.starts_with("missing field `")
                    || shown.starts_with("duplicate field `")
                    || [
                        ACCESS_TOKEN_NOT_TEXT,
                        TOKEN_TYPE_NOT_TEXT,
                        EXPIRES_IN_NOT_SECONDS,
                        SCOPE_NOT_TEXT,
                    ]
                    .contains(&shown) =>
            {
                shown.to_string()
            }
            _ => format!("a field has the wrong type at {at}"),
        },
    }
}

/// `Basic base64(id:secret)`, the id and secret form-urlencoded first
/// (RFC 6749 §2.3.1).
fn basic_auth(id: &str, secret: &str) -> String {
    let pair = format!("{}:{}", form_encoded(id), form_encoded(secret));
    format!("Basic {}", BASE64.encode(pair))
}

/// `text` form-urlencoded (RFC 6749 §2.3.1), as the Basic value holds it.
fn form_encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// True for a token endpoint's refusal: an OAuth error (RFC 6749 §5.2: a
/// registered code, or another one given with its `error_description`),
/// or the Talkdesk reference's error shape (`code` and `message`).
fn says_refused(value: &serde_json::Value, error: Option<&str>) -> bool {
    let said = |key| text_of(value, key).is_some();
    error.is_some_and(|e| is_oauth_code(e) || said("error_description"))
        || (said("code") && said("message"))
}

/// An OAuth error code as RFC 6749 spells it: Glewlwyd's `scope_invalid`
/// and `authorization_type_invalid` are its `invalid_scope` and
/// `unauthorized_client`.
fn rfc_spelling(error: &str) -> &str {
    match error {
        "scope_invalid" => "invalid_scope",
        "authorization_type_invalid" => "unauthorized_client",
        error => error,
    }
}

/// The status a token answer is read as: an OAuth error in a 501
/// (oauth2orize's `unsupported_grant_type`) is a refusal, as in a 400, and
/// a 401 or 403 that carries a token is as a 400 that does.
fn read_as(reply: &Reply, error: Option<&str>, value: &serde_json::Value) -> u16 {
    match reply.read_as() {
        501 if error.is_some_and(is_oauth_code) => 400,
        // A token sent with a refusal's status refuses nothing ([`not_a_refusal`]).
        401 | 403 if text_of(value, "access_token").is_some() => 400,
        status => status,
    }
}

/// The error of a token answer that refuses nothing: a token sent with an
/// error's status (oxide-auth's token flows keep the status of the response
/// they begin from, its examples' 404) or a create's `201`, or what
/// [`unexpected`] says.
fn not_a_refusal(
    context: &str,
    reply: &Reply,
    value: &serde_json::Value,
    redactor: &Redactor,
) -> anyhow::Error {
    let (status, example) = match reply.status {
        201 => (
            "",
            "a framework's create answers 201 unless told otherwise: Feathers' services, NestJS's @Post() without @HttpCode(200)",
        ),
        400.. => (
            ", an error's status",
            "oxide-auth's token flows keep the status of the response they begin from, as its examples' Response::empty_404()",
        ),
        _ => return unexpected(context, reply, "token_url", redactor),
    };
    if text_of(value, "access_token").is_none() {
        return unexpected(context, reply, "token_url", redactor);
    }
    api_error(format!(
        "{context}: {}; the token endpoint granted a token but sent it with HTTP {}{status}, which this tool does not take: the server's fault, not token_url's; have whoever runs it answer 200 ({example})",
        describe(reply, redactor),
        reply.status
    ))
}

/// What a client refused the grant lacks; a bare `unauthorized_client` is
/// also Net::OAuth2::AuthorizationServer's word for a client_id it does not know.
fn grant_hint(error: Option<&str>, value: &serde_json::Value) -> String {
    let hint = "the client_credentials grant must be enabled for the OAuth client, at a token_url that offers it";
    if error != Some("unauthorized_client") || text_of(value, "error_description").is_some() {
        return hint.into();
    }
    format!(
        "{hint}; or the server knows no such client_id (Net::OAuth2::AuthorizationServer, under Mojolicious' OAuth2 server, says so of one): check client_id"
    )
}

/// The text of a member of a JSON object, unless blank.
fn text_of<'v>(value: &'v serde_json::Value, key: &str) -> Option<&'v str> {
    value[key].as_str().filter(|text| !text.trim().is_empty())
}

/// Whether a token endpoint's refusal speaks of an authentication method.
fn names_a_method(value: &serde_json::Value) -> bool {
    ["error_description", "message", "description"]
        .iter()
        .filter_map(|key| value[key].as_str())
        .any(|text| text.to_ascii_lowercase().contains("method"))
}

/// An error code of RFC 6749 (§5.2's, and `access_denied`, which Auth0
/// sends there too): the token endpoint's own refusal, not a gateway's
/// `"error": "Forbidden"`.
fn is_oauth_code(error: &str) -> bool {
    const CODES: [&str; 7] = [
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "access_denied",
    ];
    CODES.contains(&error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::url;

    /// Out of descriptors, the cache folder is not to blame: the limit is named.
    #[cfg(unix)]
    #[test]
    fn a_cache_write_out_of_descriptors_names_the_limit() {
        let e = std::io::Error::from_raw_os_error(libc::EMFILE);
        let said = cache_not_written(e, Path::new("/c")).to_string();
        assert!(said.contains("the open-file limit (ulimit -n)"), "{said}");
        assert!(!said.contains("XDG_CACHE_HOME") && said.ends_with("or pass --no-cache"));
    }

    /// A token a cache stored for exactly its life (`Age: 20`,
    /// `expires_in: 20`) has expired: it is not sent, and the error does
    /// not say it was stored "longer than" the token lasts.
    #[test]
    fn a_token_stored_for_exactly_its_life_is_not_said_stored_longer() {
        let e = life_left("token request", Some(20), NonZeroU64::new(20)).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("Age: 20") && text.contains("expires_in: 20"),
            "{text}"
        );
        assert!(!text.contains("longer than"), "{text}");
        assert_eq!(life_left("t", Some(20), NonZeroU64::new(19)).unwrap(), 1);
    }

    /// A token answer that is not a token says what it is: blank, "an
    /// empty body"; else the problem found in it, never "an empty body".
    #[test]
    fn a_token_answer_is_called_empty_only_when_blank() {
        let said = |body: &str| {
            let reply = crate::http::client::test_reply(200, body);
            let problem = "EOF while parsing an object".to_string();
            not_a_token(
                "token request",
                &reply,
                body.as_bytes(),
                problem,
                &Redactor::default(),
            )
            .to_string()
        };
        let partial = said(r#"{"access_token": "#);
        assert!(
            partial.contains("(EOF while parsing an object)"),
            "{partial}"
        );
        let blank = said(" \r\n");
        assert!(blank.contains("(an empty body)"), "{blank}");
    }

    #[test]
    fn token_parse_errors_never_quote_the_answer() {
        for body in [
            r#"{"access_token": "tok-leaked", "expires_in": "tok-leaked"}"#,
            r#"{"access_token": "tok-leaked", "scope": [1, "tok-leaked"]}"#,
            r#"{"access_token": "tok-leaked", "scope": {"tok-leaked": 1}}"#,
            r#"{"access_token": "tok-leaked", "#,
            r#"{"token": "tok-leaked"}"#,
            r#"tok-leaked"#,
        ] {
            let err = serde_json::from_str::<TokenResponse>(body).err().unwrap();
            let text = token_parse_problem(&err);
            assert!(!text.contains("tok-leaked"), "{body}: {text}");
        }
        let err = serde_json::from_str::<TokenResponse>(r#"{"token": "x"}"#)
            .err()
            .unwrap();
        assert_eq!(token_parse_problem(&err), "missing field `access_token`");
        // What names no value is said as it is.
        let twice = r#"{"access_token": "tok-leaked", "access_token": "tok-leaked"}"#;
        let err = serde_json::from_str::<TokenResponse>(twice).err().unwrap();
        assert_eq!(token_parse_problem(&err), "duplicate field `access_token`");
        let err = serde_json::from_str::<TokenResponse>("3600").err().unwrap();
        assert_eq!(token_parse_problem(&err), "not a JSON object");
    }

    /// A field of the wrong type was "a field has the wrong type at line 1
    /// column 73", in an answer the error never shows: which field, and
    /// what it should be, is said (never its value).
    #[test]
    fn a_field_of_the_wrong_type_is_named() {
        for (body, said) in [
            (
                r#"{"access_token": "tok-leaked", "expires_in": "tok-leaked"}"#,
                "`expires_in` is not a number of seconds",
            ),
            (
                r#"{"access_token": "tok-leaked", "expires_in": true}"#,
                "`expires_in` is not a number of seconds",
            ),
            (
                r#"{"access_token": "tok-leaked", "expires_in": "NaN"}"#,
                "`expires_in` is not a number of seconds",
            ),
            (
                r#"{"access_token": 12345678901}"#,
                "`access_token` is not a string",
            ),
            (
                r#"{"access_token": "tok-leaked", "token_type": 5}"#,
                "`token_type` is not a string",
            ),
            (
                r#"{"access_token": "tok-leaked", "scope": {"tok-leaked": 1}}"#,
                "`scope` is neither a string nor a list of strings",
            ),
        ] {
            let err = serde_json::from_str::<TokenResponse>(body).err().unwrap();
            assert_eq!(token_parse_problem(&err), said, "{body}");
        }
    }

    /// An answer cut short inside a string field was said to hold a value
    /// of another type there ("`access_token` is not a string"): its JSON
    /// stops, and that is what is said.
    #[test]
    fn an_answer_cut_inside_a_field_says_its_json_stops() {
        for body in [
            r#"{"access_token": "tok-lea"#,
            r#"{"access_token": "tok-leaked", "token_type": "Bea"#,
            r#"{"access_token": "tok-leaked", "scope": ["express-acc"#,
        ] {
            let err = serde_json::from_str::<TokenResponse>(body).err().unwrap();
            let said = token_parse_problem(&err);
            assert!(
                said.starts_with(STOPS) && !said.contains("tok-"),
                "{body}: {said}"
            );
        }
    }

    /// `"expires_in": "1e400"` was read as forever, the same number
    /// unquoted refused the token (exit 5): a number past what a float
    /// holds is any size too.
    #[test]
    fn an_expiry_past_a_float_is_read_as_in_a_string() {
        let seconds =
            |body: &str| serde_json::from_str::<TokenResponse>(body).map(|t| t.expires_in);
        for (value, read) in [("1e400", u64::MAX), ("-1e400", 0), ("3600", 3600)] {
            let unquoted = format!(r#"{{"access_token": "t", "expires_in": {value}}}"#);
            let quoted = format!(r#"{{"access_token": "t", "expires_in": "{value}"}}"#);
            assert_eq!(seconds(&unquoted).ok(), Some(Some(read)), "{unquoted}");
            assert_eq!(seconds(&quoted).ok(), Some(Some(read)), "{quoted}");
        }
    }

    /// A token answer that parsed is refused for an empty token, one past
    /// 120 KiB, one no header can carry, or a type other than Bearer.
    #[test]
    fn which_tokens_are_unusable_and_why() {
        let why = |token: &str, kind: Option<&str>| {
            unusable(&TokenResponse {
                access_token: token.into(),
                token_type: kind.map(String::from),
                expires_in: None,
                scope: None,
            })
        };
        for kind in [None, Some("bearer"), Some("Bearer"), Some("BearerToken")] {
            assert_eq!(why("tok-123", kind), None, "{kind:?}");
        }
        assert_eq!(why(&"t".repeat(122_880), None), None, "120 KiB");
        let refused = |token: &str, kind| why(token, kind).unwrap_or_default();
        assert_eq!(refused("", None), "the access_token is empty");
        assert!(refused(&"t".repeat(122_881), None).contains("longer than 120 KiB"));
        assert!(refused("tok 123", None).contains("which a Bearer token cannot (RFC 6750)"));
        assert!(refused("tok-123", Some("DPoP")).contains("(RFC 9449)"));
        assert!(refused("tok-123", Some("mac")).starts_with("the token type is MAC"));
        assert_eq!(
            refused("tok-123", Some("Basic")),
            "the token type is not Bearer"
        );
    }

    /// A token endpoint's refusal is told by an OAuth code, another error
    /// with its description, or the reference's `code` and `message`; not
    /// by a gateway's or a framework's own `error`.
    #[test]
    fn a_refusal_is_told_by_its_code_or_its_shape() {
        use serde_json::json;
        let said = |body: serde_json::Value| says_refused(&body, body["error"].as_str());
        assert!(said(json!({"error": "invalid_client"})));
        assert!(said(json!({"error": "access_denied"})));
        assert!(said(json!({"error": "custom", "error_description": "no"})));
        assert!(said(json!({"code": "X", "message": "no"})));
        assert!(!said(json!({"error": "Bad Request"})), "Spring Boot's");
        assert!(!said(json!({"error": "Forbidden", "message": "no"})));
        assert!(!said(json!({"code": "X"})) && !said(json!({"message": "no"})));
        assert!(!said(json!({})));
        assert!(!said(json!({"code": " ", "message": " "})), "blank");
        assert!(!said(json!({"error": "custom", "error_description": ""})));
        let method = |body: serde_json::Value| names_a_method(&body);
        assert!(method(
            json!({"error_description": "cannot authenticate with METHODS"})
        ));
        assert!(method(json!({"message": "auth method not allowed"})));
        assert!(!method(
            json!({"error_description": "bad secret", "method": "x"})
        ));
        assert!(is_oauth_code("invalid_scope") && !is_oauth_code("Forbidden"));
    }

    #[test]
    fn scopes_come_as_a_string_or_a_list_of_strings() {
        let scope = |body: &str| serde_json::from_str::<TokenResponse>(body).unwrap().scope;
        let text = r#"{"access_token": "t", "scope": "express-accounts:read openid"}"#;
        let list = r#"{"access_token": "t", "scope": ["express-accounts:read", "openid"]}"#;
        for body in [text, list] {
            assert_eq!(scope(body).as_deref(), Some("express-accounts:read openid"));
        }
        assert_eq!(scope(r#"{"access_token": "t", "scope": null}"#), None);
        assert_eq!(scope(r#"{"access_token": "t"}"#), None);
    }

    #[test]
    fn basic_auth_form_urlencodes_the_id_and_secret_first() {
        assert_eq!(basic_auth("id", "secret"), "Basic aWQ6c2VjcmV0");
        // `a b:c` and `p&ss=%` become `a+b%3Ac:p%26ss%3D%25` before base64.
        assert_eq!(
            basic_auth("a b:c", "p&ss=%"),
            format!("Basic {}", BASE64.encode("a+b%3Ac:p%26ss%3D%25"))
        );
    }

    #[test]
    fn the_cache_key_is_the_sha256_of_the_length_prefixed_credentials_in_hex() {
        // As Python's hashlib.sha256(...).hexdigest() gives it: the names of
        // cache files written by earlier versions.
        assert_eq!(
            fingerprint(&creds("id")),
            "f9b00453aa66776123b726e51a9e3a75b06681c07c635a61cf374dbca37889cf"
        );
    }

    #[test]
    fn the_cache_key_depends_on_the_secret_and_never_holds_it() {
        let a = creds("id");
        let mut b = creds("id");
        b.client_secret = Secret::new("another-secret");
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 64);
        assert!(!fingerprint(&a).contains("never-stored"));
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().to_path_buf());
        cache.store(&a, &token(now_secs() + 3600)).unwrap();
        assert!(cache.load(&a).is_some());
        assert!(cache.load(&b).is_none(), "another secret, no token");
    }

    #[test]
    fn a_token_lapses_within_the_margin_or_half_its_life() {
        let at = |since: u64, expires_at: u64| Token {
            since,
            ..token(expires_at)
        };
        // An hour's token: from 60 s before its end.
        assert!(!at(1000, 4600).lapsed(4539));
        assert!(at(1000, 4600).lapsed(4540));
        // 65 s: from half its life (it was sent at 65 s, and refused).
        assert!(!at(1000, 1065).lapsed(1000));
        assert!(!at(1000, 1065).lapsed(1005), "not 60 s: half its life");
        assert!(at(1000, 1065).lapsed(1033));
        // Issued expired: sent as it is (the API decides).
        assert!(!at(1000, 1000).lapsed(5000));
    }

    fn creds(id: &str) -> Credentials {
        Credentials {
            client_id: id.into(),
            client_secret: Secret::new("never-stored"),
            token_url: url::parse("http://127.0.0.1:9/oauth/token").unwrap(),
        }
    }

    fn token(expires_at: u64) -> Token {
        Token {
            access_token: Secret::new("tok-123"),
            expires_at,
            since: now_secs(),
            scope: SCOPE.into(),
            cached: false,
            expiry_reported: true,
            stored: 0,
        }
    }

    #[test]
    fn the_cache_round_trips_without_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
        let c = creds("id-1");
        cache.store(&c, &token(now_secs() + 3600)).unwrap();
        let loaded = cache.load(&c).unwrap();
        assert_eq!(loaded.access_token.expose(), "tok-123");
        assert!(loaded.cached);
        let text = fs::read_to_string(cache.path(&c)).unwrap();
        assert!(!text.contains("never-stored"));
        assert!(
            cache.load(&creds("id-2")).is_none(),
            "another client id has its own entry"
        );
    }

    /// A JWT holding the client id is cached, though the id's base64 may
    /// be a run of the Basic value's: only the runs holding the secret
    /// keep a token out.
    #[test]
    fn a_jwt_holding_the_client_id_is_cached() {
        // A long id too: its base64 runs up to the secret's first group.
        for id in ["client-0001", "client-0001-of-the-tenant-acme"] {
            let dir = tempfile::tempdir().unwrap();
            let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
            let c = creds(id);
            let payload = BASE64.encode(format!(r#"{{"a":"{id}","x":1}}"#));
            assert!(basic_auth(id, "s").contains(&payload[8..16]));
            let mut jwt = token(now_secs() + 3600);
            jwt.access_token = Secret::new(format!("eyJhbGciOiJub25lIn0.{payload}.sig"));
            cache.store(&c, &jwt).unwrap();
            assert!(cache.load(&c).is_some(), "{id}");
        }
    }

    /// A token larger than a cache file is read (64 KiB; a token may be
    /// 120 KiB) was written at every run and never read back: it is not
    /// written.
    #[test]
    fn a_token_too_large_to_read_back_is_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
        let c = creds("id-1");
        let mut large = token(now_secs() + 3600);
        large.access_token = Secret::new("t".repeat(100 * 1024));
        cache.store(&c, &large).unwrap();
        assert!(!cache.path(&c).exists(), "nothing written");
        // Real ones are a few KiB.
        large.access_token = Secret::new("t".repeat(16 * 1024));
        cache.store(&c, &large).unwrap();
        assert!(cache.load(&c).is_some(), "a token of 16 KiB is");
    }

    /// A cached token is used until 60 s before it expires, as a token of
    /// the run is: one with 100 s left was used for 70 s, its margin taken
    /// as half the life it had left when it was read.
    #[test]
    fn a_cached_token_is_renewed_60_s_before_it_expires() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
        let c = creds("id-1");
        let now = now_secs();
        cache.store(&c, &token(now + 100)).unwrap();
        let loaded = cache.load(&c).unwrap();
        assert!(!loaded.lapsed(now + 39));
        assert!(loaded.lapsed(now + 40), "60 s before it expires");
    }

    #[cfg(unix)]
    #[test]
    fn the_cache_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
        let c = creds("id");
        cache.store(&c, &token(now_secs() + 3600)).unwrap();
        let dir_mode = fs::metadata(&cache.dir).unwrap().permissions().mode() & 0o777;
        let file_mode = fs::metadata(cache.path(&c)).unwrap().permissions().mode() & 0o777;
        assert_eq!((dir_mode, file_mode), (0o700, 0o600));
        let leftovers = fs::read_dir(&cache.dir).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    /// A link planted in the cache folder (while it was looser, or by
    /// whoever owns it) is replaced, never written through: the file it
    /// names keeps its bytes and its mode.
    #[cfg(unix)]
    #[test]
    fn a_link_in_the_cache_folder_is_replaced_never_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "keep me").unwrap();
        fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
        let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
        let c = creds("id");
        fs::create_dir(&cache.dir).unwrap();
        std::os::unix::fs::symlink(&victim, cache.path(&c)).unwrap();
        cache.store(&c, &token(now_secs() + 3600)).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        let mode = fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        assert!(fs::symlink_metadata(cache.path(&c)).unwrap().is_file());
        assert!(cache.load(&c).is_some());
    }

    #[test]
    fn a_cache_of_another_user_is_neither_read_nor_written() {
        let dir = tempfile::tempdir().unwrap();
        let c = creds("id");
        let mine = TokenCache::new(dir.path().join("talkdesk-accounts"));
        mine.store(&c, &token(now_secs() + 3600)).unwrap();
        assert!(mine.load(&c).is_some());
        // The same files, seen by a user who does not own them (a token
        // planted in a shared or pre-made folder).
        let theirs = TokenCache {
            owner: mine.owner.wrapping_add(1),
            ..mine.clone()
        };
        assert!(theirs.load(&c).is_none(), "a planted token is never used");
        let err = theirs.store(&c, &token(now_secs() + 3600)).unwrap_err();
        assert!(err.to_string().contains("belongs to another user"), "{err}");
    }

    #[test]
    fn tokens_near_expiry_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().to_path_buf());
        let c = creds("id");
        cache
            .store(&c, &token(now_secs() + EXPIRY_MARGIN_SECS - 5))
            .unwrap();
        assert!(cache.load(&c).is_none());
        cache
            .store(&c, &token(now_secs() + EXPIRY_MARGIN_SECS + 30))
            .unwrap();
        assert!(cache.load(&c).is_some());
    }

    /// A token endpoint answering with the client secret as the token had
    /// it written to the cache, which never holds the secret.
    #[test]
    fn a_token_holding_the_secret_is_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().to_path_buf());
        let c = creds("id");
        let echoed = Token {
            access_token: Secret::new("x-never-stored-x"),
            ..token(now_secs() + 3600)
        };
        cache.store(&c, &echoed).unwrap();
        assert!(cache.load(&c).is_none());
        assert!(!cache.path(&c).exists());
        // Nor a part of it, in any form the redactor knows, the Basic
        // value sent, or the secret in the scope.
        let basic = basic_auth("id", "never-stored");
        let basic = basic.strip_prefix("Basic ").unwrap();
        for (access, scope) in [
            ("at.never-st.sig", SCOPE.to_string()),
            ("at.NEVER-STORED", SCOPE.to_string()),
            (basic, SCOPE.to_string()),
            ("tok-123", format!("{SCOPE} never-stored")),
            ("tok-123", format!("{SCOPE} never%2Dstored")),
            ("tok-123", format!("{SCOPE} er-store")),
        ] {
            let echoed = Token {
                access_token: Secret::new(access),
                scope,
                ..token(now_secs() + 3600)
            };
            cache.store(&c, &echoed).unwrap();
            assert!(!cache.path(&c).exists(), "{access} {}", echoed.scope);
        }
    }

    /// A hand-edited entry whose token no header can carry made every run
    /// fail ("failed to parse header value") until the file was deleted;
    /// an empty one was sent as `Bearer ` (a 401 and a renewal).
    #[test]
    fn a_cached_token_that_cannot_be_sent_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().to_path_buf());
        let c = creds("id");
        cache.store(&c, &token(now_secs() + 3600)).unwrap();
        let text = fs::read_to_string(cache.path(&c)).unwrap();
        assert!(cache.load(&c).is_some());
        for bad in ["tok\\r\\n-123", "tok\\u0000", "t\\u00f6k", ""] {
            let edited = text.replace("\"tok-123\"", &format!("\"{bad}\""));
            assert_ne!(edited, text);
            fs::write(cache.path(&c), edited).unwrap();
            assert!(cache.load(&c).is_none(), "{bad}");
        }
    }

    /// A cached token with exactly 60 s left is not used, as `lapsed`
    /// has it (from 60 s before its end).
    #[test]
    fn a_cached_token_with_exactly_60_s_left_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().to_path_buf());
        let c = creds("id");
        cache
            .store(&c, &token(now_secs() + EXPIRY_MARGIN_SECS))
            .unwrap();
        assert!(cache.load(&c).is_none());
    }

    /// An entry of exactly the most a cache file is read (64 KiB) is
    /// written and read back; one a byte longer is not written.
    #[test]
    fn a_cache_entry_of_exactly_64_kib_is_written_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
        let c = creds("id");
        let at = now_secs() + 3600;
        cache.store(&c, &token(at)).unwrap();
        let short = fs::metadata(cache.path(&c)).unwrap().len();
        let sized = |more: u64| Token {
            access_token: Secret::new("t".repeat((CACHE_FILE_MAX - short + more) as usize + 7)),
            ..token(at)
        };
        cache.store(&c, &sized(0)).unwrap();
        assert_eq!(fs::metadata(cache.path(&c)).unwrap().len(), CACHE_FILE_MAX);
        assert!(cache.load(&c).is_some(), "read back");
        cache.store(&c, &sized(1)).unwrap();
        let len = fs::metadata(cache.path(&c)).unwrap().len();
        assert_eq!(len, CACHE_FILE_MAX, "the longer one is not written");
    }

    /// A file longer than is read is none, though what is read of it is
    /// an entry (one padded with spaces past 64 KiB).
    #[test]
    fn a_cache_file_longer_than_is_read_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().to_path_buf());
        let c = creds("id");
        cache.store(&c, &token(now_secs() + 3600)).unwrap();
        let mut text = fs::read(cache.path(&c)).unwrap();
        text.resize(CACHE_FILE_MAX as usize + 1, b' ');
        fs::write(cache.path(&c), text).unwrap();
        assert!(cache.load(&c).is_none());
    }

    /// A cache file and folder no one else may reach keep their modes
    /// when read (only looser ones are tightened): a read-only folder and
    /// file stay read-only.
    #[cfg(unix)]
    #[test]
    fn a_private_read_only_cache_keeps_its_modes_when_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
        let c = creds("id");
        cache.store(&c, &token(now_secs() + 3600)).unwrap();
        let set = |path: &Path, mode: u32| {
            fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
        };
        set(&cache.path(&c), 0o400);
        set(&cache.dir, 0o500);
        let loaded = cache.load(&c);
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let modes = (mode(&cache.dir), mode(&cache.path(&c)));
        set(&cache.dir, 0o700);
        assert!(loaded.is_some());
        assert_eq!(modes, (0o500, 0o400));
    }

    /// A token in a file of another user, or in a folder of another user,
    /// is never used: each is checked, not only both together.
    #[cfg(unix)]
    #[test]
    #[ignore = "needs root to make another user's files; .ci/run runs it as root"]
    fn as_root_a_cache_file_or_folder_of_another_user_is_not_read() {
        use std::os::unix::fs::chown;
        assert_eq!(current_user(), 0, "run as root");
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("talkdesk-accounts"));
        let c = creds("id");
        cache.store(&c, &token(now_secs() + 3600)).unwrap();
        assert!(cache.load(&c).is_some());
        chown(cache.path(&c), Some(4242), Some(4242)).unwrap();
        assert!(cache.load(&c).is_none(), "a file of another user");
        chown(cache.path(&c), Some(0), Some(0)).unwrap();
        assert!(cache.load(&c).is_some());
        chown(&cache.dir, Some(4242), Some(4242)).unwrap();
        assert!(cache.load(&c).is_none(), "a folder of another user");
    }

    #[test]
    fn a_corrupt_cache_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().to_path_buf());
        let c = creds("id");
        fs::write(cache.path(&c), "{not json").unwrap();
        assert!(cache.load(&c).is_none());
        cache.store(&c, &token(now_secs() + 3600)).unwrap();
        assert!(cache.load(&c).is_some());
    }
}
