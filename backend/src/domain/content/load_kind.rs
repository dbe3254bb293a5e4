//! A question: its type and limits (only the keys that apply to that type), filter, search
//! and role.

use super::{Checker, RawQuestion, TYPES};
use crate::domain::content::{Question, QuestionKind, Role};

/// Default most characters of a text answer.
const TEXT_MAX_LENGTH: usize = 200;
/// Default most characters of a textarea answer with no other limit.
const TEXTAREA_MAX_LENGTH: usize = 5000;
/// Default most list items.
const LIST_MAX_ITEMS: usize = 10;
/// Default most characters per list item.
const LIST_MAX_LENGTH: usize = 200;
/// Default largest document: 5 MB.
const DOCUMENT_MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Largest document a content file may allow: 50 MB.
pub const DOCUMENT_LIMIT: u64 = 50 * 1024 * 1024;

/// The keys each type takes, beyond those every question has.
fn keys_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "text" => &["max_length"],
        "textarea" => &["max_length", "max_words"],
        "number" => &["min", "max", "integer"],
        "price" => &["units", "currencies"],
        "choice" => &["options"],
        "multichoice" => &["options", "min_selections", "max_selections"],
        "list" => &["max_items", "max_length", "max_words"],
        "document" => &["max_bytes"],
        _ => &[],
    }
}

/// A limit that must be at least 1, or its default.
fn positive(
    checker: &mut Checker,
    place: &str,
    key: &str,
    raw: Option<u32>,
    default: usize,
) -> usize {
    match raw {
        Some(0) => {
            checker.problem(place, format!("'{key}' must be at least 1"));
            default
        }
        Some(n) => n as usize,
        None => default,
    }
}

fn kind(checker: &mut Checker, place: &str, raw: &RawQuestion) -> Option<QuestionKind> {
    let name = raw.kind.as_str();
    if !TYPES.contains(&name) {
        checker.problem(
            place,
            format!(
                "unknown type '{name}'; expected one of {}",
                TYPES.join(", ")
            ),
        );
        return None;
    }
    let present = [
        ("max_length", raw.max_length.is_some()),
        ("max_words", raw.max_words.is_some()),
        ("min", raw.min.is_some()),
        ("max", raw.max.is_some()),
        ("integer", raw.integer.is_some()),
        ("options", raw.options.is_some()),
        ("units", raw.units.is_some()),
        ("currencies", raw.currencies.is_some()),
        ("min_selections", raw.min_selections.is_some()),
        ("max_selections", raw.max_selections.is_some()),
        ("max_items", raw.max_items.is_some()),
        ("max_bytes", raw.max_bytes.is_some()),
    ];
    for (key, _) in present.iter().filter(|(_, set)| *set) {
        if !keys_for(name).contains(key) {
            checker.problem(
                place,
                format!("'{key}' does not apply to a {name} question"),
            );
        }
    }
    let kind = match name {
        "text" => QuestionKind::Text {
            max_length: positive(
                checker,
                place,
                "max_length",
                raw.max_length,
                TEXT_MAX_LENGTH,
            ),
        },
        "textarea" => {
            let max_words = raw
                .max_words
                .map(|_| positive(checker, place, "max_words", raw.max_words, 1));
            let max_length = match (raw.max_length, max_words) {
                (None, Some(_)) => None,
                (length, _) => Some(positive(
                    checker,
                    place,
                    "max_length",
                    length,
                    TEXTAREA_MAX_LENGTH,
                )),
            };
            QuestionKind::Textarea {
                max_length,
                max_words,
            }
        }
        "number" => {
            if let (Some(min), Some(max)) = (raw.min, raw.max)
                && min > max
            {
                checker.problem(place, format!("min ({min}) is greater than max ({max})"));
            }
            QuestionKind::Number {
                min: raw.min,
                max: raw.max,
                integer: raw.integer.unwrap_or(false),
            }
        }
        "price" => {
            let units = match &raw.units {
                Some(units) => checker.options(place, "units", units),
                None => {
                    checker.problem(place, "a price question needs 'units', the pricing units");
                    Vec::new()
                }
            };
            let currencies = raw
                .currencies
                .clone()
                .unwrap_or_else(|| vec!["CLP".to_owned()]);
            if currencies.is_empty() {
                checker.problem(place, "'currencies' must list at least one currency");
            }
            for (i, code) in currencies.iter().enumerate() {
                if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                    checker.problem(
                        place,
                        format!("currency '{code}' is not a three-letter ISO 4217 code like CLP"),
                    );
                }
                if currencies[..i].contains(code) {
                    checker.problem(place, format!("currency '{code}' is listed twice"));
                }
            }
            QuestionKind::Price { units, currencies }
        }
        "choice" | "multichoice" => {
            let options = match &raw.options {
                Some(options) => checker.options(place, "options", options),
                None => {
                    checker.problem(place, format!("a {name} question needs 'options'"));
                    Vec::new()
                }
            };
            if name == "choice" {
                QuestionKind::Choice { options }
            } else {
                let min = raw.min_selections.unwrap_or(0) as usize;
                let max = positive(
                    checker,
                    place,
                    "max_selections",
                    raw.max_selections,
                    options.len().max(1),
                );
                if min > max {
                    checker.problem(
                        place,
                        format!("min_selections ({min}) is greater than max_selections ({max})"),
                    );
                }
                if max > options.len() && !options.is_empty() {
                    checker.problem(
                        place,
                        format!(
                            "max_selections ({max}) is more than the {} options",
                            options.len()
                        ),
                    );
                }
                QuestionKind::Multichoice {
                    options,
                    min_selections: min,
                    max_selections: max,
                }
            }
        }
        "boolean" => QuestionKind::Boolean,
        "list" => QuestionKind::List {
            max_items: positive(checker, place, "max_items", raw.max_items, LIST_MAX_ITEMS),
            max_length: positive(
                checker,
                place,
                "max_length",
                raw.max_length,
                LIST_MAX_LENGTH,
            ),
            max_words: raw
                .max_words
                .map(|_| positive(checker, place, "max_words", raw.max_words, 1)),
        },
        _ => {
            let max_bytes = raw.max_bytes.unwrap_or(DOCUMENT_MAX_BYTES);
            if max_bytes == 0 || max_bytes > DOCUMENT_LIMIT {
                checker.problem(
                    place,
                    format!("'max_bytes' must be between 1 and {DOCUMENT_LIMIT} (50 MB)"),
                );
            }
            QuestionKind::Document { max_bytes }
        }
    };
    Some(kind)
}

