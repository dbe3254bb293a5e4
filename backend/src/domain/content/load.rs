//! Reading a content file: TOML into raw shapes (unknown keys refused), then every rule checked
//! with a message that names the place, so a framework manager can fix the file.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{ChoiceOption, ContentFile, FrameworkInfo, Lot, Role, Text, content_hash};

#[path = "load_declaration.rs"]
mod declaration;
#[path = "load_kind.rs"]
mod kind;
pub use kind::DOCUMENT_LIMIT;

/// Largest content file accepted; real ones are a few tens of kilobytes.
const MAX_FILE_BYTES: usize = 512 * 1024;

/// Every question type, in the order error messages list them.
const TYPES: [&str; 9] = [
    "text",
    "textarea",
    "number",
    "price",
    "choice",
    "multichoice",
    "boolean",
    "list",
    "document",
];

/// One problem in a content file, at a place such as `lot 'saas', question 'hosting'`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentProblem {
    /// Where: `framework`, `lot 'x'`, `lot 'x', question 'y'` or `declaration, question 'y'`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ContentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// Why a content file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// Larger than any real content file.
    #[error("the content file is larger than {} KB", MAX_FILE_BYTES / 1024)]
    TooLarge,
    /// Not TOML, or a key that the format does not have; the message gives line and column.
    #[error("{0}")]
    Syntax(String),
    /// Valid TOML that breaks the format's rules, every problem listed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ContentProblem>),
}

impl ContentError {
    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            ContentError::TooLarge => "content_too_large",
            ContentError::Syntax(_) => "content_syntax",
            ContentError::Invalid(_) => "content_invalid",
        }
    }

    /// The problems found, each with its place (empty for size and syntax errors).
    pub fn problems(&self) -> &[ContentProblem] {
        match self {
            ContentError::Invalid(problems) => problems,
            _ => &[],
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    framework: RawFramework,
    #[serde(default)]
    lots: Vec<RawLot>,
    declaration: RawDeclaration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    en: Option<String>,
    es: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    slug: String,
    family: RawText,
    name: RawText,
    description: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLot {
    slug: String,
    name: RawText,
    description: RawText,
    #[serde(default)]
    briefs: bool,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeclaration {
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    value: String,
    en: Option<String>,
    es: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPassIf {
    Bool(bool),
    One(String),
    Many(Vec<String>),
}

/// Every key any question may have; which apply depends on the type, checked afterwards so
/// the message can name the question.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    label: RawText,
    hint: Option<RawText>,
    required: Option<bool>,
    filter: Option<bool>,
    searchable: Option<bool>,
    role: Option<String>,
    max_length: Option<u32>,
    max_words: Option<u32>,
    min: Option<Decimal>,
    max: Option<Decimal>,
    integer: Option<bool>,
    options: Option<Vec<RawOption>>,
    units: Option<Vec<RawOption>>,
    currencies: Option<Vec<String>>,
    min_selections: Option<u32>,
    max_selections: Option<u32>,
    max_items: Option<u32>,
    max_bytes: Option<u64>,
    mandatory: Option<bool>,
    pass_if: Option<RawPassIf>,
    fail_reason: Option<RawText>,
}

/// Collects problems while building the checked file.
#[derive(Default)]
struct Checker {
    problems: Vec<ContentProblem>,
}

impl Checker {
    fn problem(&mut self, place: &str, message: impl Into<String>) {
        self.problems.push(ContentProblem {
            place: place.to_owned(),
            message: message.into(),
        });
    }

    fn slug(&mut self, place: &str, what: &str, slug: &str) {
        let ok = slug.len() <= 60
            && slug.starts_with(|c: char| c.is_ascii_lowercase())
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            self.problem(
                place,
                format!(
                    "{what} '{slug}' must start with a lower-case letter and use only a-z, 0-9, \
                     '-' and '_' (at most 60 characters)"
                ),
            );
        }
    }

    fn text(&mut self, place: &str, what: &str, raw: &RawText) -> Text {
        let en = raw.en.as_deref().map(str::trim).unwrap_or_default();
        let es = raw.es.as_deref().map(str::trim).unwrap_or_default();
        if en.is_empty() {
            self.problem(place, format!("{what}: missing English text (en)"));
        }
        if es.is_empty() {
            self.problem(place, format!("{what}: missing Spanish text (es)"));
        }
        Text {
            en: en.to_owned(),
            es: es.to_owned(),
        }
    }

    fn options(&mut self, place: &str, what: &str, raw: &[RawOption]) -> Vec<ChoiceOption> {
        if raw.is_empty() {
            self.problem(place, format!("{what} must list at least one option"));
        }
        let mut seen = BTreeSet::new();
        raw.iter()
            .map(|option| {
                self.slug(place, "option value", &option.value);
                if !seen.insert(option.value.as_str()) {
                    self.problem(place, format!("option '{}' is listed twice", option.value));
                }
                let text = RawText {
                    en: option.en.clone(),
                    es: option.es.clone(),
                };
                ChoiceOption {
                    value: option.value.clone(),
                    label: self.text(place, &format!("option '{}'", option.value), &text),
                }
            })
            .collect()
    }
}

pub(super) fn parse(text: &str) -> Result<ContentFile, ContentError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ContentError::TooLarge);
    }
    let raw: RawFile =
        toml::from_str(text).map_err(|err| ContentError::Syntax(err.to_string().trim().into()))?;
    let mut checker = Checker::default();
    let framework = framework(&mut checker, &raw.framework);
    if raw.lots.is_empty() {
        checker.problem("framework", "a framework needs at least one [[lots]]");
    }
    let mut slugs = BTreeSet::new();
    let lots = raw
        .lots
        .iter()
        .map(|lot| {
            if !slugs.insert(lot.slug.as_str()) {
                checker.problem(
                    &format!("lot '{}'", lot.slug),
                    "another lot has the same slug",
                );
            }
            self::lot(&mut checker, lot)
        })
        .collect();
    let declaration = declaration::declaration(&mut checker, &raw.declaration);
    if !checker.problems.is_empty() {
        return Err(ContentError::Invalid(checker.problems));
    }
    Ok(ContentFile {
        framework,
        lots,
        declaration,
        hash: content_hash(text),
    })
}

