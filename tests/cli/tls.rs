//! The TLS walk end to end (§3 `ca_bundle`, §7): the fake API served over HTTPS with a
//! certificate from a test CA made at test time, trusted through `ca_bundle` or
//! `TALKDESK_CA_BUNDLE`, refused without it.

use crate::errors::WARP_400;
use crate::support;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::Value;
use support::fake_api::{
    FakeApi, FakeConfig, FaultKind, Faults, LinkStyle, RequestMatch, simple_accounts,
};
use support::{Sandbox, stderr_of};

/// A test certificate authority.
struct TestCa {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl TestCa {
    fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for 127.0.0.1 and localhost: (certificate PEM, key PEM).
    fn server_cert(&self) -> (String, String) {
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "fake talkdesk");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

/// A fake API over HTTPS with a certificate from `ca`.
/// `list -o json` trusting the bundle `name`, written with `text`.
fn list_with_bundle(sb: &Sandbox, fake: &FakeApi, name: &str, text: &str) -> Output {
    std::fs::write(sb.path(name), text).unwrap();
    sb.tool(fake)
        .env("TALKDESK_CA_BUNDLE", sb.path(name))
        .args(["list", "-o", "json"])
        .output()
        .unwrap()
}

/// `list -o json --concurrency 1` run by `cmd`, to its end: one page at a
/// time, so a refused handshake is counted once per attempt.
fn list_one_at_a_time(cmd: &mut assert_cmd::Command) -> Output {
    cmd.args(["list", "-o", "json", "--concurrency", "1"])
        .output()
        .unwrap()
}

fn https_fake(ca: &TestCa, accounts: usize) -> FakeApi {
    let (cert, key) = ca.server_cert();
    let fake = FakeApi::start_tls(
        FakeConfig {
            accounts: simple_accounts(accounts),
            page_cap: 50,
            ..FakeConfig::default()
        },
        &cert,
        &key,
    );
    assert!(fake.base_url().starts_with("https://127.0.0.1:"));
    fake
}

fn json_accounts(output: &std::process::Output) -> Vec<Value> {
    assert!(output.status.success(), "{}", stderr_of(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn walks_every_page_over_https_trusting_the_ca_bundle_of_the_config_file() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 120);
    let sb = Sandbox::new();
    std::fs::write(sb.path("ca.pem"), &ca.pem).unwrap();
    // A relative ca_bundle is relative to the config file.
    let config = sb.write_config("config.toml", "[default]\nca_bundle = \"ca.pem\"\n");
    let output = sb
        .tool(&fake)
        .arg("--config")
        .arg(&config)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output), simple_accounts(120));
    assert_eq!(fake.sorted_page_requests(), vec![1, 2, 3]);
    assert_eq!(fake.token_requests(), 1);
}

/// A bundle that cannot be read is named by what set it: a user who set
/// only `TALKDESK_CA_BUNDLE` was sent to look for a `ca_bundle` key.
#[test]
fn a_bundle_that_cannot_be_read_is_named_by_the_key_or_the_variable_that_set_it() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let config = sb.write_config("config.toml", "[default]\nca_bundle = \"none.pem\"\n");
    let from_file = sb
        .tool(&fake)
        .arg("--config")
        .arg(&config)
        .arg("list")
        .output();
    let from_env = (sb
        .tool(&fake)
        .env("TALKDESK_CA_BUNDLE", sb.path("none.pem")))
    .arg("list")
    .output();
    for (output, name) in [(from_file, "ca_bundle"), (from_env, "TALKDESK_CA_BUNDLE")] {
        let output = output.unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        let path = sb.path("none.pem").display().to_string();
        assert!(
            stderr.starts_with(&format!("error: cannot read {name} {path}: "))
                && stderr.contains(&format!("; point {name} at a PEM file")),
            "{stderr}"
        );
    }
}

#[test]
fn talkdesk_ca_bundle_trusts_the_test_ca() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 30);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output), simple_accounts(30));
}

#[test]
fn every_certificate_of_the_bundle_is_trusted() {
    let ca = TestCa::new("test CA");
    let other = TestCa::new("unrelated CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    std::fs::write(sb.path("bundle.pem"), format!("{}{}", other.pem, ca.pem)).unwrap();
    let output = sb
        .tool(&fake)
        .env("TALKDESK_CA_BUNDLE", sb.path("bundle.pem"))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output), simple_accounts(5));
}

#[test]
fn a_concurrent_walk_over_tls_uses_every_connection_it_opens() {
    // 5 pages; pages 2 and 3 only once all 5 are asked for, so two pages
    // are in flight at once, on two TLS connections.
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 250);
    fake.set_faults(Faults {
        script: vec![
            (RequestMatch::Page(2), FaultKind::AwaitPages(5)),
            (RequestMatch::Page(3), FaultKind::AwaitPages(5)),
        ],
        ..Faults::default()
    });
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .args([
            "list",
            "-o",
            "json",
            "--concurrency",
            "4",
            "--max-retries",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output), simple_accounts(250));
    let used: std::collections::HashSet<usize> =
        fake.requests().iter().map(|r| r.connection).collect();
    assert!(used.len() > 1, "pages side by side: {used:?}");
    assert_eq!(used.len(), fake.connections(), "no connection left unused");
}

#[test]
fn an_untrusted_certificate_is_refused_with_a_hint_about_ca_bundle() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    // One page at a time: a concurrent walk's spare connections (opened
    // ahead, never used here) would blur the count of attempts below.
    let output = list_one_at_a_time(&mut sb.tool(&fake));
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("TLS") && stderr.contains("ca_bundle"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    assert!(
        fake.requests().is_empty(),
        "no request may pass an untrusted handshake"
    );
    // The request's handshake, and one more that reads the certificates the server sends, to
    // tell a missing intermediate (it sends nothing past its hello): no retry.
    assert_eq!(
        fake.connections(),
        2,
        "a refused certificate is not retried"
    );
}

/// With `SSL_CERT_FILE` naming a file that is gone (a moved bundle, a deleted Python venv's
/// certifi) or set empty, the system's certificates are not used at all (rustls-native-certs reads
/// only the variable then): every https request failed with "UnknownIssuer; … set ca_bundle",
/// which does not name the cause. The hint names the variable and says it names no file.
#[test]
fn ssl_cert_file_naming_nothing_is_named_when_a_certificate_is_untrusted() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    let gone = sb.path("moved-away.pem");
    for (value, says) in [
        (
            gone.to_str().unwrap(),
            format!(
                "SSL_CERT_FILE is set to {}, which does not exist",
                gone.display()
            ),
        ),
        ("", "SSL_CERT_FILE is set but empty".to_string()),
    ] {
        let output = list_one_at_a_time(sb.tool(&fake).env("SSL_CERT_FILE", value));
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(stderr.contains(&says), "{stderr}");
        assert!(stderr.contains("unset it"), "{stderr}");
    }
}

/// The same with `SSL_CERT_FILE` at a file that holds no PEM certificate (the
/// DER `.cer` IT hands out, or a key), and `SSL_CERT_DIR` (unset
/// `SSL_CERT_FILE`) at no folder, or at one of no PEM certificate (which said "No CA
/// certificates were loaded from the system; … set ca_bundle"): either alone replaces the system
/// store, and the error said only "UnknownIssuer; … set ca_bundle".
#[test]
fn ssl_cert_file_or_dir_naming_no_certificate_is_named_when_one_is_untrusted() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    let der = sb.path("corp-root.cer");
    std::fs::write(&der, [0x30, 0x82, 0x01, 0x0a, 0x02, 0x82]).unwrap();
    let gone = sb.path("certs.d");
    let empty = sb.path("empty.d");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("corp-root.cer"), [0x30, 0x82, 0x01, 0x0a]).unwrap();
    for (var, value, says) in [
        ("SSL_CERT_FILE", &der, "which holds no PEM certificate"),
        ("SSL_CERT_DIR", &gone, "which does not exist"),
        ("SSL_CERT_DIR", &empty, "which holds no PEM certificate"),
    ] {
        let output = list_one_at_a_time(sb.tool(&fake).env(var, value));
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        let named = format!("{var} is set to {}, {says}", value.display());
        assert!(stderr.contains(&named), "{stderr}");
    }
}

/// `SSL_CERT_DIR` at a folder of no PEM certificate that also holds a named pipe (or a device):
/// rustls-native-certs skips all but files, but the check for a PEM certificate there read the
/// pipe, which no one writes, and the run hung after the failed handshake instead of ending.
#[test]
fn ssl_cert_dir_holding_a_named_pipe_is_named_without_hanging() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    let dir = sb.path("pipes.d");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("corp-root.cer"), [0x30, 0x82, 0x01, 0x0a]).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe"))
        .status()
        .unwrap();
    assert!(made.success());
    // Killed after 60 s, as a hang would be.
    let output = sb
        .tool(&fake)
        .env("SSL_CERT_DIR", &dir)
        .args(["list", "-o", "json", "--concurrency", "1"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let named = format!(
        "SSL_CERT_DIR is set to {}, which holds no PEM certificate",
        dir.display()
    );
    assert!(
        stderr_of(&output).contains(&named),
        "{}",
        stderr_of(&output)
    );
}

/// `SSL_CERT_DIR` at a folder of certificates, or `SSL_CERT_FILE` at a bundle, that the user may
/// not read (mode 000): no certificate was loaded, and the error said the folder or file "holds no
/// PEM certificate", though it holds one. It says it cannot be read.
#[cfg(unix)]
#[test]
fn ssl_cert_dir_that_cannot_be_read_is_named_so() {
    let ca = TestCa::new("test CA");
    let sb = Sandbox::new();
    let dir = sb.path("certs.d");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("ca.pem"), &ca.pem).unwrap();
    unreadable_is_named(&ca, &sb, "SSL_CERT_DIR", &dir);
}

#[cfg(unix)]
#[test]
fn ssl_cert_file_that_cannot_be_read_is_named_so() {
    let ca = TestCa::new("test CA");
    let sb = Sandbox::new();
    let file = sb.path("ca.pem");
    std::fs::write(&file, &ca.pem).unwrap();
    unreadable_is_named(&ca, &sb, "SSL_CERT_FILE", &file);
}

/// `var` set to `path`, made mode 000, for a walk of a server of `ca`: the error says `path`
/// cannot be read. Run as root, the tool is run as nobody (setpriv, of util-linux).
#[cfg(unix)]
fn unreadable_is_named(ca: &TestCa, sb: &Sandbox, var: &str, path: &std::path::Path) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let fake = https_fake(ca, 5);
    let mode = |path: &std::path::Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(sb.dir.path(), 0o755);
    mode(path, 0o000);
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let tool = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let mut cmd = std::process::Command::new(if root {
        "setpriv".as_ref()
    } else {
        tool.as_os_str()
    });
    if root {
        support::require_tool("setpriv", "util-linux");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&tool);
    }
    let output = cmd
        .args(["list", "-o", "json", "--concurrency", "1"])
        .env_clear()
        .envs(sb.env())
        .envs(support::tool_env(&fake))
        .env(var, path)
        .output()
        .unwrap();
    mode(path, 0o755);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    let named = format!("{var} is set to {}, which cannot be read (", path.display());
    assert!(stderr.contains(&named), "{stderr}");
}

/// `SSL_CERT_DIR` at a folder of certificates, or `SSL_CERT_FILE` at a PEM bundle (neither with
/// the server's CA), is not named: the hint is about ca_bundle. `SSL_CERT_FILE` at a folder holds
/// no PEM certificate, and is named.
#[test]
fn ssl_cert_file_or_dir_that_names_certificates_is_not_named() {
    let ca = TestCa::new("test CA");
    let other = TestCa::new("unrelated CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    std::fs::write(sb.path("other.pem"), &other.pem).unwrap();
    std::fs::create_dir(sb.path("certs.d")).unwrap();
    std::fs::write(sb.path("certs.d/other.pem"), &other.pem).unwrap();
    for (var, name, says) in [
        ("SSL_CERT_DIR", "certs.d", None),
        ("SSL_CERT_FILE", "other.pem", None),
        (
            "SSL_CERT_FILE",
            "certs.d",
            Some("which holds no PEM certificate"),
        ),
    ] {
        let value = sb.path(name);
        let output = list_one_at_a_time(sb.tool(&fake).env(var, &value));
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        match says {
            Some(says) => {
                let named = format!("{var} is set to {}, {says}", value.display());
                assert!(stderr.contains(&named), "{stderr}");
            }
            None => assert!(
                stderr.contains("UnknownIssuer")
                    && stderr.contains("set ca_bundle (or TALKDESK_CA_BUNDLE)")
                    && !stderr.contains(var),
                "{var}={name}: {stderr}"
            ),
        }
    }
}

/// `SSL_CERT_FILE` set empty, or at a file that is gone, beside `SSL_CERT_DIR` at a folder of
/// certificates: rustls-native-certs reads both while either is set, and loads the folder's. The
/// error said "SSL_CERT_FILE is set but empty: … the system's certificates are not used", as if
/// no certificate were trusted: neither variable is named, as with the folder alone. With the
/// server's CA in the folder, the walk succeeds.
#[test]
fn ssl_cert_file_naming_nothing_beside_a_folder_of_certificates_is_not_named() {
    let ca = TestCa::new("test CA");
    let other = TestCa::new("unrelated CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path("other.d")).unwrap();
    std::fs::write(sb.path("other.d/other.pem"), &other.pem).unwrap();
    std::fs::create_dir(sb.path("ca.d")).unwrap();
    std::fs::write(sb.path("ca.d/ca.pem"), &ca.pem).unwrap();
    let gone = sb.path("moved-away.pem");
    for file in [std::ffi::OsStr::new(""), gone.as_os_str()] {
        let run = |dir: &str| {
            list_one_at_a_time(
                sb.tool(&fake)
                    .env("SSL_CERT_FILE", file)
                    .env("SSL_CERT_DIR", sb.path(dir)),
            )
        };
        assert_eq!(json_accounts(&run("ca.d")).len(), 5);
        let output = run("other.d");
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.contains("UnknownIssuer")
                && stderr.contains("set ca_bundle (or TALKDESK_CA_BUNDLE)")
                && !stderr.contains("SSL_CERT"),
            "SSL_CERT_FILE={file:?}: {stderr}"
        );
    }
}

/// `SSL_CERT_FILE=/dev/zero`, a device that never ends: rustls-native-certs read it for ever,
/// until memory ran out ("memory allocation of 2147483648 bytes failed", a backtrace, under
/// `ulimit -v`). A device other than /dev/null is refused at once, before any request.
#[cfg(unix)]
#[test]
fn ssl_cert_file_at_a_device_is_refused_at_once() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    let tool = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let output = assert_cmd::Command::new("sh")
        .args([
            "-c",
            r#"ulimit -v 4000000; exec "$0" list -o json --concurrency 1"#,
        ])
        .arg(&tool)
        .env_clear()
        .envs(sb.env())
        .envs(support::tool_env(&fake))
        .env("SSL_CERT_FILE", "/dev/zero")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert_eq!(
        stderr,
        "error: SSL_CERT_FILE is set to /dev/zero, which is a device, not a certificate bundle; point it at a certificate bundle, or unset it\n"
    );
    assert_eq!(fake.connections(), 0);
}

/// `SSL_CERT_FILE=<(cat other.pem)`: a pipe, which rustls-native-certs reads once. The hint's
/// check read it again, found it empty, and said SSL_CERT_FILE "holds no PEM certificate" (a
/// named pipe no one writes any more would have hung the run). A file that is no regular file is
/// not read again, nor judged: the hint is about ca_bundle; but /dev/null, known empty, is named.
#[test]
fn ssl_cert_file_that_is_a_pipe_is_not_read_again() {
    let ca = TestCa::new("test CA");
    let other = TestCa::new("unrelated CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    std::fs::write(sb.path("ca.pem"), &ca.pem).unwrap();
    std::fs::write(sb.path("other.pem"), &other.pem).unwrap();
    let run = |pem: &str| {
        let tool = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
        assert_cmd::Command::new("bash")
            .args([
                "-c",
                r#"SSL_CERT_FILE=<(cat "$1") exec "$0" list -o json --concurrency 1"#,
            ])
            .arg(&tool)
            .arg(sb.path(pem))
            .env_clear()
            .envs(sb.env())
            .envs(support::tool_env(&fake))
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap()
    };
    assert_eq!(json_accounts(&run("ca.pem")).len(), 5);
    let output = run("other.pem");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("UnknownIssuer")
            && stderr.contains("set ca_bundle (or TALKDESK_CA_BUNDLE)")
            && !stderr.contains("SSL_CERT_FILE"),
        "{stderr}"
    );
    // /dev/null, a device known empty, is still named.
    let output = list_one_at_a_time(sb.tool(&fake).env("SSL_CERT_FILE", "/dev/null"));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("SSL_CERT_FILE is set to /dev/null, which holds no PEM certificate"),
        "{stderr}"
    );
}

