//! Demo briefs for `make run`, in every stage, made through the same flows as real use: a
//! draft; a large brief waiting for its business-case review; a live brief with questions and
//! answers; a withdrawn brief; a brief with a prototype challenge, awarded and in its
//! standstill with a complaint answered; and a brief whose contract is made. The later stages
//! are played at the times they would have happened (weeks ago), through the flows' `now`.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{Actor, FlowError, Viewer};
use crate::domain::brief::Stage;
use crate::domain::brief::draft::Draft;
use crate::domain::roles::Role;
use crate::entities::{brief, framework, user, user_role};
use crate::state::AppState;

struct Person {
    who: Viewer,
    roles: Vec<Role>,
}

impl Person {
    fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.who.user_id),
            ip: None,
        }
    }
}

async fn person(state: &AppState, email: &str) -> Result<Option<Person>, FlowError> {
    let Some(found) = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(found.id))
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

fn day(at: DateTime<Utc>, days: i64) -> String {
    (at + Duration::days(days)).date_naive().to_string()
}

/// A whole brief in Spanish, for a buyer in Chile, published at `at`.
fn licencias(at: DateTime<Utc>) -> Draft {
    Draft {
        title: "Renovar licencias de conducir sin filas".into(),
        problem: "Las personas esperan semanas para renovar su licencia. Muchas pierden un día de trabajo en la fila.".into(),
        users: "Conductores de todo el país. Muchos usan el teléfono, no un computador. Algunos necesitan ayuda de un familiar.".into(),
        existing: "Una agenda telefónica que atiende de lunes a viernes, y filas en cada municipio.".into(),
        outcome: "La mayoría de las renovaciones se agenda en línea en menos de 10 minutos.".into(),
        budget_min: "30000000".into(),
        budget_max: "80000000".into(),
        currency: "CLP".into(),
        location: "Santiago, con trabajo remoto".into(),
        working: "El equipo trabaja con nuestro personal dos días a la semana en Teatinos 120.".into(),
        essential: "Construyó un servicio público de agenda en línea\nPublica su código en abierto\nHace investigación con usuarios en cada etapa".into(),
        nice: "Trabajó con municipios".into(),
        cultural: "Trabaja en equipo con nuestro personal".into(),
        weight_technical: "60".into(),
        weight_cultural: "10".into(),
        weight_price: "30".into(),
        price_basis: "fixed".into(),
        methods: vec!["written_proposal".into(), "prototype_challenge".into()],
        question_deadline: day(at, 4),
        closing: day(at, 10),
        shortlist: "2".into(),
        challenge_stipend: "3000000".into(),
        challenge_weeks: "2".into(),
        challenge_deliverables: "Un prototipo que funcione, en un repositorio abierto, y una demostración de 15 minutos.".into(),
        challenge_rubric: "El prototipo funciona con datos de prueba\nLas personas lograron agendar sin ayuda".into(),
        challenge_weight: "50".into(),
        bc_objective: "Servicios públicos más simples, según la Estrategia de Gobierno Digital.".into(),
        bc_options: "No hacer nada\nComprar un producto de agenda\nConstruir con un proveedor del convenio".into(),
        bc_tco: "2027: 60000000\n2028: 15000000\n2029: 15000000".into(),
        bc_benefits: "Renovaciones agendadas en línea | 0% | 70% | 2028-06-30\nHoras de espera promedio | 3 | 0,5 | 2028-06-30".into(),
        bc_risks: "El personal de los municipios no adopta el nuevo sistema\nLa integración con el registro civil tarda más".into(),
    }
}

fn research(at: DateTime<Utc>) -> Draft {
    Draft {
        title: "User research for the school meals service".into(),
        problem: "Families do not know which children can get free school meals. Many who could apply never do.".into(),
        users: "Parents and carers of school-age children, and school office staff.".into(),
        existing: "A paper form that schools hand out once a year.".into(),
        outcome: "We know why families do not apply, and have tested a simpler way to apply.".into(),
        budget_min: "10000000".into(),
        budget_max: "25000000".into(),
        currency: "CLP".into(),
        location: "Valparaíso region, or remote".into(),
        working: "Research in schools two days a week; reports every Friday.".into(),
        essential: "Has run research with families on low incomes\nCan recruit participants in Spanish".into(),
        nice: "Has worked with schools".into(),
        cultural: String::new(),
        weight_technical: "70".into(),
        weight_cultural: "0".into(),
        weight_price: "30".into(),
        price_basis: "fixed".into(),
        methods: vec!["written_proposal".into(), "case_study".into()],
        question_deadline: day(at, 3),
        closing: day(at, 8),
        shortlist: "2".into(),
        bc_objective: "More children who can get free meals get them.".into(),
        bc_options: "Do nothing\nRun a publicity campaign\nResearch and redesign the service".into(),
        bc_tco: "2027: 25000000".into(),
        bc_benefits: "Eligible families who apply | 55% | 80% | 2028-03-31".into(),
        bc_risks: "Families may not want to talk about their income".into(),
        ..Draft::default()
    }
}

async fn create(
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

fn input(
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

/// Loads the demo briefs once. Returns how many were made.
pub async fn load(state: &AppState) -> Result<u64, FlowError> {
    if brief::Entity::find().count(&state.db).await? > 0 {
        return Ok(0);
    }
    let (Some(buyer), Some(colleague), Some(reviewer), Some(nube), Some(bright)) = (
        person(state, "buyer@compras.demo.gob.cl").await?,
        person(state, "approver@compras.demo.gob.cl").await?,
        person(state, "reviewer@marco.example").await?,
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
    let at = now - Duration::days(34);
    let id = create(state, &buyer, &fw, lot, licencias(at), at).await?;
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
    respond(state, &nube, id, "62000000", true, at + Duration::days(5)).await?;
    respond(state, &bright, id, "71000000", true, at + Duration::days(6)).await?;
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
        &[&buyer, &colleague],
        &buyer,
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
    for (p, slug) in [(&nube, "nube-andina"), (&bright, "brightlane")] {
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
        &[&buyer, &colleague],
        &buyer,
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
        &bright
    } else {
        &nube
    };
    super::award::complain(state, &loser.actor(), loser.who, id, "Our prototype was scored lower on the second rubric point, but users booked without help in our demo too. Please explain the difference.", now - Duration::days(2)).await?;
    if let Some(c) = super::store::complaints(&state.db, id).await?.first() {
        super::award::reply(state, &buyer.actor(), buyer.who, &buyer.roles, c.id, "In your demo two of five participants needed help to choose a time; in the winner's, none did. The panel's notes are in your debrief.", now - Duration::days(1)).await?;
    }
    made += 1;

    // 6. Awarded without a challenge; the standstill is over and the contract is made.
    let at = now - Duration::days(40);
    let mut d = research(at);
    d.title = "Discovery for the school meals service".into();
    let id = create(state, &buyer, &fw, lot, d, at).await?;
    super::drafting::publish_brief(state, &buyer.actor(), buyer.who, &buyer.roles, id, at).await?;
    respond(state, &nube, id, "21000000", true, at + Duration::days(3)).await?;
    respond(
        state,
        &bright,
        id,
        "18000000",
        false,
        at + Duration::days(4),
    )
    .await?;
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
        &[&buyer, &colleague],
        &colleague,
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
    super::award::contract_due(state, now).await?;
    made += 1;

    let _ = reviewer;
    Ok(made)
}
