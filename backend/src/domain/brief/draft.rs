//! A brief as the buyer types it ([`Draft`], saved at any stage), and the quality gate
//! ([`gate`]) that turns it into a checked [`Brief`] or lists every problem with the field it
//! is in. A brief is published only through the gate, and checked again on every edit.
//!
//! Lists are typed one entry per line: criteria, options, risks; the total cost of ownership
//! as `2027: 120000`; benefits as `indicator | baseline | target | YYYY-MM-DD`.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::plain;
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::money::{Money, parse_amount};

/// The brief as typed. Every field is text so that a half-written draft can be kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// A short title.
    pub title: String,
    /// The problem to solve.
    pub problem: String,
    /// Who the users are and what they need.
    pub users: String,
    /// What exists today.
    pub existing: String,
    /// The outcome wanted.
    pub outcome: String,
    /// The lowest budget.
    pub budget_min: String,
    /// The highest budget.
    pub budget_max: String,
    /// ISO 4217 currency of the budget and prices.
    pub currency: String,
    /// Where the work happens.
    pub location: String,
    /// Working arrangements.
    pub working: String,
    /// Essential criteria, one per line.
    pub essential: String,
    /// Nice-to-have criteria, one per line.
    pub nice: String,
    /// Cultural-fit criteria, one per line.
    pub cultural: String,
    /// Weight of the technical score, percent.
    pub weight_technical: String,
    /// Weight of the cultural score, percent.
    pub weight_cultural: String,
    /// Weight of the price score, percent.
    pub weight_price: String,
    /// How suppliers price: `fixed` (a total) or `day_rate`.
    pub price_basis: String,
    /// Assessment methods ([`Method`] codes).
    pub methods: Vec<String>,
    /// Last day for questions, `YYYY-MM-DD`.
    pub question_deadline: String,
    /// Closing day, `YYYY-MM-DD`.
    pub closing: String,
    /// How many suppliers to shortlist.
    pub shortlist: String,
    /// Stipend per shortlisted supplier in the challenge.
    pub challenge_stipend: String,
    /// The challenge's length in weeks.
    pub challenge_weeks: String,
    /// What the challenge must deliver.
    pub challenge_deliverables: String,
    /// The challenge's rubric, one criterion per line.
    pub challenge_rubric: String,
    /// The challenge's share of the final score, percent.
    pub challenge_weight: String,
    /// The strategic objective the purchase serves.
    pub bc_objective: String,
    /// Options considered, one per line.
    pub bc_options: String,
    /// Total cost of ownership per year, `YYYY: amount` per line.
    pub bc_tco: String,
    /// Benefits, `indicator | baseline | target | YYYY-MM-DD` per line.
    pub bc_benefits: String,
    /// Main risks, one per line.
    pub bc_risks: String,
}

/// The text fields of a [`Draft`], in the order the form shows them (`methods` is a list).
pub const TEXT_FIELDS: &[&str] = &[
    "title",
    "problem",
    "users",
    "existing",
    "outcome",
    "budget_min",
    "budget_max",
    "currency",
    "location",
    "working",
    "essential",
    "nice",
    "cultural",
    "weight_technical",
    "weight_cultural",
    "weight_price",
    "price_basis",
    "question_deadline",
    "closing",
    "shortlist",
    "challenge_stipend",
    "challenge_weeks",
    "challenge_deliverables",
    "challenge_rubric",
    "challenge_weight",
    "bc_objective",
    "bc_options",
    "bc_tco",
    "bc_benefits",
    "bc_risks",
];

impl Draft {
    /// The value of text field `name`.
    pub fn get(&self, name: &str) -> &str {
        match name {
            "title" => &self.title,
            "problem" => &self.problem,
            "users" => &self.users,
            "existing" => &self.existing,
            "outcome" => &self.outcome,
            "budget_min" => &self.budget_min,
            "budget_max" => &self.budget_max,
            "currency" => &self.currency,
            "location" => &self.location,
            "working" => &self.working,
            "essential" => &self.essential,
            "nice" => &self.nice,
            "cultural" => &self.cultural,
            "weight_technical" => &self.weight_technical,
            "weight_cultural" => &self.weight_cultural,
            "weight_price" => &self.weight_price,
            "price_basis" => &self.price_basis,
            "question_deadline" => &self.question_deadline,
            "closing" => &self.closing,
            "shortlist" => &self.shortlist,
            "challenge_stipend" => &self.challenge_stipend,
            "challenge_weeks" => &self.challenge_weeks,
            "challenge_deliverables" => &self.challenge_deliverables,
            "challenge_rubric" => &self.challenge_rubric,
            "challenge_weight" => &self.challenge_weight,
            "bc_objective" => &self.bc_objective,
            "bc_options" => &self.bc_options,
            "bc_tco" => &self.bc_tco,
            "bc_benefits" => &self.bc_benefits,
            "bc_risks" => &self.bc_risks,
            _ => "",
        }
    }

