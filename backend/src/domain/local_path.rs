//! A path on this site to return to after signing in or switching language: the guard
//! against open redirects.
//!
//! Browsers are lenient with the `Location` header: they drop tabs and line breaks anywhere in
//! a URL, treat `\` as `/`, and read `//host` as another site. So `"/\t/evil.example"`, once
//! its tab is dropped, leads away from Marco. Only a path made of the characters a URL path
//! and query may carry as they are (RFC 3986), starting with one `/`, is accepted.

use std::fmt;

/// The longest path accepted; anything longer is not a link Marco made.
pub const MAX_LEN: usize = 2048;

/// A path and query on this site, safe to send in a `Location` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalPath(String);

/// Why a `next` value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalPathError {
    /// It does not start with a single `/`, so it names another site or is not a path.
    #[error("not a path on this site")]
    NotLocal,
    /// A character that browsers drop, rewrite or read as a separator (control characters,
    /// spaces, `\`, or anything outside URL characters).
    #[error("a character that cannot appear in a path")]
    Character,
    /// Longer than any path Marco makes.
    #[error("too long")]
    TooLong,
}

impl LocalPath {
    /// Accepts `raw` (already percent-decoded by the query parser) when it can only lead to a
    /// page on this site.
    pub fn parse(raw: &str) -> Result<LocalPath, LocalPathError> {
        if raw.len() > MAX_LEN {
            return Err(LocalPathError::TooLong);
        }
        if !raw.bytes().all(is_path_byte) {
            return Err(LocalPathError::Character);
        }
        let mut bytes = raw.bytes();
        match (bytes.next(), bytes.next()) {
            (Some(b'/'), Some(b'/')) | (Some(b'/'), Some(b'\\')) => Err(LocalPathError::NotLocal),
            (Some(b'/'), _) => Ok(LocalPath(raw.to_owned())),
            _ => Err(LocalPathError::NotLocal),
        }
    }

    /// The path, for a `Location` header or a hidden form field.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocalPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Unreserved, sub-delims, `:`, `@`, `/`, `?`, `%` and `#`: what RFC 3986 lets a path, query
/// and fragment carry unescaped. No control characters, spaces, `\`, quotes or non-ASCII.
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
                | b'?'
                | b'%'
                | b'#'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_on_this_site_are_accepted() {
        for ok in [
            "/",
            "/catalogue?q=cloud&lot=iaas",
            "/frameworks/cloud-3#lots",
            "/a%20b",
        ] {
            assert_eq!(LocalPath::parse(ok).map(|p| p.0), Ok(ok.to_owned()));
        }
    }

    #[test]
    fn every_known_way_to_another_site_is_refused() {
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " /",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{3000}/evil.example",
            "/\u{ff0f}evil.example",
            "evil",
            "",
        ] {
            assert!(LocalPath::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn an_overlong_path_is_refused() {
        let long = format!("/{}", "a".repeat(MAX_LEN));
        assert_eq!(LocalPath::parse(&long), Err(LocalPathError::TooLong));
    }

    /// What a browser does to a `Location` value before resolving it (WHATWG URL): strip
    /// leading and trailing C0 controls and spaces, remove tabs and newlines, read `\` as `/`.
    fn as_browser_reads(location: &str) -> String {
        location
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .map(|c| if c == '\\' { '/' } else { c })
            .collect()
    }

    proptest! {
        #[test]
        fn nothing_accepted_leads_to_another_site(raw in "[/\\\\\t\n\r a-z:.%@?#\u{0}\u{7f}é]{0,12}") {
            if let Ok(path) = LocalPath::parse(&raw) {
                let seen = as_browser_reads(path.as_str());
                prop_assert!(seen.starts_with('/') && !seen.starts_with("//"), "{raw:?} leads to {seen:?}");
                prop_assert!(http::HeaderValue::from_str(path.as_str()).is_ok());
            }
        }

        #[test]
        fn any_path_of_url_characters_is_accepted(rest in "[a-zA-Z0-9._~!$&'()*+,;=:@%?#-][a-zA-Z0-9._~!$&'()*+,;=:@/%?#-]{0,40}") {
            let raw = format!("/{rest}");
            prop_assert_eq!(LocalPath::parse(&raw).map(|p| p.0), Ok(raw.clone()));
        }
    }
}
