//! Organisation identifiers, as org-id.guide schemes plus an id, checked for real where the
//! register has a checkable format.

use crate::domain::rut::{Rut, RutError};

/// A checked identifier in normal form, e.g. `CL-RUT` / `76123456-K`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OrgIdentifier {
    /// The org-id.guide list code, e.g. `GB-COH`.
    pub scheme: String,
    /// The identifier within that list, in normal form.
    pub id: String,
}

/// Why an identifier was refused; each has a stable code for messages and the API.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// The scheme is not an org-id.guide style code.
    #[error("the scheme must be an org-id.guide list code such as CL-RUT or GB-COH")]
    Scheme,
    /// A Chilean RUT that fails its check.
    #[error("{0}")]
    Rut(RutError),
    /// A Companies House number that is not 8 characters.
    #[error("a Companies House number has 8 characters, e.g. 01234567 or SC123456")]
    CompaniesHouse,
    /// An id with characters no register uses.
    #[error("the identifier may use letters, digits, spaces and . - / _ only, up to 64 characters")]
    Format,
}

impl IdentifierError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            IdentifierError::Scheme => "invalid_scheme",
            IdentifierError::Rut(_) => "invalid_rut",
            IdentifierError::CompaniesHouse => "invalid_company_number",
            IdentifierError::Format => "invalid_identifier",
        }
    }

    /// Whether the problem is with the scheme rather than the id.
    pub fn is_scheme(&self) -> bool {
        matches!(self, IdentifierError::Scheme)
    }
}

impl OrgIdentifier {
    /// Checks `id` against the rules of `scheme` and returns both in normal form.
    pub fn parse(scheme: &str, id: &str) -> Result<OrgIdentifier, IdentifierError> {
        let scheme = scheme.trim().to_ascii_uppercase();
        if !is_scheme(&scheme) {
            return Err(IdentifierError::Scheme);
        }
        let id = id.trim();
        let id = match scheme.as_str() {
            "CL-RUT" => Rut::parse(id).map_err(IdentifierError::Rut)?.to_string(),
            "GB-COH" => companies_house(id)?,
            _ => {
                let ok = !id.is_empty()
                    && id.chars().count() <= 64
                    && id
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '/' | '_'));
                if !ok {
                    return Err(IdentifierError::Format);
                }
                id.to_owned()
            }
        };
        Ok(OrgIdentifier { scheme, id })
    }
}

/// org-id.guide list codes: a two-letter country (or XI/XM for international lists), a hyphen
/// and an upper-case register code.
fn is_scheme(scheme: &str) -> bool {
    let Some((country, register)) = scheme.split_once('-') else {
        return false;
    };
    country.len() == 2
        && country.chars().all(|c| c.is_ascii_uppercase())
        && (1..=20).contains(&register.len())
        && register
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Companies House numbers: 8 characters, digits or a two-letter prefix (SC, NI, OC…) and digits.
fn companies_house(raw: &str) -> Result<String, IdentifierError> {
    let id: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let shape = id.len() == 8
        && id.chars().skip(2).all(|c| c.is_ascii_digit())
        && id
            .chars()
            .take(2)
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    if shape {
        Ok(id)
    } else {
        Err(IdentifierError::CompaniesHouse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ruts_are_checked_and_normalised() {
        let id = OrgIdentifier::parse("cl-rut", "12.345.678-5").unwrap();
        assert_eq!(
            (id.scheme.as_str(), id.id.as_str()),
            ("CL-RUT", "12345678-5")
        );
        assert_eq!(
            OrgIdentifier::parse("CL-RUT", "12.345.678-4")
                .unwrap_err()
                .code(),
            "invalid_rut"
        );
    }

    #[test]
    fn companies_house_numbers_have_eight_characters() {
        assert_eq!(
            OrgIdentifier::parse("GB-COH", "sc123456").unwrap().id,
            "SC123456"
        );
        assert_eq!(
            OrgIdentifier::parse("GB-COH", "01234567").unwrap().id,
            "01234567"
        );
        assert_eq!(
            OrgIdentifier::parse("GB-COH", "1234567").unwrap_err(),
            IdentifierError::CompaniesHouse
        );
        assert_eq!(
            OrgIdentifier::parse("GB-COH", "ABCDEFGH").unwrap_err(),
            IdentifierError::CompaniesHouse
        );
    }

    #[test]
    fn other_schemes_get_a_format_check() {
        assert!(OrgIdentifier::parse("GB-GOR", "D9001").is_ok());
        assert!(OrgIdentifier::parse("XI-MARCO", "PLATFORM").is_ok());
        assert_eq!(
            OrgIdentifier::parse("gobierno", "1").unwrap_err(),
            IdentifierError::Scheme
        );
        assert_eq!(
            OrgIdentifier::parse("GB-GOR", "<script>").unwrap_err(),
            IdentifierError::Format
        );
        assert_eq!(
            OrgIdentifier::parse("GB-GOR", "").unwrap_err(),
            IdentifierError::Format
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(scheme in ".{0,12}", id in ".{0,70}") {
            let _ = OrgIdentifier::parse(&scheme, &id);
        }

        #[test]
        fn normal_forms_parse_to_themselves(scheme in "(CL-RUT|GB-COH|GB-GOR)", n in 10_000_000u32..99_999_999) {
            let raw = if scheme == "CL-RUT" { format!("{n}-{}", crate::domain::rut::check_digit(n)) } else { n.to_string() };
            let once = OrgIdentifier::parse(&scheme, &raw).unwrap();
            let twice = OrgIdentifier::parse(&once.scheme, &once.id).unwrap();
            prop_assert_eq!(once, twice);
        }
    }
}