/// `SSL_CERT_DIR` is a list of folders (`:` between them): `empty.d:gone.d` was named as one
/// folder "which holds no PEM certificate". Each is named with what is wrong with it; with
/// `SSL_CERT_FILE` naming nothing too, both are. `SSL_CERT_DIR=:` names no folder, and the
/// system's certificates are used (it was said to be a folder that does not exist).
#[test]
fn ssl_cert_dir_listing_folders_names_each() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    let (empty, gone) = (sb.path("empty.d"), sb.path("gone.d"));
    std::fs::create_dir(&empty).unwrap();
    let list = format!("{}:{}", empty.display(), gone.display());
    let dirs = format!(
        "SSL_CERT_DIR is set to {}, which holds no PEM certificate, and to {}, which does not exist",
        empty.display(),
        gone.display()
    );
    for (file, dir, says) in [
        (None, list.as_str(), Some(dirs.clone())),
        (
            Some(""),
            list.as_str(),
            Some(format!("SSL_CERT_FILE is set but empty, and {dirs}")),
        ),
        (None, ":", None),
    ] {
        let mut tool = sb.tool(&fake);
        if let Some(file) = file {
            tool.env("SSL_CERT_FILE", file);
        }
        let output = list_one_at_a_time(tool.env("SSL_CERT_DIR", dir));
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        match says {
            Some(says) => assert!(
                stderr.contains(&says) && stderr.contains("the system's certificates are not used"),
                "{stderr}"
            ),
            None => assert!(
                stderr.contains("set ca_bundle (or TALKDESK_CA_BUNDLE)")
                    && !stderr.contains("SSL_CERT"),
                "SSL_CERT_DIR={dir}: {stderr}"
            ),
        }
    }
}

/// (The bundle is set by `TALKDESK_CA_BUNDLE`, and named so.)
#[test]
fn a_bundle_of_another_ca_is_refused_naming_the_bundle_in_use() {
    let ca = TestCa::new("test CA");
    let other = TestCa::new("unrelated CA");
    let (cert, key) = ca.server_cert();
    let stderr = refused_handshake(&cert, &key, &other.pem);
    assert!(
        stderr.contains("TLS error: invalid peer certificate: UnknownIssuer")
            && stderr.contains(
                "the server's certificate is not signed by any certificate in TALKDESK_CA_BUNDLE "
            )
            && stderr.contains("ca.pem (used instead of the system store)")
            && stderr.contains("any intermediate certificate the server does not send"),
        "{stderr}"
    );
    // It is set already.
    assert!(!stderr.contains("set ca_bundle"), "{stderr}");
    // The run's first handshake: no earlier one with the host to speak of.
    assert!(!stderr.contains("succeeded earlier"), "{stderr}");
}

/// A CA with name constraints (an internal CA allowed to sign only for
/// `corp.example`) that signed the server's certificate for another name:
/// "NameConstraintViolation; TALKDESK_CA_BUNDLE … is used instead of the
/// system store: if the certificate is not trusted, add its root
/// certificate (PEM) to that file", the root that is in it (found with
/// nginx and an openssl CA with `nameConstraints`).
#[test]
fn a_certificate_outside_its_cas_name_constraints_is_named_so() {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    params.name_constraints = Some(rcgen::NameConstraints {
        permitted_subtrees: vec![rcgen::GeneralSubtree::DnsName("corp.example".into())],
        excluded_subtrees: vec![],
    });
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    let ca = TestCa {
        pem,
        issuer: Issuer::new(params, key),
    };
    let (cert, key) = ca.server_cert();
    let stderr = refused_handshake(&cert, &key, &ca.pem);
    assert!(stderr.contains("NameConstraintViolation"), "{stderr}");
    assert!(stderr.contains("name constraints"), "{stderr}");
    assert!(!stderr.contains("add its root certificate"), "{stderr}");
}

/// The same for webpki's other refusals of a chain for itself, such as an
/// intermediate CA with `pathlen:0` above another (found with nginx and
/// openssl certificates: that, and an extension marked critical that
/// webpki does not know, were told to add the root already in the bundle).
#[test]
fn a_chain_past_an_intermediates_path_length_is_not_told_to_add_its_root() {
    let ca = TestCa::new("test CA");
    let intermediate = |name: &str, issuer: &Issuer<'static, KeyPair>| {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        let key = KeyPair::generate().unwrap();
        let pem = params.signed_by(&key, issuer).unwrap().pem();
        TestCa {
            pem,
            issuer: Issuer::new(params, key),
        }
    };
    let first = intermediate("pathlen 0", &ca.issuer);
    let second = intermediate("below it", &first.issuer);
    let (leaf, key) = second.server_cert();
    let chain = format!("{leaf}{}{}", second.pem, first.pem);
    let stderr = refused_handshake(&chain, &key, &ca.pem);
    assert!(stderr.contains("PathLenConstraintViolated"), "{stderr}");
    assert!(!stderr.contains("add its root certificate"), "{stderr}");
    assert!(
        stderr.contains("the server needs a new certificate"),
        "{stderr}"
    );
}

#[test]
fn a_ca_bundle_without_certificates_is_a_config_error() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 5);
    let sb = Sandbox::new();
    // A key alone, and plain text: PEM without a single certificate.
    let key_only = KeyPair::generate().unwrap().serialize_pem();
    for (name, text) in [
        ("key.pem", key_only.as_str()),
        ("notes.txt", "not a certificate\n"),
        // Not binary for starting with "0", the byte a DER file starts with.
        ("zero.txt", "0 not a certificate\n"),
    ] {
        let output = list_with_bundle(&sb, &fake, name, text);
        assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains("holds no certificate") && stderr.contains(name),
            "{stderr}"
        );
    }
    // The CA as DER, as IT departments hand it out: it was said to hold
    // no certificate.
    use base64::Engine as _;
    let b64: String = ca.pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    std::fs::write(sb.path("ca.der"), der).unwrap();
    // The stderr of a `list` with the bundle `name`: a configuration error.
    let refused = |name: &str| {
        let output = (sb.tool(&fake))
            .env("TALKDESK_CA_BUNDLE", sb.path(name))
            .args(["list"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
        stderr_of(&output)
    };
    let stderr = refused("ca.der");
    assert!(
        stderr.contains("ca.der is a binary (DER or PKCS#12) file, not PEM")
            && stderr.contains("openssl x509 -inform der -in"),
        "{stderr}"
    );
    // PowerShell's `>` writes UTF-16: it was said to hold no certificate.
    let utf16: Vec<u8> = (ca.pem.encode_utf16()).fold(vec![0xFF, 0xFE], |mut bytes, unit| {
        bytes.extend(unit.to_le_bytes());
        bytes
    });
    std::fs::write(sb.path("ca16.pem"), utf16).unwrap();
    let stderr = refused("ca16.pem");
    assert!(
        stderr.contains("ca16.pem is UTF-16 text, which PEM is not"),
        "{stderr}"
    );
    refused("missing.pem");
    assert_eq!(fake.connections(), 0, "nothing is sent without trust roots");
}

#[test]
fn a_ca_bundle_saved_with_a_byte_order_mark_is_trusted() {
    // Windows Notepad saves UTF-8 with a BOM in front of the first line.
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &format!("\u{feff}{}", ca.pem))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output).len(), 3);
}

#[test]
fn a_certificate_block_that_is_no_certificate_is_refused_or_left_out_with_a_warning() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    // A key saved under a CERTIFICATE label: base64 that is no certificate.
    let relabelled = KeyPair::generate()
        .unwrap()
        .serialize_pem()
        .replace("PRIVATE KEY", "CERTIFICATE");
    let output = trusting(&sb, &fake, &relabelled)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "TALKDESK_CA_BUNDLE {} holds no certificate that can be read: its CERTIFICATE block is not an X.509 certificate",
            sb.path("ca.pem").display()
        )),
        "{stderr}"
    );
    assert_eq!(
        fake.connections(),
        0,
        "no handshake with an empty trust list"
    );
    // Beside a good one, it is left out and named.
    let output = trusting(&sb, &fake, &format!("{relabelled}{}", ca.pem))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output).len(), 3);
    assert!(
        stderr_of(&output).contains(&format!(
            "warning: TALKDESK_CA_BUNDLE {}: certificate 1 of 2 is not an X.509 certificate and is left out",
            sb.path("ca.pem").display()
        )),
        "{}",
        stderr_of(&output)
    );
}

/// Several blocks that are no certificate: counted when none is left,
/// and named (the first five) beside a good one.
#[test]
fn several_certificate_blocks_that_are_no_certificate_are_counted_and_named() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let relabelled = KeyPair::generate()
        .unwrap()
        .serialize_pem()
        .replace("PRIVATE KEY", "CERTIFICATE");
    let output = trusting(&sb, &fake, &relabelled.repeat(2))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("holds no certificate that can be read: none of its 2 CERTIFICATE blocks is an X.509 certificate"),
        "{}",
        stderr_of(&output)
    );
    let output = trusting(&sb, &fake, &format!("{}{}", relabelled.repeat(6), ca.pem))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output).len(), 3);
    assert!(
        stderr_of(&output).contains(&format!(
            "warning: TALKDESK_CA_BUNDLE {}: certificates 1, 2, 3, 4, 5, … of 7 are not X.509 certificates and are left out",
            sb.path("ca.pem").display()
        )),
        "{}",
        stderr_of(&output)
    );
    // Five are all named: no "…" for a sixth that is not there.
    let output = trusting(&sb, &fake, &format!("{}{}", relabelled.repeat(5), ca.pem))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output).len(), 3);
    assert!(
        stderr_of(&output).contains("certificates 1, 2, 3, 4, 5 of 6 are not X.509 certificates"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn a_ca_bundle_that_is_broken_pem_says_what_is_wrong_in_words() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let cut = &ca.pem[..ca.pem.len() / 2];
    let garbage = "-----BEGIN CERTIFICATE-----\nMIIBzz==garbage\n-----END CERTIFICATE-----\n";
    for (name, text, says) in [
        (
            "cut.pem",
            cut,
            "a CERTIFICATE block is not closed (no -----END CERTIFICATE----- line)",
        ),
        ("garbage.pem", garbage, "a block is not valid base64"),
    ] {
        let output = list_with_bundle(&sb, &fake, name, text);
        assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(&format!(
                "TALKDESK_CA_BUNDLE {} is not valid PEM: {says}",
                sb.path(name).display()
            )) && stderr.contains("export the certificates again as PEM"),
            "{stderr}"
        );
        // No Rust internals: `MissingSectionEnd { end_marker: [67, …] }`.
        assert!(!stderr.contains(['{', '[', '"']), "{stderr}");
    }
    assert_eq!(fake.connections(), 0);
}

#[cfg(unix)]
#[test]
fn a_ca_bundle_that_is_no_regular_file_or_too_large_is_refused_at_once() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let fifo = sb.path("fifo.pem");
    support::make_fifo(&fifo);
    // Sparse: 17 MiB of nothing, on no disk.
    let big = std::fs::File::create(sb.path("big.pem")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    // A pipe with no writer first (it hung for ever); /dev/zero last (it
    // filled the memory).
    for (path, says) in [
        (fifo, "is not a regular file (a pipe, a socket or a device)"),
        (sb.path("big.pem"), "is larger than 16 MiB"),
        (sb.path(""), "is not a regular file (a folder)"),
        (
            "/dev/zero".into(),
            "is not a regular file (a pipe, a socket or a device)",
        ),
    ] {
        let output = sb
            .tool(&fake)
            .env("TALKDESK_CA_BUNDLE", &path)
            .args(["list", "-o", "json"])
            .timeout(std::time::Duration::from_secs(10))
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(
            output.status.code(),
            Some(3),
            "{}: {stderr}",
            path.display()
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("TALKDESK_CA_BUNDLE {} {says}", path.display()))
                && stderr.contains("point TALKDESK_CA_BUNDLE at a PEM file"),
            "{stderr}"
        );
    }
    assert_eq!(fake.connections(), 0);
    // A link is followed (/etc/ssl/cert.pem often is one).
    std::fs::write(sb.path("ca.pem"), &ca.pem).unwrap();
    std::os::unix::fs::symlink(sb.path("ca.pem"), sb.path("link.pem")).unwrap();
    let output = sb
        .tool(&fake)
        .env("TALKDESK_CA_BUNDLE", sb.path("link.pem"))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output).len(), 3);
}

/// A regular file whose read fails is said to be unreadable, with why, not too large:
/// `/proc/self/mem`, read at offset 0, fails with an I/O error (Linux). A bundle of 16 MiB
/// exactly is read.
#[cfg(target_os = "linux")]
#[test]
fn a_ca_bundle_is_read_to_16_mib_and_a_failed_read_says_why() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = (sb.tool(&fake))
        .env("TALKDESK_CA_BUNDLE", "/proc/self/mem")
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot read TALKDESK_CA_BUNDLE /proc/self/mem: ")
            && stderr.contains("; point TALKDESK_CA_BUNDLE at a PEM file"),
        "{stderr}"
    );
    assert_eq!(fake.connections(), 0);
    // The CA, then zeros to 16 MiB (sparse).
    std::fs::write(sb.path("full.pem"), &ca.pem).unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open(sb.path("full.pem"))
        .unwrap();
    full.set_len(16 * 1024 * 1024).unwrap();
    let output = (sb.tool(&fake))
        .env("TALKDESK_CA_BUNDLE", sb.path("full.pem"))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output).len(), 3);
}

/// A minimal HTTP CONNECT proxy on 127.0.0.1:0: records each CONNECT line and the bytes the
/// client sends through the tunnel, and relays them to the target. Its threads end with their
/// connections; the accept thread is left to the end of the test process.
struct ConnectProxy {
    url: String,
    connects: Arc<Mutex<Vec<String>>>,
    upstream: Arc<Mutex<Vec<u8>>>,
}

impl ConnectProxy {
    fn start() -> ConnectProxy {
        ConnectProxy::start_to(None)
    }

    /// One that opens every tunnel to `to` instead of the host asked for: to the client, a
    /// proxy that inspects TLS (presenting `to`'s certificate, re-signed by its own CA).
    fn start_to(to: Option<String>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connects = Arc::new(Mutex::new(Vec::new()));
        let upstream = Arc::new(Mutex::new(Vec::new()));
        let (c, u) = (Arc::clone(&connects), Arc::clone(&upstream));
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (c, u, to) = (Arc::clone(&c), Arc::clone(&u), to.clone());
                thread::spawn(move || tunnel(client, &c, u, to.as_deref()));
            }
        });
        ConnectProxy {
            url,
            connects,
            upstream,
        }
    }

    /// An `https://` one (a TLS-speaking proxy, squid's `https_port`): [`ConnectProxy::start`]'s
    /// behind TLS with `cert`/`key`. Its `connects` holds each request's first line, a `HEAD /`
    /// to the proxy itself too.
    fn start_tls(cert: &str, key: &str) -> ConnectProxy {
        let inner = ConnectProxy::start();
        let to = inner.url.trim_start_matches("http://").to_string();
        let config = support::fake_api::tls_config(cert, key);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (config, to) = (Arc::clone(&config), to.clone());
                thread::spawn(move || tls_front(client, config, &to));
            }
        });
        ConnectProxy { url, ..inner }
    }

    fn connects(&self) -> Vec<String> {
        self.connects.lock().unwrap().clone()
    }

    fn upstream_text(&self) -> String {
        String::from_utf8_lossy(&self.upstream.lock().unwrap()).into_owned()
    }
}

