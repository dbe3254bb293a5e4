//! Demo buying for `make run`: catalogue orders in every state and direct awards with each
//! outcome, placed by the demo buyers, approvers and suppliers through the same flows as real
//! use, so the register, the dashboards and the OCDS feeds have something true to show.

use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::cart;
use super::checkout::{self, Checkout};
use super::orders::{self, ActionInput};
use super::projects::{self, Outcome};
use super::{Actor, FlowError, Viewer};
use crate::domain::order::OrderAction;
use crate::domain::roles::Role;
use crate::entities::{order, organisation, service, user};
use crate::state::AppState;

/// A demo person: who they are to the flows, and their roles.
pub struct Person {
    /// Who they are to the flows.
    pub who: Viewer,
    /// Their roles.
    pub roles: Vec<Role>,
}

impl Person {
    /// They, acting without an address (the demo and tests).
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.who.user_id),
            ip: None,
        }
    }
}

/// The demo person signing in as `email`, if there is one.
pub async fn person(state: &AppState, email: &str) -> Result<Option<Person>, FlowError> {
    let Some(found) = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let roles = crate::entities::user_role::Entity::find()
        .filter(crate::entities::user_role::Column::UserId.eq(found.id))
        .all(&state.db)
        .await?
        .iter()
        .filter_map(|r| r.role.parse().ok())
        .collect();
    Ok(Some(Person {
        who: Viewer {
            user_id: found.id,
            organisation_id: found.organisation_id,
        },
        roles,
    }))
}

/// Live, priced services of the supplier named `name` on the live cloud framework, cheapest
/// first.
async fn services_of(state: &AppState, name: &str) -> Result<Vec<service::Model>, FlowError> {
    let (Some(org), Some(fw)) = (
        organisation::Entity::find()
            .filter(organisation::Column::Name.eq(name))
            .one(&state.db)
            .await?,
        crate::entities::framework::Entity::find()
            .filter(crate::entities::framework::Column::Slug.eq("cloud-services-1"))
            .one(&state.db)
            .await?,
    ) else {
        return Ok(Vec::new());
    };
    Ok(service::Entity::find()
        .filter(service::Column::OrganisationId.eq(org.id))
        .filter(service::Column::FrameworkId.eq(fw.id))
        .filter(service::Column::Status.eq("live"))
        .filter(service::Column::Price.is_not_null())
        .order_by_asc(service::Column::Price)
        .all(&state.db)
        .await?)
}

/// A quantity of `svc` that costs about `target`.
fn quantity(svc: &service::Model, target: i64) -> String {
    let price = svc.price.unwrap_or(Decimal::ONE).max(Decimal::ONE);
    (Decimal::from(target) / price)
        .round_dp(2)
        .max(Decimal::new(1, 2))
        .to_string()
}

/// Puts `lines` in the buyer's cart and places them; returns the orders made.
async fn place(
    state: &AppState,
    buyer: &Person,
    lines: &[(&service::Model, i64)],
    key: &str,
) -> Result<Vec<i64>, FlowError> {
    for (svc, target) in lines {
        cart::add(state, buyer.who, &svc.public_id, &quantity(svc, *target)).await?;
    }
    let requested = (chrono::Utc::now() + chrono::Duration::days(21))
        .format("%Y-%m-%d")
        .to_string();
    checkout::checkout(
        state,
        &buyer.actor(),
        buyer.who,
        &Checkout {
            delivery_address: "Teatinos 120, piso 7, Santiago".into(),
            cost_centre: "CC-104-TI".into(),
            requested_date: requested,
            idempotency_key: key.into(),
            quotes: Vec::new(),
        },
        checkout::Source::Cart,
    )
    .await
    .map(|placed| placed.ids)
}

async fn act(
    state: &AppState,
    by: &Person,
    id: i64,
    action: OrderAction,
    input: ActionInput,
) -> Result<(), FlowError> {
    orders::act(state, &by.actor(), by.who, &by.roles, id, action, &input).await?;
    Ok(())
}

fn reason(text: &str) -> ActionInput {
    ActionInput {
        reason: text.into(),
        ..Default::default()
    }
}

