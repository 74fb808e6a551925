//! The trust roots of a run: the operating system's store, or every
//! certificate of the PEM file `ca_bundle` names; and what to do when a
//! handshake fails, told by its cause and the roots in use.

use std::borrow::Cow;
use std::fs;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::{self, PemObject, SectionKind};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct};
use rustls::{RootCertStore, SignatureScheme};
use ureq::tls::{Certificate, RootCerts};

use super::url::Url;
use crate::atomic_file::read_at_most;
use crate::error::config_error;
use crate::log::Log;
use crate::text::{is_utf16, shorten, shown_path, spoken_duration, terminal_safe, without_bom};

/// The roots to trust: those of `ca_bundle` when it is set, else the
/// system store.
/// `name` is what set it, as errors name it (`ca_bundle`, or the variable).
pub fn roots(ca_bundle: Option<&Path>, name: &str, log: Log) -> Result<RootCerts> {
    Ok(match ca_bundle {
        Some(path) => RootCerts::Specific(Arc::new(load_ca_bundle(path, name, log)?)),
        None => {
            #[cfg(all(unix, not(target_vendor = "apple")))]
            no_device_as_roots()?;
            RootCerts::PlatformVerifier
        }
    })
}

/// `SSL_CERT_FILE` at a device (`/dev/zero`): rustls-native-certs would
/// read it for ever, until memory ran out. /dev/null, known empty, is
/// named when no certificate is trusted. (The system's store elsewhere
/// reads no `SSL_CERT_FILE`.)
#[cfg(all(unix, not(target_vendor = "apple")))]
fn no_device_as_roots() -> Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let Some(path) = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from) else {
        return Ok(());
    };
    let kind = std::fs::metadata(&path).map(|m| m.file_type());
    if kind.is_ok_and(|k| k.is_char_device() || k.is_block_device())
        && path != Path::new("/dev/null")
    {
        return Err(config_error(format!(
            "SSL_CERT_FILE is set to {}, which is a device, not a certificate bundle; point it at a certificate bundle, or unset it",
            shown_path(&path)
        )));
    }
    Ok(())
}

/// The largest bundle read. Every root of the Mozilla store together is
/// about 200 KiB; a corporate bundle of 3,000 certificates, 3 MB.
const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads every certificate of a PEM bundle. A file with none, or with
/// none that is a certificate, is a configuration error; a block that is
/// no certificate beside good ones is left out with a warning.
fn load_ca_bundle(path: &Path, name: &str, log: Log) -> Result<Vec<Certificate<'static>>> {
    let pem = read_bundle(path, name)?;
    // Windows Notepad starts a UTF-8 file with a byte-order mark, which
    // would hide the first -----BEGIN line.
    let pem = without_bom(&pem);
    let mut certs = Vec::new();
    // The CERTIFICATE blocks that hold no certificate, counted from 1.
    let mut unreadable = Vec::new();
    let mut blocks = 0;
    let shown = shown_path(&path);
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem) {
        let (kind, der) = section.map_err(|e| {
            config_error(format!(
                "{name} {shown} is not valid PEM: {}{}",
                pem_problem(&e),
                reexport(name)
            ))
        })?;
        if kind != SectionKind::Certificate {
            continue;
        }
        blocks += 1;
        // ureq leaves out, without a word, what rustls cannot read.
        match RootCertStore::empty().add(CertificateDer::from(der.as_slice())) {
            Ok(()) => certs.push(Certificate::from_der(&der).to_owned()),
            Err(_) => unreadable.push(blocks),
        }
    }
    // A DER certificate, or a PKCS#12 file, as IT departments hand them
    // out: both are one ASN.1 SEQUENCE.
    // (A SEQUENCE this long has its length in 1 to 4 more bytes: a text
    // that starts with "0" has no such byte after it.)
    let der = pem.first() == Some(&0x30) && pem.get(1).is_some_and(|b| (0x81..=0x84).contains(b));
    if blocks == 0 && der {
        return Err(config_error(format!(
            "{name} {shown} is a binary (DER or PKCS#12) file, not PEM; convert it: openssl x509 -inform der -in {shown} -out ca.pem (from a .p12: openssl pkcs12 -in {shown} -nokeys -out ca.pem), and point {name} at ca.pem"
        )));
    }
    // What Windows PowerShell's `>` writes: each character two bytes.
    if blocks == 0 && is_utf16(pem) {
        return Err(config_error(format!(
            "{name} {shown} is UTF-16 text, which PEM is not; save it as UTF-8 or ASCII (PowerShell: Set-Content -Encoding ascii)"
        )));
    }
    if blocks == 0 {
        return Err(config_error(format!(
            "{name} {shown} holds no certificate; point it at a PEM file with -----BEGIN CERTIFICATE----- blocks"
        )));
    }
    if certs.is_empty() {
        let which = match blocks {
            1 => "its CERTIFICATE block is not an X.509 certificate".to_string(),
            n => format!("none of its {n} CERTIFICATE blocks is an X.509 certificate"),
        };
        return Err(config_error(format!(
            "{name} {shown} holds no certificate that can be read: {which}{}",
            reexport(name)
        )));
    }
    match unreadable.as_slice() {
        [] => {}
        [one] => log.warn(&format!(
            "{name} {shown}: certificate {one} of {blocks} is not an X.509 certificate and is left out"
        )),
        many => {
            let more = (many.len() > 5).then(|| "…".to_string());
            let list: Vec<String> = many.iter().take(5).map(usize::to_string).chain(more).collect();
            log.warn(&format!(
                "{name} {shown}: certificates {} of {blocks} are not X.509 certificates and are left out",
                list.join(", ")
            ));
        }
    }
    Ok(certs)
}