fn tunnel(
    mut client: TcpStream,
    connects: &Mutex<Vec<String>>,
    upstream: Arc<Mutex<Vec<u8>>>,
    to: Option<&str>,
) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let line = head.lines().next().unwrap_or("").to_string();
    connects.lock().unwrap().push(line.clone());
    let asked = line.split_whitespace().nth(1).unwrap_or("");
    let target = to.unwrap_or(asked).to_string();
    let Ok(mut server) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    let (mut client_in, mut server_out) =
        (client.try_clone().unwrap(), server.try_clone().unwrap());
    let up = thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = client_in.read(&mut buf) {
            if n == 0 || server_out.write_all(&buf[..n]).is_err() {
                break;
            }
            upstream.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        let _ = server_out.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut server, &mut client);
    let _ = client.shutdown(Shutdown::Both);
    let _ = up.join();
}

/// Relays `client`'s TLS, decrypted, to `to` and `to`'s answers back, polling each side in turn
/// until either ends.
fn tls_front(client: TcpStream, config: Arc<rustls::ServerConfig>, to: &str) {
    let (Ok(mut inner), Ok(session)) = (
        TcpStream::connect(to),
        rustls::ServerConnection::new(config),
    ) else {
        return;
    };
    let poll = Some(std::time::Duration::from_millis(5));
    let _ = (client.set_read_timeout(poll), inner.set_read_timeout(poll));
    let mut tls = rustls::StreamOwned::new(session, client);
    let mut buf = [0u8; 16 * 1024];
    let idle = |e: &std::io::Error| matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut);
    loop {
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) if inner.write_all(&buf[..n]).is_err() => break,
            Err(e) if !idle(&e) => break,
            _ => {}
        }
        match inner.read(&mut buf) {
            Ok(0) => break,
            Ok(n) if tls.write_all(&buf[..n]).and_then(|()| tls.flush()).is_err() => break,
            Err(e) if !idle(&e) => break,
            _ => {}
        }
    }
    let _ = inner.shutdown(Shutdown::Both);
}

#[test]
fn https_proxy_tunnels_the_walk_and_sees_only_ciphertext() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 60);
    let proxy = ConnectProxy::start();
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy.url)
        .args(["-v", "list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output), simple_accounts(60));
    let target = fake.base_url().trim_start_matches("https://").to_string();
    let connects = proxy.connects();
    assert!(!connects.is_empty());
    assert!(
        connects
            .iter()
            .all(|c| c == &format!("CONNECT {target} HTTP/1.1")),
        "{connects:?}"
    );
    assert!(stderr_of(&output).contains("proxy 127.0.0.1:"));
    assert_eq!(
        fake.connections(),
        connects.len(),
        "every connection went through the proxy: none was opened directly ahead of need"
    );
    let seen = proxy.upstream_text();
    assert!(!seen.is_empty(), "the requests went through the tunnel");
    assert!(
        !seen.contains("test-secret-value")
            && !seen.contains("fake-token-")
            && !seen.contains("Authorization"),
        "the proxy saw plaintext"
    );
}

/// Lists 3 accounts over HTTPS with these environment variables (`{proxy}`
/// in a value stands for a test proxy's URL), and returns the `CONNECT`
/// lines that proxy saw.
fn connects_with(vars: &[(&str, &str)], extra: &[&str]) -> Vec<String> {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let proxy = ConnectProxy::start();
    let sb = Sandbox::new();
    let mut cmd = trusting(&sb, &fake, &ca.pem);
    for (name, value) in vars {
        cmd.env(name, value.replace("{proxy}", &proxy.url));
    }
    let output = cmd
        .args(["list", "-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output), simple_accounts(3), "{vars:?}");
    proxy.connects()
}

#[test]
fn no_proxy_hosts_go_direct() {
    let vars = [
        ("HTTPS_PROXY", "{proxy}"),
        ("NO_PROXY", "localhost,127.0.0.1"),
    ];
    assert_eq!(connects_with(&vars, &[]), Vec::<String>::new());
}

#[test]
fn no_proxy_entries_are_trimmed_and_understand_ranges() {
    let vars = [
        ("HTTPS_PROXY", "{proxy}"),
        ("NO_PROXY", "intranet.example, 127.0.0.0/8"),
    ];
    assert_eq!(connects_with(&vars, &[]), Vec::<String>::new());
}

#[test]
fn http_proxy_alone_does_not_carry_https_and_https_proxy_wins_over_all_proxy() {
    let vars = [("HTTP_PROXY", "{proxy}")];
    assert_eq!(connects_with(&vars, &[]), Vec::<String>::new(), "direct");
    // ALL_PROXY points at a closed port: used, it would fail the run.
    let vars = [
        ("ALL_PROXY", "http://127.0.0.1:9"),
        ("HTTPS_PROXY", "{proxy}"),
    ];
    assert!(!connects_with(&vars, &["--max-retries", "0"]).is_empty());
}

/// `HTTPS_PROXY` set, and `ALL_PROXY` (or `http_proxy`) a SOCKS proxy, as
/// a machine set up for several tools may have: https goes through
/// `HTTPS_PROXY` (as curl sends it), yet the run ended at once, exit 3,
/// "the proxy in ALL_PROXY (Socks5 …) is not supported", a variable only
/// plain http (loopback) URLs would use. Such a variable is an error only
/// for a request that would go through it.
#[test]
fn a_socks_proxy_only_plain_http_would_use_does_not_stop_an_https_run() {
    for vars in [
        [
            ("HTTPS_PROXY", "{proxy}"),
            ("ALL_PROXY", "socks5://127.0.0.1:9"),
        ],
        [
            ("https_proxy", "{proxy}"),
            ("http_proxy", "socks5h://127.0.0.1:9"),
        ],
    ] {
        assert!(!connects_with(&vars, &[]).is_empty(), "{vars:?}");
    }
    let direct = [("http_proxy", "socks5://127.0.0.1:9"), ("NO_PROXY", "")];
    assert_eq!(connects_with(&direct, &[]), Vec::<String>::new());
}

/// `ALL_PROXY=socks5h://…` (ssh -D, Tor), with the API's host in
/// `NO_PROXY`, as `cargo run --example demo` sets it for its fake: no
/// request goes through the proxy, as with curl, yet the run ended at
/// once, exit 3, "the proxy in ALL_PROXY (Socks5h …) is not supported".
#[test]
fn a_socks_proxy_beside_no_proxy_for_the_host_does_not_stop_the_run() {
    for name in ["ALL_PROXY", "HTTPS_PROXY"] {
        let vars = [
            (name, "socks5h://127.0.0.1:9"),
            ("NO_PROXY", "localhost,127.0.0.1"),
        ];
        assert_eq!(connects_with(&vars, &[]), Vec::<String>::new());
    }
}

/// A proxy at a link-local IPv6 address (`HTTPS_PROXY=http://[fe80::1]:3128`) cannot be
/// reached, as URLs carry no zone: each request failed with "connection error: Invalid
/// argument (os error 22)", exit 5, told to check account_name and region; with a zone
/// (`[fe80::1%25eth0]`, RFC 6874) it was "not a proxy URL", though it is one. Each is named
/// for what it is, exit 3 before any request, as a `base_url` with one is; a host in
/// `NO_PROXY` still goes direct.
#[test]
fn a_proxy_at_a_link_local_or_zoned_ipv6_address_is_named_as_such() {
    for (proxy, says) in [
        (
            "http://[fe80::1]:3128",
            "HTTPS_PROXY has a link-local IPv6 address",
        ),
        (
            "http://[fe80::1%25eth0]:3128",
            "HTTPS_PROXY has an IPv6 address with a zone",
        ),
    ] {
        // Exit 3, before any request.
        let stderr = refused_proxy(proxy);
        assert!(
            stderr.contains(says) && stderr.contains("unset HTTPS_PROXY"),
            "{stderr}"
        );
        assert!(!stderr.contains("account_name"), "{stderr}");
    }
    let vars = [
        ("HTTPS_PROXY", "http://[fe80::1]:3128"),
        ("NO_PROXY", "127.0.0.1"),
    ];
    assert_eq!(connects_with(&vars, &[]), Vec::<String>::new());
}

/// The stderr of `list` against an https fake through `HTTPS_PROXY=proxy`, which failed with
/// exit 3 before any request.
fn refused_proxy(proxy: &str) -> String {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", proxy)
        .args(["list", "--max-retries", "0", "--timeout", "2"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{proxy}: {stderr}");
    assert!(output.stdout.is_empty(), "{proxy}: nothing on stdout");
    assert!(fake.requests().is_empty(), "{proxy}: {stderr}");
    stderr
}

/// A proxy URL with a zone (`HTTPS_PROXY=http://[fe80::1%25eth0]:3128`): the whole line, what a
/// URL with one is said to have (`ZONED`), then to unset the variable.
#[test]
fn a_proxy_at_a_zoned_ipv6_address_is_refused_as_unsupported() {
    assert_eq!(
        refused_proxy("http://[fe80::1%25eth0]:3128"),
        "error: HTTPS_PROXY has an IPv6 address with a zone (`%…` inside `[…]`), which is not supported; use a host name, or an address without a zone (not a link-local fe80:: one), or unset HTTPS_PROXY\n"
    );
}

/// A proxy at a link-local IPv6 address without a zone (`HTTPS_PROXY=http://[fe80::1]:3128`): the
/// whole line, naming the address, what a URL with one is said to have (`UNZONED`), then to unset
/// the variable.
#[test]
fn a_proxy_at_a_link_local_ipv6_address_is_refused_as_unreachable() {
    assert_eq!(
        refused_proxy("http://[fe80::1]:3128"),
        "error: HTTPS_PROXY has a link-local IPv6 address ([fe80::1]), which cannot be reached without a zone (`%25eth0`), and URLs carry none; use a host name, or an address that is not link-local, or unset HTTPS_PROXY\n"
    );
}

/// Plain http is allowed to loopback hosts alone (§7), yet `base_url =
/// "http://127.0.0.1:8443"` (an `ssh -L` tunnel) with a machine's
/// `http_proxy` off this machine went through it: the token request, its
/// `Authorization: Basic` client secret and all, crossed the network in
/// clear, to reach the proxy's own 127.0.0.1 (found with a CONNECT proxy
/// on the machine's 192.0.2.2). It is refused, exit 3, before any request.
#[test]
fn plain_http_through_a_proxy_off_this_machine_is_refused() {
    let fake = FakeApi::start(FakeConfig::default());
    let output = (Sandbox::new().tool(&fake))
        .env("http_proxy", "http://192.0.2.1:9")
        .args(["list", "--max-retries", "0", "--timeout", "1"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("refusing plain http") && stderr.contains("NO_PROXY"),
        "{stderr}"
    );
    assert!(fake.requests().is_empty());
}

/// A walk to `https://localhost:1` through `HTTPS_PROXY=https://127.0.0.1:…`, a TLS server
/// with `cert`/`key` (whose handshake fails before any CONNECT), trusting `ca`: the error,
/// the proxy as messages name it, and the connections it took.
fn through_https_proxy(cert: &str, key: &str, ca: &TestCa) -> (String, String, usize) {
    let proxy = FakeApi::start_tls(FakeConfig::default(), cert, key);
    let sb = Sandbox::new();
    let output = trusting(&sb, &proxy, &ca.pem)
        .env("HTTPS_PROXY", proxy.base_url())
        .env("TALKDESK_BASE_URL", "https://localhost:1")
        .env("TALKDESK_TOKEN_URL", "https://localhost:1/oauth/token")
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(proxy.requests().is_empty());
    let name = format!("proxy {} from HTTPS_PROXY", proxy.addr());
    (stderr_of(&output), name, proxy.connections())
}

#[test]
fn a_failed_handshake_through_a_proxy_says_whose_certificate_failed_where_that_is_known() {
    let ca = TestCa::new("test CA");
    // An https:// proxy whose certificate is for another name: the name it was checked for is
    // the proxy's, so it is the proxy's certificate that failed.
    let (cert, key) = leaf(&ca, &["localhost"], |_| {});
    let (stderr, proxy, connections) = through_https_proxy(&cert, &key, &ca);
    assert!(
        stderr.contains(&format!(
            "TLS error with the {proxy}: invalid peer certificate"
        )) && stderr.contains(
            "the proxy's certificate is for another host: check the host name in HTTPS_PROXY"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("host name of the URL"), "{stderr}");
    // The name tells: no handshake with the proxy alone (a second connection) is needed.
    assert_eq!(connections, 1, "{stderr}");
    // One that is not trusted: either handshake may have failed (both use the same trust), and
    // the message says so rather than blame the API.
    let other = TestCa::new("unrelated CA");
    let (cert, key) = leaf(&other, &["127.0.0.1"], |_| {});
    let (stderr, proxy, _) = through_https_proxy(&cert, &key, &ca);
    assert!(
        stderr.contains(&format!(
            "TLS error with the {proxy} or with the API through it: invalid peer certificate: UnknownIssuer"
        )),
        "{stderr}"
    );
    // Through an http:// proxy the handshake is the API's, inside the tunnel: the proxy is
    // named as connection errors name it.
    let fake = https_fake(&ca, 3);
    let tunnel = ConnectProxy::start();
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &other.pem)
        .env("HTTPS_PROXY", &tunnel.url)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    let port = tunnel.url.rsplit(':').next().unwrap();
    assert!(
        stderr.contains(&format!(
            "TLS error (through the proxy 127.0.0.1:{port} from HTTPS_PROXY): invalid peer certificate: UnknownIssuer"
        )),
        "{stderr}"
    );
}

/// An `https://` proxy with a self-signed certificate (`openssl req -x509`, CA:TRUE, as squid's
/// `https_port` guides make one), in TALKDESK_CA_BUNDLE beside the API's root, which webpki
/// refuses as a CA used as a server's: the error said "TLS error with the proxy … or with the
/// API through it: …CaUsedAsEndEntity; the server presents a CA certificate as its own", naming
/// no one, though curl 7.88 took the proxy with `--proxy-cacert` (found with squid 5.7's
/// `https_port`). A handshake with the proxy alone tells whose certificate it is.
#[test]
fn a_refused_certificate_of_an_https_proxy_is_said_to_be_the_proxys() {
    let ca = TestCa::new("test CA");
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let proxy = FakeApi::start_tls(FakeConfig::default(), &cert.pem(), &key.serialize_pem());
    let sb = Sandbox::new();
    let output = trusting(&sb, &proxy, &format!("{}{}", ca.pem, cert.pem()))
        .env("HTTPS_PROXY", proxy.base_url())
        .env("TALKDESK_BASE_URL", "https://localhost:1")
        .env("TALKDESK_TOKEN_URL", "https://localhost:1/oauth/token")
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("CaUsedAsEndEntity")
            && stderr.contains(
                "it is the proxy's certificate (a handshake with the proxy alone fails so)"
            ),
        "{stderr}"
    );
}

/// `list -o json` to `fake`, named `host` in the URLs, through `proxy`, trusting `ca`.
fn via_proxy(proxy: &ConnectProxy, fake: &FakeApi, host: &str, ca: &TestCa) -> Output {
    let sb = Sandbox::new();
    let base = format!("https://{host}:{}", fake.addr().port());
    trusting(&sb, fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy.url)
        .env("TALKDESK_BASE_URL", &base)
        .env("TALKDESK_TOKEN_URL", format!("{base}/oauth/token"))
        .args(["list", "-o", "json"])
        .output()
        .unwrap()
}

/// Through an `https://` proxy (one that speaks TLS) whose own handshake succeeds, a refused
/// certificate is the API's, and is said to be, as through an `http://` proxy. Where the proxy
/// and the API have the same host, the name a certificate was checked for cannot tell whose it
/// is, and a handshake with the proxy alone does; where they differ, the name tells, with no
/// such handshake.
#[test]
fn through_a_proxy_that_speaks_tls_the_handshake_that_failed_is_named() {
    let ca = TestCa::new("test CA");
    let fake = |(cert, key): &(String, String)| {
        let config = FakeConfig {
            accounts: simple_accounts(3),
            ..FakeConfig::default()
        };
        FakeApi::start_tls(config, cert, key)
    };
    let both = ca.server_cert();
    let named = |name: &str| leaf(&ca, &[name], |_| {});
    let proxy = ConnectProxy::start_tls(&both.0, &both.1);
    let output = via_proxy(&proxy, &fake(&both), "127.0.0.1", &ca);
    assert_eq!(json_accounts(&output), simple_accounts(3));
    let connects = proxy.connects();
    assert!(
        !connects.is_empty() && connects.iter().all(|c| c.starts_with("CONNECT 127.0.0.1:")),
        "{connects:?}"
    );
    let failed = |output: &Output| {
        let stderr = stderr_of(output);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        stderr
    };
    let through_of = |proxy: &ConnectProxy| {
        format!(
            "TLS error (through the proxy {} from HTTPS_PROXY): invalid peer certificate: ",
            proxy.url.trim_start_matches("https://")
        )
    };
    let through = through_of(&proxy);
    // The API's certificate is not trusted.
    let untrusted = TestCa::new("unrelated CA").server_cert();
    let stderr = failed(&via_proxy(&proxy, &fake(&untrusted), "127.0.0.1", &ca));
    assert!(
        stderr.contains(&format!("{through}UnknownIssuer")),
        "{stderr}"
    );
    // Proxy and API on 127.0.0.1, the API's certificate for localhost alone.
    let stderr = failed(&via_proxy(
        &proxy,
        &fake(&named("localhost")),
        "127.0.0.1",
        &ca,
    ));
    assert!(stderr.contains(&through), "{stderr}");
    // The API at localhost, its certificate for 127.0.0.1 alone: its name tells.
    let proxy = ConnectProxy::start_tls(&both.0, &both.1);
    let stderr = failed(&via_proxy(
        &proxy,
        &fake(&named("127.0.0.1")),
        "localhost",
        &ca,
    ));
    assert!(stderr.contains(&through_of(&proxy)), "{stderr}");
    let connects = proxy.connects();
    assert!(
        connects.iter().all(|c| c.starts_with("CONNECT localhost:")),
        "no handshake with the proxy alone: {connects:?}"
    );
}

/// An `https://` proxy on the API's host (127.0.0.1) whose certificate is for another name
/// (localhost): the name it was checked for is both hosts', and a handshake with the proxy alone
/// tells it is the proxy's, yet the error went on "the certificate is for another host: check the
/// host name of the URL", the API's. It says to check the host name in HTTPS_PROXY, as where the
/// hosts differ.
#[test]
fn a_proxy_certificate_for_another_host_is_said_so_where_the_api_has_the_proxys_host() {
    let ca = TestCa::new("test CA");
    let (cert, key) = ca.server_cert();
    let fake = FakeApi::start_tls(FakeConfig::default(), &cert, &key);
    let (cert, key) = leaf(&ca, &["localhost"], |_| {});
    let proxy = ConnectProxy::start_tls(&cert, &key);
    let output = via_proxy(&proxy, &fake, "127.0.0.1", &ca);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    let name = proxy.url.trim_start_matches("https://");
    assert!(
        stderr.contains(&format!(
            "TLS error with the proxy {name} from HTTPS_PROXY: invalid peer certificate: certificate not valid for name \"127.0.0.1\""
        )) && stderr.contains(
            "the proxy's certificate is for another host: check the host name in HTTPS_PROXY"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("host name of the URL"), "{stderr}");
    assert!(proxy.connects().is_empty() && fake.requests().is_empty());
}

/// A proxy that inspects TLS (squid's `ssl_bump`, mitmproxy, a corporate gateway) presents a
/// certificate of its own CA, not the server's. With `ca_bundle` holding the server's root, an
/// untrusted one through an http:// proxy was blamed on the server alone ("the server's
/// certificate is not signed by any certificate in TALKDESK_CA_BUNDLE …: add to it the root
/// certificate that signed the server's"): seen behind squid 5.7's `ssl_bump` and mitmproxy 11.
/// The error names the proxy's re-signing first. (Without `ca_bundle`, the hint already names a
/// proxy that re-signs the traffic.)
#[test]
fn an_untrusted_certificate_through_a_proxy_names_its_inspection_not_only_the_server() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let inspection = TestCa::new("Example Corp TLS Inspection CA");
    let resigned = https_fake(&inspection, 0);
    let proxy = ConnectProxy::start_to(Some(resigned.addr().to_string()));
    let port = proxy.url.rsplit(':').next().unwrap();
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy.url)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    let bundle = sb.path("ca.pem");
    assert!(
        stderr.contains(&format!(
            "TLS error (through the proxy 127.0.0.1:{port} from HTTPS_PROXY): invalid peer certificate: UnknownIssuer; \
             the certificate that came through the proxy is not signed by any certificate in TALKDESK_CA_BUNDLE {}: \
             a proxy that inspects TLS re-signs the traffic with its own CA, so add the proxy's root certificate \
             (PEM, from whoever runs the proxy) to that file; if the proxy does not inspect TLS, add the root \
             certificate that signed the server's",
            bundle.display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Nothing reached either server but handshakes: no secret, no token.
    assert!(fake.requests().is_empty() && resigned.requests().is_empty());
    assert!(!proxy.upstream_text().contains("test-secret-value"));
}

/// e2guardian 5.3.5 inspecting TLS (`sslmitm = on`) with its default `generatedcertstart`
/// (1417872951) signs every host's certificate from 2014-12-06 13:35:51 to 2024-12-05 13:35:51
/// UTC: through it, the error said "the certificate expired on 2024-12-05 …; the certificate is
/// outside its dates: the server needs a new certificate", of a server whose certificate was
/// valid. Through a proxy it names the proxy's re-signing first.
#[test]
fn an_expired_certificate_through_a_proxy_names_its_inspection_not_only_the_server() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let inspection = TestCa::new("e2guardian CA");
    let (cert, key) = leaf(&inspection, &["127.0.0.1"], |p| {
        p.not_before = rcgen::date_time_ymd(2014, 12, 6);
        p.not_after = rcgen::date_time_ymd(2024, 12, 5);
    });
    let resigned = FakeApi::start_tls(FakeConfig::default(), &cert, &key);
    let proxy = ConnectProxy::start_to(Some(resigned.addr().to_string()));
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy.url)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("the certificate expired on 2024-12-05")
            && stderr.contains("the certificate that came through the proxy is outside its dates")
            && stderr.contains(
                "a proxy that inspects TLS re-signs the traffic with certificates of its own"
            )
            && stderr.contains("e2guardian"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// Through an `https://` proxy (squid's `https_port` with `ssl_bump`) whose own handshake
/// succeeds, a certificate not signed by `ca_bundle` came through the proxy as through an
/// `http://` one, and a proxy that inspects TLS re-signs it; yet it was blamed on the server
/// alone ("the server's certificate is not signed by any certificate in TALKDESK_CA_BUNDLE …:
/// add to it the root certificate that signed the server's"). It names the proxy's re-signing
/// first, as through an `http://` proxy.
#[test]
fn an_untrusted_certificate_through_a_proxy_that_speaks_tls_names_its_inspection_too() {
    let ca = TestCa::new("test CA");
    let (cert, key) = ca.server_cert();
    let proxy = ConnectProxy::start_tls(&cert, &key);
    let inspection = TestCa::new("Example Corp TLS Inspection CA");
    let resigned = https_fake(&inspection, 0);
    let output = via_proxy(&proxy, &resigned, "127.0.0.1", &ca);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "TLS error (through the proxy {} from HTTPS_PROXY): invalid peer certificate: UnknownIssuer; \
             the certificate that came through the proxy is not signed by any certificate in TALKDESK_CA_BUNDLE ",
            proxy.url.trim_start_matches("https://")
        )) && stderr.contains("a proxy that inspects TLS re-signs the traffic with its own CA"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// Reads a request's head (a CONNECT) from `client`, to its blank line.
fn read_head(client: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && client.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
}

/// A proxy that answers every CONNECT with `status_line`; its URL.
fn refusing_proxy(status_line: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            read_head(&mut client);
            let answer = format!("{status_line}\r\nContent-Length: 0\r\n\r\n");
            let _ = client.write_all(answer.as_bytes());
        }
    });
    url
}

/// A walk over TLS through a proxy that answers every CONNECT with `status_line`: the
/// proxy's URL, the fake (never reached) and the tool's output.
fn through_refusing_proxy(status_line: &'static str, args: &[&str]) -> (String, FakeApi, Output) {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let proxy = refusing_proxy(status_line);
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy)
        .args(["list", "-o", "json"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    assert_eq!(fake.connections(), 0);
    (proxy, fake, output)
}

#[test]
fn a_proxy_that_refuses_the_tunnel_is_named_once_with_what_to_check() {
    let (proxy, _fake, output) =
        through_refusing_proxy("HTTP/1.1 407 Proxy Authentication Required", &[]);
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let port = proxy.rsplit(':').next().unwrap();
    assert!(
        stderr.contains(&format!(
            "proxy 127.0.0.1:{port} from HTTPS_PROXY would not open a tunnel"
        )) && stderr.contains("(proxy server responded 407 Proxy Authentication Required)")
            && stderr.contains("http://user:password@host:port")
            // A proxy that wants NTLM or Negotiate gets the same 407.
            && stderr.contains("only Basic authentication is sent"),
        "{stderr}"
    );
    // Said once (ureq writes `407/407`).
    assert!(!stderr.contains("407/407"), "{stderr}");
    // The request is named once, not once for each layer of the error.
    assert_eq!(stderr.matches("/oauth/token").count(), 1, "{stderr}");
}

/// stderr of `list` through a proxy answering CONNECT with `status`, its
/// URL carrying `userinfo` (`user:password`); the run exits 5.
fn refused_with_credentials(status: &'static str, userinfo: &str) -> String {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let proxy = refusing_proxy(status).replace("http://", &format!("http://{userinfo}@"));
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    stderr_of(&output)
}

/// A 407 to credentials in the proxy's URL said to put them there: it
/// says they were refused, naming the variable, never the password.
#[test]
fn a_proxy_that_refuses_the_credentials_given_says_so() {
    let stderr = refused_with_credentials(
        "HTTP/1.1 407 Proxy Authentication Required",
        "alice:wr0ng-pa55word",
    );
    assert!(
        stderr.contains("the proxy refused the user and password in HTTPS_PROXY; check them")
            && !stderr.contains("put the proxy's user and password in its URL")
            && !stderr.contains("wr0ng"),
        "{stderr}"
    );
}

/// tinyproxy 1.11.1 answers a CONNECT with a wrong password in its
/// `BasicAuth` with `401 Unauthorized`, not 407 (407 only when no
/// credentials came). It was said as any refusal ("check the proxy, the
/// credentials in its URL … or NO_PROXY"): only the proxy answers CONNECT,
/// so it refused the user and password, as a 407 does.
#[test]
fn a_proxys_401_to_connect_with_credentials_says_they_were_refused() {
    let stderr = refused_with_credentials("HTTP/1.0 401 Unauthorized", "alice:wr0ng-pa55word");
    assert!(
        stderr.contains("(proxy server responded 401 Unauthorized)")
            && stderr
                .contains("the proxy refused the user and password in HTTPS_PROXY; check them")
            && !stderr.contains("express-accounts:read")
            && !stderr.contains("wr0ng"),
        "{stderr}"
    );
}

/// A literal `%` in the proxy's password must be written `%25`: `a%41b`
/// is sent as `aAb` (as curl sends it). The advice after a 407 named
/// `@ : /` alone, so a user with such a password was not told why.
#[test]
fn a_proxy_that_refuses_the_credentials_names_percent_among_the_characters_to_encode() {
    let stderr =
        refused_with_credentials("HTTP/1.1 407 Proxy Authentication Required", "alice:a%41b");
    assert!(
        stderr.contains("the proxy refused the user and password in HTTPS_PROXY; check them")
            && stderr.contains("% as %25")
            && !stderr.contains("a%41b")
            && !stderr.contains("aAb"),
        "{stderr}"
    );
}

/// A proxy that closes the connection before it answers CONNECT (a proxy
/// pool dropping one) was final at once, "would not open a tunnel …
/// check the credentials": it is a dropped connection, sent again.
#[test]
fn a_proxy_that_closes_before_answering_connect_is_tried_again() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let connects = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&connects);
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            read_head(&mut client);
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy)
        .args(["list", "--max-retries", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("closed the connection without answering CONNECT")
            && stderr.contains("check the proxy and the scheme of its URL")
            && !stderr.contains("credentials")
            && !stderr.contains("--timeout"),
        "{stderr}"
    );
    // Its one retry, no more: before any answer no connection was kept,
    // so none was sent again uncounted (it was: three with one retry).
    assert_eq!(connects.load(Ordering::SeqCst), 2, "{stderr}");
}

/// proxy-chain (Apify's, npm) closes the connection unanswered when it cannot reach the host
/// asked for (a name that does not resolve, a port that refuses): a typo in account_name or
/// region through it was told only "check the proxy and the scheme of its URL", though the
/// proxy was right. It names the API's host as the other thing to check.
#[test]
fn a_proxy_that_closes_unanswered_names_the_host_too() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            read_head(&mut client);
        }
    });
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy)
        .args(["list", "--max-retries", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("check the proxy and the scheme of its URL")
            && stderr.contains("account_name and region (or token_url / base_url)"),
        "{stderr}"
    );
}

