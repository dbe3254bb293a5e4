//! What other parts of Marco read from answers: the service's name, description, features
//! and price (search documents, OCDS), the search facets, keyword text and the service page.

use std::collections::BTreeMap;

use super::answers::{AnswerValue, Answers, Price};
use super::{ChoiceOption, ContentFile, Lot, QuestionKind, Role, Text};

/// The parts of a listing with a role, for search documents and OCDS items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceSummary<'a> {
    /// The service name.
    pub name: Option<&'a str>,
    /// The service description.
    pub description: Option<&'a str>,
    /// The service features.
    pub features: &'a [String],
    /// The service price.
    pub price: Option<&'a Price>,
}

/// How a facet filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FacetKind {
    /// One value per service.
    Choice,
    /// Several values per service.
    Multichoice,
    /// Yes or no; values `true` and `false`.
    Boolean,
    /// A price: its options are the pricing units; the amount gives a range.
    Price,
}

/// A search facet from the content file: a filter question, merged across lots by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facet {
    /// The question id, also the facet's key in the search index and URLs.
    pub id: String,
    /// Its label.
    pub label: Text,
    /// How it filters.
    pub kind: FacetKind,
    /// The values with labels (pricing units for a price; yes and no for a boolean).
    pub options: Vec<ChoiceOption>,
    /// The lots that ask it.
    pub lots: Vec<String>,
}

/// An answer ready to show on a service page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayAnswer<'a> {
    /// The question id.
    pub id: &'a str,
    /// The question label in the page's language.
    pub label: &'a str,
    /// The answer as lines of text; option values are replaced by their labels.
    pub values: Vec<String>,
}

/// The options of a boolean question: yes (`true`) and no (`false`), in both languages.
pub fn yes_no() -> Vec<ChoiceOption> {
    let option = |value: &str, en: &str, es: &str| ChoiceOption {
        value: value.into(),
        label: Text {
            en: en.into(),
            es: es.into(),
        },
    };
    vec![option("true", "Yes", "Sí"), option("false", "No", "No")]
}

impl super::Question {
    /// An answer to this question as text for people in `lang`: option labels instead of
    /// values, yes or no for booleans, and a price with its currency and unit.
    pub fn display_values(&self, answer: &AnswerValue, lang: &str) -> Vec<String> {
        let label = |value: &str| {
            self.option_label(value)
                .map_or_else(|| value.to_owned(), |t| t.get(lang).to_owned())
        };
        match answer {
            AnswerValue::Text(text) => vec![text.clone()],
            AnswerValue::Number(number) => vec![number.to_string()],
            AnswerValue::Price(price) => {
                // Grouped the reader's way, with the currency: "CLP 1,946,995" or
                // "CLP 1.946.995".
                let amount =
                    crate::domain::money::Money::from_stored(price.amount, &price.currency)
                        .map(|m| m.localized(lang))
                        .unwrap_or_else(|_| format!("{} {}", price.currency, price.amount));
                vec![format!("{amount} {}", label(&price.unit))]
            }
            AnswerValue::Choice(value) => vec![label(value)],
            AnswerValue::Multi(values) => values.iter().map(|v| label(v)).collect(),
            AnswerValue::Bool(yes) => {
                let options = yes_no();
                vec![options[usize::from(!*yes)].label.get(lang).to_owned()]
            }
            AnswerValue::List(items) => items.clone(),
        }
    }
}

impl Lot {
    /// The name, description, features and price of a set of answers.
    pub fn summary<'a>(&self, answers: &'a Answers) -> ServiceSummary<'a> {
        let answer = |role| self.role(role).and_then(|q| answers.get(&q.id));
        let text = |role| match answer(role) {
            Some(AnswerValue::Text(text)) => Some(text.as_str()),
            _ => None,
        };
        ServiceSummary {
            name: text(Role::Name),
            description: text(Role::Description),
            features: match answer(Role::Features) {
                Some(AnswerValue::List(items)) => items,
                _ => &[],
            },
            price: match answer(Role::Price) {
                Some(AnswerValue::Price(price)) => Some(price),
                _ => None,
            },
        }
    }

    /// This lot's facets, in question order.
    pub fn facets(&self) -> Vec<Facet> {
        self.questions
            .iter()
            .filter(|q| q.filter)
            .filter_map(|q| {
                let (kind, options) = match &q.kind {
                    QuestionKind::Choice { options } => (FacetKind::Choice, options.clone()),
                    QuestionKind::Multichoice { options, .. } => {
                        (FacetKind::Multichoice, options.clone())
                    }
                    QuestionKind::Boolean => (FacetKind::Boolean, yes_no()),
                    QuestionKind::Price { units, .. } => (FacetKind::Price, units.clone()),
                    _ => return None,
                };
                Some(Facet {
                    id: q.id.clone(),
                    label: q.label.clone(),
                    kind,
                    options,
                    lots: vec![self.slug.clone()],
                })
            })
            .collect()
    }

    /// The facet values of a set of answers, by facet id: option values, `true`/`false`, or
    /// a price's unit (its amount is in `summary().price`).
    pub fn facet_values(&self, answers: &Answers) -> BTreeMap<String, Vec<String>> {
        self.questions
            .iter()
            .filter(|q| q.filter)
            .filter_map(|q| {
                let values = match answers.get(&q.id)? {
                    AnswerValue::Choice(value) => vec![value.clone()],
                    AnswerValue::Multi(values) => values.clone(),
                    AnswerValue::Bool(yes) => vec![yes.to_string()],
                    AnswerValue::Price(price) => vec![price.unit.clone()],
                    _ => return None,
                };
                Some((q.id.clone(), values))
            })
            .collect()
    }

    /// The text of searchable answers, for keyword search, in question order.
    pub fn search_text<'a>(&self, answers: &'a Answers) -> Vec<&'a str> {
        let mut texts = Vec::new();
        for q in self.questions.iter().filter(|q| q.searchable) {
            match answers.get(&q.id) {
                Some(AnswerValue::Text(text)) => texts.push(text.as_str()),
                Some(AnswerValue::List(items)) => texts.extend(items.iter().map(String::as_str)),
                _ => {}
            }
        }
        texts
    }

    /// The answered questions ready to show, in question order, in `lang` (`en` or `es`).
    pub fn display<'a>(&'a self, answers: &Answers, lang: &str) -> Vec<DisplayAnswer<'a>> {
        self.questions
            .iter()
            .filter_map(|q| {
                Some(DisplayAnswer {
                    id: &q.id,
                    label: q.label.get(lang),
                    values: q.display_values(answers.get(&q.id)?, lang),
                })
            })
            .collect()
    }
}

impl ContentFile {
    /// Every facet of the framework, merged across lots by question id: the first lot's label
    /// wins and options are the union, in first-seen order.
    pub fn facets(&self) -> Vec<Facet> {
        let mut merged: Vec<Facet> = Vec::new();
        for facet in self.lots.iter().flat_map(Lot::facets) {
            match merged.iter_mut().find(|f| f.id == facet.id) {
                Some(existing) => {
                    existing.lots.extend(facet.lots);
                    for option in facet.options {
                        if !existing.options.iter().any(|o| o.value == option.value) {
                            existing.options.push(option);
                        }
                    }
                }
                None => merged.push(facet),
            }
        }
        merged
    }
}