    /// Sets text field `name`; unknown names are ignored.
    pub fn set(&mut self, name: &str, value: String) {
        let slot = match name {
            "title" => &mut self.title,
            "problem" => &mut self.problem,
            "users" => &mut self.users,
            "existing" => &mut self.existing,
            "outcome" => &mut self.outcome,
            "budget_min" => &mut self.budget_min,
            "budget_max" => &mut self.budget_max,
            "currency" => &mut self.currency,
            "location" => &mut self.location,
            "working" => &mut self.working,
            "essential" => &mut self.essential,
            "nice" => &mut self.nice,
            "cultural" => &mut self.cultural,
            "weight_technical" => &mut self.weight_technical,
            "weight_cultural" => &mut self.weight_cultural,
            "weight_price" => &mut self.weight_price,
            "price_basis" => &mut self.price_basis,
            "question_deadline" => &mut self.question_deadline,
            "closing" => &mut self.closing,
            "shortlist" => &mut self.shortlist,
            "challenge_stipend" => &mut self.challenge_stipend,
            "challenge_weeks" => &mut self.challenge_weeks,
            "challenge_deliverables" => &mut self.challenge_deliverables,
            "challenge_rubric" => &mut self.challenge_rubric,
            "challenge_weight" => &mut self.challenge_weight,
            "bc_objective" => &mut self.bc_objective,
            "bc_options" => &mut self.bc_options,
            "bc_tco" => &mut self.bc_tco,
            "bc_benefits" => &mut self.bc_benefits,
            "bc_risks" => &mut self.bc_risks,
            _ => return,
        };
        *slot = value.replace("\r\n", "\n");
    }

    /// The draft stored as JSON.
    pub fn from_json(raw: &str) -> Result<Draft, serde_json::Error> {
        serde_json::from_str(raw)
    }

    /// The draft as JSON, for storing.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// The fields whose values differ from `other`'s, in form order.
    pub fn changed_fields(&self, other: &Draft) -> Vec<&'static str> {
        let mut changed: Vec<&'static str> = TEXT_FIELDS
            .iter()
            .copied()
            .filter(|f| self.get(f).trim() != other.get(f).trim())
            .collect();
        if self.methods != other.methods {
            changed.push("methods");
        }
        changed
    }
}

/// An assessment method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// A written proposal.
    WrittenProposal,
    /// A case study.
    CaseStudy,
    /// References from earlier clients.
    Reference,
    /// A presentation to the panel.
    Presentation,
    /// A paid prototype challenge for the shortlisted suppliers.
    PrototypeChallenge,
}

impl Method {
    /// Every method, in form order.
    pub const ALL: [Method; 5] = [
        Method::WrittenProposal,
        Method::CaseStudy,
        Method::Reference,
        Method::Presentation,
        Method::PrototypeChallenge,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::WrittenProposal => "written_proposal",
            Method::CaseStudy => "case_study",
            Method::Reference => "reference",
            Method::Presentation => "presentation",
            Method::PrototypeChallenge => "prototype_challenge",
        }
    }

    /// The method stored as `raw`.
    pub fn parse(raw: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// How suppliers price their responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceBasis {
    /// A total price for the work.
    Fixed,
    /// A day rate.
    DayRate,
}

impl PriceBasis {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceBasis::Fixed => "fixed",
            PriceBasis::DayRate => "day_rate",
        }
    }

    /// The basis stored as `raw`.
    pub fn parse(raw: &str) -> Option<PriceBasis> {
        match raw.trim() {
            "fixed" => Some(PriceBasis::Fixed),
            "day_rate" => Some(PriceBasis::DayRate),
            _ => None,
        }
    }
}

/// The evaluation weights, percent, summing to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights {
    /// Technical competence.
    pub technical: u32,
    /// Cultural fit.
    pub cultural: u32,
    /// Price.
    pub price: u32,
}

/// The optional prototype challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// Paid to each shortlisted supplier.
    pub stipend: Money,
    /// How long it runs.
    pub weeks: u32,
    /// What must be delivered (an open repository link, a demo).
    pub deliverables: String,
    /// The challenge's own rubric.
    pub rubric: Vec<String>,
    /// Its share of the final score, percent.
    pub weight: u32,
}

