//! A supplier's response to a brief, as typed and as stored: evidence per criterion, whether
//! each essential criterion is met, a price and a start date. Checked when saved (lengths) and
//! when submitted (complete); at opening, a response that does not meet an essential
//! criterion, or gives it no evidence, fails it.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::draft::{Brief, CriterionKind, end_of_day};
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::money::parse_amount;

/// Longest piece of evidence.
pub const EVIDENCE_MAX: usize = 5000;

/// What a response says: evidence per criterion, in the brief's criteria order, and whether
/// the supplier meets each essential criterion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Answers {
    /// Evidence, one per criterion.
    pub evidence: Vec<String>,
    /// `yes` or `no`, one per essential criterion.
    pub meets: Vec<String>,
}

/// A response as typed.
#[derive(Clone, Debug, Default)]
pub struct ResponseInput {
    /// Evidence, one per criterion.
    pub evidence: Vec<String>,
    /// `yes`/`no`, one per essential criterion.
    pub meets: Vec<String>,
    /// The price or day rate.
    pub price: String,
    /// When the supplier can start, `YYYY-MM-DD`.
    pub available_from: String,
}

fn problem(errors: &mut FieldErrors, field: String, code: &str, message: String) {
    errors.entry(field).or_insert(FieldError {
        code: code.into(),
        message,
    });
}

/// Checks a response against the brief's criteria: lengths always, completeness when
/// `submitting`. Returns the price and the start date.
pub fn check(
    brief: &Brief,
    input: &ResponseInput,
    submitting: bool,
) -> Result<(Option<Decimal>, Option<DateTime<Utc>>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let criteria = brief.criteria();
    for (i, _) in criteria.iter().enumerate() {
        let text = input.evidence.get(i).map(|e| e.trim()).unwrap_or_default();
        if text.chars().count() > EVIDENCE_MAX {
            problem(
                &mut errors,
                format!("evidence_{i}"),
                "too_long",
                format!("Write at most {EVIDENCE_MAX} characters"),
            );
        } else if submitting && text.is_empty() && criteria[i].0 != CriterionKind::Nice {
            problem(
                &mut errors,
                format!("evidence_{i}"),
                "evidence_required",
                "Give your evidence for this criterion".into(),
            );
        }
    }
    for i in 0..brief.essential.len() {
        let meets = input.meets.get(i).map(String::as_str).unwrap_or_default();
        if submitting && !["yes", "no"].contains(&meets) {
            problem(
                &mut errors,
                format!("meets_{i}"),
                "meets_required",
                "Say whether you meet this essential criterion".into(),
            );
        }
    }
    let price = match input.price.trim() {
        "" => None,
        raw => match parse_amount(raw).ok().filter(|a| !a.is_zero()) {
            Some(a) => Some(a),
            None => {
                problem(
                    &mut errors,
                    "price".into(),
                    "amount",
                    "Enter an amount above 0, such as 250000".into(),
                );
                None
            }
        },
    };
    if submitting && price.is_none() {
        problem(
            &mut errors,
            "price".into(),
            "price_required",
            "Enter your price".into(),
        );
    }
    let available = match input.available_from.trim() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => Some(end_of_day(d)),
            Err(_) => {
                problem(
                    &mut errors,
                    "available_from".into(),
                    "date",
                    "Enter the date as YYYY-MM-DD".into(),
                );
                None
            }
        },
    };
    if submitting && available.is_none() {
        problem(
            &mut errors,
            "available_from".into(),
            "available_required",
            "Say when you can start".into(),
        );
    }
    if errors.is_empty() {
        Ok((price, available))
    } else {
        Err(errors)
    }
}

/// The first essential criterion a submitted response fails: not met, or no evidence for it.
pub fn failed_essential<'a>(brief: &'a Brief, answers: &Answers) -> Option<&'a str> {
    brief
        .essential
        .iter()
        .enumerate()
        .find(|(i, _)| {
            answers.meets.get(*i).map(String::as_str) != Some("yes")
                || answers.evidence.get(*i).is_none_or(|e| e.trim().is_empty())
        })
        .map(|(_, c)| c.as_str())
}

