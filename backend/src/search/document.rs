//! What the index holds about a service, checked before it is indexed, and the values both
//! backends derive from it the same way: the facet map, the price band and the tie-break.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::SearchError;

/// A service as the search index sees it: built by the catalogue code from the current
/// version, queued through the outbox, and indexed by either backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceDocument {
    /// The service's public id (letters, digits, `-` and `_`; a UUID in practice).
    pub id: String,
    /// The service version this document was made from.
    pub version: i64,
    /// The framework's id (slug).
    pub framework_id: String,
    /// The framework's name.
    pub framework_name: String,
    /// The lot slug.
    pub lot: String,
    /// The lot's name.
    pub lot_name: String,
    /// The supplier's id.
    pub supplier_id: String,
    /// The supplier's name (searched as keywords).
    pub supplier_name: String,
    /// `sme` or `large`.
    pub supplier_scale: String,
    /// The service name.
    pub name: String,
    /// The description.
    pub description: String,
    /// Feature lines and other searchable answers.
    pub features: Vec<String>,
    /// The lowest unit price, if the service has one.
    pub price: Option<Decimal>,
    /// ISO 4217 currency of `price`.
    pub currency: String,
    /// What the price is per (`per user per month`, …).
    pub pricing_unit: Option<String>,
    /// Filterable answers by question id from the framework's content file.
    pub facets: BTreeMap<String, Vec<String>>,
    /// Whether the service can be bought now; unavailable services are hidden by default.
    pub available: bool,
}

/// Facet names every document has, filled from its fixed fields; they share the filter map
/// with the content file's facets.
pub const FIXED_FACETS: [&str; 6] = [
    "framework",
    "lot",
    "supplier",
    "supplier_scale",
    "pricing_unit",
    "price_band",
];

/// Longest id, facet name or facet value accepted.
const MAX_KEY_LEN: usize = 64;
const MAX_VALUE_LEN: usize = 200;

/// Whether `key` can name a facet: 1 to 64 ASCII letters, digits, `-` or `_` (content-file
/// question ids are such slugs; Meilisearch filter expressions need nothing more exotic).
pub fn is_facet_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The relevance tie-break of a service: the first bytes of SHA-256 of its id, as a number
/// below 2^53 so Meilisearch (which keeps numbers as doubles) orders it exactly as tantivy.
/// It depends on the id alone, so ties favour no supplier by name or age.
pub fn tie_break(id: &str) -> u64 {
    let digest = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) >> 11
}

/// A price range of the 1-2-5 series (`[0,1)`, `[1,2)`, `[2,5)`, `[5,10)`, `[10,20)` …),
/// with how many results fall in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriceBand {
    /// The `price_band` facet value, usable as a filter: the lower bound as an integer.
    pub key: String,
    /// Lowest price in the band.
    pub min: Decimal,
    /// The band ends below this price; `None` for the last band.
    pub max: Option<Decimal>,
    /// Results in the band.
    pub count: u64,
}

/// The `price_band` facet value of a price: the lower bound of its 1-2-5 band.
pub fn price_band_key(price: Decimal) -> String {
    band_bounds(price).0.to_string()
}

/// The lower and upper bound of the band `price` falls in.
fn band_bounds(price: Decimal) -> (Decimal, Option<Decimal>) {
    let one = Decimal::ONE;
    if price < one {
        return (Decimal::ZERO, Some(one));
    }
    let mut lower = one;
    for step in band_steps().skip(1) {
        if price < step {
            return (lower, Some(step));
        }
        lower = step;
    }
    (lower, None)
}

/// 1, 2, 5, 10, 20, 50, … up to 5·10^24.
fn band_steps() -> impl Iterator<Item = Decimal> {
    (0..25u32).flat_map(|exp| {
        let scale = Decimal::from_i128_with_scale(10i128.pow(exp), 0);
        [1u8, 2, 5].map(move |m| Decimal::from(m) * scale)
    })
}