/// A SOCKS server given as an http:// proxy (dante or microsocks asking
/// for a user name: `HTTPS_PROXY=http://user:pw@host:1080`) resets the
/// connection at the CONNECT; it was told "check your network, or raise
/// --timeout / --max-retries", as a proxy that closes it is not.
#[test]
fn a_proxy_that_resets_the_connect_says_to_check_the_proxy() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://bob:s3cret-pw@{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            // Closed with the rest of the CONNECT unread: a reset.
            let _ = client.read(&mut [0u8; 1]);
        }
    });
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy)
        .args(["list", "--max-retries", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("check the proxy and the scheme of its URL")
            && !stderr.contains("--timeout")
            && !stderr.contains("s3cret"),
        "{stderr}"
    );
}

/// Apache Traffic Server answers `200` to a CONNECT before it connects, then closes the tunnel
/// when the host's port cannot be reached: the error said only "check the proxy and the scheme of
/// its URL (http:// or https://)", though the proxy and its URL had worked, and not the host.
#[test]
fn a_tunnel_closed_after_the_proxys_200_names_the_host() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            read_head(&mut client);
            let _ = client.write_all(b"HTTP/1.1 200 OK\r\nServer: ATS/9.2.9\r\n\r\n");
        }
    });
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy)
        .args(["list", "--max-retries", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("then account_name and region") && stderr.contains("cannot reach the host"),
        "{stderr}"
    );
}

/// A proxy that answers whatever comes first (a CONNECT, or a TLS hello)
/// with `answer`, then reads what follows until the client closes; its
/// `host:port`.
fn proxy_answering(answer: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let _ = client.read(&mut [0u8; 4096]);
            let _ = client.write_all(answer);
            thread::spawn(move || while client.read(&mut [0u8; 4096]).unwrap_or(0) > 0 {});
        }
    });
    address
}

/// Faults of the proxy were blamed on the API's URL: a web filter's page
/// after CONNECT ("check the URL's scheme (https://)"), a proxy port that
/// speaks no HTTP ("check token_url"), and an `https://` proxy URL for a
/// plain proxy ("check the URL's scheme (https://)", the opposite of the fix).
#[test]
fn faults_of_the_proxy_point_at_the_proxy() {
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "http",
            b"HTTP/1.1 200 Connection established\r\n\r\n<html>Blocked by policy</html>",
            "or the proxy answered in its place",
        ),
        (
            "http",
            b"SSH-2.0-OpenSSH_9.2\r\n",
            "or the proxy in HTTPS_PROXY",
        ),
        (
            "https",
            b"HTTP/1.1 400 Bad Request\r\n\r\n",
            "a plain proxy is written http:// in HTTPS_PROXY",
        ),
    ];
    for (scheme, answer, needle) in cases {
        let ca = TestCa::new("test CA");
        let fake = https_fake(&ca, 3);
        let sb = Sandbox::new();
        let proxy = format!("{scheme}://{}", proxy_answering(answer));
        let output = trusting(&sb, &fake, &ca.pem)
            .env("HTTPS_PROXY", &proxy)
            .args(["list", "--max-retries", "0"])
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        assert!(stderr.contains(needle), "{scheme}: {stderr}");
    }
}

