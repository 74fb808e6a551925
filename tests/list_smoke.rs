mod support;

use support::Sandbox;
use support::fake_api::{FakeApi, FakeConfig, simple_accounts};

#[test]
fn lists_every_account_as_json_across_pages() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(120),
        page_cap: 50,
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let output = sandbox
        .tool(&fake)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", support::stderr_of(&output));
    let parsed: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed, simple_accounts(120));
    assert_eq!(fake.sorted_page_requests(), vec![1, 2, 3]);
}
