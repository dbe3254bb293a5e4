//! Parsers for typed answers: numbers, prices and lists, as people type them in forms.

use rust_decimal::Decimal;

use super::answers::AnswerError;
use crate::domain::money::{AmountError, parse_amount};

/// Most whole digits a number answer may have; beyond this it is a typo, not a quantity.
const MAX_WHOLE_DIGITS: usize = 15;
/// Most decimal places a number answer may have.
const MAX_DECIMALS: usize = 6;

/// Parses a number such as `12`, `-3`, `2.5` or `2,5` (either decimal mark); no letters,
/// exponents or thousands separators, so `1e5` and `1.000.000` are refused.
pub fn parse_number(raw: &str, integer: bool) -> Result<Decimal, AnswerError> {
    let text = raw.trim().replace(',', ".");
    let unsigned = text.strip_prefix('-').unwrap_or(&text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return Err(AnswerError::NotANumber);
    }
    let fraction = fraction.unwrap_or_default();
    if integer && !fraction.chars().all(|c| c == '0') {
        return Err(AnswerError::NotAWholeNumber);
    }
    if fraction.len() > MAX_DECIMALS {
        return Err(AnswerError::TooManyDecimals { max: MAX_DECIMALS });
    }
    if whole.trim_start_matches('0').len() > MAX_WHOLE_DIGITS {
        return Err(AnswerError::NumberTooLarge);
    }
    let value = text
        .parse::<Decimal>()
        .map_err(|_| AnswerError::NotANumber)?;
    // "-0" and "1.50" are stored as 0 and 1.5, so equal answers compare and index equal.
    Ok(value.normalize())
}

/// Parses a price amount with the shared money parser, naming letters as the problem.
pub fn parse_price_amount(raw: &str) -> Result<Decimal, AnswerError> {
    parse_amount(raw).map_err(|err| match err {
        AmountError::Format => AnswerError::PriceFormat,
        AmountError::Precision => AnswerError::PricePrecision,
        AmountError::TooLarge => AnswerError::PriceTooLarge,
    })
}

/// Splits submitted list values into items: each value may hold several items, one per line
/// (a textarea), or be one item (repeated inputs); blank lines are dropped and items trimmed.
pub fn split_list(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|value| value.lines())
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The number of words in a text, as people count them: runs of non-space characters.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Trims a typed text and turns Windows line endings into plain ones.
pub fn clean_text(raw: &str) -> String {
    raw.replace("\r\n", "\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_accept_either_decimal_mark_and_a_sign() {
        assert_eq!(parse_number(" 2,5 ", false).unwrap().to_string(), "2.5");
        assert_eq!(parse_number("-3", true).unwrap().to_string(), "-3");
        assert_eq!(parse_number("007", true).unwrap().to_string(), "7");
        assert_eq!(parse_number("4.00", true).unwrap().to_string(), "4");
    }

    #[test]
    fn numbers_with_letters_exponents_or_separators_are_refused() {
        for bad in [
            "", "-", "1e5", "12a", "1.2.3", "1.", ".5", "1 000", "NaN", "+1", "--1",
        ] {
            assert_eq!(
                parse_number(bad, false),
                Err(AnswerError::NotANumber),
                "{bad}"
            );
        }
        assert_eq!(parse_number("1.5", true), Err(AnswerError::NotAWholeNumber));
        assert_eq!(
            parse_number("1.1234567", false),
            Err(AnswerError::TooManyDecimals { max: 6 })
        );
        assert_eq!(
            parse_number("1234567890123456", false),
            Err(AnswerError::NumberTooLarge)
        );
    }

    #[test]
    fn a_price_with_letters_is_refused_as_a_price_format_problem() {
        assert_eq!(parse_price_amount("100 USD"), Err(AnswerError::PriceFormat));
        assert_eq!(parse_price_amount("$100"), Err(AnswerError::PriceFormat));
        assert_eq!(
            parse_price_amount("1.999"),
            Err(AnswerError::PricePrecision)
        );
        assert_eq!(
            parse_price_amount("1500,50").unwrap().to_string(),
            "1500.50"
        );
    }

    #[test]
    fn list_items_come_from_lines_or_repeated_values() {
        let values = vec![
            "Backups\r\n\r\n  Monitoring ".to_owned(),
            "".to_owned(),
            "Support".to_owned(),
        ];
        assert_eq!(split_list(&values), ["Backups", "Monitoring", "Support"]);
    }

    proptest! {
        #[test]
        fn any_number_with_a_letter_is_refused(
            prefix in "[0-9.,-]{0,6}", letter in "[a-zA-Z]", suffix in "[0-9.,]{0,6}"
        ) {
            let raw = format!("{prefix}{letter}{suffix}");
            prop_assert!(parse_number(&raw, false).is_err());
        }

        #[test]
        fn any_price_with_a_letter_is_refused(
            prefix in "[0-9.,]{0,8}", letter in "\\PN", suffix in "[0-9.,]{0,8}"
        ) {
            prop_assume!(letter.chars().any(char::is_alphabetic));
            let raw = format!("{prefix}{letter}{suffix}");
            prop_assert!(parse_price_amount(&raw).is_err());
        }

        #[test]
        fn any_valid_price_round_trips(cents in 0u64..100_000_000_000_000) {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            let amount = parse_price_amount(&text).unwrap();
            prop_assert_eq!(amount.to_string(), text.clone());
            prop_assert_eq!(parse_price_amount(&amount.to_string()).unwrap(), amount);
        }

        #[test]
        fn any_valid_number_round_trips(whole in -999_999_999_999_999i64..999_999_999_999_999, micro in 0u32..1_000_000) {
            let text = format!("{whole}.{micro:06}");
            let value = parse_number(&text, false).unwrap();
            prop_assert_eq!(parse_number(&value.to_string(), false).unwrap(), value);
            prop_assert_eq!(parse_number(&text.replace('.', ","), false).unwrap(), value);
        }

        #[test]
        fn number_parsing_never_panics(raw in ".{0,40}", integer: bool) {
            let _ = parse_number(&raw, integer);
        }

        #[test]
        fn list_splitting_keeps_every_item_trimmed_and_non_blank(
            items in proptest::collection::vec("[^\r\n]{0,20}", 0..8)
        ) {
            let expected: Vec<String> = items
                .iter()
                .map(|i| i.trim().to_owned())
                .filter(|i| !i.is_empty())
                .collect();
            prop_assert_eq!(split_list(&[items.join("\n")]), expected.clone());
            prop_assert_eq!(split_list(&items), expected);
        }
    }
}