/// A proxy that compresses what it passes on (one that intercepts TLS;
/// here it answers in the API's place): the error said only to check the
/// URL.
#[test]
fn a_compressed_answer_through_a_proxy_names_the_proxy() {
    let fake = FakeApi::start(FakeConfig::default());
    let proxy = proxy_answering(
        b"HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00",
    );
    let output = (Sandbox::new().tool(&fake))
        .env("HTTP_PROXY", format!("http://{proxy}"))
        .args(["list", "--max-retries", "0"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("compressed (Content-Encoding: gzip)")
            && stderr.contains("or the proxy in HTTP_PROXY"),
        "{stderr}"
    );
}

/// A proxy's own 500 (squid's, for a host it cannot resolve) is final, as
/// documented: it was retried as an API's 500 is.
#[test]
fn a_proxys_500_to_connect_is_final() {
    let (_, _fake, output) = through_refusing_proxy(
        "HTTP/1.1 500 Internal Server Error",
        &["--max-retries", "2", "-v"],
    );
    let stderr = stderr_of(&output);
    assert!(
        stderr
            .contains("would not open a tunnel (proxy server responded 500 Internal Server Error)")
            && !stderr.contains("retry"),
        "{stderr}"
    );
}

/// proxy-chain (Apify's, npm), chained to an upstream proxy, answers that proxy's failures with
/// codes of its own (594 ECONNREFUSED, 597 for its credentials refused), whose reason ureq does
/// not report: the error said only "proxy server responded 594; check the proxy, the credentials
/// in its URL …", though those were accepted. It names the upstream proxy's failure.
#[test]
fn proxy_chains_codes_for_its_upstream_proxy_say_what_failed() {
    for (line, says) in [
        (
            "HTTP/1.1 594 ECONNREFUSED",
            "its upstream proxy refused the connection",
        ),
        (
            "HTTP/1.1 597 UPSTREAM407",
            "its upstream proxy refused its credentials",
        ),
        (
            "HTTP/1.1 599 Upstream Closed Early",
            "its upstream proxy failed",
        ),
    ] {
        let (_, _fake, output) = through_refusing_proxy(line, &[]);
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(says)
                && stderr.contains("check the upstream proxy it chains to")
                && !stderr.contains("the credentials in its URL"),
            "{stderr}"
        );
    }
}

/// proxy-chain's other codes (593 ENOTFOUND, 595 ECONNRESET, 596 EPIPE) say what its upstream
/// proxy did; a status with no reason of its own (Cloudflare's 520) is said by its number.
#[test]
fn proxy_chains_other_codes_and_a_status_without_a_reason_are_said() {
    for (line, says) in [
        (
            "HTTP/1.1 593 ENOTFOUND",
            "proxy server responded 593: its upstream proxy could not be found",
        ),
        (
            "HTTP/1.1 595 ECONNRESET",
            "proxy server responded 595: its upstream proxy closed the connection",
        ),
        (
            "HTTP/1.1 596 EPIPE",
            "proxy server responded 596: its upstream proxy closed the connection",
        ),
        ("HTTP/1.1 520 Unknown", "(proxy server responded 520);"),
    ] {
        let (_, _fake, output) = through_refusing_proxy(line, &[]);
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        assert!(stderr_of(&output).contains(says), "{}", stderr_of(&output));
    }
}

/// proxy-chain's 590 is its upstream proxy answering CONNECT with another status than 200: most
/// often for a host that proxy cannot reach (a typo in account_name: squid's 503, privoxy's 404).
/// It said "its upstream proxy failed; check the upstream proxy it chains to, or NO_PROXY", which
/// sent the user to a proxy that works. It names the host too.
#[test]
fn proxy_chains_590_names_the_host_too() {
    let (_, _fake, output) = through_refusing_proxy("HTTP/1.1 590 UPSTREAM503", &[]);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("its upstream proxy would not open the tunnel")
            && stderr.contains("account_name and region"),
        "{stderr}"
    );
}

/// A proxy that answers its first CONNECT `429 Too Many Requests` (one limiting the tunnels a
/// client opens: a proxy.py rate-limit plugin, a proxy pool's per-user limit), then tunnels as
/// [`ConnectProxy`] does; its URL.
fn proxy_limiting_its_first_tunnel() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (connects, upstream) = (
        Arc::new(Mutex::new(Vec::new())),
        Arc::new(Mutex::new(Vec::new())),
    );
    thread::spawn(move || {
        for (n, mut client) in listener.incoming().flatten().enumerate() {
            if n == 0 {
                read_head(&mut client);
                let _ = client.write_all(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n");
                continue;
            }
            let (c, u) = (Arc::clone(&connects), Arc::clone(&upstream));
            thread::spawn(move || tunnel(client, &c, u, None));
        }
    });
    url
}

/// A proxy's 429 to CONNECT (found with proxy.py and a plugin refusing more than 2 tunnels a
/// second) was final at once: "would not open a tunnel (proxy server responded 429 Too Many
/// Requests); check the proxy, the credentials in its URL …", exit 5, at the default
/// --concurrency 4, though --concurrency 1 walked. It is retried, as the proxy's 503 is.
#[test]
fn a_proxys_429_to_connect_is_retried() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", proxy_limiting_its_first_tunnel())
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output), simple_accounts(3));
}

/// A proxy's 429 to CONNECT is retried (above), but one that lasted ended "check your network,
/// or raise --timeout / --max-retries": no timeout helps a proxy that limits its tunnels. It
/// says so, and to open fewer at once.
#[test]
fn a_proxys_lasting_429_to_connect_says_to_open_fewer_tunnels() {
    let (_, _fake, output) =
        through_refusing_proxy("HTTP/1.1 429 Too Many Requests", &["--max-retries", "1"]);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("(after 1 retry)")
            && stderr.contains("lower --concurrency")
            && !stderr.contains("--timeout"),
        "{stderr}"
    );
}

#[test]
fn a_proxy_whose_upstream_fails_is_retried_as_a_503_is() {
    let (_, _fake, output) =
        through_refusing_proxy("HTTP/1.1 503 Service Unavailable", &["--max-retries", "2"]);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("no tunnel (proxy server responded 503 Service Unavailable)")
            && stderr.contains("(after 2 retries)"),
        "{stderr}"
    );
}

/// A proxy's lasting 502, 503 or 504 to CONNECT (squid's 503 and
/// mitmproxy's 502 for a port nothing listens on) ended "check your
/// network", the words a refused direct connection gets: the proxy
/// answered, and could not reach the host; both are named.
#[test]
fn a_proxys_lasting_502_to_connect_says_it_could_not_reach_the_host() {
    for status in ["HTTP/1.1 502 Bad Gateway", "HTTP/1.1 504 Gateway Timeout"] {
        let (proxy, fake, output) = through_refusing_proxy(status, &["--max-retries", "1"]);
        let stderr = stderr_of(&output);
        let port = proxy.rsplit(':').next().unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("(after 1 retry)")
                && stderr.contains(&format!(
                    "the proxy 127.0.0.1:{port} from HTTPS_PROXY answered, but could not reach {}",
                    fake.addr()
                ))
                && stderr.contains("token_url")
                && !stderr.contains("check your network"),
            "{stderr}"
        );
    }
}

/// ureq reads 20 header fields of a proxy's answer to CONNECT: squid's 407
/// offering Negotiate, NTLM and Basic, with a site's own fields, has more.
/// It was said only as "the answer has more than 128 header fields", which
/// it does not have, hiding that the proxy answered the CONNECT.
#[test]
fn a_proxys_connect_answer_with_over_20_header_fields_is_named_as_a_cause() {
    let fields = "X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0\r\nProxy-Authenticate: Negotiate\r\nProxy-Authenticate: NTLM\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n";
    let head = format!(
        "HTTP/1.1 407 Proxy Authentication Required\r\n{fields}{}X-Via: proxy1",
        "X-Corp-Policy: default\r\n".repeat(17)
    );
    let (_, _fake, output) = through_refusing_proxy(head.leak(), &[]);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("or the proxy's answer to CONNECT more than 20")
            && stderr.contains("HTTPS_PROXY"),
        "{stderr}"
    );
}

/// squid's `maxconn` ACL refuses (403) a client past its open connections:
/// at the default `--concurrency` a page fetched ahead on a new tunnel was
/// refused and the run ended, though `--concurrency 1` walked it. A proxy
/// that opened a tunnel to the API earlier in the run and refuses one for
/// a page fetched ahead hands the rest to the walk, one page at a time.
#[test]
fn a_proxy_that_refuses_tunnels_past_a_connection_limit_is_walked_one_page_at_a_time() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 120);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let open = Arc::new(AtomicUsize::new(0));
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            if open.fetch_add(1, Ordering::SeqCst) >= 1 {
                read_head(&mut client);
                let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                open.fetch_sub(1, Ordering::SeqCst);
                continue;
            }
            let open = Arc::clone(&open);
            thread::spawn(move || {
                let (connects, upstream) = (Mutex::new(Vec::new()), Arc::default());
                tunnel(client, &connects, upstream, None);
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy)
        .args(["list", "-o", "json", "--per-page", "10"])
        .output()
        .unwrap();
    assert_eq!(json_accounts(&output), simple_accounts(120));
}

#[test]
fn a_proxy_variable_that_is_not_a_url_is_a_config_error() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .env("HTTPS_PROXY", "http://user:hunter2@[broken")
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("HTTPS_PROXY is not a proxy URL"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(fake.connections(), 0);
}

#[test]
fn a_socks_proxy_is_a_config_error_rather_than_a_silent_direct_connection() {
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .env("ALL_PROXY", "socks5://127.0.0.1:9")
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("ALL_PROXY"));
    assert_eq!(fake.connections(), 0);
}

/// The error of a walk against a fake served with `cert`/`key`, trusting `bundle`.
fn refused_handshake(cert: &str, key: &str, bundle: &str) -> String {
    let fake = FakeApi::start_tls(
        FakeConfig {
            accounts: simple_accounts(3),
            ..FakeConfig::default()
        },
        cert,
        key,
    );
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, bundle)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(fake.requests().is_empty());
    stderr_of(&output)
}

/// The binary pointed at `fake`, trusting the PEM `bundle` (written into
/// the sandbox) through TALKDESK_CA_BUNDLE.
fn trusting(sb: &Sandbox, fake: &FakeApi, bundle: &str) -> assert_cmd::Command {
    std::fs::write(sb.path("ca.pem"), bundle).unwrap();
    let mut cmd = sb.tool(fake);
    cmd.env("TALKDESK_CA_BUNDLE", sb.path("ca.pem"));
    cmd
}

/// A leaf certificate for `names` signed by `ca`, with `edit` applied to its parameters.
fn leaf(
    ca: &TestCa,
    names: &[&str],
    edit: impl FnOnce(&mut CertificateParams),
) -> (String, String) {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    edit(&mut params);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

#[test]
fn a_failed_handshake_says_what_to_check_for_its_cause() {
    let ca = TestCa::new("test CA");
    // A certificate for another host.
    let (cert, key) = leaf(&ca, &["other.example"], |_| {});
    let stderr = refused_handshake(&cert, &key, &ca.pem);
    assert!(
        stderr.contains("the certificate is for another host: check the host name of the URL"),
        "{stderr}"
    );
    // One that expired.
    let (cert, key) = leaf(&ca, &["127.0.0.1"], |p| {
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    });
    let stderr = refused_handshake(&cert, &key, &ca.pem);
    assert!(
        stderr.contains("the certificate is outside its dates"),
        "{stderr}"
    );
    // A CA certificate served as the server's own (`openssl req -x509` makes one).
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap().pem();
    let stderr = refused_handshake(&cert, &key.serialize_pem(), &cert);
    assert!(
        stderr.contains("the server presents a CA certificate as its own"),
        "{stderr}"
    );
    assert!(!stderr.contains("proxy re-signs"), "{stderr}");
}

/// A certificate outside its dates is said with its date and this
/// machine's, in words, and what to do for each side of it: rustls says
/// both in seconds since 1970 ("verification time 1796506510 (UNIX), but
/// certificate is not valid after 1609459200 (187047310 seconds ago)").
#[test]
fn a_certificate_outside_its_dates_says_the_dates_in_words() {
    let ca = TestCa::new("test CA");
    let (cert, key) = leaf(&ca, &["127.0.0.1"], |p| {
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    });
    let stderr = refused_handshake(&cert, &key, &ca.pem);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("(UNIX)"), "{stderr}");
    assert!(
        stderr.contains("the certificate expired on 2021-01-01 00:00:00 UTC, "),
        "{stderr}"
    );
    assert!(
        stderr.contains(" days ago by this machine's clock ("),
        "{stderr}"
    );
    assert!(
        stderr.contains("the server needs a new certificate"),
        "{stderr}"
    );
    // Not valid yet, with this machine's clock right: the certificate's fault.
    let (cert, key) = leaf(&ca, &["127.0.0.1"], |p| {
        p.not_before = rcgen::date_time_ymd(2200, 1, 1);
        p.not_after = rcgen::date_time_ymd(2201, 1, 1);
    });
    let stderr = refused_handshake(&cert, &key, &ca.pem);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("(UNIX)"), "{stderr}");
    assert!(
        stderr.contains("the certificate is not valid before 2200-01-01 00:00:00 UTC, "),
        "{stderr}"
    );
    assert!(
        stderr.contains(" days ahead of this machine's clock ("),
        "{stderr}"
    );
    assert!(stderr.contains("check this machine's clock"), "{stderr}");
}

#[test]
fn https_to_a_port_that_speaks_plain_http_says_so() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let https = fake.base_url().replace("http://", "https://");
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .env("TALKDESK_BASE_URL", &https)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("the server does not speak TLS on that port"),
        "{stderr}"
    );
}

/// A server that takes a ClientHello and answers with a fatal TLS alert
/// (`description`), as one does that offers only TLS 1.0/1.1 (70,
/// protocol_version) or only old ciphers (40, handshake_failure), or that
/// wants a client certificate (116, certificate_required).
fn alerting_server(description: u8) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut hello = [0u8; 512];
            let _ = stream.read(&mut hello);
            let _ = stream.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description]);
            let _ = stream.shutdown(Shutdown::Both);
        }
    });
    format!("https://127.0.0.1:{port}")
}

/// The stderr of a `list` against a server ending every handshake with
/// the alert `description`, which failed it (exit 5).
fn alerted_with(description: u8) -> String {
    let url = alerting_server(description);
    let sb = Sandbox::new();
    let output = sb
        .bare()
        .env("TALKDESK_BASE_URL", &url)
        .env("TALKDESK_TOKEN_URL", format!("{url}/oauth/token"))
        .env("TALKDESK_CLIENT_ID", "test-client")
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value")
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    stderr_of(&output)
}

#[test]
fn a_server_with_no_tls_version_or_cipher_in_common_says_so() {
    for description in [70, 40, 116] {
        let stderr = alerted_with(description);
        let why = match description {
            116 => "wants a client certificate",
            _ => "no TLS version or cipher in common",
        };
        assert!(stderr.contains(why), "{description}: {stderr}");
        assert!(!stderr.contains("ca_bundle"), "{stderr}");
    }
}

/// privoxy answers a CONNECT to a host that does not resolve (a mistyped `account_name`) with
/// `404 No such domain`, squid with a 500: the tool told the user to check the credentials in
/// the proxy's URL, which had none, where without a proxy it says to check the name.
#[test]
fn a_proxy_that_cannot_find_the_host_points_at_the_host() {
    for status_line in [
        "HTTP/1.1 404 No such domain",
        "HTTP/1.1 500 Internal Server Error",
    ] {
        let (_, _fake, output) = through_refusing_proxy(status_line, &[]);
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(
                "the proxy could not find or reach the host; check account_name and region"
            ) && !stderr.contains("credentials"),
            "{stderr}"
        );
    }
}

