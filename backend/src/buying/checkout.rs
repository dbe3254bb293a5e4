//! The checkout: the cart's lines (or the items an API client sends) become one order per
//! supplier, framework and currency, idempotently, each sent to its supplier or to a colleague
//! for approval in the same transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use sha2::Digest;

use super::cart::{MAX_LINES, parse_quantity};
use super::quotes::{check_quotes, is_large};
use super::{Actor, FlowError, Viewer, orders, store};
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use crate::entities::{cart_item, order, order_checkout, order_item, order_quote};
use crate::frameworks::store as catalogue;
use crate::publish::ocids::{CallOff, call_off_ocid};
use crate::state::AppState;

/// What the buyer enters to place the orders of their cart.
#[derive(Clone, Debug, Default)]
pub struct Checkout {
    /// Where to deliver (internal, never published).
    pub delivery_address: String,
    /// The cost centre (internal, never published).
    pub cost_centre: String,
    /// The date wanted, `YYYY-MM-DD`.
    pub requested_date: String,
    /// The key that makes a retried or doubled submission place the orders once.
    pub idempotency_key: String,
    /// Quotes gathered for a large purchase, as typed: (supplier organisation id, amount).
    /// Needed only when the large-purchase rule applies to the order.
    pub quotes: Vec<(String, String)>,
}

/// Checks the checkout form, field by field.
fn check(input: &Checkout, today: NaiveDate) -> Result<DateTime<Utc>, FlowError> {
    let mut errors = FieldErrors::new();
    let mut problem = |name: &str, code: &str, message: &str| {
        errors.insert(
            name.into(),
            FieldError {
                code: code.into(),
                message: message.into(),
            },
        );
    };
    let address = input.delivery_address.trim();
    if address.is_empty() {
        problem("delivery_address", "required", "Enter the delivery address");
    } else if address.chars().count() > marco_frontend::forms::max_chars("delivery_address") {
        problem(
            "delivery_address",
            "too_long",
            "Enter a delivery address of up to 500 characters",
        );
    }
    let centre = input.cost_centre.trim();
    if centre.is_empty() {
        problem(
            "cost_centre",
            "required",
            "Enter the cost centre that pays for the order",
        );
    } else if centre.chars().count() > marco_frontend::forms::max_chars("cost_centre") {
        problem(
            "cost_centre",
            "too_long",
            "Enter a cost centre of up to 120 characters",
        );
    }
    let key = input.idempotency_key.trim();
    if key.is_empty()
        || key.len() > 100
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        problem(
            "idempotency_key",
            "idempotency_key",
            "Send a key of 1 to 100 letters, digits, hyphens or underscores",
        );
    }
    let date = NaiveDate::parse_from_str(input.requested_date.trim(), "%Y-%m-%d").ok();
    match date {
        None => problem(
            "requested_date",
            "date",
            "Enter the date you need it as YYYY-MM-DD, for example 2027-01-31",
        ),
        Some(d) if d < today => problem(
            "requested_date",
            "date_past",
            "Enter a date from today onwards",
        ),
        Some(d) if d > today + Duration::days(731) => problem(
            "requested_date",
            "date_far",
            "Enter a date within two years",
        ),
        Some(_) => {}
    }
    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    let date = date.unwrap_or(today);
    Ok(date
        .and_hms_opt(12, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or_else(Utc::now))
}

/// Where the lines of a checkout come from.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// The buyer's cart, emptied by the checkout (the web pages).
    Cart,
    /// Items sent with the request as (service public id, quantity): one order to one
    /// supplier (the API).
    Items(&'a [(String, String)]),
}

/// What a checkout placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// The orders, in the order they were made.
    pub ids: Vec<i64>,
    /// The same request was made before with this key; these are its orders.
    pub replayed: bool,
}

fn request_hash(input: &Checkout, source: Source<'_>) -> String {
    let mut hash = sha2::Sha256::new();
    for part in [
        input.delivery_address.trim(),
        input.cost_centre.trim(),
        input.requested_date.trim(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0u8]);
    }
    for (supplier, amount) in &input.quotes {
        hash.update(supplier.trim().as_bytes());
        hash.update([2u8]);
        hash.update(amount.trim().as_bytes());
        hash.update([0u8]);
    }
    if let Source::Items(items) = source {
        for (service, quantity) in items {
            hash.update(service.trim().as_bytes());
            hash.update([1u8]);
            hash.update(quantity.trim().as_bytes());
            hash.update([0u8]);
        }
    }
    hex::encode(hash.finalize())
}

fn ids_of(row: &order_checkout::Model) -> Vec<i64> {
    row.order_ids
        .split(',')
        .filter_map(|id| id.parse().ok())
        .collect()
}