/// What to do about a bundle that cannot be read as certificates.
fn reexport(name: &str) -> String {
    format!("; export the certificates again as PEM (Base64 text), or point {name} at another file")
}

/// What is wrong with a PEM file, in words (the error's own `Display`
/// shows bytes as numbers).
fn pem_problem(error: &pem::Error) -> String {
    match error {
        pem::Error::MissingSectionEnd { end_marker } => {
            let label = String::from_utf8_lossy(end_marker);
            let label = terminal_safe(&shorten(&label, 40));
            format!("a {label} block is not closed (no -----END {label}----- line)")
        }
        pem::Error::IllegalSectionStart { .. } => "a -----BEGIN line is malformed".into(),
        pem::Error::Base64Decode(_) => "a block is not valid base64".into(),
        other => other.to_string(),
    }
}

/// The bytes of the bundle: a regular file (a link to one is followed) of
/// at most [`MAX_BUNDLE_BYTES`]. A pipe or a device is never read: it
/// would hang the run or fill its memory.
fn read_bundle(path: &Path, name: &str) -> Result<Vec<u8>> {
    let shown = shown_path(&path);
    let refused =
        |why: String| config_error(format!("{name} {shown} {why}; point {name} at a PEM file"));
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // Opening a pipe waits for a writer, unless told not to.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let cannot_read = |e: std::io::Error| {
        config_error(format!(
            "cannot read {name} {shown}: {e}; point {name} at a PEM file"
        ))
    };
    let file = options.open(path).map_err(cannot_read)?;
    let meta = file.metadata().map_err(cannot_read)?;
    if !meta.is_file() {
        let what = match meta.is_dir() {
            true => "a folder",
            false => "a pipe, a socket or a device",
        };
        return Err(refused(format!("is not a regular file ({what})")));
    }
    let too_large = || refused(format!("is larger than {} MiB", MAX_BUNDLE_BYTES >> 20));
    // Refused by what it holds, not by its length: `read_at_most` reads
    // one byte past the cap at most (and a file may grow meanwhile).
    match read_at_most(file, MAX_BUNDLE_BYTES) {
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => Err(too_large()),
        read => read.map_err(cannot_read),
    }
}

