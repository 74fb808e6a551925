//! The hidden `manpage` command prints the man page (roff) on stdout.
use crate::support;

use support::{Sandbox, stderr_of, stdout_of};

#[test]
fn prints_one_roff_page_for_the_whole_cli() {
    let output = Sandbox::new().bare().arg("manpage").output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let page = stdout_of(&output);
    assert_eq!(page.matches("\n.TH ").count(), 1, "one page");
    assert!(page.contains(&format!(
        ".TH talkdesk-accounts 1  \"talkdesk-accounts {}\"",
        env!("CARGO_PKG_VERSION")
    )));
    for heading in [
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH \"TALKDESK-ACCOUNTS LIST\"",
        ".SH \"TALKDESK-ACCOUNTS DIFF\"",
        ".SH \"TALKDESK-ACCOUNTS CONFIG INIT\"",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(page.contains(heading), "{heading} missing");
    }
    // The per-command options are there, the global ones only once.
    assert!(page.contains("\\fB\\-\\-exit\\-code\\fR"));
    assert_eq!(
        page.matches("\\fB\\-\\-profile\\fR \\fI<NAME>\\fR").count(),
        1
    );
}
