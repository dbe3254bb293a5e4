//! What people do to an order once placed: approve or reject it inside the buyer's
//! organisation, accept or reject it as its supplier, cancel it before acceptance, and record
//! delivery, receipt, invoice and payment. Each action claims the order's current status with
//! a conditional update, so two people acting at once give one decision.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set,
};

use super::{Actor, FlowError, Viewer, money_text, ocds, store};
use crate::domain::order::{OrderAction, OrderStatus, Side};
use crate::domain::roles::Role;
use crate::entities::{contract, framework, order, order_item, organisation, user};
use crate::frameworks::store as catalogue;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::publish;
use crate::state::AppState;

/// What a person adds to an action.
#[derive(Clone, Debug, Default)]
pub struct ActionInput {
    /// Why (a refusal or a withdrawal), or the approver's comment.
    pub reason: String,
    /// A note (delivery or receipt).
    pub note: String,
    /// Received in full (a receipt); in part otherwise.
    pub in_full: bool,
    /// The supplier's invoice number.
    pub invoice_number: String,
}

fn link(state: &AppState, o: &order::Model) -> String {
    format!(
        "{}/orders/{}",
        state.config.public_url.trim_end_matches('/'),
        o.id
    )
}

fn lang_of(person: &user::Model) -> marco_frontend::Lang {
    marco_frontend::Lang::from_code(&person.locale).unwrap_or_default()
}

/// Queues `kind(lang)` to each person, in their own language.
async fn tell<C: ConnectionTrait>(
    txn: &C,
    people: &[user::Model],
    kind: impl Fn(marco_frontend::Lang) -> MailKind,
) -> Result<(), FlowError> {
    for person in people {
        let lang = lang_of(person);
        mail::enqueue(
            txn,
            OutgoingMail {
                to: person.email.clone(),
                lang,
                kind: kind(lang),
            },
        )
        .await?;
    }
    Ok(())
}

/// The person who placed the order, to tell them what happened.
async fn placer<C: ConnectionTrait>(
    txn: &C,
    o: &order::Model,
) -> Result<Vec<user::Model>, FlowError> {
    Ok(store::user(txn, o.placed_by)
        .await?
        .filter(|u| u.active)
        .into_iter()
        .collect())
}

async fn tell_placer<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    o: &order::Model,
) -> Result<(), FlowError> {
    let people = placer(txn, o).await?;
    tell(txn, &people, |_| MailKind::OrderChanged {
        number: o.id,
        status: o.status.clone(),
        link: link(state, o),
    })
    .await
}

async fn tell_supplier<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    o: &order::Model,
) -> Result<(), FlowError> {
    let people = catalogue::recipients(txn, o.supplier_org_id).await?;
    tell(txn, &people, |_| MailKind::OrderChanged {
        number: o.id,
        status: o.status.clone(),
        link: link(state, o),
    })
    .await
}

/// Tells both sides what happened to an order (the clock's lapse).
pub(super) async fn tell_both<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    o: &order::Model,
) -> Result<(), FlowError> {
    tell_placer(state, txn, o).await?;
    tell_supplier(state, txn, o).await
}

/// Mails the colleagues who may approve a newly placed order.
pub(super) async fn ask_approval<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    o: &order::Model,
    approvers: &[user::Model],
) -> Result<(), FlowError> {
    let placed_by = store::user(txn, o.placed_by)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let supplier = catalogue::organisation(txn, o.supplier_org_id).await?;
    tell(txn, approvers, |lang| MailKind::OrderToApprove {
        number: o.id,
        placed_by: placed_by.clone(),
        supplier: supplier.name.clone(),
        total: money_text(o.total, &o.currency, lang.code()),
        link: link(state, o),
    })
    .await
}

