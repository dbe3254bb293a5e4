//! Framework content files: what a framework's lots ask suppliers (questions, types, limits,
//! which answers become search filters) and its supplier declaration, as TOML data validated
//! when loaded, so that a new framework needs no code. The format is described for framework
//! managers in `docs/content-files.md`.
//!
//! Forms are read as [`FormValues`]: every submitted field name with all of its values, in
//! order. A question's field is named by its id; a price adds `{id}.unit` and `{id}.currency`.
//! A multichoice question comes as repeated values (checkboxes); a list question comes as
//! repeated values, one item each, or as one textarea with an item per line (both work).
//! Document questions are not form fields: their uploads are checked with
//! [`Lot::check_documents`].

mod answer_error;
mod answers;
mod check;
mod declaration;
mod facets;
mod load;
mod parsers;

#[cfg(test)]
mod load_tests;

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

pub use answers::{
    AnswerError, AnswerErrors, AnswerValue, Answers, FormValues, Price, form_values,
};
pub use declaration::{Declaration, DeclarationOutcome, DeclarationQuestion, Failure, PassIf};
pub use facets::{DisplayAnswer, Facet, FacetKind, ServiceSummary, yes_no};
pub use load::DOCUMENT_LIMIT;
pub use load::{ContentError, ContentProblem};

/// The largest request that uploads one document: the largest document any content file may
/// allow, and room for the multipart framing and the form's other fields.
pub const UPLOAD_BODY_LIMIT: usize = DOCUMENT_LIMIT as usize + 1024 * 1024;
pub use parsers::{parse_number, parse_price_amount, split_list};

/// The cloud framework (IaaS, PaaS, SaaS, specialist cloud) used by the demo seed.
pub const CLOUD_CONTENT: &str = include_str!("../../../content/cloud.toml");
/// The digital outcomes and specialists framework used by the demo seed.
pub const OUTCOMES_CONTENT: &str = include_str!("../../../content/outcomes.toml");

/// A text in both of Marco's languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: String,
    /// Spanish.
    pub es: String,
}

impl Text {
    /// The text for a language code such as `es` or `en`; anything but Spanish gets English.
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("es") {
            &self.es
        } else {
            &self.en
        }
    }
}

/// One option of a choice, a multichoice or a pricing unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceOption {
    /// The stored value, a slug, also used in search filter URLs.
    pub value: String,
    /// What people see.
    pub label: Text,
}

/// What kind of answer a question takes, with its limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    /// One line of text.
    Text {
        /// Most characters.
        max_length: usize,
    },
    /// Several lines of text.
    Textarea {
        /// Most characters, if limited.
        max_length: Option<usize>,
        /// Most words, if limited.
        max_words: Option<usize>,
    },
    /// A number.
    Number {
        /// Smallest allowed.
        min: Option<Decimal>,
        /// Largest allowed.
        max: Option<Decimal>,
        /// Whether only whole numbers are allowed.
        integer: bool,
    },
    /// An amount of money per pricing unit, in one of the currencies.
    Price {
        /// Pricing units, e.g. per user, per day.
        units: Vec<ChoiceOption>,
        /// ISO 4217 codes; the first is the default.
        currencies: Vec<String>,
    },
    /// Exactly one of the options.
    Choice {
        /// The options.
        options: Vec<ChoiceOption>,
    },
    /// Some of the options.
    Multichoice {
        /// The options.
        options: Vec<ChoiceOption>,
        /// Fewest to pick when answering.
        min_selections: usize,
        /// Most to pick.
        max_selections: usize,
    },
    /// Yes or no.
    Boolean,
    /// A list of short items, e.g. service features.
    List {
        /// Most items.
        max_items: usize,
        /// Most characters per item.
        max_length: usize,
        /// Most words per item, if limited.
        max_words: Option<usize>,
    },
    /// A PDF upload; the upload itself is handled outside this module.
    Document {
        /// Largest file accepted.
        max_bytes: u64,
    },
}

/// The most characters any answer may have, as the form field takes it: the same as
/// `marco_frontend::forms::FIELD_MAX`, the limit of a form field with no limit of its own.
pub const ANSWER_MAX: usize = 20_000;

