//! The `talkdesk-accounts` binary: parse, run, exit with the documented code.

use std::process::ExitCode;

/// The stack of the thread that runs the tool: long `--jq` expressions and
/// deeply nested values are read by recursion, which the main thread's
/// 8 MiB (less in a debug build's frames) cuts short with an abort. The
/// memory is reserved, not used, until a deep recursion needs it.
const STACK_BYTES: usize = 256 << 20;

/// Looks whether stdin and stdout are open before Rust's runtime puts
/// /dev/null in place of a closed one, and which descriptors are (see
/// `streams`): a constructor, run by the C runtime before `main`.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[used]
#[unsafe(link_section = ".init_array")]
static LOOK_AT_STDIN_AND_STDOUT: extern "C" fn() = look_at_stdin_and_stdout;

#[cfg(target_os = "macos")]
#[used]
#[unsafe(link_section = "__DATA,__mod_init_func")]
static LOOK_AT_STDIN_AND_STDOUT: extern "C" fn() = look_at_stdin_and_stdout;

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "macos"
))]
extern "C" fn look_at_stdin_and_stdout() {
    // Closed, or open only the other way (`0>file`, `1</dev/null`): Rust
    // reads and writes of such a descriptor end as the closed one's do.
    // SAFETY: F_GETFL only reads the descriptor's flags.
    let closed = |fd, other_way| match unsafe { libc::fcntl(fd, libc::F_GETFL) } {
        -1 => true,
        flags => flags & libc::O_ACCMODE == other_way,
    };
    let (stdin, stdout) = (closed(0, libc::O_WRONLY), closed(1, libc::O_RDONLY));
    // SAFETY: F_GETFD only reads the descriptor's flags.
    let open = |fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1;
    talkdesk_accounts::looked_at_start(stdin, stdout, open);
}

fn main() -> ExitCode {
    let run = || talkdesk_accounts::main_with_args(std::env::args_os());
    let builder = std::thread::Builder::new().stack_size(STACK_BYTES);
    match builder.spawn(run) {
        // A panic is caught and reported inside `main_with_args`.
        Ok(thread) => thread.join().unwrap_or(ExitCode::FAILURE),
        Err(_) => run(),
    }
}
