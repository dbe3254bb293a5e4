//! How briefs read on the pages: list rows, the brief's sections and business case, key facts
//! and history, in the reader's language.

use marco_frontend::Tr;
use marco_frontend::briefs::{BriefRow, HistoryRow, Section};
use marco_frontend::frameworks::Fact;

use crate::briefs::{BriefRow as Brief, Edit, store};
use crate::buying::money_text;
use crate::domain::brief::draft::{self, Draft};
use crate::error::AppError;
use crate::routes::frameworks::moment;
use crate::state::AppState;

pub(super) fn status_label(tr: &Tr, status: &str) -> String {
    tr.t(&format!("brief-status-{status}"))
}

pub(super) fn budget(b: &Brief, d: &Draft, tr: &Tr) -> String {
    let lang = tr.lang.code();
    match (b.budget_min, b.budget_max, b.currency.as_deref()) {
        (Some(lo), Some(hi), Some(c)) => {
            format!("{} – {}", money_text(lo, c, lang), money_text(hi, c, lang))
        }
        _ if !d.budget_max.trim().is_empty() => format!(
            "{} – {} {}",
            d.budget_min.trim(),
            d.budget_max.trim(),
            d.currency.trim()
        ),
        _ => String::new(),
    }
}

/// The name of lot `slug` of `fw`, in the reader's language.
pub(super) fn lot_name(fw: &crate::frameworks::Framework, slug: &str, tr: &Tr) -> String {
    crate::frameworks::lifecycle::content_of(fw)
        .ok()
        .and_then(|c| c.lot(slug).map(|l| l.name.get(tr.lang.code()).to_owned()))
        .unwrap_or_else(|| slug.to_owned())
}

