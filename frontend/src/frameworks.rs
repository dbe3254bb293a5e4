//! Framework pages: the list, one framework, creating one, a supplier's application and the
//! manager's evaluation. Page structs hold display-ready text; templates never fetch.

use askama::Template;
use askama_web::WebTemplate;

use crate::forms::Form;
use crate::pages::Shell;

/// A framework in a list.
#[derive(Clone, Debug)]
pub struct FrameworkRow {
    /// URL slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Family.
    pub family: String,
    /// State code (coming, open, …).
    pub status: String,
    /// State, translated.
    pub status_label: String,
    /// Applications close, formatted.
    pub closes: String,
    /// Expires, formatted.
    pub expires: String,
}

/// Every framework.
#[derive(Template, WebTemplate)]
#[template(path = "frameworks/list.html")]
pub struct FrameworksPage {
    /// The layout.
    pub shell: Shell,
    /// The frameworks.
    pub rows: Vec<FrameworkRow>,
    /// Whether the viewer may create one.
    pub can_create: bool,
}

/// A label and a value, for summary lists.
#[derive(Clone, Debug)]
pub struct Fact {
    /// Label.
    pub label: String,
    /// Value.
    pub value: String,
}

/// A lot as shown.
#[derive(Clone, Debug)]
pub struct LotView {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Services available to buyers in the lot.
    pub services: usize,
    /// Suppliers with at least one of them.
    pub suppliers: usize,
}

/// One date of a framework's timetable, for the process list on its page.
#[derive(Clone, Debug)]
pub struct TimetableStep {
    /// What happens.
    pub label: String,
    /// When, in words.
    pub when: String,
    /// Whether the date has passed.
    pub done: bool,
}

/// What a manager can do on the framework page.
#[derive(Clone, Debug)]
pub struct ManagerPanel {
    /// The next state (code, translated label), if any.
    pub next: Option<(String, String)>,
    /// Number of applications.
    pub applications: usize,
    /// Number submitted.
    pub submitted: usize,
}

/// What a supplier can do on the framework page.
#[derive(Clone, Debug)]
pub struct SupplierPanel {
    /// Whether the supplier has registered interest.
    pub has_application: bool,
    /// Whether it may register now.
    pub can_apply: bool,
}

/// One framework.
#[derive(Template, WebTemplate)]
#[template(path = "frameworks/show.html")]
pub struct FrameworkPage {
    /// The layout.
    pub shell: Shell,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// State code.
    pub status: String,
    /// State, translated.
    pub status_label: String,
    /// Family, iteration, numbers of suppliers and services, and the ocid.
    pub facts: Vec<Fact>,
    /// The timetable, in order.
    pub timetable: Vec<TimetableStep>,
    /// The iteration this one continues and the one that continues it: (name, slug).
    pub previous: Option<(String, String)>,
    /// The next iteration: (name, slug).
    pub next: Option<(String, String)>,
    /// The ocid, for the open-data link.
    pub ocid: String,
    /// The lots.
    pub lots: Vec<LotView>,
    /// Manager actions.
    pub manager: Option<ManagerPanel>,
    /// Supplier actions.
    pub supplier: Option<SupplierPanel>,
    /// The CSRF token for the action forms.
    pub csrf: String,
    /// A success message.
    pub notice: Option<String>,
    /// A refusal, in words.
    pub problem: Option<String>,
}

/// The form to create a framework from a content file.
#[derive(Template, WebTemplate)]
#[template(path = "frameworks/new.html")]
pub struct NewFrameworkPage {
    /// The layout.
    pub shell: Shell,
    /// The form.
    pub form: Form,
}

/// One field of a form generated from a framework content file.
#[derive(Clone, Debug, Default)]
pub struct QuestionField {
    /// Field name (the question id).
    pub id: String,
    /// Label.
    pub label: String,
    /// Hint.
    pub hint: String,
    /// text, textarea, number, price, choice, multichoice, boolean, list or document.
    pub kind: String,
    /// The most characters the field takes (`maxlength`).
    pub max_chars: usize,
    /// Whether an answer is required to submit.
    pub required: bool,
    /// The current text value (text, textarea, number, list one per line, price amount).
    pub value: String,
    /// Options (value, label, selected) for choice, multichoice, boolean and price units.
    pub options: Vec<(String, String, bool)>,
    /// Currency of a price.
    pub currency: String,
    /// The problem with the answer.
    pub error: Option<String>,
    /// Uploaded documents (name, url).
    pub documents: Vec<(String, String)>,
}

/// A task of the application task list.
#[derive(Clone, Debug)]
pub struct Task {
    /// What to do.
    pub label: String,
    /// Where.
    pub href: Option<String>,
    /// Status text.
    pub status: String,
    /// Whether it is done.
    pub done: bool,
}

