//! Money amounts as decimals, and identifiers that may be strings or integers.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A money amount: a decimal, never a float.
///
/// It is written as a JSON integer when it has no fractional digits (`1500`), else as a JSON
/// number with its digits (`1500.50` is written `1500.5`, as JSON numbers carry no scale). A JSON
/// float with an integral value (`1500.0`) keeps one fractional digit, so it is written back
/// as a float and the JSON value round-trips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(pub Decimal);

impl Amount {
    /// The decimal value.
    pub fn decimal(self) -> Decimal {
        self.0
    }
}

impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        Self(value)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.scale() == 0 {
            if let Some(integer) = self.0.to_i64() {
                return serializer.serialize_i64(integer);
            }
            if let Some(integer) = self.0.to_u64() {
                return serializer.serialize_u64(integer);
            }
        }
        let float = f64::from_str(&self.0.to_string()).map_err(serde::ser::Error::custom)?;
        serializer.serialize_f64(float)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        let text = number.to_string();
        let mut decimal = Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map_err(|e| {
                serde::de::Error::custom(format!("amount {text} is not a decimal: {e}"))
            })?;
        if number.is_f64() && decimal.scale() == 0 {
            decimal.rescale(1);
        }
        Ok(Self(decimal))
    }
}

/// An identifier that the schema allows as a string or an integer (`Award.id`, `Tender.id`...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Id {
    /// A string identifier (recommended).
    String(String),
    /// An integer identifier.
    Integer(i64),
}

impl From<&str> for Id {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::String(s) => f.write_str(s),
            Self::Integer(i) => write!(f, "{i}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_round_trip_integers_and_floats() {
        for raw in [
            json!(1500),
            json!(1500.5),
            json!(1500.0),
            json!(0.1),
            json!(-3),
            json!(1e20),
            json!(123456789.123),
        ] {
            let amount: Amount = serde_json::from_value(raw.clone()).expect("a number");
            assert_eq!(serde_json::to_value(amount).expect("serializes"), raw);
        }
    }

    #[test]
    fn amounts_are_exact_decimals() {
        let amount: Amount = serde_json::from_value(json!(0.1)).expect("a number");
        assert_eq!(
            amount.decimal() * Decimal::from(3),
            Decimal::from_str("0.3").expect("decimal")
        );
    }
}
