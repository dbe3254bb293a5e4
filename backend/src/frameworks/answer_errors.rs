//! Answer errors of content-file questions as field errors that name their question.

use crate::domain::content::{AnswerErrors, ContentFile, Lot};
use crate::domain::errors::{FieldError, FieldErrors};

/// Turns content-file answer errors into field errors in `lang`. An unanswered question is
/// named by its `label`, so a summary of several problems says which question each is.
pub fn field_errors(
    errors: &AnswerErrors,
    lang: &str,
    label: impl Fn(&str) -> Option<String>,
) -> FieldErrors {
    errors
        .iter()
        .map(|(field, e)| {
            let message = match (e.code(), label(field)) {
                ("required", Some(label)) if lang.starts_with("es") => {
                    format!("Responda «{label}»")
                }
                ("required", Some(label)) => format!("Answer “{label}”"),
                _ => e.message(lang),
            };
            (
                field.clone(),
                FieldError {
                    code: e.code().into(),
                    message,
                },
            )
        })
        .collect()
}

/// The label of a declaration question, by id, in `lang`.
pub fn declaration_label<'a>(
    content: &'a ContentFile,
    lang: &'a str,
) -> impl Fn(&str) -> Option<String> + 'a {
    move |id| {
        content
            .declaration
            .question(id)
            .map(|q| q.question.label.get(lang).to_owned())
    }
}

/// The label of a lot's question, by id, in `lang`.
pub fn lot_label<'a>(lot: &'a Lot, lang: &'a str) -> impl Fn(&str) -> Option<String> + 'a {
    move |id| lot.question(id).map(|q| q.label.get(lang).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::AnswerError;

    #[test]
    fn an_unanswered_question_is_named_and_other_errors_keep_their_message() {
        let mut errors = AnswerErrors::new();
        errors.insert("name".into(), AnswerError::Required);
        errors.insert("summary".into(), AnswerError::TooLong { max: 10 });
        errors.insert("other".into(), AnswerError::Required);
        let label = |id: &str| (id != "other").then(|| format!("Service {id}"));
        let en = field_errors(&errors, "en", label);
        assert_eq!(en["name"].message, "Answer “Service name”");
        assert_eq!(en["summary"].message, "Use 10 characters or fewer");
        assert_eq!(en["other"].message, "Answer this question");
        let es = field_errors(&errors, "es", label);
        assert_eq!(es["name"].message, "Responda «Service name»");
        assert_eq!(es["name"].code, "required");
    }
}
