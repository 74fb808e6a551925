//! The integration tests: one binary, a module per area, so the fake
//! Talkdesk API (`tests/support/fake_api.rs`) and the support code are
//! compiled once. Each module drives the real binary against the fake.

#[path = "../support/mod.rs"]
mod support;

mod auth_check;
mod completions;
mod completions_bash;
mod concurrency;
mod config_cmd;
mod config_file;
mod diff;
mod errors;
mod fake_api_selftest;
mod interrupt;
mod list;
mod manpage;
mod resilience;
mod security;
mod sort;
mod summary;
mod terminal;
mod tls;
mod token_cache;
