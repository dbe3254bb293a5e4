//! The quality gate's tests.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use super::*;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

/// A complete draft that passes the gate on 2026-12-07.
pub fn good() -> Draft {
    Draft {
        title: "Book a driving test online".into(),
        problem: "People wait weeks to book a test by phone.".into(),
        users: "Learners and their instructors book tests.".into(),
        existing: "A phone line open on weekdays.".into(),
        outcome: "Most tests are booked online in minutes.".into(),
        follows: String::new(),
        budget_min: "20000000".into(),
        budget_max: "60000000".into(),
        currency: "CLP".into(),
        location: "Santiago, or remote".into(),
        working: "Two days a week on site with the team.".into(),
        essential: "Built a public booking service\nWorked in the open".into(),
        nice: "Worked with transport agencies".into(),
        cultural: "Work as a team with our staff".into(),
        weight_technical: "60".into(),
        weight_cultural: "20".into(),
        weight_price: "20".into(),
        price_basis: "fixed".into(),
        methods: vec!["written_proposal".into(), "prototype_challenge".into()],
        question_deadline: "2026-12-10".into(),
        closing: "2026-12-16".into(),
        shortlist: "2".into(),
        challenge_stipend: "2000000".into(),
        challenge_weeks: "2".into(),
        challenge_deliverables: "An open repository and a demo.".into(),
        challenge_rubric: "The prototype works\nUsers could book a test".into(),
        challenge_weight: "50".into(),
        bc_objective: "Shorter waits for public services.".into(),
        bc_options: "Do nothing\nBuy a booking product\nBuild with a supplier".into(),
        bc_tco: "2027: 40000000\n2028: 15000000".into(),
        bc_benefits: "Tests booked online | 0% | 80% | 2028-06-30".into(),
        bc_risks: "Staff are not ready for the change".into(),
    }
}

fn codes(draft: &Draft) -> Vec<(&'static str, &'static str)> {
    gate(draft, When::Publishing { today: today() })
        .err()
        .unwrap_or_default()
        .iter()
        .map(|p| (p.field, p.code))
        .collect()
}

#[test]
fn a_complete_brief_passes_with_its_typed_parts() {
    let brief = gate(&good(), When::Publishing { today: today() }).unwrap();
    assert_eq!(brief.essential.len(), 2);
    assert_eq!(brief.weights.technical, 60);
    assert_eq!(brief.challenge.as_ref().unwrap().weight, 50);
    assert_eq!(brief.business_case.total_cost(), Decimal::from(55_000_000));
    assert_eq!(brief.closing.to_rfc3339(), "2026-12-16T23:59:59+00:00");
    assert_eq!(brief.criteria().len(), 4);
}

#[test]
fn each_problem_is_named_where_it_is() {
    let mut d = good();
    d.weight_price = "30".into();
    d.closing = "2026-12-09".into();
    d.problem = "We will leverage data.".into();
    d.bc_tco = "next year: lots".into();
    assert_eq!(
        codes(&d),
        vec![
            ("problem", "jargon"),
            ("weight_price", "weights_sum"),
            ("closing", "closing_after_deadline"),
            ("closing", "closing_window"),
            ("bc_tco", "tco_line"),
        ]
    );
}

#[test]
fn an_empty_draft_lists_every_mandatory_part() {
    let found = codes(&Draft::default());
    for field in [
        "title",
        "problem",
        "users",
        "existing",
        "outcome",
        "currency",
        "budget_min",
        "budget_max",
        "location",
        "working",
        "essential",
        "weight_technical",
        "question_deadline",
        "closing",
        "bc_objective",
        "bc_options",
        "bc_tco",
        "bc_benefits",
        "bc_risks",
    ] {
        assert!(found.contains(&(field, "required")), "{field}: {found:?}");
    }
    assert!(found.contains(&("methods", "method")));
}

#[test]
fn a_live_brief_cannot_close_earlier() {
    let mut d = good();
    d.closing = "2026-12-15".into();
    let when = When::Editing {
        today: today(),
        closing: NaiveDate::from_ymd_opt(2026, 12, 16).unwrap(),
    };
    let problems = gate(&d, when).unwrap_err();
    assert_eq!(problems[0].code, "closing_earlier");
    d.closing = "2026-12-30".into();
    assert!(gate(&d, when).is_ok());
}

#[test]
fn the_stipends_must_fit_the_budget() {
    let mut d = good();
    d.challenge_stipend = "40000000".into();
    assert_eq!(codes(&d), vec![("challenge_stipend", "stipend_budget")]);
}

#[test]
fn english_messages_exist_for_every_code() {
    let d = Draft {
        challenge_weeks: "99".into(),
        ..Draft::default()
    };
    let problems = gate(&d, When::Publishing { today: today() }).unwrap_err();
    for p in &problems {
        assert!(!p.english().is_empty());
    }
    let errors = field_errors(&problems);
    assert_eq!(errors["title"].code, "brief_required");
}

proptest! {
    #[test]
    fn weights_pass_only_when_they_sum_to_100(t in 0u32..=100, c in 0u32..=100, p in 0u32..=100) {
        let mut d = good();
        d.weight_technical = t.to_string();
        d.weight_cultural = c.to_string();
        d.weight_price = p.to_string();
        let ok = gate(&d, When::Publishing { today: today() }).is_ok();
        prop_assert_eq!(ok, t + c + p == 100);
    }

    #[test]
    fn the_closing_day_is_one_or_two_weeks_out(offset in 0i64..30) {
        let mut d = good();
        d.question_deadline = (today() + Duration::days(1)).to_string();
        d.closing = (today() + Duration::days(offset)).to_string();
        let ok = gate(&d, When::Publishing { today: today() }).is_ok();
        prop_assert_eq!(ok, (7..=14).contains(&offset));
    }

    #[test]
    fn any_typed_text_is_kept_or_refused_never_lost(title in "\\PC{0,150}") {
        let mut d = good();
        d.set("title", title.clone());
        match gate(&d, When::Publishing { today: today() }) {
            Ok(brief) => prop_assert_eq!(brief.title, title.trim()),
            Err(problems) => prop_assert!(problems.iter().all(|p| p.field == "title")),
        }
    }
}
