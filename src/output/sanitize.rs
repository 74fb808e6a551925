//! Making data the tool does not control safe for its readers (§7):
//! terminals (see [`crate::text`]) and spreadsheets (no formulas).

pub use crate::text::{push_terminal_safe, terminal_safe};

/// True when a spreadsheet would read the cell as a formula (OWASP CSV
/// injection): it starts with `=`, `+`, `-`, `@`, TAB or CR.
pub fn looks_like_formula(cell: &str) -> bool {
    matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

/// Prefixes a formula-looking cell with `'` so spreadsheets show it as text.
pub fn guard_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(cell) {
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