/// The orders a checkout with this key already made, when the same request is repeated.
async fn replay<C: sea_orm::ConnectionTrait>(
    db: &C,
    who: Viewer,
    input: &Checkout,
    source: Source<'_>,
) -> Result<Option<Placed>, FlowError> {
    match store::checkout(db, who.user_id, input.idempotency_key.trim()).await? {
        Some(row) if row.request_hash == request_hash(input, source) => Ok(Some(Placed {
            ids: ids_of(&row),
            replayed: true,
        })),
        Some(_) => Err(FlowError::Refused("idempotency_key_reused")),
        None => Ok(None),
    }
}

/// Places the orders of the buyer's cart, or of the items sent: one per supplier, framework
/// and currency (items sent through the API must make exactly one). An order within the
/// buyer's own approval limit goes to its supplier at once; above it, to the colleagues who
/// may approve it. The same key places the orders once, however often it is sent; a repeat
/// returns the orders the first one placed.
pub async fn checkout(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    input: &Checkout,
    source: Source<'_>,
) -> Result<Placed, FlowError> {
    let requested = check(input, Utc::now().date_naive())?;
    if let Some(done) = replay(&state.db, who, input, source).await? {
        return Ok(done);
    }
    // Read before the write transaction, so the writers' queue is not held for them: who the
    // buyer is and their own approval limit.
    let before = Before {
        placer_limit: store::approval_limit(&state.db, who.user_id).await?,
        buyer: catalogue::organisation(&state.db, who.organisation_id).await?,
    };
    match place(state, actor, who, input, source, requested, before).await {
        Ok(placed) => Ok(placed),
        // A twin with the same key committed first (this one then failed on the key, or found
        // the cart already emptied): answer with its orders, or refuse a key reused for
        // something else.
        Err(e) => match replay(&state.db, who, input, source).await? {
            Some(done) => Ok(done),
            None => Err(e),
        },
    }
}

/// One line to order, priced from a service version.
struct Line {
    /// The field a problem with it belongs to (`line-7`, `items[0].service`).
    field: String,
    service_id: i64,
    service_version_id: i64,
    quantity: Decimal,
    unit: String,
    unit_price: Decimal,
    currency: String,
    /// The service and version, when already read.
    read: Option<(
        crate::entities::service::Model,
        crate::entities::service_version::Model,
    )>,
}

/// The lines of the checkout, each priced from its version, or the field errors that stop it.
async fn lines_of<C: sea_orm::ConnectionTrait>(
    txn: &C,
    who: Viewer,
    source: Source<'_>,
) -> Result<Vec<Line>, FlowError> {
    match source {
        Source::Cart => Ok(store::cart(txn, who.user_id)
            .await?
            .into_iter()
            .map(|l| Line {
                field: format!("line-{}", l.id),
                service_id: l.service_id,
                service_version_id: l.service_version_id,
                quantity: l.quantity,
                unit: l.unit,
                unit_price: l.unit_price,
                currency: l.currency,
                read: None,
            })
            .collect()),
        Source::Items(items) => {
            if items.is_empty() || items.len() > MAX_LINES {
                return Err(FlowError::field(
                    "items",
                    "items",
                    format!("Send 1 to {MAX_LINES} items"),
                ));
            }
            let mut errors = FieldErrors::new();
            let mut lines = Vec::new();
            for (i, (service, quantity)) in items.iter().enumerate() {
                let quantity = match parse_quantity(quantity) {
                    Ok(q) => q,
                    Err(FlowError::Invalid(mut e)) => {
                        if let Some(problem) = e.remove("quantity") {
                            errors.insert(format!("items[{i}].quantity"), problem);
                        }
                        continue;
                    }
                    Err(other) => return Err(other),
                };
                let svc = match catalogue::service_by_public_id(txn, service.trim()).await {
                    Ok(svc) => svc,
                    Err(FlowError::NotFound) => {
                        errors.insert(
                            format!("items[{i}].service"),
                            FieldError {
                                code: "no_such_service".into(),
                                message: "No service has this id".into(),
                            },
                        );
                        continue;
                    }
                    Err(other) => return Err(other),
                };
                let version = catalogue::versions(txn, svc.id)
                    .await?
                    .pop()
                    .ok_or(FlowError::NotFound)?;
                let Some(price) = version.price else {
                    errors.insert(
                        format!("items[{i}].service"),
                        FieldError {
                            code: "service_unpriced".into(),
                            message: "This service has no listed price".into(),
                        },
                    );
                    continue;
                };
                lines.push(Line {
                    field: format!("items[{i}].service"),
                    service_id: svc.id,
                    service_version_id: version.id,
                    quantity,
                    unit: version
                        .pricing_unit
                        .clone()
                        .unwrap_or_else(|| "unit".into()),
                    unit_price: price,
                    currency: version.currency.clone(),
                    read: Some((svc, version)),
                });
            }
            if !errors.is_empty() {
                return Err(FlowError::Invalid(errors));
            }
            Ok(lines)
        }
    }
}

