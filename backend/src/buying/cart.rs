//! The cart: services added at the price of their current version, removed again, and
//! the quantities people type. Placing its orders is `checkout`.

use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::{FlowError, Viewer, store};
use crate::domain::money::parse_amount;
use crate::entities::cart_item;
use crate::frameworks::store as catalogue;
use crate::state::AppState;

/// Lines a cart may hold.
pub const MAX_LINES: usize = 50;
/// The largest quantity of one line.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// A quantity as typed: a positive number with at most two decimals, up to a million.
pub fn parse_quantity(raw: &str) -> Result<Decimal, FlowError> {
    let quantity = parse_amount(raw).map_err(|_| {
        FlowError::field(
            "quantity",
            "quantity",
            "Enter a quantity as a number, such as 3 or 2.5",
        )
    })?;
    if quantity <= Decimal::ZERO {
        return Err(FlowError::field(
            "quantity",
            "quantity_positive",
            "Enter a quantity greater than 0",
        ));
    }
    if quantity > Decimal::from(MAX_QUANTITY) {
        return Err(FlowError::field(
            "quantity",
            "quantity_too_large",
            "Enter a quantity of at most 1,000,000",
        ));
    }
    Ok(quantity)
}

/// Adds `quantity` of service `public_id` to the buyer's cart at the price of its current
/// version. The same service at the same version adds to its line.
pub async fn add(
    state: &AppState,
    who: Viewer,
    public_id: &str,
    quantity: &str,
) -> Result<CartLineAdded, FlowError> {
    let quantity = parse_quantity(quantity)?;
    let txn = state.begin_write().await?;
    let svc = catalogue::service_by_public_id(&txn, public_id).await?;
    let fw = catalogue::framework_by_id(&txn, svc.framework_id).await?;
    let supplier = catalogue::organisation(&txn, svc.organisation_id).await?;
    if !catalogue::service_available(&svc, &fw, &supplier) {
        return Err(FlowError::Refused("service_unavailable"));
    }
    let version = catalogue::versions(&txn, svc.id)
        .await?
        .pop()
        .ok_or(FlowError::NotFound)?;
    let Some(price) = version.price else {
        return Err(FlowError::Refused("service_unpriced"));
    };
    let lines = store::cart(&txn, who.user_id).await?;
    let line = match lines.iter().find(|l| l.service_version_id == version.id) {
        Some(existing) => {
            let total = (existing.quantity + quantity).min(Decimal::from(MAX_QUANTITY));
            let mut active = existing.clone().into_active_model();
            active.quantity = Set(total);
            active.update(&txn).await?
        }
        None => {
            if lines.len() >= MAX_LINES {
                return Err(FlowError::Refused("cart_full"));
            }
            cart_item::ActiveModel {
                user_id: Set(who.user_id),
                service_id: Set(svc.id),
                service_version_id: Set(version.id),
                quantity: Set(quantity),
                unit: Set(version
                    .pricing_unit
                    .clone()
                    .unwrap_or_else(|| "unit".into())),
                unit_price: Set(price),
                currency: Set(version.currency.clone()),
                added_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    txn.commit().await?;
    Ok(CartLineAdded {
        line_id: line.id,
        service_name: svc.name,
    })
}

/// What was added.
#[derive(Clone, Debug)]
pub struct CartLineAdded {
    /// The cart line.
    pub line_id: i64,
    /// The service's name.
    pub service_name: String,
}

/// Removes a line from the buyer's own cart.
pub async fn remove(state: &AppState, who: Viewer, line_id: i64) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    let removed = cart_item::Entity::delete_many()
        .filter(cart_item::Column::Id.eq(line_id))
        .filter(cart_item::Column::UserId.eq(who.user_id))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(FlowError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantities_must_be_positive_numbers() {
        assert_eq!(parse_quantity("3").unwrap(), Decimal::from(3));
        assert_eq!(parse_quantity("2.5").unwrap(), Decimal::new(25, 1));
        for bad in ["0", "0.00", "-1", "", "three", "1e3", "2000000"] {
            assert!(parse_quantity(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn quantity_parsing_never_panics_and_accepts_only_sane_values(raw in ".{0,20}") {
            if let Ok(q) = parse_quantity(&raw) {
                prop_assert!(q > Decimal::ZERO && q <= Decimal::from(MAX_QUANTITY));
            }
        }
    }
}
