//! The trust roots of a run: the operating system's store, or every
//! certificate of the PEM file `ca_bundle` names.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use rustls::pki_types::pem::{self, PemObject, SectionKind};
use ureq::tls::{Certificate, RootCerts};

use crate::error::config_error;
use crate::text::{shorten, terminal_safe};

/// The roots to trust: those of `ca_bundle` when it is set, else the
/// system store.
pub fn roots(ca_bundle: Option<&Path>) -> Result<RootCerts> {
    Ok(match ca_bundle {
        Some(path) => RootCerts::Specific(Arc::new(load_ca_bundle(path)?)),
        None => RootCerts::PlatformVerifier,
    })
}

/// The largest bundle read. Every root of the Mozilla store together is
/// about 200 KiB; a corporate bundle of 3,000 certificates, 3 MB.
const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads every certificate of a PEM bundle; a file with none is a
/// configuration error.
fn load_ca_bundle(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let pem = read_bundle(path)?;
    // Windows Notepad starts a UTF-8 file with a byte-order mark, which
    // would hide the first -----BEGIN line.
    let pem = pem.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&pem);
    let mut certs = Vec::new();
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem) {
        let (kind, der) = section.map_err(|e| {
            config_error(format!(
                "ca_bundle {} is not valid PEM: {}; export the certificates again as PEM (Base64 text), or point ca_bundle at another file",
                path.display(),
                pem_problem(&e)
            ))
        })?;
        if kind == SectionKind::Certificate {
            certs.push(Certificate::from_der(&der).to_owned());
        }
    }
    if certs.is_empty() {
        return Err(config_error(format!(
            "ca_bundle {} holds no certificate; point it at a PEM file with -----BEGIN CERTIFICATE----- blocks",
            path.display()
        )));
    }
    Ok(certs)
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
fn read_bundle(path: &Path) -> Result<Vec<u8>> {
    let refused = |why: String| {
        config_error(format!(
            "ca_bundle {} {why}; point ca_bundle at a PEM file",
            path.display()
        ))
    };
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // Opening a pipe waits for a writer, unless told not to.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let cannot_read = |e: std::io::Error| {
        config_error(format!(
            "cannot read ca_bundle {}: {e}; point ca_bundle at a PEM file",
            path.display()
        ))
    };
    let file = options.open(path).map_err(cannot_read)?;
    let meta = file.metadata().map_err(cannot_read)?;
    if meta.is_dir() {
        return Err(refused("is not a regular file (a folder)".into()));
    }
    if !meta.is_file() {
        return Err(refused(
            "is not a regular file (a pipe, a socket or a device)".into(),
        ));
    }
    let too_large = || refused(format!("is larger than {} MiB", MAX_BUNDLE_BYTES >> 20));
    if meta.len() > MAX_BUNDLE_BYTES {
        return Err(too_large());
    }
    let mut pem = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte more than allowed tells a file that grew since.
    (file.take(MAX_BUNDLE_BYTES + 1).read_to_end(&mut pem)).map_err(cannot_read)?;
    if pem.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(too_large());
    }
    Ok(pem)
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
