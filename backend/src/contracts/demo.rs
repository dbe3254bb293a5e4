//! Demo contract delivery for `make run`, played through the flows at the times it would
//! have happened:
//!
//! - "Discovery for the school meals service" (started about seven months ago, active):
//!   milestones accepted and paid (one paid late), a delivery rejected then accepted, one
//!   accepted and waiting for payment, one delivered and waiting past the acceptance period,
//!   one late and not delivered; a second module above the approval threshold, approved by a
//!   colleague; ratings with a reply; the first benefit report.
//! - "Alpha for the library card renewal" (ran its year and ended): every milestone met and
//!   paid, a final rating, one benefit report filed and the next one late.
//! - The direct award "Backup for the regional offices": terminated at the supplier's
//!   request, with the buyer's agreement.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::FlowError;
use super::changes::ChangeInput;
use super::demo_steps::{accept, by_title, day, deliver, pay, plan_all, rate, report};
use crate::buying::demo::{Person, person};
use crate::entities::{contract, contract_milestone};
use crate::state::AppState;

/// Loads the demo delivery once (after the demo briefs and orders). Returns how many
/// contracts it played.
pub async fn load(state: &AppState) -> Result<u64, FlowError> {
    if contract_milestone::Entity::find().count(&state.db).await? > 0 {
        return Ok(0);
    }
    let (Some(buyer), Some(colleague), Some(nube)) = (
        person(state, "buyer@compras.demo.gob.cl").await?,
        person(state, "approver@compras.demo.gob.cl").await?,
        person(state, "supplier@nubeandina.example").await?,
    ) else {
        return Ok(0);
    };
    let now = Utc::now();
    let mut played = 0;
    if let Some(c) = by_title(state, "Discovery for the school meals service").await? {
        school_meals(state, &buyer, &colleague, &nube, &c, now).await?;
        played += 1;
    }
    if let Some(c) = by_title(state, "Alpha for the library card renewal").await? {
        library(state, &buyer, &nube, &c, now).await?;
        played += 1;
    }
    if let Some(c) = contract::Entity::find()
        .filter(contract::Column::Route.eq("award"))
        .one(&state.db)
        .await?
    {
        // The supplier asks to end it and the buyer agrees; a supplier with no users on
        // Marco cannot ask, so the buyer ends it.
        let supplier = crate::frameworks::store::recipients(&state.db, c.supplier_org_id)
            .await?
            .into_iter()
            .next();
        let asker = match supplier {
            Some(user) => Person {
                who: super::Viewer {
                    user_id: user.id,
                    organisation_id: c.supplier_org_id,
                },
                roles: Vec::new(),
            },
            None => Person {
                who: buyer.who,
                roles: buyer.roles.clone(),
            },
        };
        let at = Utc::now();
        let id = super::changes::request(
            state,
            &asker.actor(),
            asker.who,
            &asker.roles,
            c.id,
            &ChangeInput {
                kind: "termination".into(),
                reason:
                    "The regional offices moved to the central building, which has its own backup."
                        .into(),
                ..Default::default()
            },
            at,
        )
        .await?;
        if asker.who.organisation_id == c.supplier_org_id {
            super::changes::decide(
                state,
                &buyer.actor(),
                buyer.who,
                &buyer.roles,
                c.id,
                id,
                true,
                "",
                at,
            )
            .await?;
        }
        played += 1;
    }
    super::clock::tick(state, now).await?;
    Ok(played)
}