/// What publishing a sent order needs, when the caller already holds it.
pub(super) struct Sending<'a> {
    /// The lines.
    pub lines: &'a [order_item::Model],
    /// The buying organisation.
    pub buyer: &'a organisation::Model,
    /// The supplier.
    pub supplier: &'a organisation::Model,
    /// The framework.
    pub framework: &'a framework::Model,
    /// Quotes gathered before a large purchase.
    pub quotes: u64,
}

/// Sends an approved order to its supplier: the deadline to accept starts, the OCDS award is
/// published and the supplier's people are told.
pub(super) async fn send<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    actor: &Actor,
    o: order::Model,
    now: DateTime<Utc>,
) -> Result<order::Model, FlowError> {
    let (sent_at, accept_by) = deadline(state, now);
    let mut active = o.into_active_model();
    active.status = Set(OrderStatus::Sent.as_str().into());
    active.sent_at = Set(Some(sent_at));
    active.accept_by = Set(Some(accept_by));
    active.updated_at = Set(now);
    let o = active.update(txn).await?;
    let lines = store::items(txn, o.id).await?;
    let buyer = catalogue::organisation(txn, o.buyer_org_id).await?;
    let supplier = catalogue::organisation(txn, o.supplier_org_id).await?;
    let fw = catalogue::framework_by_id(txn, o.framework_id).await?;
    let quotes = crate::entities::order_quote::Entity::find()
        .filter(crate::entities::order_quote::Column::OrderId.eq(o.id))
        .count(txn)
        .await?;
    let sending = Sending {
        lines: &lines,
        buyer: &buyer,
        supplier: &supplier,
        framework: &fw,
        quotes,
    };
    announce_sent(state, txn, actor, &o, &sending).await?;
    Ok(o)
}

/// When an order sent at `now` goes out, and the supplier's deadline to accept it.
pub(super) fn deadline(state: &AppState, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now, now + Duration::days(state.config.buying.accept_days))
}

/// Publishes a sent order's award, records it and tells the supplier's people.
pub(super) async fn announce_sent<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    actor: &Actor,
    o: &order::Model,
    sending: &Sending<'_>,
) -> Result<(), FlowError> {
    let body = ocds::sent(
        o,
        sending.lines,
        sending.buyer,
        sending.supplier,
        &ocds::FrameworkRef {
            ocid: &sending.framework.ocid,
            name: &sending.framework.name,
        },
        sending.quotes,
    );
    publish::publish(txn, &state.publisher, &o.ocid, &["award"], body).await?;
    actor
        .audit(txn, "order_sent", format!("order {}", o.id))
        .await?;
    let people = catalogue::recipients(txn, o.supplier_org_id).await?;
    let deadline = o
        .accept_by
        .map(|at| format!("{} UTC", at.format("%Y-%m-%d %H:%M")))
        .unwrap_or_default();
    tell(txn, &people, |lang| MailKind::OrderReceived {
        number: o.id,
        buyer: sending.buyer.name.clone(),
        total: money_text(o.total, &o.currency, lang.code()),
        accept_by: deadline.clone(),
        link: link(state, o),
    })
    .await
}

/// Which side `who` takes for `action` on `o`, checking what only an approver may do.
async fn side_of<C: ConnectionTrait>(
    txn: &C,
    o: &order::Model,
    who: Viewer,
    roles: &[Role],
    action: OrderAction,
    status: OrderStatus,
) -> Result<Side, FlowError> {
    if who.organisation_id == o.supplier_org_id {
        return Ok(Side::Supplier);
    }
    let approving = action == OrderAction::Approve
        || (action == OrderAction::Reject && status == OrderStatus::Submitted);
    if !approving {
        return Ok(Side::Buyer);
    }
    if who.user_id == o.placed_by {
        return Err(FlowError::Refused("own_order"));
    }
    if !roles.contains(&Role::CanApproveOrders) {
        return Err(FlowError::Refused("cannot_approve"));
    }
    let limit = store::approval_limit(txn, who.user_id)
        .await?
        .ok_or(FlowError::Refused("cannot_approve"))?;
    if limit.approval_limit_currency.as_deref() != Some(o.currency.as_str()) {
        return Err(FlowError::Refused("approval_limit_currency"));
    }
    if limit.approval_limit.is_none_or(|l| l < o.total) {
        return Err(FlowError::Refused("approval_limit_exceeded"));
    }
    Ok(Side::Approver)
}

