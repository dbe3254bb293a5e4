//! The large-purchase rule (ChileCompra's "grandes compras"): above a configured threshold an
//! order needs quotes from several suppliers on the framework and goes to the lowest.

use super::FlowError;
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::money::Money;
use crate::frameworks::store as catalogue;
use crate::state::AppState;

/// Whether the large-purchase rule applies to an order of `total` in `currency`.
pub fn is_large(state: &AppState, currency: &str, total: &Money) -> bool {
    state
        .config
        .buying
        .large_purchase
        .as_ref()
        .and_then(|rule| rule.threshold_in(currency))
        .is_some_and(|threshold| total.amount() > threshold)
}

/// The quotes of a large purchase, checked: at least the rule's number of different
/// suppliers, each listing services on the order's framework, the ordered supplier among them
/// with the lowest quote, and every amount in the order's currency. Returns (supplier id,
/// amount) per quote.
pub(super) async fn check_quotes<C: sea_orm::ConnectionTrait>(
    state: &AppState,
    txn: &C,
    raw: &[(String, String)],
    supplier_id: i64,
    framework_id: i64,
    total: &Money,
) -> Result<Vec<(i64, Money)>, FlowError> {
    let Some(rule) = &state.config.buying.large_purchase else {
        return Ok(Vec::new());
    };
    let mut errors = FieldErrors::new();
    let mut quotes: Vec<(i64, Money)> = Vec::new();
    for (i, (supplier, amount)) in raw.iter().enumerate() {
        if supplier.trim().is_empty() && amount.trim().is_empty() {
            continue;
        }
        let Ok(quoted_by) = supplier.trim().parse::<i64>() else {
            errors.insert(
                format!("quotes[{i}].supplier"),
                FieldError {
                    code: "quote_supplier".into(),
                    message: "Choose the supplier that quoted".into(),
                },
            );
            continue;
        };
        if !catalogue::has_services_on(txn, framework_id, quoted_by).await? {
            errors.insert(
                format!("quotes[{i}].supplier"),
                FieldError {
                    code: "quote_supplier".into(),
                    message: "Quotes must come from suppliers on the same framework".into(),
                },
            );
            continue;
        }
        match Money::parse(amount, total.code()) {
            Ok(money) if !money.amount().is_zero() => {
                if quotes.iter().any(|(s, _)| *s == quoted_by) {
                    errors.insert(
                        format!("quotes[{i}].supplier"),
                        FieldError {
                            code: "quote_twice".into(),
                            message: "Each supplier quotes once".into(),
                        },
                    );
                } else {
                    quotes.push((quoted_by, money));
                }
            }
            _ => {
                errors.insert(
                    format!("quotes[{i}].amount"),
                    FieldError {
                        code: "quote_amount".into(),
                        message: format!(
                            "Enter the amount quoted in {}, digits only",
                            total.code()
                        ),
                    },
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    let needed = rule.min_quotes as usize;
    if quotes.len() < needed {
        return Err(FlowError::field(
            "quotes",
            "quotes_required",
            format!(
                "This order is above the large-purchase threshold of {} {}: record quotes from at least {needed} suppliers on the framework, including the one you order from",
                rule.threshold, rule.unit
            ),
        ));
    }
    let Some((_, chosen)) = quotes.iter().find(|(s, _)| *s == supplier_id) else {
        return Err(FlowError::field(
            "quotes",
            "quote_missing_supplier",
            "Record the quote of the supplier you are ordering from",
        ));
    };
    if quotes
        .iter()
        .any(|(_, other)| other.amount() < chosen.amount())
    {
        return Err(FlowError::field(
            "quotes",
            "quote_not_lowest",
            "A large purchase goes to the lowest quote: order from the supplier that quoted least",
        ));
    }
    Ok(quotes)
}
