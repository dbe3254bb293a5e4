//! The quality gate: a draft in, a checked brief or every problem out, in form order.

use chrono::Duration;
use rust_decimal::Decimal;

use super::fields::{Gate, benefits, tco};
use super::*;

/// Checks `draft` for publishing (or for an edit while live), in form order.
pub fn gate(draft: &Draft, when: When) -> Result<Brief, Vec<Problem>> {
    let mut g = Gate {
        draft,
        problems: Vec::new(),
    };
    let title = g.text("title", TITLE_MAX, true);
    let problem = g.text("problem", TEXT_MAX, true);
    let users = g.text("users", TEXT_MAX, true);
    let existing = g.text("existing", TEXT_MAX, true);
    let outcome = g.text("outcome", TEXT_MAX, true);

    let code = draft.currency.trim().to_ascii_uppercase();
    let currency = if code.is_empty() {
        g.add(Problem::new("currency", "required"));
        None
    } else if crate::domain::money::currency(&code).is_err() {
        g.add(Problem::new("currency", "currency"));
        None
    } else {
        Some(code.as_str())
    };
    let budget_min = g.money("budget_min", currency);
    let budget_max = g.money("budget_max", currency);
    if let (Some(lo), Some(hi)) = (&budget_min, &budget_max)
        && hi.amount() < lo.amount()
    {
        g.add(Problem::new("budget_max", "budget_order"));
    }
    let location = g.text("location", LINE_MAX, true);
    let working = g.text("working", TEXT_MAX, true);
    let essential = g.list("essential", 1);
    let nice = g.list("nice", 0);
    let cultural = g.list("cultural", 0);

    let technical_w = g.weight("weight_technical");
    let cultural_w = g.weight("weight_cultural");
    let price_w = g.weight("weight_price");
    let weights = match (technical_w, cultural_w, price_w) {
        (Some(technical), Some(cultural_w), Some(price)) => {
            let sum = technical + cultural_w + price;
            if sum != 100 {
                g.add(Problem::new("weight_price", "weights_sum").with("sum", sum));
            } else if cultural_w > 0 && cultural.is_empty() {
                g.add(Problem::new("cultural", "cultural_needed"));
            }
            Some(Weights {
                technical,
                cultural: cultural_w,
                price,
            })
        }
        _ => None,
    };
    let price_basis = PriceBasis::parse(&draft.price_basis);
    if price_basis.is_none() {
        g.add(Problem::new("price_basis", "price_basis"));
    }
    let methods: Vec<Method> = draft
        .methods
        .iter()
        .filter_map(|m| Method::parse(m))
        .collect();
    if methods.is_empty() {
        g.add(Problem::new("methods", "method"));
    }

    let deadline = g.date("question_deadline");
    let closing = g.date("closing");
    let today = match when {
        When::Publishing { today } => Some(today),
        When::Editing { .. } | When::Stored => None,
    };
    if let (Some(d), Some(today)) = (deadline, today)
        && d <= today
    {
        g.add(Problem::new("question_deadline", "deadline_after_today"));
    }
    if let (Some(d), Some(c)) = (deadline, closing)
        && c <= d
    {
        g.add(Problem::new("closing", "closing_after_deadline"));
    }
    if let Some(c) = closing {
        match when {
            When::Publishing { today } => {
                let (from, to) = (today + Duration::days(7), today + Duration::days(14));
                if c < from || c > to {
                    g.add(
                        Problem::new("closing", "closing_window")
                            .with("from", from)
                            .with("to", to),
                    );
                }
            }
            When::Editing {
                closing: now,
                today,
            } => {
                if c < now || c <= today {
                    g.add(Problem::new("closing", "closing_earlier").with("closing", now));
                }
            }
            When::Stored => {}
        }
    }
    let shortlist = g.number("shortlist", 1..=SHORTLIST_MAX);

    let wants_challenge = methods.contains(&Method::PrototypeChallenge);
    let challenge_typed = [
        "challenge_stipend",
        "challenge_weeks",
        "challenge_deliverables",
        "challenge_rubric",
        "challenge_weight",
    ]
    .iter()
    .any(|f| !draft.get(f).trim().is_empty());
    let mut challenge = None;
    if wants_challenge {
        let stipend = g.money("challenge_stipend", currency);
        let weeks = g.number("challenge_weeks", 1..=12);
        let deliverables = g.text("challenge_deliverables", TEXT_MAX, true);
        let rubric = g.list("challenge_rubric", 1);
        let weight = g.number("challenge_weight", 1..=90);
        if let (Some(stipend), Some(n), Some(hi)) = (&stipend, shortlist, &budget_max)
            && stipend.amount() * Decimal::from(n) > hi.amount()
        {
            g.add(Problem::new("challenge_stipend", "stipend_budget"));
        }
        if let (Some(stipend), Some(weeks), Some(weight)) = (stipend, weeks, weight) {
            challenge = Some(Challenge {
                stipend,
                weeks,
                deliverables,
                rubric,
                weight,
            });
        }
    } else if challenge_typed {
        g.add(Problem::new("methods", "challenge_without_method"));
    }

    let objective = g.text("bc_objective", TEXT_MAX, true);
    let options = g.list("bc_options", 2);
    let tco = tco(&mut g, currency);
    let benefits = benefits(&mut g);
    let risks = g.list("bc_risks", 1);

    if !g.problems.is_empty() {
        return Err(g.problems);
    }
    match (
        budget_min,
        budget_max,
        weights,
        price_basis,
        deadline,
        closing,
        shortlist,
    ) {
        (
            Some(budget_min),
            Some(budget_max),
            Some(weights),
            Some(price_basis),
            Some(deadline),
            Some(closing),
            Some(shortlist),
        ) => Ok(Brief {
            title,
            problem,
            users,
            existing,
            outcome,
            budget_min,
            budget_max,
            location,
            working,
            essential,
            nice,
            cultural,
            weights,
            price_basis,
            methods,
            question_deadline: end_of_day(deadline),
            closing: end_of_day(closing),
            shortlist,
            challenge,
            business_case: BusinessCase {
                objective,
                options,
                tco,
                benefits,
                risks,
            },
        }),
        _ => Err(vec![Problem::new("title", "required")]),
    }
}