/// One group of lines that becomes one order: supplier, framework, currency.
type GroupKey = (i64, i64, String);

/// What a checkout reads before its write transaction.
struct Before {
    placer_limit: Option<crate::entities::user_role::Model>,
    buyer: crate::entities::organisation::Model,
}

async fn place(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    input: &Checkout,
    source: Source<'_>,
    requested: DateTime<Utc>,
    before: Before,
) -> Result<Placed, FlowError> {
    let txn = state.begin_write().await?;
    let key = input.idempotency_key.trim();
    let now = Utc::now();
    let lines = lines_of(&txn, who, source).await?;
    if lines.is_empty() {
        return Err(FlowError::Refused("cart_empty"));
    }
    // Frameworks and suppliers read once each, however many lines name them.
    let mut frameworks: std::collections::HashMap<i64, crate::entities::framework::Model> =
        Default::default();
    let mut suppliers: std::collections::HashMap<i64, crate::entities::organisation::Model> =
        Default::default();
    let mut groups: BTreeMap<GroupKey, Vec<(Line, String, String)>> = BTreeMap::new();
    let mut unavailable = FieldErrors::new();
    for mut line in lines {
        let (svc, version) = match line.read.take() {
            Some(read) => read,
            None => (
                catalogue::service_by_id(&txn, line.service_id).await?,
                catalogue::version(&txn, line.service_version_id).await?,
            ),
        };
        if !frameworks.contains_key(&svc.framework_id) {
            let fw = catalogue::framework_by_id(&txn, svc.framework_id).await?;
            frameworks.insert(fw.id, fw);
        }
        if !suppliers.contains_key(&svc.organisation_id) {
            let org = catalogue::organisation(&txn, svc.organisation_id).await?;
            suppliers.insert(org.id, org);
        }
        let (Some(fw), Some(supplier)) = (
            frameworks.get(&svc.framework_id),
            suppliers.get(&svc.organisation_id),
        ) else {
            return Err(FlowError::NotFound);
        };
        if !catalogue::service_available(&svc, fw, supplier) {
            unavailable.insert(
                line.field.clone(),
                FieldError {
                    code: "service_unavailable".into(),
                    message: format!(
                        "{} is no longer available to buy; remove it from your cart",
                        svc.name
                    ),
                },
            );
            continue;
        }
        let description =
            super::version_name(fw, &svc.lot, &version).unwrap_or_else(|| svc.name.clone());
        groups
            .entry((svc.organisation_id, fw.id, line.currency.clone()))
            .or_default()
            .push((line, svc.lot.clone(), description));
    }
    if !unavailable.is_empty() {
        return Err(FlowError::Invalid(unavailable));
    }
    if matches!(source, Source::Items(_)) && groups.len() > 1 {
        return Err(FlowError::field(
            "items",
            "one_supplier",
            "An order goes to one supplier, under one framework, in one currency: send each supplier's items as their own order",
        ));
    }
    let Before {
        placer_limit,
        buyer,
    } = before;
    let mut totals = Vec::with_capacity(groups.len());
    for ((_, _, currency), lines) in &groups {
        let mut total = Money::parse("0", currency).map_err(anyhow::Error::from)?;
        for (line, _, _) in lines {
            let price =
                Money::from_stored(line.unit_price, &line.currency).map_err(anyhow::Error::from)?;
            total = total
                .checked_add(
                    &price
                        .checked_mul(line.quantity)
                        .map_err(anyhow::Error::from)?,
                )
                .map_err(anyhow::Error::from)?;
        }
        totals.push(total);
    }
    let large: Vec<bool> = groups
        .keys()
        .zip(&totals)
        .map(|((_, _, currency), total)| is_large(state, currency, total))
        .collect();
    if large.iter().any(|l| *l) && groups.len() > 1 {
        return Err(FlowError::Refused("large_purchase_alone"));
    }
    let mut placed = Vec::new();
    for ((((supplier_id, framework_id, currency), lines), total), large) in
        groups.into_iter().zip(totals).zip(large)
    {
        let quotes = if large {
            check_quotes(
                state,
                &txn,
                &input.quotes,
                supplier_id,
                framework_id,
                &total,
            )
            .await?
        } else {
            Vec::new()
        };
        let within_own_limit = placer_limit.as_ref().is_some_and(|role| {
            role.approval_limit_currency.as_deref() == Some(currency.as_str())
                && role
                    .approval_limit
                    .is_some_and(|limit| limit >= total.amount())
        });
        let approvers = if within_own_limit {
            Vec::new()
        } else {
            let found = store::approvers(
                &txn,
                who.organisation_id,
                who.user_id,
                total.amount(),
                &currency,
            )
            .await?;
            if found.is_empty() {
                return Err(FlowError::Refused("no_approver"));
            }
            found
        };
        // Within the buyer's own limit the order goes to its supplier at once.
        let (status, sent_at, accept_by) = if within_own_limit {
            let (sent, by) = orders::deadline(state, now);
            (OrderStatus::Sent, Some(sent), Some(by))
        } else {
            (OrderStatus::Submitted, None, None)
        };
        let created = order::ActiveModel {
            ocid: Set(format!("pending-{}", uuid::Uuid::new_v4())),
            buyer_org_id: Set(who.organisation_id),
            supplier_org_id: Set(supplier_id),
            framework_id: Set(framework_id),
            placed_by: Set(who.user_id),
            status: Set(status.as_str().into()),
            total: Set(total.amount()),
            currency: Set(currency.clone()),
            delivery_address: Set(input.delivery_address.trim().to_owned()),
            cost_centre: Set(input.cost_centre.trim().to_owned()),
            requested_date: Set(requested),
            needs_approval: Set(!within_own_limit),
            sent_at: Set(sent_at),
            accept_by: Set(accept_by),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut active = created.into_active_model();
        active.ocid = Set(call_off_ocid(
            &state.config.ocid_prefix,
            CallOff::Order,
            *active.id.as_ref(),
        ));
        let created = active.update(&txn).await?;
        let mut items = Vec::with_capacity(lines.len());
        for (line, lot, description) in &lines {
            items.push(
                order_item::ActiveModel {
                    order_id: Set(created.id),
                    service_id: Set(line.service_id),
                    service_version_id: Set(line.service_version_id),
                    lot: Set(lot.clone()),
                    description: Set(description.chars().take(300).collect()),
                    quantity: Set(line.quantity),
                    unit: Set(line.unit.clone()),
                    unit_price: Set(line.unit_price),
                    line_total: Set(line.unit_price * line.quantity),
                    ..Default::default()
                }
                .insert(&txn)
                .await?,
            );
        }
        for (quoted_by, amount) in &quotes {
            order_quote::ActiveModel {
                order_id: Set(created.id),
                supplier_org_id: Set(*quoted_by),
                amount: Set(amount.amount()),
                currency: Set(amount.code().to_owned()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        if within_own_limit {
            let (Some(fw), Some(supplier)) =
                (frameworks.get(&framework_id), suppliers.get(&supplier_id))
            else {
                return Err(FlowError::NotFound);
            };
            let sending = orders::Sending {
                lines: &items,
                buyer: &buyer,
                supplier,
                framework: fw,
                quotes: quotes.len() as u64,
            };
            orders::announce_sent(state, &txn, actor, &created, &sending).await?;
        } else {
            actor
                .audit(
                    &txn,
                    "order_submitted",
                    format!("order {} ({} lines)", created.id, lines.len()),
                )
                .await?;
            orders::ask_approval(state, &txn, &created, &approvers).await?;
        }
        placed.push(created.id);
    }
    if matches!(source, Source::Cart) {
        cart_item::Entity::delete_many()
            .filter(cart_item::Column::UserId.eq(who.user_id))
            .exec(&txn)
            .await?;
    }
    // The key is recorded with the orders it made, in the same transaction. A twin submitted
    // meanwhile (a double click, a retry) waits in the write gate (SQLite) or on the unique
    // key (PostgreSQL), fails on that key, is rolled back whole, and answers with these orders.
    order_checkout::ActiveModel {
        user_id: Set(who.user_id),
        idempotency_key: Set(key.to_owned()),
        request_hash: Set(request_hash(input, source)),
        order_ids: Set(placed
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Placed {
        ids: placed,
        replayed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkout_form_names_every_missing_field() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let Err(FlowError::Invalid(errors)) = check(&Checkout::default(), today) else {
            panic!("an empty checkout must be refused");
        };
        for name in [
            "delivery_address",
            "cost_centre",
            "requested_date",
            "idempotency_key",
        ] {
            assert!(errors.contains_key(name), "{name}");
        }
        let past = Checkout {
            delivery_address: "Teatinos 120, Santiago".into(),
            cost_centre: "CC-104".into(),
            requested_date: "2026-12-04".into(),
            idempotency_key: "k1".into(),
            quotes: Vec::new(),
        };
        let Err(FlowError::Invalid(errors)) = check(&past, today) else {
            panic!("a past date must be refused");
        };
        assert_eq!(errors["requested_date"].code, "date_past");
        let fine = Checkout {
            requested_date: "2026-12-20".into(),
            ..past
        };
        assert!(check(&fine, today).is_ok());
    }
}