/// Loads the demo orders and direct awards once. Returns how many orders were placed.
pub async fn load(state: &AppState) -> Result<u64, FlowError> {
    if order::Entity::find().count(&state.db).await? > 0 {
        return Ok(0);
    }
    let (Some(buyer), Some(approver), Some(nube_user), Some(bright_user)) = (
        person(state, "buyer@compras.demo.gob.cl").await?,
        person(state, "approver@compras.demo.gob.cl").await?,
        person(state, "supplier@nubeandina.example").await?,
        person(state, "supplier@brightlane.example").await?,
    ) else {
        return Ok(0);
    };
    let nube = services_of(state, "Nube Andina").await?;
    let bright = services_of(state, "Brightlane Digital").await?;
    if nube.is_empty() || bright.len() < 2 {
        return Ok(0);
    }
    // Nube Andina may list one cloud service only; its second line is then the same service.
    let nube_other = nube.last().unwrap_or(&nube[0]);
    use OrderAction as A;
    // 1. Two suppliers in one cart: above the limit (approved, then to payment) and within it
    //    (accepted and delivered).
    let first = place(
        state,
        &buyer,
        &[
            (&nube[0], 1_800_000),
            (nube_other, 900_000),
            (&bright[0], 450_000),
        ],
        "demo-1",
    )
    .await?;
    for id in &first {
        let o = order::Entity::find_by_id(*id)
            .one(&state.db)
            .await?
            .ok_or(FlowError::NotFound)?;
        if o.supplier_org_id == nube[0].organisation_id {
            act(
                state,
                &approver,
                *id,
                A::Approve,
                reason("Within the 2026 budget for cloud hosting"),
            )
            .await?;
            act(state, &nube_user, *id, A::Accept, ActionInput::default()).await?;
            act(
                state,
                &nube_user,
                *id,
                A::Deliver,
                ActionInput {
                    note: "Accounts created and handed over".into(),
                    ..Default::default()
                },
            )
            .await?;
            act(
                state,
                &buyer,
                *id,
                A::Receive,
                ActionInput {
                    in_full: true,
                    ..Default::default()
                },
            )
            .await?;
            act(
                state,
                &nube_user,
                *id,
                A::Invoice,
                ActionInput {
                    invoice_number: "F-000123".into(),
                    ..Default::default()
                },
            )
            .await?;
            act(state, &buyer, *id, A::Pay, ActionInput::default()).await?;
        } else {
            act(state, &bright_user, *id, A::Accept, ActionInput::default()).await?;
            act(state, &bright_user, *id, A::Deliver, ActionInput::default()).await?;
        }
    }
    // 2. Received in part, then invoiced and waiting for payment.
    for id in place(state, &buyer, &[(&bright[1], 600_000)], "demo-2").await? {
        act(state, &bright_user, id, A::Accept, ActionInput::default()).await?;
        act(
            state,
            &buyer,
            id,
            A::Receive,
            ActionInput {
                in_full: false,
                note: "Two of five licences still missing".into(),
                ..Default::default()
            },
        )
        .await?;
        act(
            state,
            &bright_user,
            id,
            A::Invoice,
            ActionInput {
                invoice_number: "INV-2026-0042".into(),
                ..Default::default()
            },
        )
        .await?;
    }
    // 3. Accepted, and received in full.
    for id in place(state, &buyer, &[(nube_other, 300_000)], "demo-3").await? {
        act(state, &nube_user, id, A::Accept, ActionInput::default()).await?;
        act(
            state,
            &buyer,
            id,
            A::Receive,
            ActionInput {
                in_full: true,
                ..Default::default()
            },
        )
        .await?;
    }
    // 4. Accepted only.
    for id in place(state, &buyer, &[(&nube[0], 250_000)], "demo-4").await? {
        act(state, &nube_user, id, A::Accept, ActionInput::default()).await?;
    }
    // 5. Sent, waiting for the supplier.
    place(state, &buyer, &[(&bright[0], 200_000)], "demo-5").await?;
    // 6. Waiting for approval.
    place(state, &buyer, &[(&nube[0], 2_500_000)], "demo-6").await?;
    // 7. Rejected by the approver.
    for id in place(state, &buyer, &[(&bright[1], 3_000_000)], "demo-7").await? {
        act(
            state,
            &approver,
            id,
            A::Reject,
            reason("Buy this through a further competition instead"),
        )
        .await?;
    }
    // 8. Rejected by the supplier.
    for id in place(state, &buyer, &[(&bright[0], 150_000)], "demo-8").await? {
        act(
            state,
            &bright_user,
            id,
            A::Reject,
            reason("This plan is no longer sold in Chile"),
        )
        .await?;
    }
    // 9. Cancelled by the buyer before acceptance.
    for id in place(state, &buyer, &[(nube_other, 120_000)], "demo-9").await? {
        act(
            state,
            &buyer,
            id,
            A::Cancel,
            reason("Ordered twice by mistake"),
        )
        .await?;
    }
    direct_awards(state, &buyer).await?;
    Ok(order::Entity::find().count(&state.db).await?)
}