impl PriceBand {
    /// The band named by a `price_band` facet value, or `None` for a value that names none.
    pub fn from_key(key: &str, count: u64) -> Option<PriceBand> {
        let min: Decimal = key.parse().ok()?;
        let (lower, max) = band_bounds(min);
        (lower == min).then(|| PriceBand {
            key: key.to_owned(),
            min,
            max,
            count,
        })
    }
}

impl ServiceDocument {
    /// Checks what both backends rely on: a usable id, facet names and values, a price that
    /// is not negative. Text is free-form; it is escaped whenever it is shown.
    pub fn validate(&self) -> Result<(), SearchError> {
        let fail = |reason: String| SearchError::InvalidDocument {
            id: self.id.clone(),
            reason,
        };
        if !is_facet_key(&self.id) {
            return Err(fail(
                "the id must be 1 to 64 letters, digits, - or _".into(),
            ));
        }
        if self
            .price
            .is_some_and(|p| p.is_sign_negative() && !p.is_zero())
        {
            return Err(fail("the price is negative".into()));
        }
        for (key, values) in &self.facets {
            if !is_facet_key(key) {
                return Err(fail(format!("facet name {key:?} is not a slug")));
            }
            for value in values {
                check_value(value).map_err(|why| fail(format!("facet {key}: {why}")))?;
            }
        }
        Ok(())
    }

    /// Every facet of the document, the fixed ones included, trimmed and without repeats.
    pub fn all_facets(&self) -> BTreeMap<String, Vec<String>> {
        let mut all: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut add = |key: &str, value: &str| {
            let value = value.trim();
            if value.is_empty() || check_value(value).is_err() {
                return;
            }
            let values = all.entry(key.to_owned()).or_default();
            if !values.iter().any(|v| v == value) {
                values.push(value.to_owned());
            }
        };
        for (key, values) in &self.facets {
            for value in values {
                add(key, value);
            }
        }
        add("framework", &self.framework_id);
        add("lot", &self.lot);
        add("supplier", &self.supplier_id);
        add("supplier_scale", &self.supplier_scale);
        if let Some(unit) = &self.pricing_unit {
            add("pricing_unit", unit);
        }
        if let Some(price) = self.price {
            add("price_band", &price_band_key(price));
        }
        all
    }

    /// The lower-cased, accent-folded name that name sorting compares.
    pub fn name_sort_key(&self) -> String {
        super::text::fold(&self.name)
    }
}

fn check_value(value: &str) -> Result<(), String> {
    if value.len() > MAX_VALUE_LEN {
        return Err(format!("a value is longer than {MAX_VALUE_LEN} bytes"));
    }
    if value.chars().any(char::is_control) {
        return Err("a value has control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_bands_follow_the_one_two_five_series() {
        let key = |p: &str| price_band_key(p.parse().unwrap());
        assert_eq!(key("0.5"), "0");
        assert_eq!(key("1"), "1");
        assert_eq!(key("4.99"), "2");
        assert_eq!(key("5"), "5");
        assert_eq!(key("19999"), "10000");
        assert_eq!(key("25000"), "20000");
        let band = PriceBand::from_key("20000", 3).unwrap();
        assert_eq!(band.max, Some("50000".parse().unwrap()));
        assert!(PriceBand::from_key("30000", 1).is_none());
        assert!(PriceBand::from_key("lots", 1).is_none());
    }

    #[test]
    fn tie_breaks_depend_on_the_id_alone_and_fit_a_double() {
        assert_eq!(tie_break("a"), tie_break("a"));
        assert_ne!(tie_break("a"), tie_break("b"));
        assert!(tie_break("anything") < (1 << 53));
    }

    #[test]
    fn facet_keys_are_slugs() {
        assert!(is_facet_key("data_location"));
        assert!(is_facet_key("data-location"));
        assert!(!is_facet_key("data location"));
        assert!(!is_facet_key(""));
        assert!(!is_facet_key("a\"b"));
    }
}