/// Briefs as list rows.
pub(super) async fn rows(
    state: &AppState,
    briefs: &[Brief],
    tr: &Tr,
) -> Result<Vec<BriefRow>, AppError> {
    let buyers = crate::frameworks::store::organisations_by_id(
        &state.db,
        briefs.iter().map(|b| b.buyer_org_id),
    )
    .await?;
    let mut frameworks = std::collections::HashMap::new();
    let mut out = Vec::new();
    for b in briefs {
        if let std::collections::hash_map::Entry::Vacant(slot) = frameworks.entry(b.framework_id) {
            slot.insert(
                crate::frameworks::store::framework_by_id(&state.db, b.framework_id).await?,
            );
        }
        let d = store::draft(b);
        out.push(BriefRow {
            id: b.id,
            title: b.title.clone(),
            buyer: buyers
                .get(&b.buyer_org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            lot: frameworks
                .get(&b.framework_id)
                .map(|fw| lot_name(fw, &b.lot, tr))
                .unwrap_or_default(),
            location: b.location.clone(),
            budget: budget(b, &d, tr),
            closing: b.closing_at.map(moment).unwrap_or_default(),
            status: b.status.clone(),
            status_label: status_label(tr, &b.status),
        });
    }
    Ok(out)
}

pub(super) fn section(id: &str, heading: String, text: &str, list: Vec<String>) -> Section {
    Section {
        id: id.into(),
        heading,
        paragraphs: text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        list,
    }
}

/// The brief's parts and its business case, as sections.
pub(super) fn sections(d: &Draft, tr: &Tr) -> (Vec<Section>, Vec<Section>) {
    let lines = draft::lines;
    let mut brief = vec![
        section("problem", tr.t("brief-problem"), &d.problem, Vec::new()),
        section("users", tr.t("brief-users"), &d.users, Vec::new()),
        section("existing", tr.t("brief-existing"), &d.existing, Vec::new()),
        section(
            "outcome",
            tr.t("brief-outcome-wanted"),
            &d.outcome,
            Vec::new(),
        ),
        section("working", tr.t("brief-working"), &d.working, Vec::new()),
        section(
            "essential",
            tr.t("brief-essential"),
            "",
            lines(&d.essential),
        ),
    ];
    if !lines(&d.nice).is_empty() {
        brief.push(section("nice", tr.t("brief-nice"), "", lines(&d.nice)));
    }
    if !lines(&d.cultural).is_empty() {
        brief.push(section(
            "cultural",
            tr.t("brief-cultural"),
            "",
            lines(&d.cultural),
        ));
    }
    let methods: Vec<String> = d
        .methods
        .iter()
        .map(|m| tr.t(&format!("brief-method-{m}")))
        .collect();
    brief.push(section(
        "evaluation",
        tr.t("brief-evaluation"),
        &tr.ta(
            "brief-weights",
            &[
                ("technical", d.weight_technical.clone()),
                ("cultural", d.weight_cultural.clone()),
                ("price", d.weight_price.clone()),
            ],
        ),
        methods,
    ));
    if d.methods.iter().any(|m| m == "prototype_challenge") {
        brief.push(section(
            "challenge",
            tr.t("brief-challenge"),
            &format!(
                "{}\n\n{}",
                tr.ta(
                    "brief-challenge-terms",
                    &[
                        ("shortlist", d.shortlist.clone()),
                        (
                            "stipend",
                            format!("{} {}", d.challenge_stipend.trim(), d.currency)
                        ),
                        ("weeks", d.challenge_weeks.clone()),
                        ("weight", d.challenge_weight.clone()),
                    ]
                ),
                d.challenge_deliverables
            ),
            lines(&d.challenge_rubric),
        ));
    }
    let case = vec![
        section(
            "objective",
            tr.t("brief-objective"),
            &d.bc_objective,
            Vec::new(),
        ),
        section("options", tr.t("brief-options"), "", lines(&d.bc_options)),
        section("tco", tr.t("brief-tco"), "", lines(&d.bc_tco)),
        section(
            "benefits",
            tr.t("brief-benefits"),
            &tr.t("brief-benefits-format"),
            lines(&d.bc_benefits),
        ),
        section("risks", tr.t("brief-risks"), "", lines(&d.bc_risks)),
    ];
    (brief, case)
}

/// Key facts of a brief.
pub(super) async fn facts(state: &AppState, b: &Brief, tr: &Tr) -> Result<Vec<Fact>, AppError> {
    let d = store::draft(b);
    let fw = crate::frameworks::store::framework_by_id(&state.db, b.framework_id).await?;
    let buyer = crate::frameworks::store::organisation(&state.db, b.buyer_org_id).await?;
    let fact = |label: &str, value: String| Fact {
        label: tr.t(label),
        value,
    };
    let mut facts = vec![
        fact("order-buyer", buyer.name),
        fact("contracts-framework", fw.name.clone()),
        fact("brief-lot", lot_name(&fw, &b.lot, tr)),
        fact("brief-budget", budget(b, &d, tr)),
        fact(
            "brief-price-basis",
            tr.t(&format!("brief-basis-{}", d.price_basis.trim())),
        ),
        fact("brief-location", d.location.clone()),
    ];
    if let Some(at) = b.published_at {
        facts.push(fact("brief-published", moment(at)));
    }
    if let Some(at) = b.question_deadline_at {
        facts.push(fact("brief-question-deadline", moment(at)));
    }
    if let Some(at) = b.closing_at {
        facts.push(fact("brief-closing", moment(at)));
    }
    if let Ok(n) = d.shortlist.trim().parse::<u32>() {
        facts.push(fact("brief-shortlist", n.to_string()));
    }
    if let Ok(id) = d.follows.trim().parse::<i64>()
        && let Ok(prior) = crate::contracts::store::contract(&state.db, id).await
        && prior.buyer_org_id == b.buyer_org_id
    {
        facts.push(fact("brief-follows", prior.title));
    }
    facts.push(fact("brief-ocid", b.ocid.clone()));
    Ok(facts)
}

pub(super) fn history(edits: &[Edit], tr: &Tr) -> Vec<HistoryRow> {
    edits
        .iter()
        .map(|e| HistoryRow {
            version: e.version,
            what: tr.t(&format!("brief-history-{}", e.kind)),
            at: moment(e.edited_at),
            fields: e
                .fields
                .split_whitespace()
                .map(|f| tr.t(&format!("brief-field-{f}")))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}
