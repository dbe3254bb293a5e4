//! Amounts of money typed by people: digits and an optional decimal part, never a float.

use rust_decimal::Decimal;

/// Why an amount was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Empty, letters, or more than one decimal point.
    #[error("an amount has digits and at most one decimal point")]
    Format,
    /// More than two decimal places.
    #[error("an amount has at most two decimal places")]
    Precision,
    /// Too large to be a real amount.
    #[error("this amount is too large")]
    TooLarge,
}

/// Parses a non-negative amount such as `1500`, `1500.5` or `1500,50` (either decimal mark).
pub fn parse_amount(raw: &str) -> Result<Decimal, AmountError> {
    let text = raw.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(AmountError::Format);
    }
    if text.ends_with('.') {
        return Err(AmountError::Format);
    }
    if fraction.len() > 2 {
        return Err(AmountError::Precision);
    }
    if whole.trim_start_matches('0').len() > 15 {
        return Err(AmountError::TooLarge);
    }
    text.parse::<Decimal>().map_err(|_| AmountError::Format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_parse_exactly() {
        assert_eq!(parse_amount("1500").unwrap().to_string(), "1500");
        assert_eq!(parse_amount(" 1500,50 ").unwrap().to_string(), "1500.50");
        assert_eq!(
            parse_amount("0.1").unwrap() + parse_amount("0.2").unwrap(),
            parse_amount("0.3").unwrap()
        );
    }

    #[test]
    fn letters_signs_and_extra_decimals_are_refused() {
        for bad in ["", "12a", "1e5", "-5", "1.2.3", "1.", ".5", "NaN", "1 000"] {
            assert_eq!(parse_amount(bad), Err(AmountError::Format), "{bad}");
        }
        assert_eq!(parse_amount("1.234"), Err(AmountError::Precision));
        assert_eq!(parse_amount("9999999999999999"), Err(AmountError::TooLarge));
    }

    proptest! {
        #[test]
        fn every_two_decimal_amount_round_trips(cents in 0u64..10_000_000_000_000) {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            prop_assert_eq!(parse_amount(&text).unwrap().to_string(), text);
        }

        #[test]
        fn parsing_never_panics_and_never_goes_negative(raw in ".{0,24}") {
            if let Ok(amount) = parse_amount(&raw) {
                prop_assert!(amount >= Decimal::ZERO);
            }
        }
    }
}
