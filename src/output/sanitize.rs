//! Making data the tool does not control safe for its readers (§7):
//! terminals (see [`crate::text`]) and spreadsheets (no formulas).

pub use crate::text::{push_terminal_safe, terminal_safe};

/// Prefixes a cell that a spreadsheet would read as a formula (OWASP CSV
/// injection: it starts with `=`, `+`, `-`, `@`, TAB or CR) with `'`, so
/// that it shows as text.
pub fn guard_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+SUM(A1)",
            "-1+2",
            "@cmd",
            "\tx",
            "\rx",
        ] {
            assert_eq!(guard_formula(cell), format!("'{cell}"));
        }
        for cell in ["Acme", "", "1=1", " =x", "'quoted"] {
            assert_eq!(guard_formula(cell), cell);
        }
    }
}
