//! Checking one form against questions, type by type.

use std::collections::BTreeSet;

use super::answers::{AnswerError, AnswerErrors, AnswerValue, Answers, FormValues, Price};
use super::parsers::{clean_text, count_words, parse_number, parse_price_amount, split_list};
use super::{Question, QuestionKind};

/// Whether a missing answer is a problem: drafts may be incomplete, submissions may not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Completeness {
    Partial,
    Complete,
}

/// Checks a form against questions; unknown fields (the CSRF token, buttons) are ignored.
pub(super) fn validate<'q>(
    questions: impl IntoIterator<Item = &'q Question>,
    form: &FormValues,
    completeness: Completeness,
) -> Result<Answers, AnswerErrors> {
    let mut answers = Answers::default();
    let mut errors = AnswerErrors::new();
    // Uploads are not form fields; `Lot::check_documents` checks them.
    let questions = questions
        .into_iter()
        .filter(|q| !matches!(q.kind, QuestionKind::Document { .. }));
    for question in questions {
        match check(question, form, completeness) {
            Ok(Some(value)) => {
                answers.0.insert(question.id.clone(), value);
            }
            Ok(None) if question.required && completeness == Completeness::Complete => {
                errors.insert(question.id.clone(), AnswerError::Required);
            }
            Ok(None) => {}
            Err(err) => {
                errors.insert(question.id.clone(), err);
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// The one non-blank value of a field, if any.
fn single<'f>(form: &'f FormValues, name: &str) -> Result<Option<&'f str>, AnswerError> {
    let mut values = form
        .get(name)
        .into_iter()
        .flatten()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty());
    let first = values.next();
    if values.next().is_some() {
        return Err(AnswerError::MoreThanOneValue);
    }
    Ok(first)
}

/// One question's answer: `None` when unanswered.
fn check(
    question: &Question,
    form: &FormValues,
    completeness: Completeness,
) -> Result<Option<AnswerValue>, AnswerError> {
    let id = question.id.as_str();
    match &question.kind {
        QuestionKind::Text { max_length } => single(form, id)?
            .map(|raw| {
                let text = clean_text(raw);
                if text.chars().count() > *max_length {
                    return Err(AnswerError::TooLong { max: *max_length });
                }
                Ok(AnswerValue::Text(text))
            })
            .transpose(),
        QuestionKind::Textarea {
            max_length,
            max_words,
        } => single(form, id)?
            .map(|raw| {
                let text = clean_text(raw);
                if let Some(max) = *max_length
                    && text.chars().count() > max
                {
                    return Err(AnswerError::TooLong { max });
                }
                if let Some(max) = *max_words
                    && count_words(&text) > max
                {
                    return Err(AnswerError::TooManyWords { max });
                }
                Ok(AnswerValue::Text(text))
            })
            .transpose(),
        QuestionKind::Number { min, max, integer } => single(form, id)?
            .map(|raw| {
                let number = parse_number(raw, *integer)?;
                if let Some(min) = *min
                    && number < min
                {
                    return Err(AnswerError::BelowMinimum { min });
                }
                if let Some(max) = *max
                    && number > max
                {
                    return Err(AnswerError::AboveMaximum { max });
                }
                Ok(AnswerValue::Number(number))
            })
            .transpose(),
        QuestionKind::Price { units, currencies } => {
            let amount = single(form, id)?;
            let unit = single(form, &format!("{id}.unit"))?;
            let currency = single(form, &format!("{id}.currency"))?;
            let Some(amount) = amount else {
                return Ok(None);
            };
            let amount = parse_price_amount(amount)?;
            // One unit offered means the form may leave the choice out.
            let unit = match (unit, units.as_slice()) {
                (Some(unit), _) => units.iter().find(|u| u.value == unit),
                (None, [only]) => Some(only),
                (None, _) => None,
            }
            .ok_or(AnswerError::PricingUnit)?;
            let currency = match currency {
                Some(code) => currencies.iter().find(|c| c.as_str() == code),
                None => currencies.first(),
            }
            .ok_or(AnswerError::Currency)?;
            Ok(Some(AnswerValue::Price(Price {
                amount,
                unit: unit.value.clone(),
                currency: currency.clone(),
            })))
        }
        QuestionKind::Choice { options } => single(form, id)?
            .map(|raw| {
                options
                    .iter()
                    .find(|o| o.value == raw)
                    .map(|o| AnswerValue::Choice(o.value.clone()))
                    .ok_or(AnswerError::UnknownOption)
            })
            .transpose(),
        QuestionKind::Multichoice {
            options,
            min_selections,
            max_selections,
        } => {
            let picked: BTreeSet<&str> = form
                .get(id)
                .into_iter()
                .flatten()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            if picked.is_empty() {
                return Ok(None);
            }
            if picked
                .iter()
                .any(|p| !options.iter().any(|o| o.value == *p))
            {
                return Err(AnswerError::UnknownOption);
            }
            if picked.len() > *max_selections {
                return Err(AnswerError::TooManySelected {
                    max: *max_selections,
                });
            }
            // A draft may hold too few; only a submission must have enough.
            if picked.len() < *min_selections && completeness == Completeness::Complete {
                return Err(AnswerError::TooFewSelected {
                    min: *min_selections,
                });
            }
            Ok(Some(AnswerValue::Multi(
                options
                    .iter()
                    .filter(|o| picked.contains(o.value.as_str()))
                    .map(|o| o.value.clone())
                    .collect(),
            )))
        }
        QuestionKind::Boolean => single(form, id)?
            .map(|raw| match raw.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Ok(AnswerValue::Bool(true)),
                "false" | "no" | "off" | "0" => Ok(AnswerValue::Bool(false)),
                _ => Err(AnswerError::NotYesOrNo),
            })
            .transpose(),
        QuestionKind::List {
            max_items,
            max_length,
            max_words,
        } => {
            let items = split_list(form.get(id).map(Vec::as_slice).unwrap_or_default());
            if items.is_empty() {
                return Ok(None);
            }
            if items.len() > *max_items {
                return Err(AnswerError::TooManyItems { max: *max_items });
            }
            for item in &items {
                if item.chars().count() > *max_length {
                    return Err(AnswerError::ItemTooLong { max: *max_length });
                }
                if let Some(max) = *max_words
                    && count_words(item) > max
                {
                    return Err(AnswerError::ItemTooManyWords { max });
                }
            }
            Ok(Some(AnswerValue::List(items)))
        }
        QuestionKind::Document { .. } => Ok(None),
    }
}