/// Whether the server at `url` sends its certificate alone, without the
/// intermediate that links it to a root, which the certificate names where
/// it can be fetched (Authority Information Access, as every public CA's
/// does): browsers hide the mistake by fetching it; this tool does not.
/// Asked, after a certificate was not trusted, with a handshake of its own
/// that stops at the certificates and sends nothing else; `None` when that
/// fails.
pub fn sends_no_chain(url: &Url, timeout: Duration) -> Option<bool> {
    let host = url.host_str()?.trim_matches(['[', ']']);
    let name = ServerName::try_from(host.to_string()).ok()?;
    let mut tcp = connect_to(url, timeout)?;
    tcp.set_read_timeout(Some(timeout)).ok()?;
    tcp.set_write_timeout(Some(timeout)).ok()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let seen = Arc::new(Seen {
        alone: Mutex::default(),
        schemes: provider
            .signature_verification_algorithms
            .supported_schemes(),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .dangerous()
        .with_custom_certificate_verifier(seen.clone())
        .with_no_client_auth();
    let mut tls = ClientConnection::new(Arc::new(config), name).ok()?;
    while tls.is_handshaking() && tls.complete_io(&mut tcp).is_ok() {}
    seen.alone.lock().ok()?.take()
}

/// Whether the host of `url` takes a new connection within `timeout` (one
/// closed at once, with nothing sent): what timed out over one was then no
/// network, but the server's silence on it.
pub fn takes_connections(url: &Url, timeout: Duration) -> bool {
    connect_to(url, timeout).is_some()
}

/// A new connection to the host and port of `url` within `timeout`.
fn connect_to(url: &Url, timeout: Duration) -> Option<TcpStream> {
    let host = url.host_str()?.trim_matches(['[', ']']);
    let addresses = (host, url.port_or_known_default()?).to_socket_addrs();
    connect_any(addresses.ok()?, timeout)
}

/// A connection to the first of `addresses` that accepts one, each tried
/// in turn (as ureq and curl do) within `timeout` in all: a name may
/// resolve to `::1` and `127.0.0.1` with the server on one alone.
fn connect_any(
    addresses: impl Iterator<Item = SocketAddr>,
    timeout: Duration,
) -> Option<TcpStream> {
    let deadline = std::time::Instant::now() + timeout;
    let left = || deadline.checked_duration_since(std::time::Instant::now());
    addresses
        .map_while(|address| Some((address, left().filter(|d| !d.is_zero())?)))
        .find_map(|(address, left)| TcpStream::connect_timeout(&address, left).ok())
}

/// A verifier that trusts no certificate, and notes whether the server
/// sent its certificate alone, naming where its issuer can be fetched.
#[derive(Debug)]
struct Seen {
    alone: Mutex<Option<bool>>,
    schemes: Vec<SignatureScheme>,
}

impl ServerCertVerifier for Seen {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The DER of the extension's id, 1.3.6.1.5.5.7.1.1: a private CA's
        // certificate (or a proxy's that re-signs traffic) seldom has it.
        const AIA: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
        let alone = intermediates.is_empty() && memchr::memmem::find(end_entity, AIA).is_some();
        if let Ok(mut seen) = self.alone.lock() {
            *seen = Some(alone);
        }
        Err(rustls::Error::General("certificates read".into()))
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("not verified".into()))
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("not verified".into()))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

/// A TLS error as the error line says it, where rustls's own text is not
/// for a reader: every signature algorithm's id in bytes (about 1 KB), or
/// a certificate outside its dates, said with its date and this machine's
/// in words (rustls says both in seconds since 1970). `None`: rustls's
/// text as it is.
pub fn plain_cause(error: &rustls::Error) -> Option<Cow<'static, str>> {
    use rustls::{CertificateError as C, Error as R};
    let date = |time: &UnixTime| {
        let secs = i64::try_from(time.as_secs()).ok()?;
        let time = jiff::Timestamp::from_second(secs).ok()?;
        Some(time.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
    };
    let (time, edge, is, side) = match error {
        R::InvalidCertificate(
            C::UnsupportedSignatureAlgorithmContext { .. }
            | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. },
        ) => return Some("invalid peer certificate: unsupported signature algorithm".into()),
        R::InvalidCertificate(C::ExpiredContext { time, not_after }) => {
            (time, not_after, "expired on", "ago by")
        }
        R::InvalidCertificate(C::NotValidYetContext { time, not_before }) => {
            (time, not_before, "is not valid before", "ahead of")
        }
        _ => return None,
    };
    let (now, then) = (date(time)?, date(edge)?);
    let apart = spoken_duration(time.as_secs().abs_diff(edge.as_secs()));
    Some(Cow::Owned(format!(
        "invalid peer certificate: the certificate {is} {then}, {apart} {side} this machine's clock ({now})"
    )))
}

/// What to do when the server wants a client certificate (TLS).
pub const CLIENT_CERTIFICATE: &str = "the server wants a client certificate, which this tool does not send: reach the API without that gateway";

/// What to do about a server that sends its certificate alone, without
/// the intermediate it names (Authority Information Access).
pub fn no_chain(ca_bundle: Option<(&Path, &str)>) -> String {
    let or = match ca_bundle {
        Some((path, name)) => format!(", or add the intermediate to {name} {}", shown_path(&path)),
        None => match ssl_cert_file_naming_nothing() {
            Some(hint) => return hint,
            None => String::new(),
        },
    };
    format!(
        "the server sends its certificate alone, without the intermediate certificate that signed it (browsers fetch it and hide this; this tool does not): the server must send its whole chain (nginx: the intermediate after its certificate in the ssl_certificate file){or}"
    )
}

/// What to do about a certificate for another name than the URL's.
fn name_hint(error: &rustls::Error) -> Option<&'static str> {
    use rustls::{CertificateError as C, Error as R};
    Some(match error {
        // Only a Common Name, which no longer counts (RFC 9525 §6.3).
        R::InvalidCertificate(C::NotValidForNameContext { presented, .. })
            if presented.is_empty() =>
        {
            "the certificate names no host in a subjectAltName (a Common Name alone no longer counts): the server needs a certificate with its host name there"
        }
        // An address must be listed as one (an IP subjectAltName).
        R::InvalidCertificate(C::NotValidForNameContext {
            expected: rustls::pki_types::ServerName::IpAddress(_),
            presented,
        }) if !presented.iter().any(|name| name.starts_with("IpAddress")) => {
            "the certificate is for another host: check the host name of the URL; it is an address, and the certificate lists no IP address: use a host name the certificate is for (named above), or give the server a certificate with the address in a subjectAltName"
        }
        R::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "the certificate is for another host: check the host name of the URL"
        }
        _ => return None,
    })
}

