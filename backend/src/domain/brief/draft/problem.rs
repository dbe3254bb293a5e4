//! What the quality gate reports (each problem with its field, a stable code and the values
//! of its message), when it runs, and the limits it applies.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::domain::errors::{FieldError, FieldErrors};

/// When the gate runs: before first publishing, or on an edit of a live brief.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Publishing on `today`: the closing day is 7 to 14 days later.
    Publishing {
        /// The day of publishing (UTC).
        today: NaiveDate,
    },
    /// Editing a live brief: the closing day cannot come earlier than it is.
    Editing {
        /// Today (UTC).
        today: NaiveDate,
        /// The current closing day.
        closing: NaiveDate,
    },
    /// Reading back a brief that passed the gate when published: the dates are not checked
    /// against today any more.
    Stored,
}

/// One problem the gate found: the field, a stable code, and what to put in the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The form field it is in.
    pub field: &'static str,
    /// Stable code (`brief-err-{code}` in the locale files).
    pub code: &'static str,
    /// Values for the message.
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    pub(super) fn new(field: &'static str, code: &'static str) -> Problem {
        Problem {
            field,
            code,
            args: Vec::new(),
        }
    }

    pub(super) fn with(mut self, name: &'static str, value: impl ToString) -> Problem {
        self.args.push((name, value.to_string()));
        self
    }

    /// The problem in English, for logs and the API.
    pub fn english(&self) -> String {
        let arg = |name: &str| {
            self.args
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        match self.code {
            "required" => "Fill this in".into(),
            "too_long" => format!("Write at most {} characters", arg("max")),
            "too_many" => format!("Give at most {} entries", arg("max")),
            "too_few" => format!("Give at least {} entries", arg("min")),
            "jargon" => format!("Write “{}” instead of “{}”", arg("instead"), arg("avoid")),
            "long_sentence" => format!(
                "A sentence has {} words; keep sentences under {}",
                arg("words"),
                arg("max")
            ),
            "amount" => "Enter an amount above 0, such as 250000".into(),
            "currency" => "Enter a three-letter currency code, such as CLP or GBP".into(),
            "budget_order" => "The highest budget must be at least the lowest".into(),
            "percent" => "Enter a whole percentage from 0 to 100".into(),
            "weights_sum" => format!(
                "The weights must add up to 100; they add up to {}",
                arg("sum")
            ),
            "cultural_needed" => "Give cultural-fit criteria, or set their weight to 0".into(),
            "price_basis" => "Choose a fixed price or a day rate".into(),
            "method" => "Choose at least one assessment method".into(),
            "date" => "Enter the date as YYYY-MM-DD".into(),
            "deadline_after_today" => "The question deadline must come after today".into(),
            "closing_after_deadline" => {
                "The closing date must come after the question deadline".into()
            }
            "closing_window" => format!(
                "The closing date must be 1 or 2 weeks after publishing: from {} to {}",
                arg("from"),
                arg("to")
            ),
            "closing_earlier" => {
                format!("A live brief cannot close earlier than {}", arg("closing"))
            }
            "shortlist" => "Enter how many suppliers to shortlist, from 1 to 20".into(),
            "weeks" => "Enter the challenge's length in weeks, from 1 to 12".into(),
            "challenge_weight" => {
                "Enter the challenge's share of the final score, from 1 to 90".into()
            }
            "stipend_budget" => {
                "The stipends for every shortlisted supplier must fit in the highest budget".into()
            }
            "challenge_without_method" => {
                "Add the prototype challenge method, or leave the challenge empty".into()
            }
            "tco_line" => format!(
                "Line {}: write a year and an amount, such as 2027: 120000",
                arg("line")
            ),
            "tco_year" => format!("Line {}: the year appears twice", arg("line")),
            "benefit_line" => format!(
                "Line {}: write indicator | baseline | target | YYYY-MM-DD",
                arg("line")
            ),
            _ => self.code.replace('_', " "),
        }
    }
}

/// The problems as field errors (the first per field), for the API.
pub fn field_errors(problems: &[Problem]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for p in problems {
        errors
            .entry(p.field.to_owned())
            .or_insert_with(|| FieldError {
                code: format!("brief_{}", p.code),
                message: p.english(),
            });
    }
    errors
}

/// Longest title.
pub const TITLE_MAX: usize = 100;
/// Longest one-line field (location).
pub const LINE_MAX: usize = 300;
/// Longest free-text field.
pub const TEXT_MAX: usize = 5000;
/// Longest entry of a list.
pub const ENTRY_MAX: usize = 300;
/// Most entries in a list.
pub const ENTRIES_MAX: usize = 20;
/// Most suppliers to shortlist.
pub const SHORTLIST_MAX: u32 = 20;

/// The most characters field `name` takes.
pub fn max_chars(name: &str) -> usize {
    match name {
        "title" => TITLE_MAX,
        "location" => LINE_MAX,
        "budget_min" | "budget_max" | "challenge_stipend" => 32,
        "currency" | "weight_technical" | "weight_cultural" | "weight_price" | "shortlist"
        | "challenge_weeks" | "challenge_weight" | "price_basis" => 16,
        "question_deadline" | "closing" => 40,
        _ => TEXT_MAX,
    }
}

/// The end of day `d` in UTC, when a brief's deadlines fall.
pub fn end_of_day(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default())
        .and_utc()
}

/// The entries of a one-per-line list, trimmed, without empty lines or bullets.
pub fn lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}