fn role(checker: &mut Checker, place: &str, raw: &str, kind: &QuestionKind) -> Option<Role> {
    let Some(role) = Role::ALL.into_iter().find(|r| r.as_str() == raw) else {
        checker.problem(
            place,
            format!("unknown role '{raw}'; expected one of name, description, features, price"),
        );
        return None;
    };
    let fits = match role {
        Role::Name => matches!(kind, QuestionKind::Text { .. }),
        Role::Description => {
            matches!(
                kind,
                QuestionKind::Text { .. } | QuestionKind::Textarea { .. }
            )
        }
        Role::Features => matches!(kind, QuestionKind::List { .. }),
        Role::Price => matches!(kind, QuestionKind::Price { .. }),
    };
    if !fits {
        let expected = match role {
            Role::Name => "text",
            Role::Description => "text or textarea",
            Role::Features => "list",
            Role::Price => "price",
        };
        checker.problem(
            place,
            format!(
                "role '{raw}' needs a {expected} question, not {}",
                kind.name()
            ),
        );
    }
    Some(role)
}

/// Checks the keys that apply to the question's type and builds it; `None` for an unknown type.
pub(super) fn question(checker: &mut Checker, place: &str, raw: &RawQuestion) -> Option<Question> {
    checker.slug(place, "id", &raw.id);
    let label = checker.text(place, "label", &raw.label);
    let hint = raw.hint.as_ref().map(|h| checker.text(place, "hint", h));
    let kind = kind(checker, place, raw)?;
    if kind.max_chars() > crate::domain::content::ANSWER_MAX {
        checker.problem(
            place,
            format!(
                "an answer may be at most {} characters; lower 'max_length' or 'max_items'",
                crate::domain::content::ANSWER_MAX
            ),
        );
    }
    let filter = raw.filter.unwrap_or(false);
    if filter
        && !matches!(
            kind,
            QuestionKind::Choice { .. }
                | QuestionKind::Multichoice { .. }
                | QuestionKind::Boolean
                | QuestionKind::Price { .. }
        )
    {
        checker.problem(
            place,
            format!(
                "a {} question cannot be a search filter; only choice, multichoice, boolean \
                 and price can",
                kind.name()
            ),
        );
    }
    let searchable = raw.searchable.unwrap_or(false);
    if searchable
        && !matches!(
            kind,
            QuestionKind::Text { .. } | QuestionKind::Textarea { .. } | QuestionKind::List { .. }
        )
    {
        checker.problem(
            place,
            format!(
                "a {} question cannot be searchable; only text, textarea and list can",
                kind.name()
            ),
        );
    }
    let role = raw
        .role
        .as_deref()
        .and_then(|r| role(checker, place, r, &kind));
    let required = raw.required.unwrap_or(true);
    if let Some(role) = role
        && !required
    {
        checker.problem(
            place,
            format!("a question with role '{}' must be required", role.as_str()),
        );
    }
    Some(Question {
        id: raw.id.clone(),
        label,
        hint,
        required,
        filter,
        searchable,
        role,
        kind,
    })
}