/// [`tls_hint`], but of the URL: a server's `unrecognized_name` alert to a
/// URL with a host name names it (an address's speaks of the address, for
/// which no name is sent). No URL: the handshake may have been another's
/// (an `https://` proxy's).
pub fn url_tls_hint(
    error: &rustls::Error,
    ca_bundle: Option<(&Path, &str)>,
    url: Option<&Url>,
) -> Cow<'static, str> {
    use rustls::{AlertDescription as A, Error as R};
    let named = matches!(url.and_then(Url::host), Some(url::Host::Domain(_)));
    let host = url.and_then(Url::host_str).unwrap_or_default();
    let no_site = format!("no site for the host name {host}: check the host name of the URL");
    // sniproxy ends so a handshake with no name (an address's) or a name
    // it has no route for.
    if url.is_some() && matches!(error, R::AlertReceived(A::HandshakeFailure)) {
        let sni = match named {
            true => format!("has {no_site}, or see the server's log"),
            false => "none is sent for an address: use the host name its certificate is for".into(),
        };
        return format!("the server has no TLS version or cipher in common with this tool (TLS 1.2 or 1.3, modern ciphers), or it wants a client certificate, or it picks the site by the host name asked for (SNI), as sniproxy does, and {sni}; else the server, or a proxy before it, needs a newer TLS setup").into();
    }
    if !named || !matches!(error, R::AlertReceived(A::UnrecognisedName)) {
        return tls_hint(error, ca_bundle);
    }
    format!("the server has {no_site} (use one its certificate is for), or see the server's log")
        .into()
}

/// What to do about a failed TLS handshake, told by its cause and the
/// `ca_bundle` in use, if any (with what set it: the key or the variable).
pub fn tls_hint(error: &rustls::Error, ca_bundle: Option<(&Path, &str)>) -> Cow<'static, str> {
    use rustls::{AlertDescription as A, CertificateError as C, Error as R, InvalidMessage};
    if let Some(hint) = name_hint(error) {
        return hint.into();
    }
    let hint = match error {
        // Trusted, but refused for itself: a SHA-1 or P-521 signature, an
        // RSA key under 2048 bits, or a certificate not issued for a server.
        R::InvalidCertificate(
            C::BadSignature
            | C::UnsupportedSignatureAlgorithmContext { .. }
            | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. },
        ) => {
            "the certificate is signed in a way this tool refuses as weak or cannot verify (SHA-1, an RSA key under 2048 bits, ECDSA P-521): the server needs a new certificate"
        }
        R::InvalidCertificate(C::InvalidPurpose | C::InvalidPurposeContext { .. }) => {
            "the certificate is not issued for a server (its extended key usage): the server needs a server certificate"
        }
        R::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "the certificate is outside its dates: the server needs a new certificate, or, if this machine's clock is wrong, set it right"
        }
        R::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            "the certificate is outside its dates: check this machine's clock; if it is right, the certificate was issued to start later and the server needs a new certificate"
        }
        // webpki's own error, which rustls passes on only as text.
        R::InvalidCertificate(C::Other(other)) => match other.to_string().as_str() {
            "CaUsedAsEndEntity" => {
                "the server presents a CA certificate as its own (self-signed with CA:TRUE); give it a server certificate signed by that CA, and put the CA in ca_bundle"
            }
            "NameConstraintViolation" => {
                "a CA of the chain may sign only for other names (its name constraints): check the host name of the URL, or the server needs a certificate from a CA allowed to sign for it"
            }
            "PathLenConstraintViolated"
            | "UnsupportedCriticalExtension"
            | "UnsupportedCertVersion" => {
                "a certificate of the chain is refused for itself (named above), whatever root signed it: the server needs a new certificate"
            }
            _ => return untrusted_hint(Some(error), ca_bundle),
        },
        R::InvalidMessage(InvalidMessage::InvalidContentType) => {
            "the server does not speak TLS on that port: check the URL's scheme (https://) and port"
        }
        // A server (or a proxy before it) that offers only TLS 1.0/1.1 or
        // old ciphers; this tool speaks TLS 1.2 and 1.3 with modern ones.
        R::PeerIncompatible(_)
        | R::AlertReceived(A::ProtocolVersion | A::HandshakeFailure | A::InsufficientSecurity) => {
            "the server has no TLS version or cipher in common with this tool (TLS 1.2 or 1.3, modern ciphers), or it wants a client certificate: the server, or a proxy before it, needs a newer TLS setup"
        }
        // bad_certificate is Go's answer to a client certificate missing.
        R::AlertReceived(A::CertificateRequired | A::BadCertificate | A::CertificateUnknown) => {
            CLIENT_CERTIFICATE
        }
        // SNI: an address, or a name the server has no site for.
        R::AlertReceived(A::UnrecognisedName) => {
            "the server has no site for the host name asked for: use the host name its certificate is for, not an address"
        }
        // Go's answer (Caddy's) when its certificate lookup fails.
        R::AlertReceived(A::InternalError) => {
            "the server failed the handshake, as Caddy and other Go servers do when they have no certificate for the host name asked for: use the host name its certificate is for, not an address, or see the server's log"
        }
        // GnuTLS's answer to no client certificate (gnutls-serv 3.7.9
        // `--require-client-cert`, TLS 1.2).
        R::AlertReceived(A::DecodeError) => {
            "the server ended the handshake so, as a GnuTLS server does that wants a client certificate, which this tool does not send: reach the API without that gateway, or see the server's log"
        }
        // The server's own refusal: never this tool's trust in it.
        R::AlertReceived(_) => "the server ended the handshake with that alert: see its log",
        _ => return untrusted_hint(Some(error), ca_bundle),
    };
    hint.into()
}