fn framework(checker: &mut Checker, raw: &RawFramework) -> FrameworkInfo {
    let place = "framework";
    checker.slug(place, "slug", &raw.slug);
    FrameworkInfo {
        slug: raw.slug.clone(),
        family: checker.text(place, "family", &raw.family),
        name: checker.text(place, "name", &raw.name),
        description: raw
            .description
            .as_ref()
            .map(|d| checker.text(place, "description", d)),
    }
}

fn lot(checker: &mut Checker, raw: &RawLot) -> Lot {
    let place = format!("lot '{}'", raw.slug);
    checker.slug(&place, "slug", &raw.slug);
    let name = checker.text(&place, "name", &raw.name);
    let description = checker.text(&place, "description", &raw.description);
    if raw.questions.is_empty() {
        checker.problem(&place, "a lot needs at least one [[lots.questions]]");
    }
    let mut ids = BTreeSet::new();
    let mut roles: BTreeMap<Role, Vec<String>> = BTreeMap::new();
    let mut questions = Vec::new();
    for q in &raw.questions {
        let q_place = format!("{place}, question '{}'", q.id);
        if !ids.insert(q.id.as_str()) {
            checker.problem(&q_place, "another question in this lot has the same id");
        }
        for (key, set) in [
            ("mandatory", q.mandatory.is_some()),
            ("pass_if", q.pass_if.is_some()),
            ("fail_reason", q.fail_reason.is_some()),
        ] {
            if set {
                checker.problem(
                    &q_place,
                    format!("'{key}' applies only to declaration questions"),
                );
            }
        }
        let Some(question) = kind::question(checker, &q_place, q) else {
            continue;
        };
        if let Some(role) = question.role {
            roles.entry(role).or_default().push(question.id.clone());
        }
        questions.push(question);
    }
    for role in Role::ALL {
        match roles.get(&role).map(Vec::as_slice) {
            Some([_]) => {}
            Some(ids) => checker.problem(
                &place,
                format!(
                    "role '{}' is on several questions: {}",
                    role.as_str(),
                    ids.join(", ")
                ),
            ),
            None => checker.problem(
                &place,
                format!(
                    "no question has role '{}'; every lot needs one",
                    role.as_str()
                ),
            ),
        }
    }
    Lot {
        slug: raw.slug.clone(),
        name,
        description,
        briefs: raw.briefs,
        questions,
    }
}
