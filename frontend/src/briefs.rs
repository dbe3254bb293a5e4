//! Brief pages: the public opportunities list and brief page; the buyer's briefs, the brief
//! form and the page that runs a brief from draft to contract; the panel's scoring and the
//! moderator's agreement; the category reviewer's queue; the supplier's response form,
//! responses list, alerts and debrief.

use askama::Template;
use askama_web::WebTemplate;

use crate::forms::Form;
use crate::frameworks::Fact;
use crate::pages::Shell;

/// A brief in a list.
#[derive(Clone, Debug)]
pub struct BriefRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The buying organisation.
    pub buyer: String,
    /// The lot's name.
    pub lot: String,
    /// Where.
    pub location: String,
    /// The budget range, formatted.
    pub budget: String,
    /// Closing time, formatted (empty for drafts).
    pub closing: String,
    /// Status code.
    pub status: String,
    /// Status label.
    pub status_label: String,
}

/// A part of a brief: a heading, paragraphs, and a list.
#[derive(Clone, Debug)]
pub struct Section {
    /// Anchor id.
    pub id: String,
    /// Heading.
    pub heading: String,
    /// Paragraphs.
    pub paragraphs: Vec<String>,
    /// List entries.
    pub list: Vec<String>,
}

/// A published answer.
#[derive(Clone, Debug)]
pub struct AnswerView {
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
    /// When it was answered.
    pub at: String,
}

/// One entry of a brief's history.
#[derive(Clone, Debug)]
pub struct HistoryRow {
    /// Version.
    pub version: i32,
    /// What happened.
    pub what: String,
    /// When.
    pub at: String,
    /// Fields changed.
    pub fields: String,
}

/// `/opportunities`: published briefs with search and filters.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/opportunities.html")]
pub struct OpportunitiesPage {
    /// The layout.
    pub shell: Shell,
    /// The briefs found.
    pub rows: Vec<BriefRow>,
    /// Filter values: q, lot, location, budget_up_to, closing_by, status.
    pub form: Form,
    /// Lots to filter by: (slug, name).
    pub lots: Vec<(String, String)>,
    /// Whether the viewer is a supplier (who can set alerts).
    pub supplier: bool,
}

