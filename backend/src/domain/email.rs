//! E-mail addresses, checked and normalised once.

use std::fmt;

/// A syntactically valid e-mail address in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why an address was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("enter an e-mail address in the right format, like name@example.org")]
pub struct EmailError;

impl Email {
    /// Parses an address; case is folded so that one person has one account.
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let lowered = raw.trim().to_lowercase();
        let parsed = email_address::EmailAddress::parse_with_options(
            &lowered,
            email_address::Options::default()
                .without_display_text()
                .without_domain_literal(),
        )
        .map_err(|_| EmailError)?;
        // Marco sends real mail: require a dotted domain, not `localhost`.
        if !parsed.domain().contains('.') || lowered.len() > 254 {
            return Err(EmailError);
        }
        Ok(Email(lowered))
    }

    /// The domain part.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the domain is `allowed` or one of its subdomains.
    pub fn is_in_domain(&self, allowed: &str) -> bool {
        let domain = self.domain();
        let allowed = allowed.trim().trim_start_matches('.').to_lowercase();
        !allowed.is_empty() && (domain == allowed || domain.ends_with(&format!(".{allowed}")))
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn addresses_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" Ana@Compras.Gob.CL ").unwrap().as_str(),
            "ana@compras.gob.cl"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@gob.cl",
            "ana@localhost",
            "Ana <ana@gob.cl>",
            "a b@gob.cl",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn subdomains_of_an_allowed_domain_are_allowed() {
        let email = Email::parse("ana@compras.gob.cl").unwrap();
        assert!(email.is_in_domain("gob.cl"));
        assert!(email.is_in_domain("compras.gob.cl"));
        assert!(!email.is_in_domain("ob.cl"));
        assert!(
            !Email::parse("ana@gob.cl.evil.example")
                .unwrap()
                .is_in_domain("gob.cl")
        );
        assert!(!email.is_in_domain(""));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(raw in ".{0,80}") {
            let _ = Email::parse(&raw);
        }
    }
}
