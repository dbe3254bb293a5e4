//! Settings of contract delivery: how long the buyer has to accept or reject a delivery, and
//! the rise in a contract's value above which a change needs a second approver.

use rust_decimal::Decimal;

use super::ConfigError;

/// The delivery rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractsConfig {
    /// Days the buyer has to accept or reject a delivered milestone
    /// (`MARCO_ACCEPTANCE_DAYS`, default 10); past it the milestone is flagged on both
    /// dashboards.
    pub acceptance_days: u32,
    /// The share of the original value above which a rise needs a second person at the
    /// buyer with `can_award` (`MARCO_AMENDMENT_APPROVAL_SHARE`, default 0.20: a 20 % rise,
    /// the threshold commonly used by red-flag methods for contract amendments).
    pub approval_share: Decimal,
}

impl Default for ContractsConfig {
    fn default() -> Self {
        ContractsConfig {
            acceptance_days: 10,
            approval_share: Decimal::new(20, 2),
        }
    }
}

impl ContractsConfig {
    /// Reads the settings through `get`.
    pub fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
    ) -> Result<ContractsConfig, ConfigError> {
        let mut config = ContractsConfig::default();
        if let Some(raw) = get("MARCO_ACCEPTANCE_DAYS") {
            config.acceptance_days = raw
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=90).contains(d))
                .ok_or_else(|| {
                    ConfigError(format!(
                        "MARCO_ACCEPTANCE_DAYS={raw:?} must be a number of days from 1 to 90"
                    ))
                })?;
        }
        if let Some(raw) = get("MARCO_AMENDMENT_APPROVAL_SHARE") {
            config.approval_share = raw
                .trim()
                .parse::<Decimal>()
                .ok()
                .filter(|s| *s >= Decimal::ZERO && *s <= Decimal::from(10))
                .ok_or_else(|| {
                    ConfigError(format!(
                        "MARCO_AMENDMENT_APPROVAL_SHARE={raw:?} must be a share from 0 to 10 (0.20 is 20 %)"
                    ))
                })?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_refusals() {
        let none = |_: &str| None;
        assert_eq!(
            ContractsConfig::from_lookup(&none).unwrap(),
            ContractsConfig::default()
        );
        let set = |k: &str| match k {
            "MARCO_ACCEPTANCE_DAYS" => Some("5".to_owned()),
            "MARCO_AMENDMENT_APPROVAL_SHARE" => Some("0.1".to_owned()),
            _ => None,
        };
        let c = ContractsConfig::from_lookup(&set).unwrap();
        assert_eq!(
            (c.acceptance_days, c.approval_share),
            (5, Decimal::new(1, 1))
        );
        let bad = |k: &str| (k == "MARCO_ACCEPTANCE_DAYS").then(|| "0".to_owned());
        assert!(ContractsConfig::from_lookup(&bad).is_err());
        let bad = |k: &str| (k == "MARCO_AMENDMENT_APPROVAL_SHARE").then(|| "-1".to_owned());
        assert!(ContractsConfig::from_lookup(&bad).is_err());
    }
}