/// One year of the total cost of ownership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearCost {
    /// The year.
    pub year: i32,
    /// The cost.
    pub cost: Money,
}

/// An expected benefit with a measurable indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator {
    /// What is measured.
    pub name: String,
    /// Its value today.
    pub baseline: String,
    /// The value aimed at.
    pub target: String,
    /// By when.
    pub by: NaiveDate,
}

/// The business case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessCase {
    /// The strategic objective served.
    pub objective: String,
    /// Options considered.
    pub options: Vec<String>,
    /// Total cost of ownership, per year.
    pub tco: Vec<YearCost>,
    /// Expected benefits.
    pub benefits: Vec<Indicator>,
    /// Main risks.
    pub risks: Vec<String>,
}

impl BusinessCase {
    /// The total cost of ownership over every year.
    pub fn total_cost(&self) -> Decimal {
        self.tco.iter().map(|y| y.cost.amount()).sum()
    }
}

/// A brief that passed the quality gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brief {
    /// Title.
    pub title: String,
    /// The problem.
    pub problem: String,
    /// Users and their needs.
    pub users: String,
    /// What exists today.
    pub existing: String,
    /// The outcome wanted.
    pub outcome: String,
    /// Lowest budget.
    pub budget_min: Money,
    /// Highest budget.
    pub budget_max: Money,
    /// Where.
    pub location: String,
    /// Working arrangements.
    pub working: String,
    /// Essential criteria.
    pub essential: Vec<String>,
    /// Nice-to-have criteria.
    pub nice: Vec<String>,
    /// Cultural-fit criteria.
    pub cultural: Vec<String>,
    /// Weights.
    pub weights: Weights,
    /// How suppliers price.
    pub price_basis: PriceBasis,
    /// Assessment methods.
    pub methods: Vec<Method>,
    /// End of the last day for questions (23:59:59 UTC).
    pub question_deadline: DateTime<Utc>,
    /// End of the closing day (23:59:59 UTC).
    pub closing: DateTime<Utc>,
    /// Suppliers to shortlist.
    pub shortlist: u32,
    /// The prototype challenge, when the methods include one.
    pub challenge: Option<Challenge>,
    /// The business case.
    pub business_case: BusinessCase,
}

impl Brief {
    /// The criteria the panel scores on written responses: essential, nice-to-have, cultural.
    pub fn criteria(&self) -> Vec<(CriterionKind, &str)> {
        self.essential
            .iter()
            .map(|c| (CriterionKind::Essential, c.as_str()))
            .chain(self.nice.iter().map(|c| (CriterionKind::Nice, c.as_str())))
            .chain(
                self.cultural
                    .iter()
                    .map(|c| (CriterionKind::Cultural, c.as_str())),
            )
            .collect()
    }
}

