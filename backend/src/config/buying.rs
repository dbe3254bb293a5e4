//! Settings of the buying rules: how long a supplier has to accept an order, how long a buyer
//! has to pay an invoice, and the large-purchase rule that asks for quotes from several
//! suppliers above a threshold (ChileCompra's "grandes compras", above 1,000 UTM).

use rust_decimal::Decimal;

use super::ConfigError;

/// The large-purchase rule: above `threshold` `unit`s, an order needs quotes from at least
/// `min_quotes` suppliers. `rates` converts one `unit` into an order's currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LargePurchaseRule {
    /// The threshold, in `unit`s (`MARCO_LARGE_PURCHASE_THRESHOLD`, e.g. 1000).
    pub threshold: Decimal,
    /// The unit of the threshold (`MARCO_LARGE_PURCHASE_UNIT`, e.g. `UTM`, or a currency).
    pub unit: String,
    /// What one unit is worth in each currency (`MARCO_LARGE_PURCHASE_RATES`, e.g.
    /// `CLP=68306`). An order in a currency without a rate is not held to the rule.
    pub rates: Vec<(String, Decimal)>,
    /// Quotes needed (`MARCO_LARGE_PURCHASE_MIN_QUOTES`, default 3).
    pub min_quotes: u32,
}

impl LargePurchaseRule {
    /// The threshold in `currency`, when the rule has a rate for it.
    pub fn threshold_in(&self, currency: &str) -> Option<Decimal> {
        if self.unit.eq_ignore_ascii_case(currency) {
            return Some(self.threshold);
        }
        self.rates
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(currency))
            .and_then(|(_, rate)| self.threshold.checked_mul(*rate))
    }
}

/// The buying settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuyingConfig {
    /// Days a supplier has to accept or reject an order once sent
    /// (`MARCO_ORDER_ACCEPT_DAYS`, default 2, as in ChileCompra's purchase orders).
    pub accept_days: i64,
    /// Days from an invoice to its payment due date (`MARCO_PAYMENT_DAYS`, default 30, the
    /// legal limit for public bodies in Chile and the UK's prompt-payment target).
    pub payment_days: i64,
    /// The large-purchase rule, when set.
    pub large_purchase: Option<LargePurchaseRule>,
}

impl Default for BuyingConfig {
    fn default() -> Self {
        BuyingConfig {
            accept_days: 2,
            payment_days: 30,
            large_purchase: None,
        }
    }
}

fn days(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: i64,
) -> Result<i64, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=365).contains(d))
            .ok_or_else(|| {
                ConfigError(format!(
                    "{name}={raw:?} must be a number of days from 1 to 365"
                ))
            }),
    }
}

impl BuyingConfig {
    /// Reads the settings through `get`.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<BuyingConfig, ConfigError> {
        let accept_days = days(get, "MARCO_ORDER_ACCEPT_DAYS", 2)?;
        let payment_days = days(get, "MARCO_PAYMENT_DAYS", 30)?;
        let large_purchase = match get("MARCO_LARGE_PURCHASE_THRESHOLD") {
            None => None,
            Some(raw) => {
                let threshold = crate::domain::money::parse_amount(&raw).map_err(|_| {
                    ConfigError(format!(
                        "MARCO_LARGE_PURCHASE_THRESHOLD={raw:?} is not an amount, e.g. 1000"
                    ))
                })?;
                let unit = get("MARCO_LARGE_PURCHASE_UNIT").ok_or_else(|| {
                    ConfigError(
                        "MARCO_LARGE_PURCHASE_UNIT is needed with a threshold, e.g. UTM or CLP"
                            .into(),
                    )
                })?;
                let mut rates = Vec::new();
                for pair in get("MARCO_LARGE_PURCHASE_RATES")
                    .unwrap_or_default()
                    .split(',')
                {
                    let pair = pair.trim();
                    if pair.is_empty() {
                        continue;
                    }
                    let parsed = pair.split_once('=').and_then(|(code, rate)| {
                        let code = crate::domain::money::currency(code).ok()?;
                        let rate = crate::domain::money::parse_amount(rate).ok()?;
                        Some((code.code().to_owned(), rate))
                    });
                    rates.push(parsed.ok_or_else(|| {
                        ConfigError(format!(
                            "MARCO_LARGE_PURCHASE_RATES: {pair:?} is not CURRENCY=RATE, e.g. CLP=68306"
                        ))
                    })?);
                }
                let min_quotes = match get("MARCO_LARGE_PURCHASE_MIN_QUOTES") {
                    None => 3,
                    Some(raw) => raw
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (2..=20).contains(n))
                        .ok_or_else(|| {
                            ConfigError(format!(
                                "MARCO_LARGE_PURCHASE_MIN_QUOTES={raw:?} must be 2 to 20"
                            ))
                        })?,
                };
                Some(LargePurchaseRule {
                    threshold,
                    unit,
                    rates,
                    min_quotes,
                })
            }
        };
        Ok(BuyingConfig {
            accept_days,
            payment_days,
            large_purchase,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<BuyingConfig, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        BuyingConfig::from_lookup(&|name: &str| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn the_grandes_compras_rule_converts_utm_into_pesos() {
        let config = read(&[
            ("MARCO_LARGE_PURCHASE_THRESHOLD", "1000"),
            ("MARCO_LARGE_PURCHASE_UNIT", "UTM"),
            ("MARCO_LARGE_PURCHASE_RATES", "clp=68306"),
        ])
        .unwrap();
        let rule = config.large_purchase.unwrap();
        assert_eq!(rule.threshold_in("CLP"), Some(Decimal::from(68_306_000)));
        assert_eq!(rule.threshold_in("GBP"), None);
        assert_eq!(rule.min_quotes, 3);
        assert_eq!(config.accept_days, 2);
    }

    #[test]
    fn bad_settings_name_the_variable() {
        for (vars, name) in [
            (
                vec![("MARCO_ORDER_ACCEPT_DAYS", "0")],
                "MARCO_ORDER_ACCEPT_DAYS",
            ),
            (
                vec![("MARCO_LARGE_PURCHASE_THRESHOLD", "lots")],
                "MARCO_LARGE_PURCHASE_THRESHOLD",
            ),
            (
                vec![("MARCO_LARGE_PURCHASE_THRESHOLD", "1000")],
                "MARCO_LARGE_PURCHASE_UNIT",
            ),
            (
                vec![
                    ("MARCO_LARGE_PURCHASE_THRESHOLD", "1000"),
                    ("MARCO_LARGE_PURCHASE_UNIT", "UTM"),
                    ("MARCO_LARGE_PURCHASE_RATES", "CLP:68306"),
                ],
                "MARCO_LARGE_PURCHASE_RATES",
            ),
        ] {
            let err = read(&vars).unwrap_err().to_string();
            assert!(err.contains(name), "{err}");
        }
    }
}