/// Direct-award projects with each outcome, from searches of the demo catalogue.
async fn direct_awards(state: &AppState, buyer: &Person) -> Result<(), FlowError> {
    // The searches run against the index, which the demo's outbox fills.
    crate::search::drain_once(state)
        .await
        .map_err(|e| FlowError::Other(anyhow::Error::new(e)))?;
    let actor = buyer.actor();
    let today = chrono::Utc::now().date_naive();
    // Find a lot-and-keyword search with 1 to 30 results to end with.
    let mut small = None;
    for query in [
        "q=backup&lot=cloud-hosting&supplier_scale=large",
        "lot=cloud-hosting&supplier_scale=large",
        "q=backup&supplier_scale=large",
        "lot=cloud-support&supplier_scale=large",
        "q=backup&lot=cloud-hosting",
        "lot=cloud-support",
    ] {
        let (mut q, _, _) = crate::search::from_query_string(query);
        q.per_page = 1;
        let total = state
            .search
            .search(&q)
            .await
            .map_err(|e| FlowError::Other(anyhow::Error::new(e)))?
            .total;
        if (1..=30).contains(&total) {
            small = Some(query);
            break;
        }
    }
    let Some(small) = small else {
        return Ok(());
    };
    // Awarded.
    let id = projects::start(
        state,
        &actor,
        buyer.who,
        "Backup for the regional offices",
        "",
    )
    .await?;
    projects::save_search(state, &actor, buyer.who, id, small).await?;
    projects::end_search(state, &actor, buyer.who, id).await?;
    let view = projects::view(&state.db, id, buyer.who).await?;
    if let Some(row) = view.shortlist.first() {
        projects::decide(
            state,
            &actor,
            buyer.who,
            id,
            Outcome::Awarded {
                service: row.service.public_id.clone(),
                value: "4800000".into(),
                currency: row.version.currency.clone(),
                start: (today + chrono::Duration::days(7)).to_string(),
                end: (today + chrono::Duration::days(372)).to_string(),
                reason: "Lowest whole-life cost on the short list, with data kept in Chile and support in Spanish".into(),
            },
        )
        .await?;
    }
    // None suitable.
    let id = projects::start(
        state,
        &actor,
        buyer.who,
        "Records archive in the cloud",
        small,
    )
    .await?;
    projects::end_search(state, &actor, buyer.who, id).await?;
    projects::decide(
        state,
        &actor,
        buyer.who,
        id,
        Outcome::NoneSuitable {
            reason: "None of the services keeps records for the 30 years the archive law requires"
                .into(),
        },
    )
    .await?;
    // Short list frozen, waiting for its outcome.
    let id = projects::start(
        state,
        &actor,
        buyer.who,
        "Help desk for the new payroll",
        small,
    )
    .await?;
    projects::end_search(state, &actor, buyer.who, id).await?;
    // Still searching.
    projects::start(
        state,
        &actor,
        buyer.who,
        "Citizen portal hosting",
        "lot=cloud-hosting",
    )
    .await?;
    Ok(())
}