/// Checks a prototype's links: web addresses of at most 500 characters.
pub fn check_links(repository: &str, demo: &str) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for (field, value) in [("repository", repository), ("demo", demo)] {
        let ok = url::Url::parse(value.trim())
            .is_ok_and(|u| matches!(u.scheme(), "https" | "http") && value.len() <= 500);
        if !ok {
            problem(
                &mut errors,
                field.into(),
                "link",
                "Enter a web address starting with https://".into(),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::super::draft::{Draft, When, gate};
    use super::*;

    fn brief() -> Brief {
        let d = Draft {
            title: "Book a test".into(),
            problem: "People wait.".into(),
            users: "Learners.".into(),
            existing: "A phone line.".into(),
            outcome: "Online booking.".into(),
            follows: String::new(),
            budget_min: "1".into(),
            budget_max: "2".into(),
            currency: "CLP".into(),
            location: "Santiago".into(),
            working: "On site.".into(),
            essential: "Booking services\nOpen code".into(),
            nice: "Transport".into(),
            weight_technical: "80".into(),
            weight_cultural: "0".into(),
            weight_price: "20".into(),
            price_basis: "fixed".into(),
            methods: vec!["written_proposal".into()],
            question_deadline: "2026-12-10".into(),
            closing: "2026-12-16".into(),
            shortlist: "1".into(),
            bc_objective: "Shorter waits.".into(),
            bc_options: "Nothing\nSomething".into(),
            bc_tco: "2027: 1".into(),
            bc_benefits: "Online | 0 | 1 | 2028-01-01".into(),
            bc_risks: "Change".into(),
            ..Draft::default()
        };
        gate(&d, When::Stored).unwrap()
    }

    fn input(meets: [&str; 2], evidence: [&str; 3]) -> ResponseInput {
        ResponseInput {
            evidence: evidence.iter().map(|e| (*e).to_owned()).collect(),
            meets: meets.iter().map(|m| (*m).to_owned()).collect(),
            price: "100".into(),
            available_from: "2027-01-04".into(),
        }
    }

    #[test]
    fn a_draft_may_be_incomplete_but_a_submission_may_not() {
        let b = brief();
        let empty = ResponseInput::default();
        assert!(check(&b, &empty, false).is_ok());
        let errors = check(&b, &empty, true).unwrap_err();
        for field in [
            "evidence_0",
            "evidence_1",
            "meets_0",
            "meets_1",
            "price",
            "available_from",
        ] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
        // Nice-to-have evidence is optional.
        assert!(!errors.contains_key("evidence_2"));
        let (price, start) = check(&b, &input(["yes", "yes"], ["a", "b", ""]), true).unwrap();
        assert_eq!(price, Some(Decimal::from(100)));
        assert_eq!(start.unwrap().date_naive().to_string(), "2027-01-04");
    }

    #[test]
    fn an_essential_criterion_fails_when_not_met_or_without_evidence() {
        let b = brief();
        let answers = |i: ResponseInput| Answers {
            evidence: i.evidence,
            meets: i.meets,
        };
        assert_eq!(
            failed_essential(&b, &answers(input(["yes", "yes"], ["a", "b", ""]))),
            None
        );
        assert_eq!(
            failed_essential(&b, &answers(input(["yes", "no"], ["a", "b", ""]))),
            Some("Open code")
        );
        assert_eq!(
            failed_essential(&b, &answers(input(["yes", "yes"], [" ", "b", ""]))),
            Some("Booking services")
        );
    }

    #[test]
    fn prototype_links_are_web_addresses() {
        assert!(check_links("https://git.example.org/a", "http://demo.example.org").is_ok());
        let errors = check_links("git@example.org:a.git", "").unwrap_err();
        assert!(errors.contains_key("repository") && errors.contains_key("demo"));
    }
}
