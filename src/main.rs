//! The `talkdesk-accounts` binary: parse, run, exit with the documented code.

fn main() -> std::process::ExitCode {
    talkdesk_accounts::main_with_args(std::env::args_os())
}