/// A brief's public page, with the supplier's and the buyer's next steps.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/brief.html")]
pub struct BriefPage {
    /// The layout.
    pub shell: Shell,
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Its ocid, for the link to its OCDS record.
    pub ocid: String,
    /// Status code.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Key facts: buyer, lot, budget, dates.
    pub facts: Vec<Fact>,
    /// The brief's parts.
    pub sections: Vec<Section>,
    /// The business case's parts.
    pub business_case: Vec<Section>,
    /// Answered questions.
    pub answers: Vec<AnswerView>,
    /// Questions waiting for an answer.
    pub unanswered: usize,
    /// The brief's history.
    pub history: Vec<HistoryRow>,
    /// The outcome, once decided.
    pub outcome: Vec<Fact>,
    /// The viewer may ask a question.
    pub can_ask: bool,
    /// The viewer may respond.
    pub can_respond: bool,
    /// Why a signed-in supplier cannot respond, if so.
    pub cannot_respond: Option<String>,
    /// The viewer's organisation owns the brief.
    pub own: bool,
    /// The viewer has a debrief to read.
    pub debrief: bool,
    /// The viewer is shortlisted for the challenge and may submit a prototype.
    pub prototype: bool,
    /// The viewer's own questions: (question, answered).
    pub my_questions: Vec<(String, bool)>,
    /// Form state (the question form).
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// The buyer's briefs, and the form to start one.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/mine.html")]
pub struct MyBriefsPage {
    /// The layout.
    pub shell: Shell,
    /// The organisation's briefs.
    pub rows: Vec<BriefRow>,
    /// Lots a brief can be started on: (value `framework/lot`, label).
    pub lots: Vec<(String, String)>,
    /// The viewer holds `can_publish_briefs`.
    pub can_create: bool,
    /// Form state.
    pub form: Form,
}

/// An option of a choice: (value, label, chosen).
pub type Choice = (String, String, bool);

/// The brief form: a draft, or a live brief being edited.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/edit.html")]
pub struct EditBriefPage {
    /// The layout.
    pub shell: Shell,
    /// Id.
    pub id: i64,
    /// The brief is live (edits are published and sent to suppliers).
    pub live: bool,
    /// The lot's name.
    pub lot: String,
    /// Assessment methods.
    pub methods: Vec<Choice>,
    /// Price bases.
    pub price_bases: Vec<Choice>,
    /// The budget above which a business case needs review, in words.
    pub review_rule: String,
    /// The organisation's contracts this brief may follow: (id, title, chosen).
    pub contracts: Vec<Choice>,
    /// Form state: the values as typed, and the problems by field.
    pub form: Form,
}

/// A question as its buyer sees it.
#[derive(Clone, Debug)]
pub struct QuestionRow {
    /// Id.
    pub id: i64,
    /// The question.
    pub question: String,
    /// When asked.
    pub asked: String,
    /// The answer, if given.
    pub answer: Option<String>,
}

/// A response as the buyer sees it after opening.
#[derive(Clone, Debug)]
pub struct ResponseRow {
    /// Id.
    pub id: i64,
    /// The supplier.
    pub supplier: String,
    /// When submitted.
    pub submitted: String,
    /// Result label (eligible, failed an essential criterion, awarded…).
    pub result: String,
    /// The essential criterion failed, if any.
    pub failed: Option<String>,
    /// Price.
    pub price: String,
    /// The written total, once agreed.
    pub proposal: String,
    /// The challenge score, once agreed.
    pub challenge: String,
    /// The final score.
    pub total: String,
    /// Rank.
    pub rank: String,
    /// Whether it is ranked first.
    pub first: bool,
    /// Shortlisted for the challenge.
    pub shortlisted: bool,
    /// The prototype's links: (repository, demo).
    pub prototype: Option<(String, String)>,
}

/// A complaint as the buyer sees it.
#[derive(Clone, Debug)]
pub struct ComplaintRow {
    /// Id.
    pub id: i64,
    /// The supplier.
    pub supplier: String,
    /// The complaint.
    pub complaint: String,
    /// When raised.
    pub raised: String,
    /// The reply, if given.
    pub reply: Option<String>,
}

/// A colleague who may sit on the panel.
#[derive(Clone, Debug)]
pub struct Colleague {
    /// User id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// On the panel.
    pub member: bool,
    /// The moderator.
    pub moderator: bool,
}

/// The page that runs a brief, for its buyer.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/manage.html")]
pub struct ManagePage {
    /// The layout.
    pub shell: Shell,
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Status code.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Business-case review code.
    pub review: String,
    /// Its label.
    pub review_label: String,
    /// Key facts.
    pub facts: Vec<Fact>,
    /// Review history: (what, reason, when).
    pub reviews: Vec<(String, String, String)>,
    /// Questions to answer.
    pub questions: Vec<QuestionRow>,
    /// Colleagues for the panel.
    pub colleagues: Vec<Colleague>,
    /// The panel: (name, written scores submitted, challenge scores submitted).
    pub panel: Vec<(String, bool, bool)>,
    /// Opened responses (empty while sealed).
    pub responses: Vec<ResponseRow>,
    /// The responses are still sealed.
    pub sealed: bool,
    /// Complaints.
    pub complaints: Vec<ComplaintRow>,
    /// History.
    pub history: Vec<HistoryRow>,
    /// What the viewer may do: edit, request_review, publish, withdraw, panel, score,
    /// score_challenge, moderate, moderate_challenge, challenge, award.
    pub actions: Vec<String>,
    /// The brief has a prototype challenge.
    pub has_challenge: bool,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

impl ManagePage {
    /// Whether the viewer may take `action`.
    pub fn can(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action)
    }
}

/// One criterion of a response on the scoring page.
#[derive(Clone, Debug)]
pub struct ScoreRow {
    /// Position of the criterion.
    pub index: usize,
    /// The criterion.
    pub criterion: String,
    /// The supplier's evidence for it (the written stage).
    pub evidence: Option<String>,
    /// The other members' scores, once the viewer may see them: (member, score, comment).
    pub others: Vec<(String, String, String)>,
    /// The viewer's score, or the moderator's starting point.
    pub score: String,
    /// The viewer's comment.
    pub comment: String,
}

/// A response to score.
#[derive(Clone, Debug)]
pub struct ScoreResponse {
    /// Id.
    pub id: i64,
    /// The supplier.
    pub supplier: String,
    /// Price.
    pub price: String,
    /// The prototype's links (the challenge).
    pub prototype: Option<(String, String)>,
    /// One row per criterion.
    pub rows: Vec<ScoreRow>,
}

/// Scoring (a panel member) or agreeing the scores (the moderator) for one stage.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/score.html")]
pub struct ScorePage {
    /// The layout.
    pub shell: Shell,
    /// Brief id.
    pub id: i64,
    /// Brief title.
    pub title: String,
    /// `proposal` or `challenge`.
    pub stage: String,
    /// The stage in words.
    pub stage_label: String,
    /// The moderator's agreement form rather than a member's scoring.
    pub moderating: bool,
    /// The responses.
    pub responses: Vec<ScoreResponse>,
    /// The viewer submitted their scores for the stage.
    pub submitted: bool,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// One criterion of the response form.
#[derive(Clone, Debug)]
pub struct CriterionField {
    /// Position.
    pub index: usize,
    /// The criterion.
    pub text: String,
    /// Its kind, in words.
    pub kind: String,
    /// For an essential criterion, its position among them.
    pub essential: Option<usize>,
}

/// A supplier's response form.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/respond.html")]
pub struct RespondPage {
    /// The layout.
    pub shell: Shell,
    /// Brief id.
    pub id: i64,
    /// Brief title.
    pub title: String,
    /// The criteria.
    pub criteria: Vec<CriterionField>,
    /// How to price, in words (with the currency).
    pub price_hint: String,
    /// The response's state in words.
    pub state: String,
    /// When it closes.
    pub closing: String,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// A line of a debrief.
#[derive(Clone, Debug)]
pub struct DebriefRow {
    /// The stage in words.
    pub stage: String,
    /// The criterion.
    pub criterion: String,
    /// The supplier's agreed score.
    pub own: String,
    /// The panel's comment on it.
    pub comment: String,
    /// The winner's agreed score.
    pub winner: String,
}

/// A supplier's debrief, with its complaints.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/debrief.html")]
pub struct DebriefPage {
    /// The layout.
    pub shell: Shell,
    /// Brief id.
    pub id: i64,
    /// Brief title.
    pub title: String,
    /// Key facts: result, rank, responses, reasons.
    pub facts: Vec<Fact>,
    /// Scores per criterion.
    pub rows: Vec<DebriefRow>,
    /// The supplier may complain now.
    pub can_complain: bool,
    /// Their complaints: (complaint, reply).
    pub complaints: Vec<(String, Option<String>)>,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// Business cases waiting for a category reviewer.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/reviews.html")]
pub struct ReviewsPage {
    /// The layout.
    pub shell: Shell,
    /// Briefs waiting.
    pub rows: Vec<BriefRow>,
}

/// One business case to review.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/review.html")]
pub struct ReviewPage {
    /// The layout.
    pub shell: Shell,
    /// Brief id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Key facts.
    pub facts: Vec<Fact>,
    /// The brief's parts.
    pub sections: Vec<Section>,
    /// The business case's parts.
    pub business_case: Vec<Section>,
    /// The case is waiting for a decision.
    pub pending: bool,
    /// Form state.
    pub form: Form,
}

/// A supplier's response in its list.
#[derive(Clone, Debug)]
pub struct MyResponseRow {
    /// Brief id.
    pub id: i64,
    /// Brief title.
    pub title: String,
    /// The brief's status label.
    pub brief_status: String,
    /// The response's state.
    pub state: String,
    /// Closing time.
    pub closing: String,
    /// A debrief is there to read.
    pub debrief: bool,
}

/// The supplier's responses, and how they hear of new briefs.
#[derive(Template, WebTemplate)]
#[template(path = "briefs/responses.html")]
pub struct ResponsesPage {
    /// The layout.
    pub shell: Shell,
    /// Their responses, newest first.
    pub rows: Vec<MyResponseRow>,
    /// Alert modes.
    pub modes: Vec<Choice>,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}
