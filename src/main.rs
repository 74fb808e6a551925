//! The `talkdesk-accounts` binary: parse, run, exit with the documented code.

use std::process::ExitCode;

/// The stack of the thread that runs the tool: long `--jq` expressions and
/// deeply nested values are read by recursion, which the main thread's
/// 8 MiB (less in a debug build's frames) cuts short with an abort. The
/// memory is reserved, not used, until a deep recursion needs it.
const STACK_BYTES: usize = 256 << 20;

fn main() -> ExitCode {
    let run = || talkdesk_accounts::main_with_args(std::env::args_os());
    match std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(run)
    {
        // A panic is caught and reported inside `main_with_args`.
        Ok(thread) => thread.join().unwrap_or(ExitCode::FAILURE),
        Err(_) => run(),
    }
}
