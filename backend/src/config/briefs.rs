//! Settings of challenge-based purchases (briefs): the budget above which a category reviewer
//! must approve the business case, the standstill period between award and contract, and
//! whether the prices of unsuccessful responses are published after the award.

use rust_decimal::Decimal;

use super::ConfigError;

/// The brief rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BriefsConfig {
    /// Budgets above these amounts (per currency) need an approved business case
    /// (`MARCO_BRIEF_REVIEW_THRESHOLDS`, e.g. `CLP=100000000,GBP=100000`). A brief in a
    /// currency with no threshold always needs one.
    pub review_thresholds: Vec<(String, Decimal)>,
    /// Days between the award and the contract, in which suppliers may complain
    /// (`MARCO_STANDSTILL_DAYS`, default 10).
    pub standstill_days: i64,
    /// Publish the prices of unsuccessful responses after the award
    /// (`MARCO_PUBLISH_BID_PRICES`, default false): what Cardinal's price flags need, and what
    /// some jurisdictions forbid.
    pub publish_bid_prices: bool,
}

impl Default for BriefsConfig {
    fn default() -> Self {
        BriefsConfig {
            review_thresholds: vec![
                ("CLP".into(), Decimal::from(100_000_000)),
                ("GBP".into(), Decimal::from(100_000)),
                ("EUR".into(), Decimal::from(100_000)),
                ("USD".into(), Decimal::from(100_000)),
            ],
            standstill_days: 10,
            publish_bid_prices: false,
        }
    }
}

impl BriefsConfig {
    /// Whether a highest budget of `amount` in `currency` needs an approved business case.
    pub fn review_needed(&self, amount: Decimal, currency: &str) -> bool {
        self.review_thresholds
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(currency))
            .is_none_or(|(_, threshold)| amount > *threshold)
    }

    /// Reads the settings through `get`.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<BriefsConfig, ConfigError> {
        let mut config = BriefsConfig::default();
        if let Some(raw) = get("MARCO_BRIEF_REVIEW_THRESHOLDS") {
            let mut thresholds = Vec::new();
            for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let parsed = pair.split_once('=').and_then(|(code, amount)| {
                    let code = crate::domain::money::currency(code).ok()?;
                    let amount = crate::domain::money::parse_amount(amount).ok()?;
                    Some((code.code().to_owned(), amount))
                });
                thresholds.push(parsed.ok_or_else(|| {
                    ConfigError(format!(
                        "MARCO_BRIEF_REVIEW_THRESHOLDS: {pair:?} is not CURRENCY=AMOUNT, e.g. CLP=100000000"
                    ))
                })?);
            }
            config.review_thresholds = thresholds;
        }
        if let Some(raw) = get("MARCO_STANDSTILL_DAYS") {
            config.standstill_days = raw
                .parse::<i64>()
                .ok()
                .filter(|d| (0..=60).contains(d))
                .ok_or_else(|| {
                    ConfigError(format!(
                        "MARCO_STANDSTILL_DAYS={raw:?} must be a number of days from 0 to 60"
                    ))
                })?;
        }
        if let Some(raw) = get("MARCO_PUBLISH_BID_PRICES") {
            config.publish_bid_prices = match raw.trim() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                _ => {
                    return Err(ConfigError(format!(
                        "MARCO_PUBLISH_BID_PRICES={raw:?} must be true or false"
                    )));
                }
            };
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<BriefsConfig, ConfigError> {
        BriefsConfig::from_lookup(&|name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_review_large_budgets_and_wait_ten_days() {
        let c = read(&[]).unwrap();
        assert_eq!(c.standstill_days, 10);
        assert!(!c.publish_bid_prices);
        assert!(c.review_needed(Decimal::from(100_000_001), "CLP"));
        assert!(!c.review_needed(Decimal::from(100_000_000), "CLP"));
        assert!(c.review_needed(Decimal::from(1), "JPY"));
    }

    #[test]
    fn thresholds_and_days_are_read_and_bad_values_named() {
        let c = read(&[
            ("MARCO_BRIEF_REVIEW_THRESHOLDS", "clp=5, GBP=10"),
            ("MARCO_STANDSTILL_DAYS", "0"),
            ("MARCO_PUBLISH_BID_PRICES", "true"),
        ])
        .unwrap();
        assert!(c.review_needed(Decimal::from(6), "CLP"));
        assert_eq!(c.standstill_days, 0);
        assert!(c.publish_bid_prices);
        let e = read(&[("MARCO_BRIEF_REVIEW_THRESHOLDS", "pesos")]).unwrap_err();
        assert!(e.0.contains("MARCO_BRIEF_REVIEW_THRESHOLDS"));
        assert!(read(&[("MARCO_STANDSTILL_DAYS", "90")]).is_err());
        assert!(read(&[("MARCO_PUBLISH_BID_PRICES", "maybe")]).is_err());
    }
}
