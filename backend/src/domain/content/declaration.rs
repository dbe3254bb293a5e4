//! The supplier declaration: exclusion grounds and the like, with the answers that make a
//! supplier fail automatically.

use serde::Serialize;

use super::answers::{AnswerErrors, AnswerValue, Answers, Completeness, FormValues, validate};
use super::{Question, Text};

/// The answer a declaration question expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassIf {
    /// A yes/no question passes with this answer.
    Bool(bool),
    /// A choice question passes with any of these option values.
    OneOf(Vec<String>),
}

impl PassIf {
    /// Whether an answer is the expected one.
    pub fn accepts(&self, answer: &AnswerValue) -> bool {
        match (self, answer) {
            (PassIf::Bool(expected), AnswerValue::Bool(given)) => expected == given,
            (PassIf::OneOf(values), AnswerValue::Choice(given)) => values.contains(given),
            _ => false,
        }
    }
}

/// One declaration question and what a wrong answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationQuestion {
    /// The question (boolean, choice, text or textarea).
    pub question: Question,
    /// The expected answer, if any.
    pub pass_if: Option<PassIf>,
    /// Whether a wrong answer fails the supplier automatically; otherwise evaluators decide.
    pub mandatory: bool,
    /// Why a wrong answer fails, for evaluators and the result e-mail.
    pub fail_reason: Text,
}

/// The declaration every supplier answers to apply to a framework.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// Questions in form order.
    pub questions: Vec<DeclarationQuestion>,
}

/// A wrong answer to a declaration question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The question id.
    pub question: String,
    /// Why, in English.
    pub reason_en: String,
    /// Why, in Spanish.
    pub reason_es: String,
}

/// What a supplier's declaration answers mean for their application.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeclarationOutcome {
    /// Whether every required question is answered.
    pub complete: bool,
    /// Wrong answers to mandatory questions: the supplier fails automatically.
    pub automatic_fails: Vec<Failure>,
    /// Wrong answers to discretionary questions: evaluators decide.
    pub discretionary: Vec<Failure>,
}

impl DeclarationOutcome {
    /// Whether the supplier passes the declaration (complete, with no automatic fail).
    pub fn passes(&self) -> bool {
        self.complete && self.automatic_fails.is_empty()
    }
}

impl Declaration {
    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&DeclarationQuestion> {
        self.questions.iter().find(|q| q.question.id == id)
    }

    /// Checks saved-as-you-go answers: each answer given must be valid.
    pub fn validate_partial(&self, form: &FormValues) -> Result<Answers, AnswerErrors> {
        validate(
            self.questions.iter().map(|q| &q.question),
            form,
            Completeness::Partial,
        )
    }

    /// Checks a finished declaration: as `validate_partial`, and every required question is
    /// answered. Wrong answers are valid here; `evaluate` says what they mean.
    pub fn validate_complete(&self, form: &FormValues) -> Result<Answers, AnswerErrors> {
        validate(
            self.questions.iter().map(|q| &q.question),
            form,
            Completeness::Complete,
        )
    }

    /// Evaluates answers (e.g. reused from the last iteration) against this declaration.
    pub fn evaluate(&self, answers: &Answers) -> DeclarationOutcome {
        let mut outcome = DeclarationOutcome {
            complete: true,
            ..DeclarationOutcome::default()
        };
        for q in &self.questions {
            let answer = answers.get(&q.question.id);
            if q.question.required && answer.is_none() {
                outcome.complete = false;
            }
            let (Some(expected), Some(answer)) = (&q.pass_if, answer) else {
                continue;
            };
            if expected.accepts(answer) {
                continue;
            }
            let failure = Failure {
                question: q.question.id.clone(),
                reason_en: q.fail_reason.en.clone(),
                reason_es: q.fail_reason.es.clone(),
            };
            if q.mandatory {
                outcome.automatic_fails.push(failure);
            } else {
                outcome.discretionary.push(failure);
            }
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CLOUD_CONTENT, ContentFile, form_values};
    use super::*;

    fn declaration() -> Declaration {
        ContentFile::parse(CLOUD_CONTENT).unwrap().declaration
    }

    fn passing_form(declaration: &Declaration) -> FormValues {
        let pairs = declaration.questions.iter().map(|q| {
            let value = match &q.pass_if {
                Some(PassIf::Bool(yes)) => yes.to_string(),
                Some(PassIf::OneOf(values)) => values[0].clone(),
                None => match &q.question.kind {
                    super::super::QuestionKind::Boolean => "true".to_owned(),
                    super::super::QuestionKind::Choice { options } => options[0].value.clone(),
                    _ => "Some text".to_owned(),
                },
            };
            (q.question.id.clone(), value)
        });
        form_values(pairs)
    }

    #[test]
    fn right_answers_pass_the_declaration() {
        let declaration = declaration();
        let answers = declaration
            .validate_complete(&passing_form(&declaration))
            .unwrap();
        let outcome = declaration.evaluate(&answers);
        assert!(outcome.passes(), "{outcome:?}");
        assert!(outcome.discretionary.is_empty());
    }

    #[test]
    fn a_fraud_conviction_is_an_automatic_fail_with_its_reason() {
        let declaration = declaration();
        let mut form = passing_form(&declaration);
        form.insert("fraud-conviction".into(), vec!["true".into()]);
        let outcome = declaration.evaluate(&declaration.validate_complete(&form).unwrap());
        assert!(outcome.complete);
        assert!(!outcome.passes());
        assert_eq!(outcome.automatic_fails.len(), 1);
        assert_eq!(outcome.automatic_fails[0].question, "fraud-conviction");
        assert!(!outcome.automatic_fails[0].reason_es.is_empty());
    }

    #[test]
    fn a_wrong_discretionary_answer_goes_to_evaluators_not_an_automatic_fail() {
        let declaration = declaration();
        let discretionary = declaration
            .questions
            .iter()
            .find(|q| !q.mandatory && matches!(q.pass_if, Some(PassIf::Bool(_))))
            .unwrap();
        let Some(PassIf::Bool(expected)) = discretionary.pass_if else {
            unreachable!()
        };
        let mut form = passing_form(&declaration);
        form.insert(
            discretionary.question.id.clone(),
            vec![(!expected).to_string()],
        );
        let outcome = declaration.evaluate(&declaration.validate_complete(&form).unwrap());
        assert!(outcome.passes());
        assert_eq!(outcome.discretionary.len(), 1);
    }

    #[test]
    fn an_unfinished_declaration_is_incomplete_but_can_be_saved() {
        let declaration = declaration();
        let form = form_values([("tax-up-to-date".to_owned(), "yes".to_owned())]);
        let answers = declaration.validate_partial(&form).unwrap();
        let outcome = declaration.evaluate(&answers);
        assert!(!outcome.complete);
        assert!(!outcome.passes());
        let errors = declaration.validate_complete(&form).unwrap_err();
        assert_eq!(errors["fraud-conviction"].code(), "required");
    }
}