async fn school_meals(
    state: &AppState,
    buyer: &Person,
    colleague: &Person,
    nube: &Person,
    c: &super::Contract,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let s = c.start_at;
    let ids = plan_all(
        state,
        buyer,
        c.id,
        1,
        &[
            ("Research plan and recruitment", 20, 10),
            ("User research findings", 60, 25),
            ("Service blueprint", 120, 20),
            ("Content design for the application", 190, 15),
            ("Accessibility audit of the prototype", 205, 10),
            ("Final report and handover", 340, 20),
        ],
        s + Duration::days(1),
    )
    .await?;
    let folder = "https://drive.nubeandina.example/school-meals";
    // 1: on time, accepted, paid, rated.
    deliver(
        state,
        nube,
        c.id,
        ids[0],
        &format!("{folder}/plan"),
        s + Duration::days(18),
    )
    .await?;
    accept(state, buyer, c.id, ids[0], s + Duration::days(21)).await?;
    let r1 = rate(
        state,
        buyer,
        c.id,
        Some(ids[0]),
        (5, 5, 4),
        "A clear plan, and recruitment reached rural families as agreed.",
        s + Duration::days(21),
    )
    .await?;
    pay(
        state,
        buyer,
        c.id,
        ids[0],
        s + Duration::days(22),
        s + Duration::days(40),
    )
    .await?;
    super::ratings::reply(
        state,
        &nube.actor(),
        nube.who,
        c.id,
        r1,
        "Thank you. The rural schools' help made the difference.",
        s + Duration::days(25),
    )
    .await?;
    // 2: rejected once, delivered again, accepted, paid late.
    deliver(
        state,
        nube,
        c.id,
        ids[1],
        &format!("{folder}/findings-v1"),
        s + Duration::days(58),
    )
    .await?;
    super::delivery::decide(
        state,
        &buyer.actor(),
        buyer.who,
        c.id,
        ids[1],
        false,
        "The findings leave out the families of rural schools, which the plan included.",
        s + Duration::days(62),
    )
    .await?;
    deliver(
        state,
        nube,
        c.id,
        ids[1],
        &format!("{folder}/findings-v2"),
        s + Duration::days(75),
    )
    .await?;
    accept(state, buyer, c.id, ids[1], s + Duration::days(80)).await?;
    rate(
        state,
        buyer,
        c.id,
        Some(ids[1]),
        (4, 2, 4),
        "Good findings once complete, but two weeks late.",
        s + Duration::days(80),
    )
    .await?;
    pay(
        state,
        buyer,
        c.id,
        ids[1],
        s + Duration::days(81),
        s + Duration::days(130),
    )
    .await?;
    // 3: accepted, waiting for payment.
    deliver(
        state,
        nube,
        c.id,
        ids[2],
        &format!("{folder}/blueprint"),
        s + Duration::days(118),
    )
    .await?;
    accept(state, buyer, c.id, ids[2], s + Duration::days(123)).await?;
    // A second module above the approval threshold, approved by a colleague.
    let module_start = s + Duration::days(150);
    let change = super::changes::request(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        c.id,
        &ChangeInput {
            kind: "module".into(),
            reason: "The research showed that families need to apply by phone too; the second module builds that.".into(),
            scope: "Beta of the application by phone and online, with the school offices".into(),
            module_value: (c.value * rust_decimal::Decimal::from(40) / rust_decimal::Decimal::from(100)).round().to_string(),
            module_start: day(module_start),
            new_end: day(c.end_at + Duration::days(90)),
            ..Default::default()
        },
        module_start - Duration::days(3),
    )
    .await?;
    super::changes::decide(
        state,
        &colleague.actor(),
        colleague.who,
        &colleague.roles,
        c.id,
        change,
        true,
        "",
        module_start - Duration::days(2),
    )
    .await?;
    plan_all(
        state,
        buyer,
        c.id,
        2,
        &[
            ("Phone line pilot in ten schools", 120, 50),
            ("Beta assessment", 250, 50),
        ],
        module_start,
    )
    .await?;
    // The first benefit report, six months in.
    report(state, buyer, c.id, 1, "61%", false, s + Duration::days(186)).await?;
    // 4: delivered, waiting past the acceptance period.
    deliver(
        state,
        nube,
        c.id,
        ids[3],
        &format!("{folder}/content"),
        now - Duration::days(16),
    )
    .await?;
    // 5: due, not delivered: late.
    let _ = ids[4];
    Ok(())
}

async fn library(
    state: &AppState,
    buyer: &Person,
    nube: &Person,
    c: &super::Contract,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let s = c.start_at;
    let ids = plan_all(
        state,
        buyer,
        c.id,
        1,
        &[
            ("Alpha plan", 30, 20),
            ("Working alpha for renewals", 150, 50),
            ("Alpha assessment and recommendation", 300, 30),
        ],
        s + Duration::days(2),
    )
    .await?;
    let folder = "https://drive.nubeandina.example/library-alpha";
    for (i, (delivered, accepted)) in [(28, 31), (149, 155), (296, 301)].into_iter().enumerate() {
        deliver(
            state,
            nube,
            c.id,
            ids[i],
            &format!("{folder}/{}", i + 1),
            s + Duration::days(delivered),
        )
        .await?;
        accept(state, buyer, c.id, ids[i], s + Duration::days(accepted)).await?;
        pay(
            state,
            buyer,
            c.id,
            ids[i],
            s + Duration::days(accepted + 1),
            s + Duration::days(accepted + 20),
        )
        .await?;
    }
    report(
        state,
        buyer,
        c.id,
        1,
        "40% of renewals online",
        false,
        s + Duration::days(190),
    )
    .await?;
    // The year is over: the clock ends it, then the buyer gives the final rating.
    super::clock::tick(state, c.end_at + Duration::days(1)).await?;
    rate(
        state,
        buyer,
        c.id,
        None,
        (4, 5, 5),
        "The alpha answered the question it was bought for, on time and within budget.",
        (c.end_at + Duration::days(5)).min(now),
    )
    .await?;
    Ok(())
}