impl QuestionKind {
    /// The most characters the answer's form field takes (a list is one item per line).
    pub fn max_chars(&self) -> usize {
        match self {
            QuestionKind::Text { max_length } => *max_length,
            QuestionKind::Textarea { max_length, .. } => max_length.unwrap_or(ANSWER_MAX),
            QuestionKind::List {
                max_items,
                max_length,
                ..
            } => max_items.saturating_mul(max_length.saturating_add(2)),
            QuestionKind::Number { .. } | QuestionKind::Price { .. } => 32,
            _ => 200,
        }
    }

    /// The type's name in content files.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Text { .. } => "text",
            QuestionKind::Textarea { .. } => "textarea",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Price { .. } => "price",
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::Multichoice { .. } => "multichoice",
            QuestionKind::Boolean => "boolean",
            QuestionKind::List { .. } => "list",
            QuestionKind::Document { .. } => "document",
        }
    }

    /// The options of a choice or multichoice, or the units of a price; empty otherwise.
    pub fn options(&self) -> &[ChoiceOption] {
        match self {
            QuestionKind::Choice { options } | QuestionKind::Multichoice { options, .. } => options,
            QuestionKind::Price { units, .. } => units,
            _ => &[],
        }
    }
}

/// A question's special meaning for a service listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The service name (a text question).
    Name,
    /// The service description (text or textarea).
    Description,
    /// The service features (a list).
    Features,
    /// The service price (a price).
    Price,
}

impl Role {
    /// Every role, each of which a lot must map exactly once.
    pub const ALL: [Role; 4] = [Role::Name, Role::Description, Role::Features, Role::Price];

    /// The role's name in content files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Name => "name",
            Role::Description => "description",
            Role::Features => "features",
            Role::Price => "price",
        }
    }
}

/// One question of a lot or of the declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// Slug, unique within its lot; also the form field name and the answer key.
    pub id: String,
    /// The question.
    pub label: Text,
    /// Help shown under the label.
    pub hint: Option<Text>,
    /// Whether submission needs an answer.
    pub required: bool,
    /// Whether answers become a search facet.
    pub filter: bool,
    /// Whether the answer's text goes into keyword search.
    pub searchable: bool,
    /// Its special meaning, if any.
    pub role: Option<Role>,
    /// Its type and limits.
    pub kind: QuestionKind,
}

impl Question {
    /// The label of an option (or pricing unit) value, if it is one of this question's.
    pub fn option_label(&self, value: &str) -> Option<&Text> {
        self.kind
            .options()
            .iter()
            .find(|o| o.value == value)
            .map(|o| &o.label)
    }
}

/// A lot: one kind of service suppliers can list, with its questions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lot {
    /// Slug, unique within the framework, e.g. `cloud-software`.
    pub slug: String,
    /// Name, e.g. "Cloud software (SaaS)".
    pub name: Text,
    /// What the lot is for.
    pub description: Text,
    /// Bought through briefs (further competition among the lot's suppliers, as Digital
    /// Outcomes and Specialists) rather than from catalogue prices.
    pub briefs: bool,
    /// Questions in form order.
    pub questions: Vec<Question>,
}

impl Lot {
    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The question with this role; loading guarantees there is exactly one.
    pub fn role(&self, role: Role) -> Option<&Question> {
        self.questions.iter().find(|q| q.role == Some(role))
    }
}

/// What a framework is, before any dates or iteration are set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameworkInfo {
    /// Family slug, e.g. `cloud-services`; iterations are `cloud-services-3`.
    pub slug: String,
    /// Family, e.g. "Cloud Services".
    pub family: Text,
    /// Default name of a new iteration.
    pub name: Text,
    /// A public description.
    pub description: Option<Text>,
}

/// A validated framework content file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentFile {
    /// Framework metadata.
    pub framework: FrameworkInfo,
    /// Lots in display order.
    pub lots: Vec<Lot>,
    /// The supplier declaration.
    pub declaration: Declaration,
    /// SHA-256 (hex) of the file text, to store with the framework.
    pub hash: String,
}

impl ContentFile {
    /// Parses and validates a content file; every problem found is reported, with its place.
    pub fn parse(text: &str) -> Result<ContentFile, ContentError> {
        load::parse(text)
    }

    /// The lot with this slug.
    pub fn lot(&self, slug: &str) -> Option<&Lot> {
        self.lots.iter().find(|l| l.slug == slug)
    }
}

/// The stable hash of a content file's text: SHA-256, lower-case hex.
pub fn content_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