/// The hint for a certificate that is not trusted, and for any other
/// failed handshake: set `ca_bundle`, or, when it is set, what it lacks.
pub fn untrusted_hint(
    error: Option<&rustls::Error>,
    ca_bundle: Option<(&Path, &str)>,
) -> Cow<'static, str> {
    use rustls::{CertificateError as C, Error as R};
    let Some((path, name)) = ca_bundle else {
        let set = "if the certificate is not trusted because a proxy re-signs your traffic, or for a private server, set ca_bundle (or TALKDESK_CA_BUNDLE) to its root certificate (PEM)";
        return ssl_cert_file_naming_nothing().map_or(set.into(), Cow::Owned);
    };
    let path = shown_path(&path);
    if matches!(error, Some(R::InvalidCertificate(C::UnknownIssuer))) {
        format!("the server's certificate is not signed by any certificate in {name} {path} (used instead of the system store): add to it the root certificate that signed the server's, and any intermediate certificate the server does not send").into()
    } else {
        format!("{name} {path} is used instead of the system store: if the certificate is not trusted, add its root certificate (PEM) to that file").into()
    }
}

/// The hint for a certificate of no known issuer that came through an
/// `http://` proxy, with the bundle `name` at `path`: one that holds the
/// server's root still lacks the CA of a proxy that inspects TLS.
pub fn inspected_hint((path, name): (&Path, &str)) -> String {
    format!(
        "the certificate that came through the proxy is not signed by any certificate in {name} {}: a proxy that inspects TLS re-signs the traffic with its own CA, so add the proxy's root certificate (PEM, from whoever runs the proxy) to that file; if the proxy does not inspect TLS, add the root certificate that signed the server's",
        shown_path(&path)
    )
}

/// The hint for a certificate outside its dates that came through an
/// `http://` proxy: one that inspects TLS signs its own, with its dates.
pub const OUTDATED_THROUGH_PROXY: &str = "the certificate that came through the proxy is outside its dates: a proxy that inspects TLS re-signs the traffic with certificates of its own, and gives them their dates (e2guardian's default generatedcertstart ends them on 2024-12-05): ask whoever runs the proxy; if it does not inspect TLS, the server needs a new certificate, or, if this machine's clock is wrong, set it right";

