//! The trust roots of a run: the operating system's store, or every
//! certificate of the PEM file `ca_bundle` names.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use ureq::tls::{Certificate, PemItem, RootCerts};

use crate::error::config_error;

/// The roots to trust: those of `ca_bundle` when it is set, else the
/// system store.
pub fn roots(ca_bundle: Option<&Path>) -> Result<RootCerts> {
    Ok(match ca_bundle {
        Some(path) => RootCerts::Specific(Arc::new(load_ca_bundle(path)?)),
        None => RootCerts::PlatformVerifier,
    })
}

/// Reads every certificate of a PEM bundle; a file with none is a
/// configuration error.
fn load_ca_bundle(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let pem = fs::read(path).map_err(|e| {
        config_error(format!(
            "cannot read ca_bundle {}: {e}; point ca_bundle at a PEM file",
            path.display()
        ))
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        let item = item.map_err(|e| {
            config_error(format!(
                "ca_bundle {} is not valid PEM: {e}",
                path.display()
            ))
        })?;
        if let PemItem::Certificate(cert) = item {
            certs.push(cert);
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
