//! Password hashing with argon2id.

use argon2::Argon2;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// The longest password accepted (hashing cost stays bounded).
pub const MAX_LENGTH: usize = 256;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

/// Why a new password was refused; each has a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than 12 characters.
    #[error("use at least 12 characters")]
    TooShort,
    /// More than 256 characters.
    #[error("use at most 256 characters")]
    TooLong,
    /// On the list of the most common passwords, or a simple variation of it.
    #[error("this password is too common; choose a longer, unusual phrase")]
    Common,
    /// Contains the e-mail address or its first part.
    #[error("do not use your e-mail address in your password")]
    ContainsEmail,
}

impl PasswordError {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            PasswordError::TooShort => "password_too_short",
            PasswordError::TooLong => "password_too_long",
            PasswordError::Common => "password_common",
            PasswordError::ContainsEmail => "password_contains_email",
        }
    }
}

/// Checks a new password against the policy: length, the common list, and the e-mail.
pub fn check_policy(password: &str, email: &str) -> Result<(), PasswordError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordError::TooLong);
    }
    let lower = password.to_lowercase();
    // "password1234" and "Password!!!!" are as weak as "password": strip the digits and
    // symbols people pad common words with before looking them up.
    let core = lower
        .trim_end_matches(|c: char| !c.is_alphabetic())
        .trim_start_matches(|c: char| !c.is_alphabetic());
    let distinct: HashSet<char> = lower.chars().collect();
    if COMMON.contains(lower.as_str())
        || COMMON.contains(core)
        || distinct.len() <= 2
        || is_sequence(&lower)
        || repeats_a_weak_unit(&lower)
    {
        return Err(PasswordError::Common);
    }
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if local.chars().count() >= 4 && lower.contains(&local) {
        return Err(PasswordError::ContainsEmail);
    }
    Ok(())
}

/// "passwordpassword" or "abcabcabcabc": a common word, or a short unit, said again and again.
fn repeats_a_weak_unit(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (1..=chars.len() / 2)
        .filter(|unit| chars.len().is_multiple_of(*unit))
        .any(|unit| {
            let first: String = chars[..unit].iter().collect();
            chars.chunks(unit).all(|chunk| chunk == &chars[..unit])
                && (unit <= 4 || COMMON.contains(first.as_str()))
        })
}

fn is_sequence(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
        || bytes.windows(2).all(|w| w[1].wrapping_add(1) == w[0])
}
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes a password with argon2id and a random salt, in PHC string form.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Whether `password` matches a stored PHC hash; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_explains_each_refusal() {
        let email = "ana.perez@nubeandina.example";
        assert_eq!(check_policy("short", email), Err(PasswordError::TooShort));
        assert_eq!(
            check_policy(&"x".repeat(257), email),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            check_policy("passwordpassword", email),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_policy("baseball1234!", email),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_policy("aaaaaaaaaaaaaa", email),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_policy("abcdefghijklmn", email),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_policy("ana.perez-is-great", email),
            Err(PasswordError::ContainsEmail)
        );
        assert_eq!(
            check_policy("tres tristes tigres comen trigo", email),
            Ok(())
        );
        assert_eq!(
            check_policy("abcabcabcabc", email),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_policy("correct horse correct horse", email),
            Ok(()),
            "a long unit said twice is fine"
        );
        assert_eq!(PasswordError::Common.code(), "password_common");
    }

    #[test]
    fn the_shipped_list_has_the_most_common_passwords() {
        assert!(COMMON.len() > 20_000);
        assert!(COMMON.contains("123456") && COMMON.contains("qwertyuiop"));
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery staple").unwrap();
        let b = hash("correct horse battery staple").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salts must differ");
        assert!(verify("correct horse battery staple", &a));
        assert!(!verify("wrong horse battery staple", &a));
        assert!(!verify("anything", "not a hash"));
    }
}