/// A draft service in the application.
#[derive(Clone, Debug)]
pub struct DraftRow {
    /// Id.
    pub id: i64,
    /// Name or placeholder.
    pub name: String,
    /// Lot name.
    pub lot: String,
    /// Whether complete.
    pub complete: bool,
    /// What an incomplete draft still needs: the questions' labels.
    pub missing: Vec<String>,
    /// Evaluation result, translated.
    pub result: Option<String>,
}

/// A supplier's application task list.
#[derive(Template, WebTemplate)]
#[template(path = "frameworks/application.html")]
pub struct ApplicationPage {
    /// The layout.
    pub shell: Shell,
    /// Framework slug.
    pub slug: String,
    /// Framework name.
    pub framework: String,
    /// Deadline, formatted.
    pub deadline: String,
    /// Whether changes are still accepted.
    pub editable: bool,
    /// Whether it was submitted.
    pub submitted: bool,
    /// The tasks.
    pub tasks: Vec<Task>,
    /// Drafts.
    pub drafts: Vec<DraftRow>,
    /// Lots to add a service to (slug, name).
    pub lots: Vec<(String, String)>,
    /// Whether services can be copied from the previous iteration.
    pub can_copy: bool,
    /// Whether the declaration can be reused from the previous iteration.
    pub can_reuse: bool,
    /// The result, translated, with the reason.
    pub result: Option<(String, String)>,
    /// Whether the supplier may sign the agreement now.
    pub can_sign: bool,
    /// "Signed by the supplier's … on …", translated.
    pub signed: Option<String>,
    /// Countersigned date.
    pub countersigned: Option<String>,
    /// The CSRF token.
    pub csrf: String,
    /// A success message.
    pub notice: Option<String>,
    /// Problems.
    pub form: Form,
}

/// A form of questions (the declaration or a draft service).
#[derive(Template, WebTemplate)]
#[template(path = "frameworks/questions.html")]
pub struct QuestionsPage {
    /// The layout.
    pub shell: Shell,
    /// Page heading.
    pub title: String,
    /// Lead paragraph.
    pub lead: String,
    /// Where the form posts.
    pub action: String,
    /// Where documents are uploaded (drafts only).
    pub upload_action: Option<String>,
    /// Back link.
    pub back: String,
    /// The fields.
    pub fields: Vec<QuestionField>,
    /// Whether the form can be changed.
    pub editable: bool,
    /// Form state (CSRF, summary of problems).
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// An application in the manager's list.
#[derive(Clone, Debug)]
pub struct ApplicationRow {
    /// Id.
    pub id: i64,
    /// Supplier name.
    pub supplier: String,
    /// Status, translated.
    pub status: String,
    /// Services drafted.
    pub services: usize,
    /// Automatic fails, in words.
    pub automatic_fails: Vec<String>,
    /// Result, translated.
    pub result: Option<String>,
    /// Agreement state, translated.
    pub agreement: String,
}

/// The manager's list of applications.
#[derive(Template, WebTemplate)]
#[template(path = "frameworks/applications.html")]
pub struct ApplicationsPage {
    /// The layout.
    pub shell: Shell,
    /// Framework slug.
    pub slug: String,
    /// Framework name.
    pub framework: String,
    /// Rows.
    pub rows: Vec<ApplicationRow>,
}

/// A draft as the evaluator sees it.
#[derive(Clone, Debug)]
pub struct DraftReview {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Lot name.
    pub lot: String,
    /// Answers (label, value).
    pub answers: Vec<Fact>,
    /// Current result code.
    pub result: String,
    /// Current reason.
    pub reason: String,
}

/// The manager's view of one application.
#[derive(Template, WebTemplate)]
#[template(path = "frameworks/evaluate.html")]
pub struct EvaluatePage {
    /// The layout.
    pub shell: Shell,
    /// Framework slug.
    pub slug: String,
    /// Framework name.
    pub framework: String,
    /// Application id.
    pub id: i64,
    /// Supplier name.
    pub supplier: String,
    /// Declaration answers.
    pub declaration: Vec<Fact>,
    /// Automatic fails, in words.
    pub automatic_fails: Vec<String>,
    /// Drafts.
    pub drafts: Vec<DraftReview>,
    /// Current result code.
    pub result: String,
    /// Current reason.
    pub reason: String,
    /// Whether evaluation is open.
    pub can_evaluate: bool,
    /// "Signed by the supplier's … on …", translated.
    pub signed: Option<String>,
    /// Whether the manager may countersign now.
    pub can_countersign: bool,
    /// Countersigned date.
    pub countersigned: Option<String>,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}
