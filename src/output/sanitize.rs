//! Making data the tool does not control safe for its readers (§7):
//! terminals (see [`crate::text`]) and spreadsheets (no formulas).

pub use crate::text::{push_terminal_safe, terminal_safe};

/// A table cell's text as it may reach the terminal: [`terminal_safe`],
/// on one line (§7: a line break is a control character too; a value with
/// one drew what looked like another row).
pub fn push_cell(text: &str, out: &mut String) {
    let start = out.len();
    push_terminal_safe(text, out);
    if out[start..].contains('\n') {
        let line = out[start..].replace('\n', " ");
        out.replace_range(start.., &line);
    }
}

/// [`push_cell`] into a new string.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_cell(text, &mut out);
    out
}

/// Prefixes a cell that a spreadsheet would read as a formula (OWASP CSV
/// injection: it starts with `=`, `+`, `-`, `@`, TAB or CR) with `'`, so
/// that it shows as text; and one that starts with NUL, which LibreOffice
/// drops before it reads a formula, or so after spaces, which its import's
/// "Trim spaces" option takes off first.
pub fn guard_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell
        .trim_start_matches(' ')
        .starts_with(['=', '+', '-', '@', '\t', '\r', '\0'])
    {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_one_line() {
        assert_eq!(cell("evil\r\nspoof\nrow\u{1b}[2J"), "evil spoof row");
        assert_eq!(cell("plain"), "plain");
    }

    #[test]
    fn formulas_are_guarded() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+SUM(A1)",
            "-1+2",
            "@cmd",
            "\tx",
            "\0=1+1",
            "\rx",
        ] {
            assert_eq!(guard_formula(cell), format!("'{cell}"));
        }
        assert_eq!(guard_formula(" =x"), "' =x");
        for cell in ["Acme", "", "1=1", " x=1", "'quoted", "   "] {
            assert_eq!(guard_formula(cell), cell);
        }
    }
}
