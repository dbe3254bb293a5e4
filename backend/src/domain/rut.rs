//! The Chilean RUT (Rol Único Tributario), checked by its modulo-11 check digit.

use std::fmt;

/// A valid RUT, kept in normal form: digits without dots, a hyphen and the check digit
/// (`76.123.456-k` becomes `76123456-K`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rut {
    number: u32,
    check: char,
}

/// Why a RUT was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RutError {
    /// Nothing was given.
    #[error("enter a RUT, for example 76.123.456-0")]
    Empty,
    /// Characters other than digits, dots, a hyphen and K.
    #[error("a RUT has only digits, dots, a hyphen and a final check digit (0-9 or K)")]
    Format,
    /// Too short or too long to be a RUT.
    #[error("a RUT has 7 or 8 digits before the check digit")]
    Length,
    /// The check digit does not match the number.
    #[error("the check digit should be {expected}")]
    CheckDigit {
        /// The check digit the number calls for.
        expected: char,
    },
}

impl Rut {
    /// Parses a RUT written with or without dots and hyphen, in any case.
    pub fn parse(raw: &str) -> Result<Rut, RutError> {
        let cleaned: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, '.' | ' '))
            .collect();
        if cleaned.is_empty() {
            return Err(RutError::Empty);
        }
        let (body, check) = match cleaned.rsplit_once('-') {
            Some((body, check)) => (body.to_owned(), check.to_owned()),
            None => {
                let split = cleaned.len() - cleaned.chars().last().map_or(0, char::len_utf8);
                (cleaned[..split].to_owned(), cleaned[split..].to_owned())
            }
        };
        let check = check.to_ascii_uppercase();
        let mut check_chars = check.chars();
        let (Some(check), None) = (check_chars.next(), check_chars.next()) else {
            return Err(RutError::Format);
        };
        if !(check.is_ascii_digit() || check == 'K') || !body.chars().all(|c| c.is_ascii_digit()) {
            return Err(RutError::Format);
        }
        let body = body.trim_start_matches('0');
        if !(7..=8).contains(&body.len()) {
            return Err(RutError::Length);
        }
        let number: u32 = body.parse().map_err(|_| RutError::Format)?;
        let expected = check_digit(number);
        if expected != check {
            return Err(RutError::CheckDigit { expected });
        }
        Ok(Rut { number, check })
    }

    /// The number without its check digit.
    pub fn number(&self) -> u32 {
        self.number
    }
}

/// The modulo-11 check digit of a RUT number: `0`-`9` or `K`.
pub fn check_digit(mut number: u32) -> char {
    let mut sum = 0;
    let mut factor = 2;
    while number > 0 {
        sum += (number % 10) * factor;
        number /= 10;
        factor = if factor == 7 { 2 } else { factor + 1 };
    }
    match 11 - (sum % 11) {
        11 => '0',
        10 => 'K',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

impl fmt::Display for Rut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.number, self.check)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dotted_rut_is_stored_in_normal_form() {
        let rut = Rut::parse("76.123.456-k").unwrap_err();
        assert_eq!(
            rut,
            RutError::CheckDigit {
                expected: check_digit(76_123_456)
            }
        );
        let valid = format!("76.123.456-{}", check_digit(76_123_456));
        assert_eq!(
            Rut::parse(&valid).unwrap().to_string(),
            format!("76123456-{}", check_digit(76_123_456))
        );
    }

    #[test]
    fn known_ruts_validate() {
        // Published RUTs of public bodies and the classic textbook example.
        for raw in [
            "60.910.000-1",
            "61.606.000-7",
            "12.345.678-5",
            "11.111.111-1",
        ] {
            assert!(Rut::parse(raw).is_ok(), "{raw}");
        }
        assert_eq!(Rut::parse("12345678-5").unwrap().to_string(), "12345678-5");
        assert_eq!(Rut::parse("123456785").unwrap().to_string(), "12345678-5");
    }

    #[test]
    fn a_k_check_digit_is_normalised_to_upper_case() {
        let number = (10_000_000..10_000_200)
            .find(|n| check_digit(*n) == 'K')
            .unwrap();
        assert_eq!(
            Rut::parse(&format!("{number}-k")).unwrap().to_string(),
            format!("{number}-K")
        );
    }

    #[test]
    fn wrong_inputs_say_what_is_wrong() {
        assert_eq!(Rut::parse(""), Err(RutError::Empty));
        assert_eq!(Rut::parse("12.345.678-X"), Err(RutError::Format));
        assert_eq!(Rut::parse("abc"), Err(RutError::Format));
        assert_eq!(Rut::parse("1-9"), Err(RutError::Length));
        assert_eq!(
            Rut::parse("12.345.678-4"),
            Err(RutError::CheckDigit { expected: '5' })
        );
    }

    proptest! {
        #[test]
        fn every_number_with_its_check_digit_round_trips(number in 1_000_000u32..100_000_000) {
            let written = format!("{number}-{}", check_digit(number));
            let rut = Rut::parse(&written).unwrap();
            prop_assert_eq!(rut.to_string(), written);
        }

        #[test]
        fn a_wrong_check_digit_is_always_refused(number in 1_000_000u32..100_000_000, other in "[0-9K]") {
            let other = other.chars().next().unwrap();
            prop_assume!(other != check_digit(number));
            let refused = matches!(Rut::parse(&format!("{number}-{other}")), Err(RutError::CheckDigit { .. }));
            prop_assert!(refused);
        }

        #[test]
        fn parsing_never_panics(raw in ".{0,30}") {
            let _ = Rut::parse(&raw);
        }
    }
}