/// Takes `action` on order `id` as `who` (holding `roles`). Returns the order as it is after.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    action: OrderAction,
    input: &ActionInput,
) -> Result<order::Model, FlowError> {
    let reason = input.reason.trim();
    if action.needs_reason() && reason.is_empty() {
        return Err(FlowError::field(
            "reason",
            "order_reason_required",
            "Give the reason",
        ));
    }
    for (name, text) in [("reason", reason), ("note", input.note.trim())] {
        let most = marco_frontend::forms::max_chars(name);
        if text.chars().count() > most {
            return Err(FlowError::field(
                name,
                "too_long",
                format!("Write at most {most} characters"),
            ));
        }
    }
    let invoice_number = input.invoice_number.trim();
    if action == OrderAction::Invoice
        && (invoice_number.is_empty() || invoice_number.chars().count() > 60)
    {
        return Err(FlowError::field(
            "invoice_number",
            "invoice_number",
            "Enter the invoice number, up to 60 characters",
        ));
    }
    let txn = state.begin_write().await?;
    let o = store::order_for(&txn, id, who).await?;
    let from = store::status(&o)?;
    let side = side_of(&txn, &o, who, roles, action, from).await?;
    let to = from
        .apply(action, side)
        .map_err(|_| FlowError::Refused("order_action_not_allowed"))?;
    let now = Utc::now();
    if action == OrderAction::Accept && o.accept_by.is_some_and(|deadline| now > deadline) {
        return Err(FlowError::Refused("accept_deadline_passed"));
    }
    // Claim the move: a concurrent action on the same order finds nothing to claim.
    let claimed = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to.as_str()))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(o.id))
        .filter(order::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    let mut active = o.clone().into_active_model();
    active.status = Set(to.as_str().into());
    active.updated_at = Set(now);
    let note = Some(input.note.trim().to_owned()).filter(|n| !n.is_empty());
    match (action, side) {
        (OrderAction::Approve, _) => {
            active.approver_id = Set(Some(who.user_id));
            active.approval_comment = Set(Some(reason.to_owned()).filter(|r| !r.is_empty()));
            active.decided_at = Set(Some(now));
        }
        (OrderAction::Reject, Side::Approver) => {
            active.approver_id = Set(Some(who.user_id));
            active.approval_comment = Set(Some(reason.to_owned()));
            active.decided_at = Set(Some(now));
            active.reason = Set(Some(reason.to_owned()));
            active.closed_by = Set(Some("approver".into()));
            active.closed_at = Set(Some(now));
        }
        (OrderAction::Reject | OrderAction::Cancel, _) => {
            active.reason = Set(Some(reason.to_owned()));
            active.closed_by = Set(Some(side.to_string()));
            active.closed_at = Set(Some(now));
        }
        (OrderAction::Accept, _) => active.accepted_at = Set(Some(now)),
        (OrderAction::Deliver, _) => {
            active.delivered_at = Set(Some(now));
            active.delivery_note = Set(note);
        }
        (OrderAction::Receive, _) => {
            active.received_at = Set(Some(now));
            active.received_in_full = Set(Some(input.in_full));
            active.receipt_note = Set(note);
        }
        (OrderAction::Invoice, _) => {
            active.invoice_number = Set(Some(invoice_number.to_owned()));
            active.invoice_amount = Set(Some(o.total));
            active.invoiced_at = Set(Some(now));
            active.payment_due_at =
                Set(Some(now + Duration::days(state.config.buying.payment_days)));
        }
        (OrderAction::Pay, _) => active.paid_at = Set(Some(now)),
        (OrderAction::Submit | OrderAction::Send | OrderAction::Lapse, _) => {}
    }
    let mut o = active.update(&txn).await?;
    actor
        .audit(
            &txn,
            &format!("order_{action}"),
            format!("order {} by the {side}", o.id),
        )
        .await?;
    let buyer = catalogue::organisation(&txn, o.buyer_org_id).await?;
    let supplier = catalogue::organisation(&txn, o.supplier_org_id).await?;
    match to {
        OrderStatus::Approved => {
            o = send(state, &txn, actor, o, now).await?;
            tell_placer(state, &txn, &o).await?;
        }
        OrderStatus::Rejected | OrderStatus::Cancelled => {
            if o.sent_at.is_some() {
                let ending = if to == OrderStatus::Rejected {
                    ocds::Ending::Refused
                } else {
                    ocds::Ending::Withdrawn
                };
                let body = ocds::closed(&o, ending);
                publish::publish(&txn, &state.publisher, &o.ocid, &["awardUpdate"], body).await?;
            }
            match side {
                Side::Supplier => tell_placer(state, &txn, &o).await?,
                _ if o.sent_at.is_some() => tell_supplier(state, &txn, &o).await?,
                _ => tell_placer(state, &txn, &o).await?,
            }
        }
        OrderStatus::Accepted => {
            let lines = store::items(&txn, o.id).await?;
            let lots = crate::buying::ocds::lots(&lines);
            let title = lines
                .first()
                .map(|l| {
                    if lines.len() > 1 {
                        format!("{} and {} more", l.description, lines.len() - 1)
                    } else {
                        l.description.clone()
                    }
                })
                .unwrap_or_default();
            contract::ActiveModel {
                ocid: Set(o.ocid.clone()),
                route: Set("order".into()),
                order_id: Set(Some(o.id)),
                buyer_org_id: Set(o.buyer_org_id),
                supplier_org_id: Set(o.supplier_org_id),
                framework_id: Set(o.framework_id),
                lots: Set(lots.join(" ").chars().take(200).collect()),
                title: Set(title.chars().take(300).collect()),
                value: Set(o.total),
                currency: Set(o.currency.clone()),
                start_at: Set(now),
                end_at: Set(o.requested_date.max(now)),
                status: Set("active".into()),
                signed_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let body = ocds::accepted(&o, &lines, &supplier, o.requested_date);
            publish::publish(
                &txn,
                &state.publisher,
                &o.ocid,
                &["award", "contract"],
                body,
            )
            .await?;
            tell_placer(state, &txn, &o).await?;
        }
        OrderStatus::Delivered
        | OrderStatus::Received
        | OrderStatus::Invoiced
        | OrderStatus::Paid => {
            let body = ocds::implementation(&o, &buyer, &supplier);
            let tags: &[&str] = if to == OrderStatus::Paid {
                contract::Entity::update_many()
                    .col_expr(contract::Column::Status, Expr::value("terminated"))
                    .col_expr(contract::Column::EndedAt, Expr::value(Some(now)))
                    .col_expr(contract::Column::EndKind, Expr::value(Some("completed")))
                    .col_expr(contract::Column::UpdatedAt, Expr::value(now))
                    .filter(contract::Column::OrderId.eq(o.id))
                    .exec(&txn)
                    .await?;
                &["implementation", "contractUpdate"]
            } else {
                &["implementation"]
            };
            publish::publish(&txn, &state.publisher, &o.ocid, tags, body).await?;
            if side == Side::Supplier {
                tell_placer(state, &txn, &o).await?;
            } else {
                tell_supplier(state, &txn, &o).await?;
            }
        }
        _ => {}
    }
    txn.commit().await?;
    Ok(o)
}

/// Whether an invoice is overdue now, or was paid after its due date.
pub fn paid_late(o: &order::Model, now: DateTime<Utc>) -> bool {
    match (o.payment_due_at, o.paid_at) {
        (Some(due), Some(paid)) => paid > due,
        (Some(due), None) => now > due,
        _ => false,
    }
}