/// A web server at the proxy's URL, no proxy (a Deno 2.9.6 `Deno.serve` app, whose handler gets
/// the CONNECT and answers `404 Not Found` as for any route it lacks), was said to be a proxy
/// that "could not find or reach the host", and only account_name, region and NO_PROXY were
/// named, of a host that was right. The proxy's URL is named too, and why: a web server there
/// answers so as well (the privoxy and squid wording above is kept).
#[test]
fn a_404_to_connect_names_the_proxys_url_as_a_web_server_answers_so() {
    let (_, _fake, output) = through_refusing_proxy("HTTP/1.1 404 Not Found", &[]);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("then the proxy's URL and NO_PROXY")
            && stderr.contains("a web server there, not a proxy, answers CONNECT so too"),
        "{stderr}"
    );
}

/// squid (`http_access deny CONNECT !SSL_ports`) and Apache Traffic Server (`connect_ports`) open
/// tunnels to port 443 alone by default, and refuse others with a 403: a base_url or token_url on
/// another port (a gateway on 8443) was told to check the credentials in the proxy's URL, which
/// had none, and not the port.
#[test]
fn a_proxys_403_for_a_port_other_than_443_names_the_port() {
    let (_, fake, output) = through_refusing_proxy("HTTP/1.1 403 Forbidden", &[]);
    let stderr = stderr_of(&output);
    let port = fake.addr().port();
    assert!(
        stderr.contains(&format!("allow port {port}")) && !stderr.contains("credentials"),
        "{stderr}"
    );
}

/// tinyproxy 1.11.1 answers 403 to a CONNECT for a port its `ConnectPort`
/// lines leave out, and to a client its `Allow` / `Deny` lines keep out:
/// the advice named squid's, Apache Traffic Server's and privoxy's port
/// rules, not tinyproxy's, and no rule on the client's address.
#[test]
fn a_proxys_403_for_a_port_other_than_443_names_tinyproxys_rules_too() {
    let (_, _fake, output) = through_refusing_proxy("HTTP/1.0 403 Forbidden", &[]);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("tinyproxy's ConnectPort")
            && stderr.contains("tinyproxy's Allow and Deny")
            && !stderr.contains("express-accounts:read"),
        "{stderr}"
    );
}

/// privoxy 3.0.34 answers a CONNECT its `block` action refuses with the same 403 as one to a port
/// its `limit-connect` forbids (`403 Request blocked by Privoxy`, the reason only in its HTML
/// page, which the HTTP library does not read): at a port other than 443 the error said
/// "proxies open tunnels to port 443 alone …: have the proxy allow port N", the port alone,
/// where the host was blocked. It names both causes, and the port still.
#[test]
fn a_proxys_403_for_a_port_other_than_443_names_a_blocked_host_too() {
    let (_, fake, output) = through_refusing_proxy("HTTP/1.1 403 Request blocked by Privoxy", &[]);
    let stderr = stderr_of(&output);
    let port = fake.addr().port();
    for said in [
        &format!("allow port {port}")[..],
        "privoxy's limit-connect",
        "one that blocks the host (privoxy's block action",
        "or the host if it blocks it",
    ] {
        assert!(stderr.contains(said), "{said}: {stderr}");
    }
    assert!(!stderr.contains("credentials"), "{stderr}");
}

/// e2guardian 5.3.5 answers a CONNECT to a host of its `bannedsitelist` with a redirect to its
/// block page (these bytes), as squid 5.7 does with squidGuard's `redirect 302:…`: the error said
/// "check the proxy, the credentials in its URL (http://user:password@host:port) or NO_PROXY",
/// of a proxy that asks for none. It names the web filter's block and the host to have allowed.
#[test]
fn a_proxys_redirect_for_connect_names_a_web_filters_block_not_the_credentials() {
    let (_, _fake, output) = through_refusing_proxy(
        "HTTP/1.1 302 Redirect\r\nLocation: http://internal.test.e2guardian.org\r\nServer: e2guardian\r\nConnection: close",
        &[],
    );
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("(proxy server responded 302 Found)")
            && stderr.contains("a web filter")
            && stderr.contains("allow 127.0.0.1")
            && !stderr.contains("credentials"),
        "{stderr}"
    );
}

/// Not every redirect for CONNECT is a web filter's block: squid's `deny_info 302:…` sends a
/// captive portal's guests to its sign-in page, and a web server at the proxy's URL redirects every
/// request to https (`308`). Each said "a web filter (e2guardian, squidGuard) sends a host it blocks
/// to its block page so: have whoever runs the proxy allow 127.0.0.1, else check NO_PROXY" alone.
/// It names the portal's sign-in and the proxy's URL too.
#[test]
fn a_proxys_redirect_for_connect_names_a_captive_portal_and_the_proxys_url_too() {
    for head in [
        "HTTP/1.1 302 Found\r\nLocation: http://portal.example.net/login?url=https://127.0.0.1/\r\nConnection: close",
        "HTTP/1.1 308 Permanent Redirect\r\nLocation: https://127.0.0.1:443/\r\nConnection: close",
    ] {
        let (_, _fake, output) = through_refusing_proxy(head, &[]);
        let stderr = stderr_of(&output);
        for part in [
            "a web filter",
            "a captive portal to its sign-in page",
            "check the proxy's URL",
        ] {
            assert!(stderr.contains(part), "{part}: {stderr}");
        }
    }
}

/// Caddy (and any Go server whose certificate lookup fails) answers a
/// ClientHello for a name or an address it has no certificate for with
/// `internal_error` (80): `https://127.0.0.1:PORT` to a Caddy site for
/// `localhost` was told to add the root to `ca_bundle`, the bundle that
/// already held Caddy's root (found against Caddy 2.6 with `tls internal`).
#[test]
fn a_server_without_a_certificate_for_the_name_asked_is_not_blamed_on_the_bundle() {
    let stderr = alerted_with(80);
    assert!(
        stderr.contains("no certificate for the host name"),
        "{stderr}"
    );
    assert!(!stderr.contains("ca_bundle"), "{stderr}");
}

/// A proxy that is not running (tinyproxy stopped, or a wrong port in HTTPS_PROXY) refuses
/// the connection: the error said "connection error: Connection refused (os error 111)
/// (through the proxy …); check your network, or raise --timeout / --max-retries", where
/// neither helps (found with tinyproxy stopped). It says to check the proxy.
#[test]
fn a_proxy_that_refuses_the_connection_says_to_check_the_proxy_not_the_timeout() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))
        .args(["list", "--max-retries", "0"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(&format!("the proxy 127.0.0.1:{port} from HTTPS_PROXY")),
        "{stderr}"
    );
    assert!(
        stderr.contains("check that the proxy is running there"),
        "{stderr}"
    );
    assert!(!stderr.contains("raise --timeout"), "{stderr}");
}

/// A TLS 1.3 gateway that wants a client certificate (stunnel `requireCert`, OpenSSL's servers)
/// alerts `certificate_required` after the handshake, and closes: in about half the runs the
/// request's write met the closed connection before the alert was read, and the error said
/// "one that wants https://, HTTP/2 or the PROXY protocol there does: check token_url, its scheme
/// and port", of an https URL, with no word of the certificate (found with stunnel4 5.68). A
/// TLS server that closes unanswered after the handshake names the client certificate. stunnel
/// closes so too when its backend cannot be reached (stopped, restarting): the error did not
/// name a backend down behind a gateway, nor say to try again later.
#[test]
fn a_tls_server_closing_after_the_handshake_names_a_client_certificate() {
    let stderr = token_over_tls_fails(FaultKind::Drop);
    assert!(stderr.contains("without answering"), "{stderr}");
    assert!(stderr.contains("client certificate"), "{stderr}");
    assert!(!stderr.contains("wants https://"), "{stderr}");
    assert!(stderr.contains("whose backend is down"), "{stderr}");
    assert!(stderr.contains("try again later"), "{stderr}");
}

/// An HTML 403 through a proxy still says to check the proxy variables (with none set, it names a
/// web filter or a firewall before the API instead).
#[test]
fn an_html_403_through_a_proxy_names_the_proxy_variables() {
    let ca = TestCa::new("test CA");
    let (cert, key) = ca.server_cert();
    let page = "<html><head><title>Access Denied</title></head></html>";
    let faults = Faults::always(
        RequestMatch::AnyPage,
        FaultKind::StatusWithBody(403, page.into()),
    );
    let config = FakeConfig {
        faults,
        ..FakeConfig::default()
    };
    let fake = FakeApi::start_tls(config, &cert, &key);
    let proxy = ConnectProxy::start();
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", &proxy.url)
        .args(["list"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("check HTTPS_PROXY and NO_PROXY"),
        "{stderr}"
    );
    assert!(!proxy.connects().is_empty(), "{stderr}");
}

/// tinyproxy 1.11.1 and privoxy 3.0.34, given as `HTTPS_PROXY=https://…`, take the TLS hello as
/// the start of a request line and wait for its end, answering nothing: each try timed out
/// ("timed out after 30 s connecting (through the proxy …); check your network, or raise
/// --timeout / --max-retries"), five tries by default, where the fix is the scheme. A silent
/// `https://` proxy names it.
#[test]
fn a_plain_proxy_given_as_https_that_never_answers_the_hello_names_the_scheme() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            // Reads the hello and waits for a line end that never comes.
            thread::spawn(move || while client.read(&mut [0u8; 4096]).unwrap_or(0) > 0 {});
        }
    });
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("HTTPS_PROXY", format!("https://127.0.0.1:{port}"))
        .args(["list", "--max-retries", "0", "--timeout", "1"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("timed out after 1 s connecting")
            && stderr.contains("a plain proxy is written http:// in HTTPS_PROXY"),
        "{stderr}"
    );
    assert!(fake.requests().is_empty());
}

/// gnutls-serv 3.7.9 with `--require-client-cert` over TLS 1.2 ends the handshake of a client
/// that sends no certificate with `decode_error` (50): the error said to add a root to the
/// ca_bundle in use, whose root had verified the server. An alert the server sends is never about
/// the trust of its certificate here.
#[test]
fn an_alert_from_the_server_is_not_blamed_on_the_bundle() {
    let stderr = alerted_with(50);
    assert!(
        stderr.contains("wants a client certificate") && stderr.contains("GnuTLS"),
        "{stderr}"
    );
    assert!(!stderr.contains("ca_bundle"), "{stderr}");
    // access_denied (49): the server refused; its log says why.
    let stderr = alerted_with(49);
    assert!(
        stderr.contains("the server ended the handshake"),
        "{stderr}"
    );
    assert!(!stderr.contains("ca_bundle"), "{stderr}");
}

/// A server that sends its certificate without the intermediate that signed it (nginx with
/// `ssl_certificate` naming the leaf alone, a common mistake browsers hide by fetching the
/// intermediate) was told to add the root to ca_bundle, the bundle that held that root (found
/// with nginx 1.22.1, gnutls-serv 3.7.9 and an `openssl s_server`-style setup); with the system
/// store, to set ca_bundle. It now says the server does not send its chain, when the
/// certificate names where its issuer can be fetched, as public CAs' do (browsers fetch it
/// there). A self-signed certificate, sent alone too, is not taken for one, nor one that a
/// private CA signed (`a_bundle_of_another_ca_is_refused_naming_the_bundle_in_use`).
#[test]
fn a_server_that_sends_no_intermediate_is_told_to_send_its_chain() {
    let ca = TestCa::new("test CA");
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params
        .distinguished_name
        .push(DnType::CommonName, "intermediate");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let key = KeyPair::generate().unwrap();
    let pem = params.signed_by(&key, &ca.issuer).unwrap().pem();
    let intermediate = TestCa {
        pem,
        issuer: Issuer::new(params, key),
    };
    // Authority Information Access: the intermediate at http://ca.test/i.crt, as a public CA's
    // certificates name theirs.
    let uri = b"http://ca.test/i.crt";
    let mut access = vec![0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    access.extend([0x86, uri.len() as u8].iter().chain(uri));
    let mut description = vec![0x30, access.len() as u8];
    description.extend(access);
    let mut content = vec![0x30, description.len() as u8];
    content.extend(description);
    let aia = rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], content);
    let (cert, key) = leaf(&intermediate, &["127.0.0.1", "localhost"], |params| {
        params.custom_extensions.push(aia)
    });
    let stderr = refused_handshake(&cert, &key, &ca.pem);
    assert!(
        stderr.contains("UnknownIssuer")
            && stderr.contains("the server sends its certificate alone, without the intermediate certificate that signed it")
            && stderr.contains("or add the intermediate to TALKDESK_CA_BUNDLE"),
        "{stderr}"
    );
    // Self-signed, not a CA, and not trusted: no chain is missing.
    let mut params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate().unwrap();
    let own = params.self_signed(&key).unwrap().pem();
    let stderr = refused_handshake(&own, &key.serialize_pem(), &ca.pem);
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(!stderr.contains("sends its certificate alone"), "{stderr}");
}

/// A proxy that carried the token and page 1 and then stopped (killed, restarting) refuses every
/// later connection: behind a Go 1.19 CONNECT proxy killed after page 2 of a walk, the error said
/// "nothing accepts connections at the proxy's address … check that the proxy is running there, and
/// the host and port of its URL", though its URL had carried the run's first requests. It says now
/// that the server answered through the proxy earlier and that the proxy no longer takes
/// connections, as for a server that stopped.
#[test]
fn a_proxy_that_stopped_mid_walk_is_not_blamed_on_its_url() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(6),
        page_cap: 2,
        faults: Faults::always(RequestMatch::Page(2), FaultKind::Drop),
        ..FakeConfig::default()
    });
    // One tunnel, which carries the token and page 1; then the port is closed.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let tunnels = thread::spawn(move || {
        let (client, _) = listener.accept().unwrap();
        drop(listener);
        let (connects, upstream) = (Mutex::new(Vec::new()), Arc::new(Mutex::new(Vec::new())));
        tunnel(client, &connects, upstream, None);
    });
    let sb = Sandbox::new();
    let out = (sb.tool(&fake).env("HTTP_PROXY", &proxy))
        .env("TALKDESK_BACKOFF_SCALE", "0")
        .args(["list", "--concurrency", "1", "--max-retries", "1"])
        .output()
        .unwrap();
    drop(fake);
    let _ = tunnels.join();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    for part in [
        "Connection refused",
        "earlier in this run",
        "no longer takes connections",
        "try again later",
    ] {
        assert!(err.contains(part), "`{part}` missing from: {err}");
    }
    assert!(!err.contains("host and port of its URL"), "{err}");
}

/// A TLS server whose answers send their head in a record of its own,
/// then the body's one record a byte every 20 ms (Python 3's `http.server`
/// over a 2 KB/s link does so): its `https://127.0.0.1:PORT`.
fn trickled_record_server(ca: &TestCa) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let (cert, key) = ca.server_cert();
    let chain = vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let tls = Arc::new(tls);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let tls = tls.clone();
            // Ends when the client hangs up (a write fails).
            thread::spawn(move || serve_a_trickled_record(tls, tcp));
        }
    });
    url
}

fn serve_a_trickled_record(
    tls: Arc<rustls::ServerConfig>,
    mut tcp: TcpStream,
) -> std::io::Result<()> {
    let mut conn = rustls::ServerConnection::new(tls).map_err(std::io::Error::other)?;
    let mut request = Vec::new();
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        conn.complete_io(&mut tcp)?;
        let mut buf = [0; 4096];
        match conn.reader().read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => request.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    let body = [b' '; 1000];
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    conn.writer().write_all(head.as_bytes())?;
    while conn.wants_write() {
        conn.write_tls(&mut tcp)?;
    }
    conn.writer().write_all(&body)?;
    let mut record = Vec::new();
    while conn.wants_write() {
        conn.write_tls(&mut record)?;
    }
    for byte in record {
        tcp.write_all(&[byte])?;
        thread::sleep(std::time::Duration::from_millis(20));
    }
    Ok(())
}

