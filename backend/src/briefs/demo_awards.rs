//! The demo's awarded briefs: one after a prototype challenge, in its standstill with a
//! complaint answered, and two whose contract is made; played at the times they would have
//! happened, through the flows.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::FlowError;
use super::demo::{Person, create};
use super::demo_texts::{day, licencias, research};
use crate::domain::brief::Stage;
use crate::entities::framework;
use crate::state::AppState;

pub(super) fn input(
    n: usize,
    supplier: &str,
    price: &str,
    meets: bool,
    essentials: usize,
) -> super::responses::ResponseInput {
    super::responses::ResponseInput {
        evidence: (0..n)
            .map(|i| {
                format!(
                    "{supplier}: evidence for criterion {} with links to past work.",
                    i + 1
                )
            })
            .collect(),
        meets: (0..essentials)
            .map(|i| if meets || i > 0 { "yes" } else { "no" }.to_owned())
            .collect(),
        price: price.into(),
        available_from: String::new(),
    }
}

async fn respond(
    state: &AppState,
    who: &Person,
    id: i64,
    price: &str,
    meets: bool,
    at: DateTime<Utc>,
) -> Result<(), FlowError> {
    let b = super::store::brief(&state.db, id).await?;
    let brief = super::published(&b)?;
    let mut input = input(
        brief.criteria().len(),
        "Our team",
        price,
        meets,
        brief.essential.len(),
    );
    input.available_from = day(at, 30);
    super::responses::save(state, who.who, id, &input, true, at).await?;
    Ok(())
}

/// Scores every scorable response of `stage` by each of `panel`, then the moderator agrees
/// the scores (the first member's, rounded mean of all).
async fn score_all(
    state: &AppState,
    id: i64,
    stage: Stage,
    panel: &[&Person],
    moderator: &Person,
    at: DateTime<Utc>,
) -> Result<(), FlowError> {
    let b = super::store::brief(&state.db, id).await?;
    let brief = super::published(&b)?;
    let count = super::evaluation::criteria(&brief, stage).len();
    let rows = super::evaluation::scorable(&state.db, &b, stage).await?;
    let mut agreed: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (m, member) in panel.iter().enumerate() {
        for (k, r) in rows.iter().enumerate() {
            let sheet: Vec<(String, String)> = (0..count)
                .map(|i| {
                    let s = (2 + (i + k + m) % 3).min(4);
                    (
                        s.to_string(),
                        format!("Score {s}: the evidence is specific on point {}.", i + 1),
                    )
                })
                .collect();
            super::evaluation::score(state, &member.actor(), member.who, id, stage, r.id, &sheet)
                .await?;
            let entry = agreed.entry(r.id).or_default();
            if entry.is_empty() {
                *entry = sheet
                    .iter()
                    .enumerate()
                    .map(|(i, (s, _))| {
                        let s: u8 = s.parse().unwrap_or(2);
                        let s = if k == 0 { (s + 1).min(4) } else { s };
                        (s.to_string(), format!("Agreed on criterion {}", i + 1))
                    })
                    .collect();
            }
        }
        super::evaluation::submit_scores(state, &member.actor(), member.who, id, stage, at).await?;
    }
    super::evaluation::agree(
        state,
        &moderator.actor(),
        moderator.who,
        id,
        stage,
        &agreed,
        at,
    )
    .await
}

