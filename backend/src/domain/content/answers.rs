//! Typed answers to content-file questions, checked from submitted forms and stored as JSON.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use super::answer_error::AnswerError;
pub(super) use super::check::{Completeness, validate};
use super::{Lot, Question, QuestionKind};

/// Submitted form fields: every field name with all of its values, in order.
pub type FormValues = BTreeMap<String, Vec<String>>;

/// Problems per question id.
pub type AnswerErrors = BTreeMap<String, AnswerError>;

/// Groups decoded form pairs (as `Vec<(String, String)>` from a form extractor) by name.
pub fn form_values(pairs: impl IntoIterator<Item = (String, String)>) -> FormValues {
    let mut form = FormValues::new();
    for (name, value) in pairs {
        form.entry(name).or_default().push(value);
    }
    form
}

/// An amount per pricing unit in a currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// The amount, never negative, at most two decimals.
    pub amount: Decimal,
    /// The pricing unit's value, e.g. `per-user`.
    pub unit: String,
    /// ISO 4217 code, e.g. `CLP`.
    pub currency: String,
}

/// One typed answer. Stored as JSON like `{"type": "price", "value": {"amount": "1500.50",
/// "unit": "per-user", "currency": "CLP"}}`; decimals are strings, so nothing is rounded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    /// A text or textarea answer.
    Text(String),
    /// A number answer.
    Number(Decimal),
    /// A price answer.
    Price(Price),
    /// The chosen option's value.
    Choice(String),
    /// The chosen options' values, in the content file's order.
    Multi(Vec<String>),
    /// A yes/no answer.
    Bool(bool),
    /// List items, in the order given.
    List(Vec<String>),
}

impl AnswerValue {
    /// Adds this answer to a form as field values under `id`, so a stored answer can refill a
    /// form and be checked again against another iteration's questions.
    fn fill(&self, id: &str, form: &mut FormValues) {
        let values = match self {
            AnswerValue::Text(text) | AnswerValue::Choice(text) => vec![text.clone()],
            AnswerValue::Number(number) => vec![number.to_string()],
            AnswerValue::Price(price) => {
                form.insert(format!("{id}.unit"), vec![price.unit.clone()]);
                form.insert(format!("{id}.currency"), vec![price.currency.clone()]);
                vec![price.amount.to_string()]
            }
            AnswerValue::Multi(items) | AnswerValue::List(items) => items.clone(),
            AnswerValue::Bool(yes) => vec![yes.to_string()],
        };
        form.insert(id.to_owned(), values);
    }
}

/// Typed answers by question id: a service listing's or a declaration's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, AnswerValue>);

impl Answers {
    /// The answer to question `id`.
    pub fn get(&self, id: &str) -> Option<&AnswerValue> {
        self.0.get(id)
    }

    /// The answers as JSON, for the database.
    pub fn to_json(&self) -> String {
        // Cannot fail: string keys, and values made of strings, decimals, booleans and lists.
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Answers read back from the database's JSON.
    pub fn from_json(json: &str) -> Result<Answers, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The answers as form values, to refill a form or check them again with `validate_*`.
    pub fn to_form(&self) -> FormValues {
        let mut form = FormValues::new();
        for (id, value) in &self.0 {
            value.fill(id, &mut form);
        }
        form
    }
}

impl Lot {
    /// Checks a draft: every answer given must be valid, but answers may be missing.
    pub fn validate_partial(&self, form: &FormValues) -> Result<Answers, AnswerErrors> {
        validate(&self.questions, form, Completeness::Partial)
    }

    /// Checks a submission: as `validate_partial`, and every required question is answered.
    /// Required documents are checked apart, with [`Lot::check_documents`].
    pub fn validate_complete(&self, form: &FormValues) -> Result<Answers, AnswerErrors> {
        validate(&self.questions, form, Completeness::Complete)
    }

    /// Checks that every required document question has an upload, given the ids of the
    /// questions that have one.
    pub fn check_documents(&self, uploaded: &BTreeSet<String>) -> Result<(), AnswerErrors> {
        let errors: AnswerErrors = self
            .questions
            .iter()
            .filter(|q| matches!(q.kind, QuestionKind::Document { .. }))
            .filter(|q| q.required && !uploaded.contains(&q.id))
            .map(|q| (q.id.clone(), AnswerError::Required))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The required non-document questions still unanswered, for a task list.
    pub fn unanswered(&self, answers: &Answers) -> Vec<&Question> {
        self.questions
            .iter()
            .filter(|q| q.required && !matches!(q.kind, QuestionKind::Document { .. }))
            .filter(|q| answers.get(&q.id).is_none())
            .collect()
    }
}

#[cfg(test)]
#[path = "answers_tests.rs"]
mod tests;