/// Over TLS a body comes in records, and no byte of one is read until
/// all of it is in: a body sent as one record over a slow link (Python's
/// `http.server` over 2 KB/s under tc) showed none when `--timeout` ran
/// out, and was said to have "stopped after 0 of 12713 bytes", a stall,
/// where the same link over plain http says it was still arriving.
#[test]
fn a_body_in_a_tls_record_still_on_its_way_is_not_only_said_to_have_stopped() {
    let ca = TestCa::new("test CA");
    let url = trickled_record_server(&ca);
    let token = FakeApi::start(FakeConfig::default());
    let sb = Sandbox::new();
    std::fs::write(sb.path("ca.pem"), &ca.pem).unwrap();
    let output = sb
        .tool(&token)
        .env("TALKDESK_BASE_URL", &url)
        .env("TALKDESK_CA_BUNDLE", sb.path("ca.pem"))
        .args(["list", "-o", "json", "--timeout", "1", "--max-retries", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    let said = "the HTTP 200 answer's body stopped after 0 of 1000 bytes: timed out after 1 s, unless a TLS record of it was on its way on a slow link";
    assert!(stderr.contains(said), "{stderr}");
    assert!(stderr.contains("raise --timeout"), "{stderr}");
    assert!(output.stdout.is_empty());
}

/// `list --max-retries 0` against a TLS fake (trusted) whose token request gets `fault`: it
/// fails with exit 5, and this is its stderr.
fn token_over_tls_fails(fault: FaultKind) -> String {
    over_tls_fails(RequestMatch::Token, fault)
}

/// The error of a `list` over TLS whose requests `matching` meet `fault`.
fn over_tls_fails(matching: RequestMatch, fault: FaultKind) -> String {
    let ca = TestCa::new("test CA");
    let (cert, key) = ca.server_cert();
    let config = FakeConfig {
        faults: Faults::always(matching, fault),
        ..FakeConfig::default()
    };
    let fake = FakeApi::start_tls(config, &cert, &key);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .args(["list", "--max-retries", "0"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    stderr
}

/// An HTTP/2-only server over TLS (granian 2.8 `--http 2` with `--ssl-certificate`, which
/// answers HTTP/1.1 with an HTTP/2 SETTINGS frame) was said to speak "another protocol
/// (HTTP/2 only, TLS, which wants https://, or no HTTP at all)", of an https:// URL: TLS is what
/// the tool already spoke there. Over https:// the error names HTTP/2 and no https://.
#[test]
fn an_http2_only_server_over_tls_is_not_said_to_want_https() {
    const H2: &[u8] =
        b"\0\0\x06\x04\0\0\0\0\0\0\x03\0\0\0\x64\0\0\x08\x07\0\0\0\0\0\0\0\0\0\0\0\x01";
    let stderr = token_over_tls_fails(FaultKind::RawResponse(H2));
    assert!(stderr.contains("no HTTP/1"), "{stderr}");
    assert!(stderr.contains("HTTP/2 only"), "{stderr}");
    assert!(stderr.contains("check token_url"), "{stderr}");
    assert!(!stderr.contains("https://,"), "{stderr}");
    assert!(!stderr.contains("wants https"), "{stderr}");
}

/// hitch 1.7 (`--write-proxy-v1` or `-v2`), as haproxy's `send-proxy` or a load balancer with the
/// PROXY protocol on, puts a PROXY header before each request it passes on; nginx 1.22 not told to
/// read one (`listen … proxy_protocol`) answers its page `400 Bad Request`. Over `https://`, where
/// the handshake with the URL's host and port succeeded, the error said "no OAuth answer; check
/// token_url (its scheme and port)" (a page: "not the API's answer; check base_url (its scheme and
/// port)"), of a URL whose scheme and port were right. It now says that the request went over TLS,
/// so a gateway in front may pass it on in a form the server does not read; else, the URL's host
/// name (IIS's "Invalid Hostname" and Django's DisallowedHost are such 400 pages too).
#[test]
fn a_web_servers_400_over_tls_blames_no_scheme_or_port() {
    const NGINX_400: &str = "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
    for (matching, setting) in [
        (RequestMatch::Token, "else check token_url (its host name)"),
        (RequestMatch::AnyPage, "else check base_url (its host name)"),
    ] {
        let fault = FaultKind::StatusWithBody(400, NGINX_400.into());
        let stderr = over_tls_fails(matching, fault);
        assert!(stderr.contains("HTTP 400: 400 Bad Request"), "{stderr}");
        assert!(stderr.contains("PROXY protocol"), "{stderr}");
        assert!(stderr.contains(setting), "{stderr}");
        assert!(!stderr.contains("scheme and port"), "{stderr}");
    }
}

/// Node 20's http server answers a request it cannot read (here one behind nginx 1.22's stream
/// `proxy_protocol on`, which put a PROXY header before it) with a bare `400 Bad Request` and no
/// body. Over `https://` (a TLS terminator in front) the page's error was `HTTP 400 Bad Request`
/// and nothing more, the token request's "no OAuth answer; check token_url (its scheme and
/// port)", of a URL whose scheme and port had answered the handshake. It now names a gateway in
/// front that passes requests on in a form the server does not read, as a web server's page does.
#[test]
fn nodes_bare_400_over_tls_names_a_gateway_in_front() {
    const NODE_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
    for (matching, setting) in [
        (RequestMatch::Token, "else check token_url (its host name)"),
        (RequestMatch::AnyPage, "else check base_url (its host name)"),
    ] {
        let stderr = over_tls_fails(matching, FaultKind::RawResponse(NODE_400));
        assert!(stderr.contains("HTTP 400 Bad Request"), "{stderr}");
        assert!(stderr.contains("PROXY protocol"), "{stderr}");
        assert!(stderr.contains(setting), "{stderr}");
        assert!(!stderr.contains("scheme and port"), "{stderr}");
        assert!(!stderr.contains("web server's page"), "{stderr}");
    }
    // A body of its own, if only its reason (express's `sendStatus(400)`), is the
    // server's answer to a request it read: no gateway is named.
    let fault = FaultKind::StatusWithBody(400, "Bad Request".into());
    let stderr = over_tls_fails(RequestMatch::AnyPage, fault);
    assert!(!stderr.contains("PROXY protocol"), "{stderr}");
}

/// Warp (3.3.21) answers a request it cannot read (one behind haproxy 2.6's `send-proxy`, which
/// put a PROXY header before it) with [`WARP_400`]: `HTTP/1.0`, the plain text `Bad Request`
/// alone. Over `https://` the token request said "HTTP 400: Bad Request; no OAuth answer; check
/// token_url (its scheme and port)", of a URL whose scheme and port had answered the handshake.
/// An answer in HTTP/1.0 to an HTTP/1.1 request is one to a request whose version was not read:
/// it now names a gateway in front, as Node's bare 400 does; express's `Bad Request` in HTTP/1.1
/// still does not (found with Warp 3.3.21 behind haproxy 2.6.12, `ssl crt` and `send-proxy`).
#[test]
fn warps_http10_400_over_tls_names_a_gateway_in_front() {
    for (matching, setting) in [
        (RequestMatch::Token, "else check token_url (its host name)"),
        (RequestMatch::AnyPage, "else check base_url (its host name)"),
    ] {
        let stderr = over_tls_fails(matching, FaultKind::RawResponse(WARP_400));
        assert!(stderr.contains("HTTP 400: Bad Request"), "{stderr}");
        assert!(stderr.contains("PROXY protocol"), "{stderr}");
        assert!(stderr.contains(setting), "{stderr}");
        assert!(!stderr.contains("scheme and port"), "{stderr}");
    }
}

/// Python's http.server and wsgiref (a Bottle app under its default server) answer every request in
/// HTTP/1.0, read or not: an application's own `Bad Request` alone there, over TLS (its socket
/// wrapped in `ssl`), said since 33e9c7fa "a web server's page for a request it could not read …
/// a gateway in front of it … (the PROXY protocol …)", of a request the application had read. It
/// names no gateway; Warp's [`WARP_400`] still does.
#[test]
fn pythons_http10_bad_request_over_tls_names_no_gateway() {
    const WSGIREF: &[u8] = b"HTTP/1.0 400 Bad Request\r\nDate: Mon, 07 Dec 2026 23:50:02 GMT\r\nServer: WSGIServer/0.2 CPython/3.11.2\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nBad Request";
    let stderr = over_tls_fails(RequestMatch::AnyPage, FaultKind::RawResponse(WSGIREF));
    assert!(stderr.contains("HTTP 400: Bad Request"), "{stderr}");
    assert!(!stderr.contains("PROXY protocol"), "{stderr}");
}

/// A bare 400 for page 2 over TLS, after the token and page 1 were answered at the same host: the
/// run said a gateway in front may pass requests on in a form the server does not read (the PROXY
/// protocol), else check base_url (its host name), of a base_url that had just answered page 1
/// through whatever is in front. It says, as over http://, that base_url answered the first page.
#[test]
fn a_bare_400_for_a_later_page_over_tls_names_no_unreadable_request() {
    let ca = TestCa::new("test CA");
    let (cert, key) = ca.server_cert();
    const NODE_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
    let config = FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults::always(RequestMatch::Page(2), FaultKind::RawResponse(NODE_400)),
        ..FakeConfig::default()
    };
    let fake = FakeApi::start_tls(config, &cert, &key);
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .args(["list", "--max-retries", "0", "--per-page", "1"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("page=2"), "{stderr}");
    assert!(stderr.contains("HTTP 400 Bad Request"), "{stderr}");
    assert!(
        stderr.contains("base_url answered the first page"),
        "{stderr}"
    );
    assert!(!stderr.contains("PROXY protocol"), "{stderr}");
}

/// yaws answers any request it cannot read with the same page as one whose Host it serves no
/// virtual host for, `<html><h1>400 Bad Request</h1></html>`: over `https://` it said "yaws answers
/// so a request whose Host names none of its virtual hosts: check base_url, its host name", and not
/// that a gateway in front may pass requests on in a form it does not read, as any other web
/// server's page over TLS says (with the host name to check else).
#[test]
fn yaws_400_over_tls_names_a_gateway_in_front_too() {
    let fault = FaultKind::StatusWithBody(400, "<html><h1>400 Bad Request</h1></html>".into());
    let stderr = over_tls_fails(RequestMatch::AnyPage, fault);
    assert!(stderr.contains("PROXY protocol"), "{stderr}");
    assert!(
        stderr.contains("else check base_url (its host name)"),
        "{stderr}"
    );
}

/// A TLS server that ends every handshake with the fatal alert `unrecognized_name`, as hitch 1.7
/// with `--sni-nomatch-abort=on`, nginx's `ssl_reject_handshake on` and haproxy's `strict-sni` do
/// to a name they have no certificate for: its port.
fn refusing_every_name() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let mut hello = [0u8; 4096];
            let _ = client.read(&mut hello);
            // A TLS alert record: fatal (2), unrecognized_name (112).
            let _ = client.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70]);
            let _ = client.shutdown(Shutdown::Both);
        }
    });
    port
}

/// hitch 1.7 with `--sni-nomatch-abort=on` and a certificate for another name, asked for
/// `https://localhost:…`, ends the handshake with `unrecognized_name`: the error said "the server
/// has no site for the host name asked for: use the host name its certificate is for, not an
/// address", of a URL with a host name and no address. A host name is now named, with no word of an
/// address; an address keeps it (no name is sent for one).
#[test]
fn a_server_with_no_site_for_a_host_name_is_not_said_to_be_asked_an_address() {
    for (address, stderr) in by_name_and_by_address(refusing_every_name()) {
        assert!(stderr.contains("UnrecognisedName"), "{stderr}");
        assert!(stderr.contains("no site for the host name"), "{stderr}");
        assert_eq!(stderr.contains("not an address"), address, "{stderr}");
        assert_eq!(stderr.contains("host name localhost"), !address, "{stderr}");
    }
}

/// An `https://` proxy that ends its own handshake with `unrecognized_name` (here one at an
/// address, to which no name is sent): the hint named the API's host, `localhost`, as the one
/// the server had no site for, of a handshake with the proxy. The URL's host is named only when
/// the handshake was with it.
#[test]
fn an_https_proxy_with_no_site_for_its_name_is_not_said_to_lack_the_api_host() {
    let port = refusing_every_name();
    let ca = TestCa::new("test CA");
    let fake = https_fake(&ca, 3);
    let api = fake.base_url().replace("127.0.0.1", "localhost");
    let sb = Sandbox::new();
    let output = trusting(&sb, &fake, &ca.pem)
        .env("TALKDESK_BASE_URL", &api)
        .env("TALKDESK_TOKEN_URL", format!("{api}/oauth/token"))
        .env("HTTPS_PROXY", format!("https://127.0.0.1:{port}"))
        .args(["list", "--max-retries", "0"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("UnrecognisedName"), "{stderr}");
    assert!(stderr.contains("no site for the host name"), "{stderr}");
    assert!(!stderr.contains("host name localhost"), "{stderr}");
    assert!(fake.requests().is_empty());
}

/// sniproxy 0.6.0 routes a TLS connection by the host name of its ClientHello (SNI), and ends
/// one it has no route for with the fatal alert `handshake_failure`: a name missing from its
/// table, or no name at all, as for a URL with an address (`https://127.0.0.1:9400`). The error
/// said "the server has no TLS version or cipher in common with this tool …: the server, or a
/// proxy before it, needs a newer TLS setup", of a gateway whose TLS setup was fine. It now names
/// the host name asked for too: for an address, that none is sent, and to use the host name; for
/// a name, that the server may have no site for it.
#[test]
fn a_handshake_failure_names_a_gateway_that_routes_by_the_host_name() {
    let url = alerting_server(40);
    let port = url.rsplit(':').next().unwrap().parse().unwrap();
    for (address, stderr) in by_name_and_by_address(port) {
        assert!(stderr.contains("HandshakeFailure"), "{stderr}");
        assert!(
            stderr.contains("no TLS version or cipher in common"),
            "{stderr}"
        );
        assert!(stderr.contains("(SNI), as sniproxy does"), "{stderr}");
        let named = "no site for the host name localhost: check the host name of the URL";
        assert_eq!(stderr.contains(named), !address, "{stderr}");
        let unnamed = "none is sent for an address: use the host name";
        assert_eq!(stderr.contains(unnamed), address, "{stderr}");
    }
}

/// The stderr of a run (exit 5) against `https://localhost:{port}`, then against
/// `https://127.0.0.1:{port}`, each with whether its URL's host was an address.
fn by_name_and_by_address(port: u16) -> Vec<(bool, String)> {
    let fake = FakeApi::start(FakeConfig::default());
    let sb = Sandbox::new();
    let run_at = |host: &str| {
        let url = format!("https://{host}:{port}");
        let output = (sb.tool(&fake))
            .env("TALKDESK_BASE_URL", &url)
            .env("TALKDESK_TOKEN_URL", format!("{url}/oauth/token"))
            .args(["list", "--max-retries", "0"])
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        (host == "127.0.0.1", stderr)
    };
    vec![run_at("localhost"), run_at("127.0.0.1")]
}

/// The port of a server that reads each connection's first bytes (the ClientHello) and closes it,
/// with no alert.
fn closing_after_the_hello() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let mut hello = [0u8; 4096];
            let _ = client.read(&mut hello);
            let _ = client.shutdown(Shutdown::Both);
        }
    });
    port
}

/// nginx 1.22's stream module with `ssl_preread on` picks the backend by the host name of the
/// ClientHello (`map $ssl_preread_server_name …`); a connection with none, as to a URL with an
/// address, gets its default route or none (`no host in upstream ""`), and with no backend
/// there nginx reads the hello and closes, with no alert. Asked `https://127.0.0.1:…` the error
/// said "the server closed the connection without answering (one that wants a client
/// certificate, …, HTTP/2 or the PROXY protocol there does, as does a gateway such as stunnel
/// whose backend is down): check token_url, its scheme and port", with no word of the host name
/// an address does not send. For an address it now names such a gateway, and the host name.
#[test]
fn a_close_in_the_handshake_of_an_address_names_a_gateway_routing_by_host_name() {
    for (address, stderr) in by_name_and_by_address(closing_after_the_hello()) {
        assert!(
            stderr.contains("closed the connection without answering"),
            "{stderr}"
        );
        let sni = "by the host name (SNI, as nginx's ssl_preread), which is not sent for an address: use the host name";
        assert_eq!(stderr.contains(sni), address, "{stderr}");
    }
}

