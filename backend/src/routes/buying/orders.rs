//! Orders: the lists of a buyer, an approver and a supplier, one order with what the viewer
//! may do next, and each action.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use marco_frontend::Tr;
use marco_frontend::buying::{ActionView, OrderPage, OrderRow, OrdersPage};
use marco_frontend::forms::Form;
use marco_frontend::frameworks::Fact;
use serde::Deserialize;

use super::{item_views, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::buying::orders::{ActionInput, paid_late};
use crate::buying::{Order, money_text, orders as flow, store};
use crate::domain::order::{OrderAction, OrderStatus, Side};
use crate::domain::roles::{OrgKind, Role};
use crate::error::AppError;
use crate::frameworks::store as catalogue;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{
    check_csrf, day, first, form_values, moment, problem_form, unprocessable,
};
use crate::state::AppState;

/// Query of the orders list.
#[derive(Debug, Deserialize)]
pub(super) struct ListQuery {
    placed: Option<String>,
}

fn status_label(tr: &Tr, status: &str) -> String {
    tr.t(&format!("order-status-{status}"))
}

fn attention(o: &Order, tr: &Tr) -> Option<String> {
    let now = Utc::now();
    match OrderStatus::parse(&o.status)? {
        OrderStatus::Sent => o
            .accept_by
            .map(|at| tr.t1("orders-accept-by", "date", moment(at))),
        OrderStatus::Invoiced => o.payment_due_at.map(|due| {
            if now > due {
                tr.t1("orders-payment-late", "date", day(due))
            } else {
                tr.t1("orders-awaiting-payment", "date", day(due))
            }
        }),
        _ => None,
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<OrdersPage, AppError> {
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let orders = store::orders_of(&state.db, user.organisation_id).await?;
    let parties = catalogue::organisations_by_id(
        &state.db,
        orders
            .iter()
            .flat_map(|o| [o.buyer_org_id, o.supplier_org_id]),
    )
    .await?;
    let my_limit = if user.has(Role::CanApproveOrders) {
        store::approval_limit(&state.db, user.id).await?
    } else {
        None
    };
    let name_of = |id: i64| parties.get(&id).map(|o| o.name.clone()).unwrap_or_default();
    let row = |o: &Order, party: i64| OrderRow {
        id: o.id,
        party: name_of(party),
        total: money_text(o.total, &o.currency, lang),
        status: o.status.clone(),
        status_label: status_label(tr, &o.status),
        date: day(o.created_at),
        attention: attention(o, tr),
    };
    let mut to_approve = Vec::new();
    let mut placed = Vec::new();
    let mut received = Vec::new();
    for o in &orders {
        if o.supplier_org_id == user.organisation_id {
            received.push(row(o, o.buyer_org_id));
            continue;
        }
        let mine_to_approve = o.status == OrderStatus::Submitted.as_str()
            && o.placed_by != user.id
            && my_limit.as_ref().is_some_and(|l| {
                l.approval_limit_currency.as_deref() == Some(o.currency.as_str())
                    && l.approval_limit.is_some_and(|limit| limit >= o.total)
            });
        if mine_to_approve {
            to_approve.push(row(o, o.supplier_org_id));
        }
        placed.push(row(o, o.supplier_org_id));
    }
    let notice = query.placed.map(|ids| {
        let count = ids
            .split(',')
            .filter(|id| id.parse::<i64>().is_ok())
            .count();
        tr.t1("cart-placed", "count", count)
    });
    let is_buyer = user.org_kind == OrgKind::Buyer;
    let cart_size = if is_buyer {
        store::cart_size(&state.db, user.id).await?
    } else {
        0
    };
    let contracts = super::contracts::rows_of(&state, user.organisation_id, tr).await?;
    Ok(OrdersPage {
        contracts,
        to_approve,
        placed,
        received,
        is_buyer,
        cart_size,
        notice,
        shell,
    })
}

/// What the viewer may do to `o` now, as forms.
fn actions(o: &Order, user: &CurrentUser, tr: &Tr) -> Vec<ActionView> {
    let Some(status) = OrderStatus::parse(&o.status) else {
        return Vec::new();
    };
    let candidates: Vec<(OrderAction, Side)> = if user.organisation_id == o.supplier_org_id {
        vec![
            (OrderAction::Accept, Side::Supplier),
            (OrderAction::Reject, Side::Supplier),
            (OrderAction::Deliver, Side::Supplier),
            (OrderAction::Invoice, Side::Supplier),
        ]
    } else {
        let mut found = Vec::new();
        if user.has(Role::CanApproveOrders) && user.id != o.placed_by {
            found.push((OrderAction::Approve, Side::Approver));
            found.push((OrderAction::Reject, Side::Approver));
        }
        found.extend([
            (OrderAction::Receive, Side::Buyer),
            (OrderAction::Pay, Side::Buyer),
            (OrderAction::Cancel, Side::Buyer),
        ]);
        found
    };
    let deadline_passed = o.accept_by.is_some_and(|at| Utc::now() > at);
    candidates
        .into_iter()
        .filter(|(action, side)| status.apply(*action, *side).is_ok())
        .filter(|(action, _)| !(*action == OrderAction::Accept && deadline_passed))
        .map(|(action, _)| ActionView {
            action: action.as_str().into(),
            label: tr.t(&format!("order-action-{action}")),
            reason: action.needs_reason() || action == OrderAction::Approve,
            note: matches!(action, OrderAction::Deliver | OrderAction::Receive),
            invoice: action == OrderAction::Invoice,
            in_full: action == OrderAction::Receive,
            secondary: action.needs_reason(),
        })
        .collect()
}

async fn page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: i64,
    form: Form,
    notice: Option<String>,
) -> Result<OrderPage, AppError> {
    let o = store::order_for(&state.db, id, viewer(user)).await?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let lines = store::items(&state.db, o.id).await?;
    let buyer = catalogue::organisation(&state.db, o.buyer_org_id).await?;
    let supplier = catalogue::organisation(&state.db, o.supplier_org_id).await?;
    let fw = catalogue::framework_by_id(&state.db, o.framework_id).await?;
    let placed_by = store::user(&state.db, o.placed_by)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let fact = |label: &str, value: String| Fact {
        label: tr.t(label),
        value,
    };
    let mut facts = vec![
        fact("order-buyer", buyer.name.clone()),
        fact("order-supplier", supplier.name.clone()),
        fact("order-framework", fw.name.clone()),
        fact("order-placed", moment(o.created_at)),
        fact("order-placed-by", placed_by),
        fact("order-requested", day(o.requested_date)),
    ];
    let status = store::status(&o)?;
    if let (Some(at), OrderStatus::Sent) = (o.accept_by, status) {
        facts.push(fact("order-accept-by", moment(at)));
    }
    if let Some(at) = o.delivered_at {
        facts.push(fact("order-delivered", moment(at)));
    }
    if let Some(at) = o.received_at {
        facts.push(if o.received_in_full == Some(false) {
            Fact {
                label: tr.t("order-received"),
                value: tr.t1("order-received-part", "date", moment(at)),
            }
        } else {
            fact("order-received", moment(at))
        });
    }
    if let Some(number) = &o.invoice_number {
        facts.push(fact("order-invoice", number.clone()));
    }
    if let Some(due) = o.payment_due_at {
        facts.push(fact("order-payment-due", day(due)));
    }
    if let Some(at) = o.paid_at {
        facts.push(fact("order-paid", moment(at)));
    }
    if let Some(reason) = &o.reason {
        facts.push(fact("order-reason-given", reason.clone()));
    }
    let mut internal = vec![
        fact("cart-address", o.delivery_address.clone()),
        fact("cart-cost-centre", o.cost_centre.clone()),
    ];
    if user.organisation_id == o.buyer_org_id {
        if let Some(comment) = &o.approval_comment {
            internal.push(fact("order-approval-comment", comment.clone()));
        }
        if let Some(note) = &o.receipt_note {
            internal.push(fact("order-receipt-note", note.clone()));
        }
    }
    if let Some(note) = &o.delivery_note {
        internal.push(fact("order-delivery-note", note.clone()));
    }
    let mut warnings = Vec::new();
    if status == OrderStatus::Sent && o.accept_by.is_some_and(|at| Utc::now() > at) {
        warnings.push(tr.t("order-deadline-passed"));
    }
    if paid_late(&o, Utc::now())
        && let Some(due) = o.payment_due_at
    {
        warnings.push(if o.paid_at.is_some() {
            tr.t1("order-paid-late", "date", day(due))
        } else {
            tr.t1("order-payment-late", "date", day(due))
        });
    }
    let contract_id = store::contract_of_order(&state.db, o.id)
        .await?
        .map(|c| c.id);
    Ok(OrderPage {
        id: o.id,
        ocid: o.ocid.clone(),
        status_label: status_label(tr, &o.status),
        status: o.status.clone(),
        facts,
        internal,
        items: item_views(state, &lines, &o.currency, tr).await?,
        total: money_text(o.total, &o.currency, lang),
        warnings,
        actions: actions(&o, user, tr),
        contract_id,
        published: o.sent_at.is_some(),
        form,
        notice,
        shell,
    })
}

/// Query of the order page.
#[derive(Debug, Deserialize)]
pub(super) struct ShowQuery {
    done: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<OrderPage, AppError> {
    let notice = query
        .done
        .filter(|s| OrderStatus::parse(s).is_some())
        .map(|s| {
            shell
                .tr
                .t1("order-notice-done", "status", status_label(&shell.tr, &s))
        });
    page(&state, shell, &user, id, Form::new(csrf.0), notice).await
}

pub(super) async fn act(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path((id, action)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let action = OrderAction::parse(&action)
        .filter(|a| a.by_people())
        .ok_or(AppError::NotFound)?;
    let input = ActionInput {
        reason: first(&values, "reason").to_owned(),
        note: first(&values, "note").to_owned(),
        in_full: first(&values, "in_full") != "no",
        invoice_number: first(&values, "invoice_number").to_owned(),
    };
    let roles: Vec<Role> = user.roles.iter().copied().collect();
    match flow::act(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &roles,
        id,
        action,
        &input,
    )
    .await
    {
        Ok(o) => Ok(Redirect::to(&format!("/orders/{}?done={}", o.id, o.status)).into_response()),
        Err(crate::frameworks::FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let field = if action == OrderAction::Invoice {
                "invoice_number"
            } else {
                "reason"
            };
            let form = problem_form(&csrf, e, &shell.tr, field)?;
            Ok(unprocessable(
                page(&state, shell, &user, id, form, None).await?,
            ))
        }
    }
}