/// `SSL_CERT_FILE` set empty, to a file that does not exist or holds no
/// PEM certificate (a DER file), and `SSL_CERT_DIR` unset or to folders
/// that do not exist, hold no PEM certificate or may not be read: the
/// system's certificates are then not used at all (rustls-native-certs
/// reads both variables while either is set, and nothing else), and none
/// is trusted. `None` when either holds a certificate.
fn ssl_cert_file_naming_nothing() -> Option<String> {
    let file = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from);
    let dirs = std::env::var_os("SSL_CERT_DIR").unwrap_or_default();
    // As rustls-native-certs splits it: `SSL_CERT_DIR=` names no folder.
    let dirs: Vec<_> =
        (std::env::split_paths(&dirs).filter(|d| !d.as_os_str().is_empty())).collect();
    let has_pem =
        |text: &[u8]| memchr::memmem::find(text, b"-----BEGIN CERTIFICATE-----").is_some();
    // A path, and what is wrong with it as read (whether it holds a PEM
    // certificate): `None` when it holds one.
    let why = |path: &Path, read: std::io::Result<bool>| {
        let what = match read {
            Ok(true) => return None,
            // One the user may not read (mode 000), or none.
            Err(e) if path.exists() => format!("cannot be read ({e})"),
            Err(_) => "does not exist".to_string(),
            Ok(false) => "holds no PEM certificate".to_string(),
        };
        Some(format!("{}, which {what}", shown_path(&path)))
    };
    let file_why = |path: &Path| {
        if path.as_os_str().is_empty() {
            return Some("SSL_CERT_FILE is set but empty".into());
        }
        // A pipe or a device, read once already (`<(cat ca.pem)`), cannot
        // be judged by reading it again, which could wait or never end
        // (/dev/null is known empty).
        let meta = std::fs::metadata(path);
        if meta.is_ok_and(|m| !m.is_file() && !m.is_dir()) && path != Path::new("/dev/null") {
            return None;
        }
        let read = match std::fs::read(path) {
            Err(_) if path.is_dir() => Ok(false),
            read => read.map(|text| has_pem(&text)),
        };
        Some(format!("SSL_CERT_FILE is set to {}", why(path, read)?))
    };
    // rustls-native-certs reads every file of each folder, and nothing
    // else: a named pipe read would wait for a writer.
    let pem_file = |entry: std::fs::DirEntry| {
        let path = entry.path();
        let file = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
        file && std::fs::read(&path).is_ok_and(|text| has_pem(&text))
    };
    let dir_why = |dir: &PathBuf| {
        let read = std::fs::read_dir(dir).map(|entries| entries.flatten().any(pem_file));
        why(dir, read)
    };
    let mut said = Vec::new();
    if let Some(path) = &file {
        said.push(file_why(path)?);
    }
    let dirs: Vec<String> = dirs.iter().map(dir_why).collect::<Option<_>>()?;
    if !dirs.is_empty() {
        said.push(format!("SSL_CERT_DIR is set to {}", dirs.join(", and to ")));
    }
    let advice = match (file.is_some(), dirs.is_empty()) {
        (true, true) => {
            "while it is set, the system's certificates are not used; point it at a certificate bundle, or unset it"
        }
        (false, false) => {
            "while it is set, the system's certificates are not used; point it at a folder of certificates, or unset it"
        }
        (true, false) => {
            "while they are set, the system's certificates are not used; point SSL_CERT_FILE at a certificate bundle or SSL_CERT_DIR at a folder of certificates, or unset them"
        }
        (false, true) => return None,
    };
    Some(format!("{}: {advice}", said.join(", and ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_a_certificate_are_said_in_words() {
        use rustls::{CertificateError as C, Error as R};
        let at = UnixTime::since_unix_epoch;
        // A clock 90 seconds behind a certificate issued just now.
        let skew = R::InvalidCertificate(C::NotValidYetContext {
            time: at(Duration::from_secs(1_796_515_110)),
            not_before: at(Duration::from_secs(1_796_515_200)),
        });
        assert_eq!(
            plain_cause(&skew).unwrap(),
            "invalid peer certificate: the certificate is not valid before 2026-12-06 00:00:00 UTC, 90 s ahead of this machine's clock (2026-12-05 23:58:30 UTC)"
        );
        let expired = R::InvalidCertificate(C::ExpiredContext {
            time: at(Duration::from_secs(1_796_515_200)),
            not_after: at(Duration::from_secs(1_796_515_200 - 3 * 86_400)),
        });
        assert_eq!(
            plain_cause(&expired).unwrap(),
            "invalid peer certificate: the certificate expired on 2026-12-03 00:00:00 UTC, 3 days ago by this machine's clock (2026-12-06 00:00:00 UTC)"
        );
        // Without its dates (rustls's older variants), or another error: none.
        assert_eq!(plain_cause(&R::InvalidCertificate(C::Expired)), None);
        assert_eq!(plain_cause(&R::InvalidCertificate(C::UnknownIssuer)), None);
    }

    #[test]
    fn pem_problems_are_told_in_words() {
        let unclosed = pem::Error::MissingSectionEnd {
            end_marker: b"CERTIFICATE".to_vec(),
        };
        assert_eq!(
            pem_problem(&unclosed),
            "a CERTIFICATE block is not closed (no -----END CERTIFICATE----- line)"
        );
        let start = pem::Error::IllegalSectionStart {
            line: b"-----BEGIN CERT".to_vec(),
        };
        assert_eq!(pem_problem(&start), "a -----BEGIN line is malformed");
        let base64 = pem::Error::Base64Decode("PrematurePadding".into());
        assert_eq!(pem_problem(&base64), "a block is not valid base64");
    }

    /// With a bundle set, the hints for a certificate not trusted name
    /// it: what it lacks (the root, the intermediate, the proxy's CA).
    #[test]
    fn hints_for_a_certificate_not_trusted_name_the_bundle_in_use() {
        use rustls::{CertificateError as C, Error as R};
        let corp = (Path::new("/etc/corp.pem"), "ca_bundle");
        let bundle = Some(corp);
        let unknown = R::InvalidCertificate(C::UnknownIssuer);
        let hint = untrusted_hint(Some(&unknown), bundle);
        assert!(hint.starts_with("the server's certificate is not signed by any certificate in ca_bundle /etc/corp.pem (used instead"), "{hint}");
        let hint = untrusted_hint(None, bundle);
        assert!(
            hint.starts_with("ca_bundle /etc/corp.pem is used instead of the system store: "),
            "{hint}"
        );
        let hint = no_chain(bundle);
        assert!(
            hint.starts_with("the server sends its certificate alone"),
            "{hint}"
        );
        assert!(
            hint.ends_with(", or add the intermediate to ca_bundle /etc/corp.pem"),
            "{hint}"
        );
        let hint = inspected_hint(corp);
        assert!(hint.starts_with("the certificate that came through the proxy is not signed by any certificate in ca_bundle /etc/corp.pem: a proxy that inspects TLS"), "{hint}");
    }

    #[test]
    fn a_server_without_a_site_for_the_name_is_told_so_not_the_bundle_blamed() {
        use rustls::{AlertDescription, Error};
        let alert = Error::AlertReceived(AlertDescription::UnrecognisedName);
        let hint = tls_hint(&alert, Some((Path::new("/etc/corp.pem"), "ca_bundle")));
        assert!(hint.contains("no site for the host name"), "{hint}");
        assert!(!hint.contains("ca_bundle"), "{hint}");
    }

    /// A `handshake_failure` alert to a URL speaks of a gateway routing by
    /// the name (sniproxy), of its host name or of the address, for which
    /// none is sent; with no URL (an `https://` proxy's handshake), or for
    /// another error, [`tls_hint`]'s words alone.
    #[test]
    fn a_handshake_failure_to_a_url_names_routing_by_the_host_name() {
        use rustls::{AlertDescription as A, CertificateError as C, Error as R};
        let failure = R::AlertReceived(A::HandshakeFailure);
        let named = super::super::url::parse("https://api.example.com/").unwrap();
        let hint = url_tls_hint(&failure, None, Some(&named));
        assert!(hint.contains("(SNI), as sniproxy does"), "{hint}");
        assert!(
            hint.contains("no site for the host name api.example.com"),
            "{hint}"
        );
        let address = super::super::url::parse("https://127.0.0.1:8443/").unwrap();
        let hint = url_tls_hint(&failure, None, Some(&address));
        assert!(hint.contains("none is sent for an address"), "{hint}");
        assert_eq!(url_tls_hint(&failure, None, None), tls_hint(&failure, None));
        let issuer = R::InvalidCertificate(C::UnknownIssuer);
        let hint = url_tls_hint(&issuer, None, Some(&named));
        assert_eq!(hint, tls_hint(&issuer, None));
    }

    /// `https://127.0.0.1:…` to nginx 1.22.1 and gnutls-serv 3.7.9 serving a
    /// certificate for `localhost` alone was told only to check the host
    /// name of the URL, which is an address: an address must be listed in
    /// the certificate as one (an IP subjectAltName).
    #[test]
    fn an_address_the_certificate_does_not_list_is_named() {
        use rustls::CertificateError as C;
        use rustls::pki_types::{IpAddr, ServerName};
        let address = C::NotValidForNameContext {
            expected: ServerName::IpAddress(IpAddr::from(std::net::Ipv4Addr::LOCALHOST)),
            presented: vec![r#"DnsName("localhost")"#.into()],
        };
        let hint = tls_hint(&rustls::Error::InvalidCertificate(address), None);
        assert!(
            hint.starts_with("the certificate is for another host: check the host name of the URL")
                && hint.contains("lists no IP address"),
            "{hint}"
        );
        let name = C::NotValidForNameContext {
            expected: ServerName::try_from("api.example").unwrap(),
            presented: vec![r#"DnsName("other.example")"#.into()],
        };
        let hint = tls_hint(&rustls::Error::InvalidCertificate(name), None);
        assert_eq!(
            hint,
            "the certificate is for another host: check the host name of the URL"
        );
        let hint = tls_hint(&rustls::Error::InvalidCertificate(C::NotValidForName), None);
        assert_eq!(
            hint,
            "the certificate is for another host: check the host name of the URL"
        );
    }

    /// A certificate that lists other addresses (or names and addresses)
    /// does list one: the hint is the plain one, not "lists no IP address".
    #[test]
    fn an_address_the_certificate_lists_others_of_is_not_said_to_list_none() {
        use rustls::CertificateError as C;
        use rustls::pki_types::{IpAddr, ServerName};
        let address = C::NotValidForNameContext {
            expected: ServerName::IpAddress(IpAddr::from(std::net::Ipv4Addr::LOCALHOST)),
            presented: vec![
                r#"DnsName("localhost")"#.into(),
                "IpAddress(192.0.2.1)".into(),
            ],
        };
        let hint = tls_hint(&rustls::Error::InvalidCertificate(address), None);
        assert_eq!(
            hint,
            "the certificate is for another host: check the host name of the URL"
        );
    }

    /// Each was told to add its root to ca_bundle, or (a Common Name alone)
    /// that the certificate is for another host (TLS audit).
    #[test]
    fn certificates_refused_for_themselves_and_client_certificates_are_named() {
        use rustls::{AlertDescription as A, CertificateError as C, Error as R};
        let bundle = Some((Path::new("/etc/corp.pem"), "ca_bundle"));
        let cn_only = C::NotValidForNameContext {
            expected: rustls::pki_types::ServerName::try_from("localhost").unwrap(),
            presented: vec![],
        };
        for (error, said) in [
            (
                R::InvalidCertificate(cn_only),
                "names no host in a subjectAltName",
            ),
            (R::InvalidCertificate(C::BadSignature), "refuses as weak"),
            (
                R::InvalidCertificate(C::InvalidPurpose),
                "not issued for a server",
            ),
            (
                R::AlertReceived(A::BadCertificate),
                "wants a client certificate",
            ),
            (
                R::AlertReceived(A::CertificateRequired),
                "wants a client certificate",
            ),
        ] {
            let hint = tls_hint(&error, bundle);
            assert!(hint.contains(said), "{error:?}: {hint}");
            assert!(!hint.contains("ca_bundle"), "{error:?}: {hint}");
        }
    }

    /// A chain signed with ECDSA P-521 (a CA nginx served, valid, that the
    /// tool's crypto cannot verify) was said to be signed "weak (SHA-1, or
    /// an RSA key under 2048 bits)", which it is not.
    #[test]
    fn a_signature_algorithm_that_cannot_be_verified_is_not_only_called_weak() {
        use rustls::{CertificateError as C, Error as R};
        let error = R::InvalidCertificate(C::UnsupportedSignatureAlgorithmContext {
            signature_algorithm_id: vec![],
            supported_algorithms: vec![],
        });
        let hint = tls_hint(&error, None);
        assert!(hint.contains("P-521"), "{hint}");
    }

    /// rustls's text for a signature algorithm it cannot verify lists every
    /// supported algorithm's id in bytes (about 1 KB): said in words.
    #[test]
    fn an_unverifiable_signature_algorithm_is_said_without_its_bytes() {
        use rustls::{CertificateError as C, Error as R};
        let said = "invalid peer certificate: unsupported signature algorithm";
        let error = R::InvalidCertificate(C::UnsupportedSignatureAlgorithmContext {
            signature_algorithm_id: vec![6, 8, 42],
            supported_algorithms: vec![],
        });
        assert_eq!(plain_cause(&error).as_deref(), Some(said));
        let error = R::InvalidCertificate(C::UnsupportedSignatureAlgorithmForPublicKeyContext {
            signature_algorithm_id: vec![6, 8, 42],
            public_key_algorithm_id: vec![6, 7, 42],
        });
        assert_eq!(plain_cause(&error).as_deref(), Some(said));
    }

    /// A version 1 certificate (`openssl x509 -req` without `-extfile`)
    /// was told to add its root, already in the bundle (found with nginx).
    #[test]
    fn a_version_1_certificate_is_not_told_to_add_its_root() {
        #[derive(Debug)]
        struct Webpki;
        impl std::fmt::Display for Webpki {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("UnsupportedCertVersion")
            }
        }
        impl std::error::Error for Webpki {}
        let other = rustls::OtherError(Arc::new(Webpki));
        let error = rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other));
        let hint = tls_hint(&error, Some((Path::new("/etc/corp.pem"), "ca_bundle")));
        assert!(
            hint.contains("the server needs a new certificate"),
            "{hint}"
        );
    }

    /// A name may resolve to `::1` and `127.0.0.1` with the server
    /// listening on one alone: the check that a server sends no chain
    /// tried the first address only, and so told such a server's users
    /// to add its root to their bundle instead (ureq tries each address).
    #[test]
    fn the_chain_check_tries_every_address_of_the_name() {
        let listening = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refusing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refused = refusing.local_addr().unwrap();
        drop(refusing);
        let addresses = [refused, listening.local_addr().unwrap()];
        let tcp = connect_any(addresses.into_iter(), Duration::from_secs(5));
        let peer = tcp.and_then(|tcp| tcp.peer_addr().ok());
        assert_eq!(peer, Some(listening.local_addr().unwrap()));
    }

    /// A handshake that timed out is the server's only where its host takes
    /// a new connection: a port nothing listens on takes none.
    #[test]
    fn a_host_takes_connections_only_where_something_listens() {
        let listening = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refusing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let at = |listener: &std::net::TcpListener| {
            let port = listener.local_addr().unwrap().port();
            Url::parse(&format!("https://127.0.0.1:{port}/oauth/token")).unwrap()
        };
        let refused = at(&refusing);
        drop(refusing);
        assert!(takes_connections(&at(&listening), Duration::from_secs(5)));
        assert!(!takes_connections(&refused, Duration::from_secs(5)));
    }
}
