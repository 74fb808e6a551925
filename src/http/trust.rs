//! The trust roots of a run: the operating system's store, or every
//! certificate of the PEM file `ca_bundle` names.

use std::fs;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
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
use crate::text::{is_utf16, shorten, terminal_safe, without_bom};

/// The roots to trust: those of `ca_bundle` when it is set, else the
/// system store.
/// `name` is what set it, as errors name it (`ca_bundle`, or the variable).
pub fn roots(ca_bundle: Option<&Path>, name: &str, log: Log) -> Result<RootCerts> {
    Ok(match ca_bundle {
        Some(path) => RootCerts::Specific(Arc::new(load_ca_bundle(path, name, log)?)),
        None => RootCerts::PlatformVerifier,
    })
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
    let shown = path.display();
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
            let mut list: Vec<String> = many.iter().take(5).map(usize::to_string).collect();
            if many.len() > 5 {
                list.push("…".into());
            }
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
    let shown = path.display();
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
    if meta.len() > MAX_BUNDLE_BYTES {
        return Err(too_large());
    }
    // A file that grew since is refused as one too large.
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
    let address = (host, url.port_or_known_default()?)
        .to_socket_addrs()
        .ok()?
        .next()?;
    let mut tcp = TcpStream::connect_timeout(&address, timeout).ok()?;
    tcp.set_read_timeout(Some(timeout)).ok()?;
    tcp.set_write_timeout(Some(timeout)).ok()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let seen = Arc::new(Seen {
        chain: Mutex::default(),
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
    let chain = seen.chain.lock().ok()?.take()?;
    // The DER of the extension's id, 1.3.6.1.5.5.7.1.1: a private CA's
    // certificate (or a proxy's that re-signs traffic) seldom has it.
    const AIA: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
    Some(match chain.as_slice() {
        [leaf] => memchr::memmem::find(leaf, AIA).is_some(),
        _ => false,
    })
}

/// A verifier that keeps the certificates a server sends and trusts none.
#[derive(Debug)]
struct Seen {
    chain: Mutex<Option<Vec<CertificateDer<'static>>>>,
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
        let chain = std::iter::once(end_entity).chain(intermediates);
        let chain = chain.map(|cert| cert.clone().into_owned()).collect();
        if let Ok(mut seen) = self.chain.lock() {
            *seen = Some(chain);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
