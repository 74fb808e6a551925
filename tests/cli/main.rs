//! The integration tests: one binary, a module per area, so the fake
//! Talkdesk API (`tests/support/fake_api.rs`) and the support code are
//! compiled once. Each module drives the real binary against the fake.
//! Unix only: they use its file modes, descriptors and signals.
#![cfg(unix)]

#[path = "../support/mod.rs"]
mod support;

mod auth_check;
mod completions;
mod completions_bash;
mod completions_fish;
mod completions_zsh;
mod concurrency;
mod config_cmd;
mod config_file;
mod conventions;
mod demo_serve;
mod diff;
mod docs;
mod errors;
mod fake_api_selftest;
mod first_run;
mod history;
mod hostile_server;
mod interrupt;
mod jq;
mod layers;
mod list;
mod manpage;
mod no_silent_noops;
mod pacing;
mod packaging;
mod resilience;
mod security;
mod sort;
mod summary;
mod terminal;
mod tls;
mod token_cache;
