//! A brief as the buyer types it ([`Draft`], saved at any stage), and the quality gate
//! ([`gate`]) that turns it into a checked [`Brief`] or lists every problem with the field it
//! is in. A brief is published only through the gate, and checked again on every edit.
//!
//! Lists are typed one entry per line: criteria, options, risks; the total cost of ownership
//! as `2027: 120000`; benefits as `indicator | baseline | target | YYYY-MM-DD`.

mod fields;
mod gate;
mod problem;
#[cfg(test)]
mod tests;
mod typed;

pub use gate::gate;
pub use problem::*;
pub use typed::*;

use serde::{Deserialize, Serialize};

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
    /// The earlier contract this brief buys the next module of (its id), or empty: published
    /// as a `relatedProcesses` entry (`prior`).
    pub follows: String,
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
    "follows",
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
            "follows" => &self.follows,
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
            "follows" => &mut self.follows,
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
