//! The cart: add a service from its page, remove a line, and place the orders.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::buying::{CartLineView, CartPage};
use marco_frontend::forms::Form;
use serde::Deserialize;

use super::{quantity_text, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::buying::{cart as flow, money_text, store};
use crate::error::AppError;
use crate::frameworks::store as catalogue;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{check_csrf, first, form_values, problem_form, unprocessable};
use crate::state::AppState;

/// Quote rows the checkout form offers for a large purchase.
const QUOTE_ROWS: usize = 5;

/// Query of the cart page.
#[derive(Debug, Deserialize)]
pub(super) struct CartQuery {
    notice: Option<String>,
    name: Option<String>,
}

async fn page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    form: Form,
    notice: Option<String>,
) -> Result<CartPage, AppError> {
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let lines = store::cart(&state.db, user.id).await?;
    let mut views = Vec::new();
    let mut groups: BTreeMap<(String, String), (rust_decimal::Decimal, usize)> = BTreeMap::new();
    let mut large_framework = None;
    // Three queries for the whole cart: its services, their suppliers, the frameworks.
    let services = catalogue::services_by_id(&state.db, lines.iter().map(|l| l.service_id)).await?;
    let suppliers =
        catalogue::organisations_by_id(&state.db, services.values().map(|s| s.organisation_id))
            .await?;
    let frameworks: std::collections::HashMap<i64, crate::frameworks::Framework> =
        catalogue::frameworks(&state.db)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
    for line in &lines {
        let (Some(svc), Some(supplier)) = (
            services.get(&line.service_id),
            services
                .get(&line.service_id)
                .and_then(|s| suppliers.get(&s.organisation_id)),
        ) else {
            return Err(AppError::NotFound);
        };
        let fw = frameworks
            .get(&svc.framework_id)
            .ok_or(AppError::NotFound)?;
        let available = catalogue::service_available(svc, fw, supplier);
        let total = line.unit_price * line.quantity;
        let group = groups
            .entry((supplier.name.clone(), line.currency.clone()))
            .or_default();
        group.0 += total;
        group.1 += 1;
        if let Ok(sum) = crate::domain::money::Money::from_stored(group.0, &line.currency)
            && crate::buying::quotes::is_large(state, &line.currency, &sum)
        {
            large_framework = Some((fw.id, line.currency.clone()));
        }
        views.push(CartLineView {
            id: line.id,
            service_id: svc.public_id.clone(),
            name: svc.name.clone(),
            supplier: supplier.name.clone(),
            quantity: quantity_text(line.quantity, &line.unit, tr),
            unit_price: money_text(line.unit_price, &line.currency, lang),
            line_total: money_text(total, &line.currency, lang),
            problem: (!available).then(|| tr.t("error-service_unavailable")),
        });
    }
    let orders = groups
        .into_iter()
        .map(|((supplier, currency), (total, count))| {
            tr.ta(
                "cart-group",
                &[
                    ("supplier", supplier),
                    ("total", money_text(total, &currency, lang)),
                    ("lines", count.to_string()),
                ],
            )
        })
        .collect();
    let quotes = match (large_framework, &state.config.buying.large_purchase) {
        (Some((framework_id, currency)), Some(rule)) => {
            let ids: std::collections::BTreeSet<i64> =
                catalogue::services_on(&state.db, framework_id)
                    .await?
                    .into_iter()
                    .filter(|s| crate::domain::status::is_live(&s.status))
                    .map(|s| s.organisation_id)
                    .collect();
            let mut suppliers: Vec<(String, String)> =
                catalogue::organisations_by_id(&state.db, ids)
                    .await?
                    .into_values()
                    .map(|o| (o.id.to_string(), o.name))
                    .collect();
            suppliers.sort_by_key(|(_, name)| name.to_lowercase());
            let threshold = rule
                .threshold_in(&currency)
                .map(|t| money_text(t, &currency, lang))
                .unwrap_or_default();
            Some(marco_frontend::buying::QuoteForm {
                rule: tr.ta(
                    "cart-quotes-rule",
                    &[
                        ("threshold", rule.threshold.normalize().to_string()),
                        ("unit", rule.unit.clone()),
                        ("amount", threshold),
                        ("count", rule.min_quotes.to_string()),
                    ],
                ),
                suppliers,
                rows: (1..=QUOTE_ROWS).collect(),
            })
        }
        _ => None,
    };
    Ok(CartPage {
        quotes,
        lines: views,
        orders,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        form,
        notice,
        shell,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(query): Query<CartQuery>,
) -> Result<CartPage, AppError> {
    let notice = match query.notice.as_deref() {
        Some("added") => Some(
            shell.tr.t1(
                "cart-added",
                "name",
                query
                    .name
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect::<String>(),
            ),
        ),
        Some("removed") => Some(shell.tr.t("cart-removed")),
        _ => None,
    };
    page(&state, shell, &user, Form::new(csrf.0), notice).await
}

pub(super) async fn add(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let service = first(&values, "service").to_owned();
    match flow::add(&state, viewer(&user), &service, first(&values, "quantity")).await {
        Ok(added) => {
            let name: String =
                url::form_urlencoded::byte_serialize(added.service_name.as_bytes()).collect();
            Ok(Redirect::to(&format!("/cart?notice=added&name={name}")).into_response())
        }
        Err(crate::frameworks::FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "quantity")?;
            form.keep("quantity", first(&values, "quantity"));
            Ok(unprocessable(page(&state, shell, &user, form, None).await?))
        }
    }
}

pub(super) async fn remove(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    flow::remove(&state, viewer(&user), id).await?;
    Ok(Redirect::to("/cart?notice=removed").into_response())
}

pub(super) async fn checkout(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let input = crate::buying::checkout::Checkout {
        delivery_address: first(&values, "delivery_address").to_owned(),
        cost_centre: first(&values, "cost_centre").to_owned(),
        requested_date: first(&values, "requested_date").to_owned(),
        idempotency_key: first(&values, "idempotency_key").to_owned(),
        quotes: (1..=QUOTE_ROWS)
            .map(|i| {
                (
                    first(&values, &format!("quote_supplier_{i}")).to_owned(),
                    first(&values, &format!("quote_amount_{i}")).to_owned(),
                )
            })
            .filter(|(s, a)| !s.is_empty() || !a.is_empty())
            .collect(),
    };
    match crate::buying::checkout::checkout(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &input,
        crate::buying::checkout::Source::Cart,
    )
    .await
    {
        Ok(placed) => {
            let placed = placed
                .ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            Ok(Redirect::to(&format!("/orders?placed={placed}")).into_response())
        }
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "delivery_address")?;
            for name in ["delivery_address", "cost_centre", "requested_date"] {
                form.keep(name, first(&values, name));
            }
            for i in 1..=QUOTE_ROWS {
                for name in [format!("quote_supplier_{i}"), format!("quote_amount_{i}")] {
                    form.keep(&name, first(&values, &name));
                }
            }
            Ok(unprocessable(page(&state, shell, &user, form, None).await?))
        }
    }
}
