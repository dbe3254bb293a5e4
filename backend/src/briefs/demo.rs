//! Demo briefs for `make run`, in every stage, made through the same flows as real use: a
//! draft; a large brief waiting for its business-case review; a live brief with questions and
//! answers; a withdrawn brief; a brief with a prototype challenge, awarded and in its
//! standstill with a complaint answered; and a brief whose contract is made. The later stages
//! are played at the times they would have happened (weeks ago), through the flows' `now`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::FlowError;
use super::demo_awards::input;
use super::demo_texts::{licencias, research};
pub(super) use crate::buying::demo::Person;
use crate::buying::demo::person;
use crate::domain::brief::draft::Draft;
use crate::entities::{brief, framework};
use crate::state::AppState;

pub(super) async fn create(
    state: &AppState,
    buyer: &Person,
    fw: &framework::Model,
    lot: &str,
    d: Draft,
    at: DateTime<Utc>,
) -> Result<i64, FlowError> {
    let id = super::drafting::create(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        &fw.slug,
        lot,
        at,
    )
    .await?;
    super::drafting::save(state, &buyer.actor(), buyer.who, &buyer.roles, id, d, at).await?;
    Ok(id)
}

/// Loads the demo briefs once. Returns how many were made.
pub async fn load(state: &AppState) -> Result<u64, FlowError> {
    if brief::Entity::find().count(&state.db).await? > 0 {
        return Ok(0);
    }
    let (Some(buyer), Some(colleague), Some(nube), Some(bright)) = (
        person(state, "buyer@compras.demo.gob.cl").await?,
        person(state, "approver@compras.demo.gob.cl").await?,
        person(state, "supplier@nubeandina.example").await?,
        person(state, "supplier@brightlane.example").await?,
    ) else {
        return Ok(0);
    };
    let Some(fw) = framework::Entity::find()
        .filter(framework::Column::Slug.eq("digital-outcomes-and-specialists-1"))
        .one(&state.db)
        .await?
    else {
        return Ok(0);
    };
    let now = Utc::now();
    let lot = "digital-outcomes";
    let mut made = 0;

    // 1. A draft, half written.
    let mut d = research(now);
    d.bc_benefits.clear();
    d.bc_risks.clear();
    d.title = "Citizen feedback on local services".into();
    create(state, &buyer, &fw, lot, d, now).await?;
    made += 1;

    // 2. A large brief whose business case waits for the category reviewer.
    let mut d = licencias(now);
    d.title = "Plataforma de turnos para hospitales públicos".into();
    d.budget_max = "250000000".into();
    d.bc_tco = "2027: 180000000\n2028: 40000000\n2029: 40000000".into();
    let id = create(state, &buyer, &fw, lot, d, now).await?;
    super::drafting::request_review(state, &buyer.actor(), buyer.who, &buyer.roles, id, now)
        .await?;
    made += 1;

    // 3. A live brief with questions (one answered) and a draft response, sealed.
    let id = create(state, &buyer, &fw, lot, research(now), now).await?;
    super::drafting::publish_brief(state, &buyer.actor(), buyer.who, &buyer.roles, id, now).await?;
    let q = super::questions::ask(
        state,
        &nube.actor(),
        nube.who,
        id,
        "Can the research include families in rural schools?",
        now,
    )
    .await?;
    super::questions::ask(
        state,
        &bright.actor(),
        bright.who,
        id,
        "Will the school office staff be available for interviews?",
        now,
    )
    .await?;
    super::questions::answer(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        q,
        "Yes. Half of the sessions should be with rural schools.",
        now,
    )
    .await?;
    let mut draft_response = input(3, "Nube Andina", "", true, 2);
    draft_response.evidence.truncate(1);
    super::responses::save(state, nube.who, id, &draft_response, false, now).await?;
    made += 1;

    // 4. A brief withdrawn after publishing.
    let at = now - Duration::days(6);
    let mut d = research(at);
    d.title = "Accessibility review of the benefits portal".into();
    let id = create(state, &buyer, &fw, lot, d, at).await?;
    super::drafting::publish_brief(state, &buyer.actor(), buyer.who, &buyer.roles, id, at).await?;
    super::drafting::withdraw(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        "The portal will be replaced next year, so we will buy this with the new service.",
        now,
    )
    .await?;
    made += 1;

    // 5. Awarded after a prototype challenge; in its standstill, with a complaint answered.
    super::demo_awards::after_challenge(state, &buyer, &colleague, &nube, &bright, &fw, lot, now)
        .await?;
    made += 1;

    // 6. Awarded without a challenge; the standstill is over and the contract is made. Two
    // such, one started about seven months ago and one that has run its year (their delivery
    // is played by `contracts::demo`).
    for (title, days) in [
        ("Discovery for the school meals service", 250),
        ("Alpha for the library card renewal", 520),
    ] {
        super::demo_awards::contracted(
            state,
            &buyer,
            &colleague,
            &nube,
            &bright,
            &fw,
            lot,
            title,
            now - Duration::days(days),
        )
        .await?;
        made += 1;
    }

    Ok(made)
}
