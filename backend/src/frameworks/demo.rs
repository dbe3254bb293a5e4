//! Demo frameworks for `make run`: a live cloud framework and a live outcomes framework with
//! 40 suppliers and a few hundred services, and the cloud framework's next iteration open for
//! applications. Everything goes through the same flows as real use, so the demo publishes
//! real OCDS and fills the search index through the outbox.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::evaluation::{Evaluation, Verdict};
use super::lifecycle::{self, NewFramework};
use super::{Actor, FlowError, application, evaluation, store};
use crate::domain::content::{
    CLOUD_CONTENT, ContentFile, FormValues, Lot, OUTCOMES_CONTENT, Question, QuestionKind,
};
use crate::domain::framework::{FrameworkStatus, Timetable};
use crate::domain::rut;
use crate::entities::{framework, organisation};
use crate::state::AppState;

/// A minimal valid PDF, attached as every demo service document.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

const FIRST: &[&str] = &[
    "Andes",
    "Pacífico",
    "Austral",
    "Cordillera",
    "Atacama",
    "Maule",
    "Biobío",
    "Litoral",
    "Valle",
    "Patagonia",
    "Copihue",
    "Araucaria",
    "Cóndor",
    "Huemul",
    "Quillay",
    "Alerce",
    "Lenga",
    "Puma",
    "Colibrí",
    "Volcán",
];
const SECOND: &[&str] = &[
    "Datos",
    "Cloud",
    "Digital",
    "Sistemas",
    "Labs",
    "Tech",
    "Software",
    "Redes",
    "Servicios",
    "Consultores",
];
fn pick<'a>(list: &'a [&'a str], n: usize) -> &'a str {
    list[n % list.len()]
}

/// Valid answers for every non-document question of `lot`, varied by `seed`.
pub fn answers_for(lot: &Lot, supplier: &str, seed: usize) -> FormValues {
    let mut form = FormValues::new();
    for (i, q) in lot.questions.iter().enumerate() {
        let n = seed.wrapping_mul(31).wrapping_add(i * 7);
        if let Some(values) = answer(q, lot, supplier, seed, n) {
            for (k, v) in values {
                form.insert(k, v);
            }
        }
    }
    form
}

fn answer(
    q: &Question,
    lot: &Lot,
    supplier: &str,
    seed: usize,
    n: usize,
) -> Option<Vec<(String, Vec<String>)>> {
    let one = |v: String| Some(vec![(q.id.clone(), vec![v])]);
    let (name, summary) = super::demo_products::name_and_summary(&lot.slug, supplier, seed);
    match &q.kind {
        QuestionKind::Text { max_length } => {
            let text = if q.role == Some(crate::domain::content::Role::Name) {
                name
            } else {
                format!("{} {}", lot.name.en, seed % 97)
            };
            one(text.chars().take(*max_length).collect())
        }
        QuestionKind::Textarea { max_length, .. } => one(summary
            .chars()
            .take(max_length.unwrap_or(usize::MAX))
            .collect()),
        QuestionKind::Number { min, max, .. } => {
            let low = min
                .map(|d| d.trunc().to_string().parse::<i64>().unwrap_or(1))
                .unwrap_or(1);
            let high = max
                .map(|d| d.trunc().to_string().parse::<i64>().unwrap_or(low + 10))
                .unwrap_or(low + 10);
            let span = (high - low).max(0) as usize + 1;
            one((low + (n % span) as i64).to_string())
        }
        QuestionKind::Price { units, currencies } => {
            // The product's usual price and unit, when the lot prices by that unit.
            let (amount, unit) = super::demo_products::price(&lot.slug, seed);
            let unit = match units.iter().find(|u| u.value == unit) {
                Some(u) => u.value.clone(),
                None => units.get(n % units.len().max(1))?.value.clone(),
            };
            Some(vec![
                (q.id.clone(), vec![amount.to_string()]),
                (format!("{}.unit", q.id), vec![unit]),
                (
                    format!("{}.currency", q.id),
                    vec![currencies.first().cloned().unwrap_or_else(|| "CLP".into())],
                ),
            ])
        }
        QuestionKind::Choice { options } => {
            one(options.get(n % options.len().max(1))?.value.clone())
        }
        QuestionKind::Multichoice {
            options,
            min_selections,
            max_selections,
        } => {
            let want = (*min_selections).max(1).min(*max_selections).max(1);
            let count = want + n % ((*max_selections).saturating_sub(want) + 1);
            let values: Vec<String> = (0..count.min(options.len()))
                .map(|k| options[(n + k * 3) % options.len()].value.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            Some(vec![(q.id.clone(), values)])
        }
        QuestionKind::Boolean => one(if n.is_multiple_of(3) { "false" } else { "true" }.into()),
        QuestionKind::List { max_items, .. } => {
            let count = (*max_items).clamp(1, 4);
            Some(vec![(
                q.id.clone(),
                (0..count)
                    .map(|k| super::demo_products::feature(supplier, seed, n + k).to_owned())
                    .collect(),
            )])
        }
        QuestionKind::Document { .. } => None,
    }
}

/// A declaration that passes (or, with `fail`, declares a fraud conviction).
pub fn declaration_for(content: &ContentFile, fail: bool) -> FormValues {
    let mut form = FormValues::new();
    for dq in &content.declaration.questions {
        let q = &dq.question;
        let value = match (&q.kind, &dq.pass_if) {
            (QuestionKind::Boolean, Some(crate::domain::content::PassIf::Bool(pass))) => {
                if fail && dq.mandatory && !*pass {
                    "true".to_owned()
                } else {
                    pass.to_string()
                }
            }
            (QuestionKind::Boolean, _) => "true".into(),
            (QuestionKind::Choice { options }, Some(crate::domain::content::PassIf::OneOf(ok))) => {
                ok.first()
                    .cloned()
                    .or_else(|| options.first().map(|o| o.value.clone()))
                    .unwrap_or_default()
            }
            (QuestionKind::Choice { options }, _) => {
                options.first().map(|o| o.value.clone()).unwrap_or_default()
            }
            (QuestionKind::Multichoice { options, .. }, _) => {
                options.first().map(|o| o.value.clone()).unwrap_or_default()
            }
            (QuestionKind::Number { min, .. }, _) => {
                min.map(|m| m.to_string()).unwrap_or_else(|| "1".into())
            }
            (QuestionKind::Document { .. }, _) => continue,
            _ => {
                if q.required {
                    "Not applicable.".into()
                } else {
                    continue;
                }
            }
        };
        form.insert(q.id.clone(), vec![value]);
    }
    form
}

/// The 40 demo suppliers: the two with demo accounts, then generated ones with valid RUTs.
async fn suppliers(state: &AppState) -> Result<Vec<organisation::Model>, FlowError> {
    ensure_suppliers(state, 40).await
}

/// The supplier organisations, adding generated ones (valid RUTs, mostly SMEs) until there
/// are at least `count`.
pub async fn ensure_suppliers(
    state: &AppState,
    count: usize,
) -> Result<Vec<organisation::Model>, FlowError> {
    let mut all = organisation::Entity::find()
        .filter(organisation::Column::Kind.eq("supplier"))
        .all(&state.db)
        .await?;
    let mut i = 0usize;
    while all.len() < count {
        let number = 76_400_000 + (i as u32) * 1_237;
        let id = format!("{number}-{}", rut::check_digit(number));
        if all.iter().any(|o| o.identifier_id == id) {
            i += 1;
            continue;
        }
        let name = format!("{} {}", pick(FIRST, i), pick(SECOND, i / FIRST.len() + i));
        let scale = match i % 10 {
            0 => "large",
            1..=3 => "micro",
            4..=6 => "small",
            _ => "medium",
        };
        let org = organisation::ActiveModel {
            kind: Set("supplier".into()),
            name: Set(format!("{name} SpA")),
            legal_name: Set(format!("{name} SpA")),
            identifier_scheme: Set("CL-RUT".into()),
            identifier_id: Set(id),
            locality: Set(Some(
                pick(
                    &[
                        "Santiago",
                        "Valparaíso",
                        "Concepción",
                        "Temuco",
                        "Antofagasta",
                    ],
                    i,
                )
                .into(),
            )),
            country_code: Set("CL".into()),
            scale: Set(Some(scale.into())),
            email_domains: Set(String::new()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&state.db)
        .await?;
        all.push(org);
        i += 1;
    }
    Ok(all)
}

async fn apply(
    state: &AppState,
    fw: &framework::Model,
    content: &ContentFile,
    supplier: &organisation::Model,
    services: usize,
    seed: usize,
    fail: bool,
) -> Result<i64, FlowError> {
    let actor = Actor::default();
    let app = application::register_interest(state, &actor, fw, supplier.id).await?;
    application::save_declaration(state, fw, app.id, &declaration_for(content, fail), "en").await?;
    for k in 0..services {
        let lot = &content.lots[(seed + k) % content.lots.len()];
        let draft = application::create_draft(state, fw, app.id, &lot.slug).await?;
        let form = answers_for(lot, &supplier.name, seed * 13 + k);
        application::save_draft(state, fw, app.id, draft.id, &form, "en").await?;
        for q in &lot.questions {
            if matches!(q.kind, QuestionKind::Document { .. }) && q.required {
                application::attach_document(
                    state,
                    fw,
                    app.id,
                    draft.id,
                    &q.id,
                    &format!("{}.pdf", q.id),
                    DEMO_PDF,
                    "en",
                )
                .await?;
            }
        }
    }
    application::submit(state, &actor, fw, app.id).await?;
    Ok(app.id)
}

/// A framework's dates relative to today: it went live `live_days_ago` days ago, after the
/// usual weeks of clarifications, applications, evaluation and standstill, and runs two years.
fn timetable(live_days_ago: i64) -> Timetable {
    let live = Utc::now() - Duration::days(live_days_ago);
    Timetable {
        clarifications_close_at: live - Duration::days(42),
        applications_close_at: live - Duration::days(35),
        intention_to_award_at: live - Duration::days(14),
        goes_live_at: live,
        expires_at: live + Duration::days(730),
    }
}

/// Runs a framework through its whole set-up: applications, evaluation, agreements, live.
async fn live_framework(
    state: &AppState,
    new: NewFramework,
    suppliers: &[organisation::Model],
    per_supplier: usize,
) -> Result<framework::Model, FlowError> {
    let actor = Actor::default();
    // Each step is played on the day the timetable gives it, so the pages, the records and
    // the OCDS periods tell one story: opened, applied to, evaluated, signed and live.
    let t = new.timetable;
    let opening = state.at(t.clarifications_close_at - Duration::days(14));
    let state = &opening;
    let fw = lifecycle::create(state, &actor, new.clone()).await?;
    let fw = lifecycle::transition(state, &actor, fw.id, FrameworkStatus::Open).await?;
    let content = lifecycle::content_of(&fw)?;
    let mut applications = Vec::new();
    for (i, supplier) in suppliers.iter().enumerate() {
        let fail = i == 7;
        let services = 1 + (i * 7) % per_supplier;
        applications.push((
            apply(state, &fw, &content, supplier, services, i, fail).await?,
            fail,
        ));
    }
    let closing = state.at(t.applications_close_at + Duration::hours(1));
    let state = &closing;
    let fw = lifecycle::transition(state, &actor, fw.id, FrameworkStatus::Pending).await?;
    for (id, fail) in &applications {
        let drafts = store::drafts(&state.db, *id).await?;
        let services: BTreeMap<i64, (Option<Verdict>, String)> = drafts
            .iter()
            .map(|d| {
                if *fail {
                    (
                        d.id,
                        (
                            Some(Verdict::Fail),
                            "The supplier failed a mandatory exclusion ground.".into(),
                        ),
                    )
                } else {
                    (d.id, (Some(Verdict::Pass), String::new()))
                }
            })
            .collect();
        evaluation::evaluate(
            state,
            &actor,
            &fw,
            *id,
            Evaluation {
                result: Some(if *fail { Verdict::Fail } else { Verdict::Pass }),
                reason: if *fail {
                    "The declaration reports a conviction for fraud (automatic fail).".into()
                } else {
                    "All services met the requirements.".into()
                },
                services,
            },
        )
        .await?;
    }
    let awarding = state.at(t.intention_to_award_at + Duration::hours(1));
    let state = &awarding;
    let fw = lifecycle::transition(state, &actor, fw.id, FrameworkStatus::Standstill).await?;
    for (id, fail) in &applications {
        if !fail {
            evaluation::sign(state, &actor, &fw, *id, "Director").await?;
            evaluation::countersign(state, &actor, &fw, *id).await?;
        }
    }
    let live = state.at(t.goes_live_at + Duration::hours(1));
    lifecycle::transition(&live, &actor, fw.id, FrameworkStatus::Live).await
}

/// Loads the demo frameworks once. Returns how many services were published.
pub async fn load(state: &AppState) -> Result<u64, FlowError> {
    if framework::Entity::find().count(&state.db).await? > 0 {
        return Ok(0);
    }
    let suppliers = suppliers(state).await?;
    let cloud = live_framework(
        state,
        NewFramework {
            name: "Cloud Services 1".into(),
            family: "Cloud Services".into(),
            iteration: 1,
            description: "Cloud hosting, cloud platforms, cloud software and specialist cloud services from pre-approved suppliers, bought without a separate tender.".into(),
            content: CLOUD_CONTENT.into(),
            timetable: timetable(110),
            previous_id: None,
        },
        &suppliers,
        15,
    )
    .await?;
    live_framework(
        state,
        NewFramework {
            name: "Digital Outcomes and Specialists 1".into(),
            family: "Digital Outcomes and Specialists".into(),
            iteration: 1,
            description: "Digital outcomes, digital specialists and user research, bought from pre-approved suppliers.".into(),
            content: OUTCOMES_CONTENT.into(),
            timetable: timetable(600),
            previous_id: None,
        },
        &suppliers[..15],
        4,
    )
    .await?;
    let next = lifecycle::copy_to_next_iteration(state, &Actor::default(), cloud.id).await?;
    lifecycle::transition(state, &Actor::default(), next.id, FrameworkStatus::Open).await?;
    Ok(crate::entities::service::Entity::find()
        .count(&state.db)
        .await?)
}