/// Brief 5: a prototype challenge, an award, a complaint answered.
#[allow(clippy::too_many_arguments)]
pub(super) async fn after_challenge(
    state: &AppState,
    buyer: &Person,
    colleague: &Person,
    nube: &Person,
    bright: &Person,
    fw: &framework::Model,
    lot: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let at = now - Duration::days(34);
    let id = create(state, buyer, fw, lot, licencias(at), at).await?;
    super::drafting::publish_brief(state, &buyer.actor(), buyer.who, &buyer.roles, id, at).await?;
    let q = super::questions::ask(
        state,
        &bright.actor(),
        bright.who,
        id,
        "¿Existe una API del registro civil para consultar licencias?",
        at + Duration::days(1),
    )
    .await?;
    super::questions::answer(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        q,
        "Sí, con acceso de prueba para el desafío.",
        at + Duration::days(2),
    )
    .await?;
    respond(state, nube, id, "62000000", true, at + Duration::days(5)).await?;
    respond(state, bright, id, "71000000", true, at + Duration::days(6)).await?;
    super::responses::open_due(state, at + Duration::days(11)).await?;
    super::evaluation::name_panel(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        &[buyer.who.user_id, colleague.who.user_id],
        buyer.who.user_id,
        at + Duration::days(11),
    )
    .await?;
    score_all(
        state,
        id,
        Stage::Proposal,
        &[buyer, colleague],
        buyer,
        at + Duration::days(13),
    )
    .await?;
    super::evaluation::start_challenge(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        at + Duration::days(14),
    )
    .await?;
    for (p, slug) in [(nube, "nube-andina"), (bright, "brightlane")] {
        super::responses::submit_prototype(
            state,
            &p.actor(),
            p.who,
            id,
            &format!("https://git.example.org/{slug}/licencias-prototipo"),
            &format!("https://demo.example.org/{slug}/licencias"),
            at + Duration::days(26),
        )
        .await?;
    }
    score_all(
        state,
        id,
        Stage::Challenge,
        &[buyer, colleague],
        buyer,
        at + Duration::days(28),
    )
    .await?;
    let winner = super::evaluation::scorable(
        &state.db,
        &super::store::brief(&state.db, id).await?,
        Stage::Challenge,
    )
    .await?
    .into_iter()
    .find(|r| r.rank == Some(1))
    .map(|r| r.id)
    .ok_or(FlowError::NotFound)?;
    super::award::decide(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        super::award::Decision::Award {
            response_id: winner,
            reason: String::new(),
        },
        now - Duration::days(3),
    )
    .await?;
    let loser = if super::responses::own(&state.db, id, nube.who.organisation_id)
        .await?
        .is_some_and(|r| r.id == winner)
    {
        bright
    } else {
        nube
    };
    super::award::complain(state, &loser.actor(), loser.who, id, "Our prototype was scored lower on the second rubric point, but users booked without help in our demo too. Please explain the difference.", now - Duration::days(2)).await?;
    if let Some(c) = super::store::complaints(&state.db, id).await?.first() {
        super::award::reply(state, &buyer.actor(), buyer.who, &buyer.roles, c.id, "In your demo two of five participants needed help to choose a time; in the winner's, none did. The panel's notes are in your debrief.", now - Duration::days(1)).await?;
    }
    Ok(())
}

/// Brief 6: awarded without a challenge; the standstill is over and the contract is made.
#[allow(clippy::too_many_arguments)]
pub(super) async fn contracted(
    state: &AppState,
    buyer: &Person,
    colleague: &Person,
    nube: &Person,
    bright: &Person,
    fw: &framework::Model,
    lot: &str,
    title: &str,
    at: DateTime<Utc>,
) -> Result<(), FlowError> {
    let mut d = research(at);
    d.title = title.into();
    let id = create(state, buyer, fw, lot, d, at).await?;
    super::drafting::publish_brief(state, &buyer.actor(), buyer.who, &buyer.roles, id, at).await?;
    respond(state, nube, id, "21000000", true, at + Duration::days(3)).await?;
    respond(state, bright, id, "18000000", false, at + Duration::days(4)).await?;
    super::responses::open_due(state, at + Duration::days(9)).await?;
    super::evaluation::name_panel(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        &[buyer.who.user_id, colleague.who.user_id],
        colleague.who.user_id,
        at + Duration::days(9),
    )
    .await?;
    score_all(
        state,
        id,
        Stage::Proposal,
        &[buyer, colleague],
        colleague,
        at + Duration::days(12),
    )
    .await?;
    let winner = super::evaluation::scorable(
        &state.db,
        &super::store::brief(&state.db, id).await?,
        Stage::Proposal,
    )
    .await?
    .into_iter()
    .find(|r| r.rank == Some(1))
    .map(|r| r.id)
    .ok_or(FlowError::NotFound)?;
    super::award::decide(
        state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        super::award::Decision::Award {
            response_id: winner,
            reason: String::new(),
        },
        at + Duration::days(14),
    )
    .await?;
    super::award::contract_due(state, at + Duration::days(25)).await?;
    Ok(())
}