/// libsoup 3.2's SoupServer over GLib's TLS (glib-networking's GnuTLS) set to TLS 1.0 and 1.1
/// alone, or to TLS 1.2 with CBC ciphers alone (`G_TLS_GNUTLS_PRIORITY`), reads the ClientHello,
/// finds no version or cipher in common with this tool's, and closes with no alert. The error
/// said "connection error: unexpected end of file; the server closed the connection without
/// answering (one that wants a client certificate, …, HTTP/2 or the PROXY protocol there does, as
/// does a gateway such as stunnel whose backend is down …)", with no word of the TLS setup, which
/// a `protocol_version` or `handshake_failure` alert names. A close in the handshake names it too.
#[test]
fn a_close_in_the_handshake_names_a_tls_setup_in_common() {
    for (_, stderr) in by_name_and_by_address(closing_after_the_hello()) {
        for said in [
            "unexpected end of file",
            "closed the connection without answering",
            "no TLS version or cipher in common with this tool (TLS 1.2 or 1.3, modern ciphers)",
        ] {
            assert!(stderr.contains(said), "{said} missing from: {stderr}");
        }
    }
    // A close after the handshake is none of that (stunnel with its backend down).
    let stderr = token_over_tls_fails(FaultKind::Drop);
    assert!(!stderr.contains("no TLS version"), "{stderr}");
}

/// A TCP load balancer (pen 0.34 round-robin, haproxy in tcp mode) at a port of its own, in front
/// of `good` and `other`: its first connection goes to `good`, every later one to `other`.
fn balancing(good: &FakeApi, other: &FakeApi) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let backends = [good.addr(), other.addr()];
    thread::spawn(move || {
        for (n, client) in listener.incoming().flatten().enumerate() {
            let backend = backends[n.min(1)];
            thread::spawn(move || {
                let Ok(server) = TcpStream::connect(backend) else {
                    return;
                };
                let (mut client_in, mut server_out) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let up = thread::spawn(move || {
                    let _ = std::io::copy(&mut client_in, &mut server_out);
                    let _ = server_out.shutdown(Shutdown::Write);
                });
                let (mut server, mut client) = (server, client);
                let _ = std::io::copy(&mut server, &mut client);
                let _ = client.shutdown(Shutdown::Both);
                let _ = up.join();
            });
        }
    });
    port
}

/// The fake's config behind [`balancing`]: each connection takes one request, so that each page
/// after the first comes on a new one, and the links are relative, to the balancer.
fn balanced() -> FakeConfig {
    FakeConfig {
        accounts: simple_accounts(150),
        page_cap: 50,
        links: LinkStyle::Relative,
        one_request_per_connection: true,
        ..FakeConfig::default()
    }
}

/// The stderr of a `list` through [`balancing`] over `good`, trusting `ca`, which failed (exit 5)
/// after page 1 came from `good`.
fn balanced_list_fails(ca: &TestCa, good: &FakeApi, other: &FakeApi) -> String {
    let port = balancing(good, other);
    let sb = Sandbox::new();
    let output = trusting(&sb, good, &ca.pem)
        .env("TALKDESK_BASE_URL", format!("https://127.0.0.1:{port}"))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert_eq!(good.requests_for_page(1), 1, "{stderr}");
    stderr
}

/// pen 0.34 (round-robin) in front of two servers whose certificates differ: one signed by the
/// CA the tool trusts, the other by another (a backend renewed by another CA, or left with its
/// default certificate). Page 1 came over a trusted handshake, a page on the next connection got
/// the other certificate, and the run ended "… UnknownIssuer; the server's certificate is not
/// signed by any certificate in TALKDESK_CA_BUNDLE …: add to it the root certificate that signed
/// the server's", of a host whose certificate the run had just trusted. It now says so first:
/// another server behind the same address fails the handshake.
#[test]
fn a_certificate_not_trusted_after_a_trusted_one_names_another_server_behind_the_address() {
    let (ca, other) = (TestCa::new("test CA"), TestCa::new("another CA"));
    let start = |ca: &TestCa| {
        let (cert, key) = ca.server_cert();
        FakeApi::start_tls(balanced(), &cert, &key)
    };
    let stderr = balanced_list_fails(&ca, &start(&ca), &start(&other));
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(stderr.contains(TRUSTED_EARLIER), "{stderr}");
    // The advice of before still follows it.
    let bundle = "; else the server's certificate is not signed by any certificate in";
    assert!(stderr.contains(bundle), "{stderr}");
}

/// The same with the other certificate signed by the trusted CA but expired: what a client sees
/// too of one server whose certificate expired (or was renewed wrong) after page 1, which it
/// cannot tell from another server behind the address. The note named another server alone, a
/// TCP load balancer's backend; it now names the server itself since, and a DNS round robin.
#[test]
fn a_certificate_that_expired_after_a_trusted_one_names_the_server_itself_too() {
    let ca = TestCa::new("test CA");
    let (cert, key) = ca.server_cert();
    let good = FakeApi::start_tls(balanced(), &cert, &key);
    let (cert, key) = leaf(&ca, &["127.0.0.1"], |p| {
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    });
    let stderr = balanced_list_fails(&ca, &good, &FakeApi::start_tls(balanced(), &cert, &key));
    assert!(stderr.contains("the certificate expired on"), "{stderr}");
    assert!(stderr.contains(TRUSTED_EARLIER), "{stderr}");
    let itself = "or the server itself does since (a certificate renewed or expired mid-run)";
    assert!(stderr.contains(itself), "{stderr}");
    assert!(
        stderr.contains("(a TCP load balancer's backend, a DNS round robin)"),
        "{stderr}"
    );
}

/// The same with the other server speaking plain HTTP (a backend set up without TLS): the run
/// ended "received corrupt message of type InvalidContentType; the server does not speak TLS on
/// that port: check the URL's scheme (https://) and port", of a URL whose scheme and port had
/// just carried page 1 over TLS.
#[test]
fn a_plain_http_answer_after_a_tls_one_names_another_server_behind_the_address() {
    let ca = TestCa::new("test CA");
    let (cert, key) = ca.server_cert();
    let good = FakeApi::start_tls(balanced(), &cert, &key);
    let stderr = balanced_list_fails(&ca, &good, &FakeApi::start(balanced()));
    assert!(stderr.contains("InvalidContentType"), "{stderr}");
    assert!(stderr.contains(TRUSTED_EARLIER), "{stderr}");
    let scheme = "; else the server does not speak TLS on that port: check the URL's scheme";
    assert!(stderr.contains(scheme), "{stderr}");
}

/// What a failed handshake with a host whose handshake succeeded earlier says first.
const TRUSTED_EARLIER: &str = "this host's handshake succeeded earlier in this run, its certificate trusted: another server behind its name or address (a TCP load balancer's backend, a DNS round robin) fails it now";

/// A TLS record changed on the way: a byte of a page flipped that TCP's checksum let through (a
/// faulty router or NIC; found with nftables rewriting a byte of the API's packets between two
/// network namespaces). rustls's "cannot decrypt peer's message" was final on the first try, with
/// the hint to add the root certificate to TALKDESK_CA_BUNDLE, whose certificate the walk had
/// trusted: a nightly run failed on one bad packet. It is retried, on a new connection.
#[test]
fn a_tls_record_corrupted_on_the_way_is_retried_without_a_certificate_hint() {
    let (stderr, fake) = corrupted_walk(false, flips_byte_3000);
    assert!(stderr.contains("cannot decrypt peer's message"), "{stderr}");
    assert!(!stderr.contains("root certificate"), "{stderr}");
    assert_eq!(fake.requests_for_page(1), 2, "{stderr}");
}

/// A change that flips byte 3000 of a stream.
fn flips_byte_3000() -> Flip {
    let mut sent = 0;
    Box::new(move |buf: &mut [u8]| {
        if (sent..sent + buf.len()).contains(&3000) {
            buf[3000 - sent] ^= 0x20;
        }
        sent += buf.len();
    })
}

/// The same on the way to the server: it cannot decrypt the request and ends the connection with
/// the alert bad_record_mac (found so in the same namespaces). The run ended at once, "received
/// fatal alert: BadRecordMac; this host's handshake succeeded earlier in this run, its certificate
/// trusted: another server behind its name or address … fails it now". It is retried.
#[test]
fn a_request_corrupted_on_the_way_is_retried_not_blamed_on_another_server() {
    // The first byte of the request: the second encrypted record (type 23, after the client's
    // Finished) the client sends.
    let (stderr, fake) = corrupted_walk(true, || {
        let (mut at, mut next, mut head, mut records, mut flip) = (0, 0, [0u8; 5], 0, None);
        Box::new(move |buf: &mut [u8]| {
            for byte in buf.iter_mut() {
                if at >= next {
                    head[at - next] = *byte;
                    if at == next + 4 {
                        records += usize::from(head[0] == 23);
                        flip = flip.or((records == 2).then_some(at + 1));
                        next = at + 1 + usize::from(u16::from_be_bytes([head[3], head[4]]));
                    }
                } else if flip == Some(at) {
                    *byte ^= 0x20;
                }
                at += 1;
            }
        })
    });
    assert!(stderr.contains("BadRecordMac"), "{stderr}");
    assert!(!stderr.contains("another server"), "{stderr}");
    assert_eq!(fake.requests_for_page(1), 1, "{stderr}");
}

/// What a relay changes in the bytes it passes on.
type Flip = Box<dyn FnMut(&mut [u8]) + Send>;

/// A walk of 150 accounts through a relay to an https fake, page 1 first, in which a `flip`
/// changes what the server (`from_client`: the client) sends on the first connection: its
/// stderr, after it succeeded with every account.
fn corrupted_walk(
    from_client: bool,
    flip: impl Fn() -> Flip + Send + 'static,
) -> (String, FakeApi) {
    let (output, fake) = relayed(from_client, 1, flip);
    let stderr = stderr_of(&output);
    assert_eq!(json_accounts(&output), simple_accounts(150), "{stderr}");
    (stderr, fake)
}

/// `list -o json` of 150 accounts through a relay to an https fake, page 1 first, in which a
/// `flip` changes what the server (`from_client`: the client) sends on each of the first
/// `connections`.
fn relayed(
    from_client: bool,
    connections: usize,
    flip: impl Fn() -> Flip + Send + 'static,
) -> (Output, FakeApi) {
    let (output, fake, _) = relayed_at(from_client, connections, flip);
    (output, fake)
}

/// [`relayed`], with the base URL the run was given: the relay's.
fn relayed_at(
    from_client: bool,
    connections: usize,
    flip: impl Fn() -> Flip + Send + 'static,
) -> (Output, FakeApi, String) {
    let ca = TestCa::new("test CA");
    let (cert, key) = ca.server_cert();
    let fake = FakeApi::start_tls(balanced(), &cert, &key);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let to = fake.addr();
    thread::spawn(move || {
        for (n, client) in listener.incoming().flatten().enumerate() {
            let Ok(server) = TcpStream::connect(to) else {
                continue;
            };
            let (client_in, server_out) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            let mut change = (n < connections).then(&flip);
            for (from, to, up) in [(client_in, server_out, true), (server, client, false)] {
                let mut change = if up == from_client {
                    change.take()
                } else {
                    None
                };
                thread::spawn(move || {
                    let (mut from, mut to, mut buf) = (from, to, [0u8; 16 * 1024]);
                    while let Ok(got @ 1..) = from.read(&mut buf) {
                        if let Some(change) = change.as_mut() {
                            change(&mut buf[..got]);
                        }
                        if to.write_all(&buf[..got]).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(Shutdown::Both);
                });
            }
        }
    });
    let sb = Sandbox::new();
    let base_url = format!("https://127.0.0.1:{port}");
    let output = trusting(&sb, &fake, &ca.pem)
        .env("TALKDESK_BASE_URL", &base_url)
        .args(["list", "-o", "json", "--concurrency", "1"])
        .output()
        .unwrap();
    (output, fake, base_url)
}

/// A record that fails its integrity check on every try (a relay that flips byte 3000 of what the
/// server sends on each connection) is no byte changed by chance: the run ended "TLS error: cannot
/// decrypt peer's message, a record changed on the way (after 4 retries); check your network, or
/// raise --max-retries", of something more tries do not change. It names the causes that fail
/// every record alike: a link that changes bytes that often, something that breaks TLS records on
/// the way (a proxy or load balancer terminating TLS), the server's TLS.
#[test]
fn a_tls_record_corrupted_on_every_try_names_more_than_the_network() {
    let (output, _fake) = relayed(false, usize::MAX, flips_byte_3000);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("cannot decrypt peer's message"), "{stderr}");
    assert!(stderr.contains("on every try"), "{stderr}");
    assert!(stderr.contains("terminating TLS"), "{stderr}");
    assert!(!stderr.contains("root certificate"), "{stderr}");
}

/// The same, the whole line: page 1's request, what failed on its last try, and the causes that
/// change a record on every try (`CHANGED_EVERY_TRY`).
#[test]
fn a_tls_record_corrupted_on_every_try_says_so_in_full() {
    let (output, _fake, base_url) = relayed_at(false, usize::MAX, flips_byte_3000);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout");
    assert_eq!(
        stderr,
        format!(
            "error: GET {base_url}/express/accounts?page=1&per_page=50: TLS error: cannot decrypt peer's message, a record changed on the way (after 4 retries); it did on every try: a link that changes bytes that often (a faulty router, network card or cable), something on the way that breaks TLS records (a proxy or load balancer terminating TLS), or the server's TLS; check your network and what is in front of the server, or raise --max-retries\n"
        )
    );
}

/// Jetty 9.4 told to require SNI (`SecureRequestCustomizer.setSniRequired`)
/// answers a request whose handshake named no host, as none does to an
/// address (`https://127.0.0.1:8443`), with a 400 saying `SNI required` (in
/// JSON to a client asking for it). The token request's said "no OAuth answer;
/// check token_url (its scheme and port)", which were right, and the API's
/// nothing to do. Both now say the server wants a host name in the handshake.
#[test]
fn jettys_400_sni_required_says_to_use_a_host_name() {
    let jetty = r#"{
"servlet":"-",
"cause0":"org.eclipse.jetty.http.BadMessageException: 400: SNI required",
"message":"SNI required",
"url":"/oauth/token",
"status":"400"
}"#;
    let ca = TestCa::new("test CA");
    for (at, setting) in [
        (RequestMatch::Token, "token_url"),
        (RequestMatch::AnyPage, "base_url"),
    ] {
        let fake = https_fake(&ca, 3);
        fake.set_faults(Faults::always(
            at,
            FaultKind::StatusWithBody(400, jetty.into()),
        ));
        let sb = Sandbox::new();
        let output = trusting(&sb, &fake, &ca.pem)
            .args(["list"])
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.contains("HTTP 400: SNI required")
                && stderr.contains("(SNI), which is not sent for an address")
                && stderr.contains(&format!("use in {setting} the host name")),
            "{stderr}"
        );
        assert!(!stderr.contains("scheme and port"), "{stderr}");
    }
}

/// koa 2.16 (without `app.proxy`), Express 5 (without `trust proxy`), hono 4 on
/// @hono/node-server and h3 2 behind a TLS terminator build their next links from the
/// plain-http request they get: `http://` at base_url's host and port. The refusal said "a
/// gateway in front of the API may pass its links on unrewritten; have it rewrite them, else
/// check base_url", where base_url is right and the app is what to tell.
#[test]
fn a_next_link_downgraded_to_http_names_the_app_behind_a_tls_terminator() {
    let ca = TestCa::new("downgrade CA");
    let (cert, key) = ca.server_cert();
    let config = FakeConfig {
        accounts: simple_accounts(60),
        page_cap: 50,
        links: LinkStyle::PlainHttp,
        ..FakeConfig::default()
    };
    let fake = FakeApi::start_tls(config, &cert, &key);
    let sb = Sandbox::new();
    let out = list_with_bundle(&sb, &fake, "ca.pem", &ca.pem);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("the link is http:// where base_url is https://"),
        "{err}"
    );
    assert!(err.contains("X-Forwarded-Proto"), "{err}");
    assert!(!err.contains("check base_url"), "{err}");
    assert_eq!(fake.page_requests(), vec![1], "{err}");
}
