//! The declaration part of a content file: its questions and the answers expected.

use std::collections::BTreeSet;

use super::kind::question;
use super::{Checker, RawDeclaration, RawPassIf};
use crate::domain::content::declaration::{Declaration, DeclarationQuestion, PassIf};
use crate::domain::content::{Question, QuestionKind, Text};

pub(super) fn declaration(checker: &mut Checker, raw: &RawDeclaration) -> Declaration {
    if raw.questions.is_empty() {
        checker.problem("declaration", "the declaration needs at least one question");
    }
    let mut ids = BTreeSet::new();
    let mut questions = Vec::new();
    for q in &raw.questions {
        let place = format!("declaration, question '{}'", q.id);
        if !ids.insert(q.id.as_str()) {
            checker.problem(&place, "another declaration question has the same id");
        }
        for (key, set) in [
            ("filter", q.filter.is_some()),
            ("searchable", q.searchable.is_some()),
            ("role", q.role.is_some()),
        ] {
            if set {
                checker.problem(&place, format!("'{key}' applies only to lot questions"));
            }
        }
        if !matches!(q.kind.as_str(), "boolean" | "choice" | "text" | "textarea") {
            checker.problem(
                &place,
                format!(
                    "type '{}' cannot be used in the declaration; expected one of boolean, \
                     choice, text, textarea",
                    q.kind
                ),
            );
            continue;
        }
        let Some(question) = question(checker, &place, q) else {
            continue;
        };
        let pass_if = pass_if(checker, &place, &question, q.pass_if.as_ref());
        let mandatory = q.mandatory.unwrap_or(false);
        if mandatory && pass_if.is_none() {
            checker.problem(
                &place,
                "a mandatory question needs 'pass_if', the answer that passes",
            );
        }
        let fail_reason = match &q.fail_reason {
            Some(reason) => checker.text(&place, "fail_reason", reason),
            None => Text {
                en: format!("Wrong answer to: {}", question.label.en),
                es: format!("Respuesta no admisible a: {}", question.label.es),
            },
        };
        questions.push(DeclarationQuestion {
            question,
            pass_if,
            mandatory,
            fail_reason,
        });
    }
    Declaration { questions }
}

fn pass_if(
    checker: &mut Checker,
    place: &str,
    question: &Question,
    raw: Option<&RawPassIf>,
) -> Option<PassIf> {
    let raw = raw?;
    match (&question.kind, raw) {
        (QuestionKind::Boolean, RawPassIf::Bool(yes)) => Some(PassIf::Bool(*yes)),
        (QuestionKind::Choice { options }, RawPassIf::One(_) | RawPassIf::Many(_)) => {
            let values = match raw {
                RawPassIf::One(value) => vec![value.clone()],
                RawPassIf::Many(values) => values.clone(),
                RawPassIf::Bool(_) => Vec::new(),
            };
            if values.is_empty() {
                checker.problem(place, "'pass_if' must name at least one option");
            }
            for value in &values {
                if !options.iter().any(|o| &o.value == value) {
                    checker.problem(
                        place,
                        format!("'pass_if' names '{value}', which is not an option"),
                    );
                }
            }
            Some(PassIf::OneOf(values))
        }
        (QuestionKind::Boolean, _) => {
            checker.problem(place, "'pass_if' of a boolean question is true or false");
            None
        }
        (QuestionKind::Choice { .. }, _) => {
            checker.problem(
                place,
                "'pass_if' of a choice question is an option value or a list of them",
            );
            None
        }
        (kind, _) => {
            checker.problem(
                place,
                format!("'pass_if' cannot be used on a {} question", kind.name()),
            );
            None
        }
    }
}