/// What a criterion counts towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CriterionKind {
    /// Essential: failing it fails the response; scored as technical.
    Essential,
    /// Nice to have; scored as technical.
    Nice,
    /// Cultural fit.
    Cultural,
}

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
    fn new(field: &'static str, code: &'static str) -> Problem {
        Problem {
            field,
            code,
            args: Vec::new(),
        }
    }

    fn with(mut self, name: &'static str, value: impl ToString) -> Problem {
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

fn day(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

fn percent(raw: &str) -> Option<u32> {
    raw.trim().parse::<u32>().ok().filter(|p| *p <= 100)
}

struct Gate<'a> {
    draft: &'a Draft,
    problems: Vec<Problem>,
}

impl Gate<'_> {
    fn add(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// Text that must be there, within `max` characters, in plain language.
    fn text(&mut self, field: &'static str, max: usize, required: bool) -> String {
        let value = self.draft.get(field).trim().to_owned();
        if value.is_empty() {
            if required {
                self.add(Problem::new(field, "required"));
            }
            return value;
        }
        self.readable(field, &value, max);
        value
    }

    fn readable(&mut self, field: &'static str, value: &str, max: usize) {
        let chars = value.chars().count();
        if chars > max {
            self.add(Problem::new(field, "too_long").with("max", max));
        } else if let Some(hint) = plain::jargon(value) {
            self.add(
                Problem::new(field, "jargon")
                    .with("avoid", hint.avoid)
                    .with("instead", hint.instead),
            );
        } else if let Some(words) = plain::long_sentence(value) {
            self.add(
                Problem::new(field, "long_sentence")
                    .with("words", words)
                    .with("max", plain::MAX_SENTENCE_WORDS),
            );
        }
    }

    /// A list of `min` to 20 entries of at most 300 characters each.
    fn list(&mut self, field: &'static str, min: usize) -> Vec<String> {
        let entries = lines(self.draft.get(field));
        if entries.is_empty() && min > 0 {
            self.add(Problem::new(field, "required"));
        } else if entries.len() < min {
            self.add(Problem::new(field, "too_few").with("min", min));
        } else if entries.len() > ENTRIES_MAX {
            self.add(Problem::new(field, "too_many").with("max", ENTRIES_MAX));
        } else {
            let before = self.problems.len();
            for entry in &entries {
                self.readable(field, entry, ENTRY_MAX);
                if self.problems.len() > before {
                    break;
                }
            }
        }
        entries
    }

    fn money(&mut self, field: &'static str, currency: Option<&str>) -> Option<Money> {
        let raw = self.draft.get(field).trim();
        if raw.is_empty() {
            self.add(Problem::new(field, "required"));
            return None;
        }
        let amount = parse_amount(raw).ok().filter(|a| !a.is_zero());
        let Some(amount) = amount else {
            self.add(Problem::new(field, "amount"));
            return None;
        };
        Money::parse(&amount.to_string(), currency?).ok()
    }

    fn weight(&mut self, field: &'static str) -> Option<u32> {
        let raw = self.draft.get(field).trim();
        if raw.is_empty() {
            self.add(Problem::new(field, "required"));
            return None;
        }
        let p = percent(raw);
        if p.is_none() {
            self.add(Problem::new(field, "percent"));
        }
        p
    }

    fn date(&mut self, field: &'static str) -> Option<NaiveDate> {
        let raw = self.draft.get(field).trim();
        if raw.is_empty() {
            self.add(Problem::new(field, "required"));
            return None;
        }
        let d = day(raw);
        if d.is_none() {
            self.add(Problem::new(field, "date"));
        }
        d
    }

    fn number(&mut self, field: &'static str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
        let n = self
            .draft
            .get(field)
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| range.contains(n));
        if n.is_none() {
            let code = match field {
                "shortlist" => "shortlist",
                "challenge_weeks" => "weeks",
                _ => "challenge_weight",
            };
            self.add(Problem::new(field, code));
        }
        n
    }
}

fn tco(gate: &mut Gate<'_>, currency: Option<&str>) -> Vec<YearCost> {
    let mut years = Vec::new();
    let entries = lines(gate.draft.get("bc_tco"));
    if entries.is_empty() {
        gate.add(Problem::new("bc_tco", "required"));
    }
    for (i, entry) in entries.iter().enumerate() {
        let parsed = entry.split_once(':').and_then(|(y, a)| {
            let year = y
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))?;
            let amount = parse_amount(a.trim()).ok()?;
            Some((year, amount))
        });
        match parsed {
            Some((year, _)) if years.iter().any(|c: &YearCost| c.year == year) => {
                gate.add(Problem::new("bc_tco", "tco_year").with("line", i + 1));
                break;
            }
            Some((year, amount)) => {
                if let Some(cost) = currency
                    .and_then(|c| Money::new(amount, super::super::money::currency(c).ok()?).ok())
                {
                    years.push(YearCost { year, cost });
                }
            }
            None => {
                gate.add(Problem::new("bc_tco", "tco_line").with("line", i + 1));
                break;
            }
        }
    }
    years
}

fn benefits(gate: &mut Gate<'_>) -> Vec<Indicator> {
    let mut found = Vec::new();
    let entries = lines(gate.draft.get("bc_benefits"));
    if entries.is_empty() {
        gate.add(Problem::new("bc_benefits", "required"));
    }
    for (i, entry) in entries.iter().enumerate() {
        let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
        let parsed = match parts.as_slice() {
            [name, baseline, target, by]
                if !name.is_empty() && !baseline.is_empty() && !target.is_empty() =>
            {
                day(by).map(|by| Indicator {
                    name: (*name).to_owned(),
                    baseline: (*baseline).to_owned(),
                    target: (*target).to_owned(),
                    by,
                })
            }
            _ => None,
        };
        match parsed {
            Some(indicator) => {
                gate.readable("bc_benefits", &indicator.name, ENTRY_MAX);
                found.push(indicator);
            }
            None => {
                gate.add(Problem::new("bc_benefits", "benefit_line").with("line", i + 1));
                break;
            }
        }
    }
    if found.len() > ENTRIES_MAX {
        gate.add(Problem::new("bc_benefits", "too_many").with("max", ENTRIES_MAX));
    }
    found
}

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
    } else if super::super::money::currency(&code).is_err() {
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

#[cfg(test)]
mod tests {
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
}
