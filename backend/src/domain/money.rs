//! Money: an amount with its ISO 4217 currency, and amounts as people type them (digits and
//! an optional decimal part, never a float).

use std::fmt;

use iso_currency::Currency;
use rust_decimal::Decimal;

/// An amount of money in one currency. Amounts in different currencies never mix: adding
/// them is an error, not a conversion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

/// Why an amount of money was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not an ISO 4217 code.
    #[error("{0:?} is not an ISO 4217 currency code")]
    UnknownCurrency(String),
    /// Below zero: prices, limits and values are not negative.
    #[error("an amount of money cannot be negative")]
    Negative,
    /// Two currencies in one sum.
    #[error("cannot add {0} to {1}")]
    CurrencyMismatch(&'static str, &'static str),
    /// Past what a `Decimal` holds.
    #[error("this amount is too large")]
    Overflow,
    /// The amount as typed.
    #[error(transparent)]
    Amount(#[from] AmountError),
}

/// The currency with ISO 4217 code `code` (any case, surrounding spaces ignored).
pub fn currency(code: &str) -> Result<Currency, MoneyError> {
    let code = code.trim().to_ascii_uppercase();
    Currency::from_code(&code).ok_or(MoneyError::UnknownCurrency(code))
}

/// The currency of the country with ISO 3166-1 alpha-2 code `country`, when it has one of
/// its own (`CL` → CLP, `GB` → GBP; euro countries → EUR).
pub fn currency_of_country(country: &str) -> Option<Currency> {
    let country: iso_currency::Country = country.trim().to_ascii_uppercase().parse().ok()?;
    // Funds, special and superseded currencies carry flags; a country's own has none.
    Currency::from_country(country)
        .into_iter()
        .find(|c| c.flags().is_empty())
}

impl Money {
    /// `amount` of `currency`; refused when negative.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative);
        }
        Ok(Money { amount, currency })
    }

    /// An amount as typed (`1500`, `1500,50`) in the currency with code `code`.
    pub fn parse(raw: &str, code: &str) -> Result<Money, MoneyError> {
        Money::new(parse_amount(raw)?, currency(code)?)
    }

    /// A stored amount and currency code, as read back from the database.
    pub fn from_stored(amount: Decimal, code: &str) -> Result<Money, MoneyError> {
        Money::new(amount, currency(code)?)
    }

    /// The amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The currency's ISO 4217 code, as stored and as OCDS `Value.currency` wants it.
    pub fn code(&self) -> &'static str {
        self.currency.code()
    }

    /// The sum of two amounts in the same currency.
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(other.code(), self.code()));
        }
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, ..*self })
    }

    /// This amount `quantity` times (a unit price times a quantity).
    pub fn checked_mul(&self, quantity: Decimal) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(quantity)
            .ok_or(MoneyError::Overflow)?;
        Money::new(amount, self.currency)
    }
}

impl Money {
    /// The amount as people in `lang` read it, with the currency's own number of decimals
    /// and grouped thousands: `CLP 470,000` and `GBP 1,250.50` in English, `CLP 470.000` and
    /// `GBP 1.250,50` in Spanish.
    pub fn localized(&self, lang: &str) -> String {
        let (group, decimal) = if lang == "es" { ('.', ',') } else { (',', '.') };
        let places = u32::from(self.currency.exponent().unwrap_or(2));
        let rounded = self
            .amount
            .round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let text = format!("{:.*}", places as usize, rounded);
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        if fraction.is_empty() {
            format!("{} {grouped}", self.code())
        } else {
            format!("{} {grouped}{decimal}{fraction}", self.code())
        }
    }
}

impl fmt::Display for Money {
    /// `CLP 1500`, `GBP 12.50`: the code, then the amount without trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.amount.normalize())
    }
}

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
    fn amounts_read_as_each_language_writes_them() {
        let clp = Money::parse("470000", "CLP").unwrap();
        assert_eq!(clp.localized("en"), "CLP 470,000");
        assert_eq!(clp.localized("es"), "CLP 470.000");
        let gbp = Money::parse("1250.5", "GBP").unwrap();
        assert_eq!(gbp.localized("en"), "GBP 1,250.50");
        assert_eq!(gbp.localized("es"), "GBP 1.250,50");
        assert_eq!(
            Money::parse("999", "GBP").unwrap().localized("en"),
            "GBP 999.00"
        );
        assert_eq!(Money::parse("0", "CLP").unwrap().localized("es"), "CLP 0");
        // CLP has no minor unit: a fraction rounds half away from zero.
        assert_eq!(
            Money::parse("1642545.5", "CLP").unwrap().localized("en"),
            "CLP 1,642,546"
        );
    }

    proptest! {
        #[test]
        fn localized_amounts_keep_every_digit(whole in 0u64..10_000_000_000_000, cents in 0u32..100) {
            let amount = Decimal::from(whole) + Decimal::new(i64::from(cents), 2);
            let money = Money::new(amount, currency("GBP").unwrap()).unwrap();
            let en = money.localized("en");
            let es = money.localized("es");
            let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
            prop_assert_eq!(digits(&en), digits(&es));
            prop_assert_eq!(digits(&en), format!("{whole}{cents:02}"));
            let back = en.trim_start_matches("GBP ").replace(',', "");
            prop_assert_eq!(back.parse::<Decimal>().unwrap(), amount);
        }
    }

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
    fn money_keeps_its_currency_and_refuses_what_is_not_money() {
        let price = Money::parse("1500,50", "gbp").unwrap();
        assert_eq!(price.to_string(), "GBP 1500.5");
        assert_eq!(
            price.checked_mul(Decimal::from(3)).unwrap().to_string(),
            "GBP 4501.5"
        );
        assert_eq!(
            Money::parse("10", "XYZ"),
            Err(MoneyError::UnknownCurrency("XYZ".into()))
        );
        assert_eq!(
            Money::parse("10", "pesos"),
            Err(MoneyError::UnknownCurrency("PESOS".into()))
        );
        assert_eq!(
            Money::new(Decimal::from(-1), currency("CLP").unwrap()),
            Err(MoneyError::Negative)
        );
        let max = Money::new(Decimal::MAX, currency("CLP").unwrap()).unwrap();
        assert_eq!(max.checked_add(&max), Err(MoneyError::Overflow));
    }

    #[test]
    fn a_country_gives_its_own_currency() {
        let code = |c: &str| currency_of_country(c).map(|c| c.code());
        assert_eq!(code("CL"), Some("CLP"));
        assert_eq!(code("gb"), Some("GBP"));
        assert_eq!(code("ES"), Some("EUR"));
        assert_eq!(code("ZZ"), None);
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
        fn sums_in_one_currency_commute_and_keep_it(a in 0u64..1_000_000_000, b in 0u64..1_000_000_000) {
            let clp = currency("clp").unwrap();
            let (x, y) = (Money::new(a.into(), clp).unwrap(), Money::new(b.into(), clp).unwrap());
            let sum = x.checked_add(&y).unwrap();
            prop_assert_eq!(sum, y.checked_add(&x).unwrap());
            prop_assert_eq!(sum.amount(), Decimal::from(a) + Decimal::from(b));
            prop_assert_eq!(sum.code(), "CLP");
        }

        #[test]
        fn two_currencies_never_add(a in 0u64..1_000_000, b in 0u64..1_000_000) {
            let clp = Money::new(a.into(), currency("CLP").unwrap()).unwrap();
            let gbp = Money::new(b.into(), currency("GBP").unwrap()).unwrap();
            prop_assert_eq!(clp.checked_add(&gbp), Err(MoneyError::CurrencyMismatch("GBP", "CLP")));
        }

        #[test]
        fn only_iso_4217_codes_are_currencies(code in "[A-Za-z]{0,4}") {
            let known = iso_currency::Currency::from_code(&code.to_ascii_uppercase()).is_some();
            prop_assert_eq!(currency(&code).is_ok(), known);
        }

        #[test]
        fn parsing_never_panics_and_never_goes_negative(raw in ".{0,24}") {
            if let Ok(amount) = parse_amount(&raw) {
                prop_assert!(amount >= Decimal::ZERO);
            }
        }
    }
}
