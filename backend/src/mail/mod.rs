//! Outgoing e-mail through a transactional outbox.
//!
//! A change that should tell someone calls [`enqueue`] inside its own transaction: the message
//! is rendered there and then (subject, plain text and HTML, in the person's language) and
//! stored in `mail_outbox`, so it commits or rolls back with the change. The [`worker`] claims
//! due messages under a time-limited lease, sends them through a [`transport::Transport`]
//! (SMTP, or `.eml` files in the embedded default), and marks them sent; failures are retried
//! with exponential back-off. A worker that dies loses only its lease: the message is claimed
//! again when the lease ends, so none is lost. Logs name the outbox id, never an address or a
//! body.

pub mod render;
pub mod store;
pub mod transport;
pub mod worker;

use marco_frontend::Lang;
use sea_orm::{ConnectionTrait, DbErr};

pub use render::Rendered;
pub use store::{RecentMail, forget_recipient, recent};

/// How long a password-reset link works; the message says so.
pub const PASSWORD_RESET_VALIDITY_HOURS: u32 = 1;
/// How long an invitation stays open; the message says so.
pub const INVITATION_VALIDITY_DAYS: u32 = 7;

/// What a message says; each kind renders to a subject, a plain-text and an HTML body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// Asks a new user to confirm their address through a single-use link.
    VerifyEmail {
        /// The person's name, for the greeting.
        name: String,
        /// The absolute confirmation URL.
        link: String,
    },
    /// A single-use password-reset link, valid for 1 hour.
    PasswordReset {
        /// The person's name, for the greeting.
        name: String,
        /// The absolute reset URL.
        link: String,
    },
    /// An invitation to join an organisation, valid for 7 days.
    Invitation {
        /// The organisation's name.
        organisation: String,
        /// The name of the person who sent the invitation.
        inviter: String,
        /// The absolute URL that accepts the invitation.
        link: String,
    },
    /// The account was locked after 5 failed sign-ins.
    AccountLocked {
        /// The person's name, for the greeting.
        name: String,
        /// How long the lock lasts.
        minutes: u32,
    },
    /// The password was changed; a warning in case it was not them.
    PasswordChanged {
        /// The person's name, for the greeting.
        name: String,
    },
    /// The result of a framework application, sent to the supplier at standstill.
    ApplicationResult {
        /// The framework's name.
        framework: String,
        /// Whether the supplier was admitted.
        passed: bool,
        /// How many of its services passed.
        passed_services: u32,
        /// The evaluator's reason, as written for the supplier.
        reason: String,
        /// The application page.
        link: String,
    },
    /// An order above its buyer's own limit waits for this colleague's approval.
    OrderToApprove {
        /// The order number.
        number: i64,
        /// The colleague who placed it.
        placed_by: String,
        /// The supplier.
        supplier: String,
        /// The total, formatted in the recipient's language.
        total: String,
        /// The order page.
        link: String,
    },
    /// A new order for a supplier, to accept or reject before the deadline.
    OrderReceived {
        /// The order number.
        number: i64,
        /// The buying organisation.
        buyer: String,
        /// The total, formatted in the recipient's language.
        total: String,
        /// The deadline to accept (UTC, `YYYY-MM-DD HH:MM`).
        accept_by: String,
        /// The order page.
        link: String,
    },
    /// A supplier's service was awarded directly after a recorded search.
    DirectAward {
        /// The buying organisation.
        buyer: String,
        /// The service awarded.
        service: String,
        /// The value, formatted in the recipient's language.
        value: String,
        /// The public outcome page.
        link: String,
    },
    /// A direct-award short list has waited two weeks for its outcome.
    ProjectReminder {
        /// The project's name.
        project: String,
        /// Days since the search ended.
        days: i64,
        /// The project page.
        link: String,
    },
    /// Something happened on a brief that the recipient needs to know.
    Brief {
        /// What happened.
        event: BriefEvent,
        /// The brief's title.
        brief: String,
        /// What the message names besides (a date, a reason, a count), already formatted.
        detail: String,
        /// The page to open.
        link: String,
    },
    /// An unsuccessful supplier's debrief: its scores, the winner's, and the reasons.
    Debrief {
        /// The brief's title.
        brief: String,
        /// How many responses were submitted.
        responses: usize,
        /// Its place in the ranking, if ranked.
        rank: Option<i32>,
        /// The essential criterion it failed, if so.
        failed: Option<String>,
        /// Per criterion: (stage code, criterion, own agreed score, the winner's).
        rows: Vec<(String, String, u8, Option<u8>)>,
        /// The buyer's reasons (for overriding the ranking, or for not awarding).
        reason: Option<String>,
        /// When the standstill ends (empty when nothing was awarded).
        standstill_ends: String,
        /// The debrief page.
        link: String,
    },
    /// Something happened on a contract's delivery that the recipient needs to know.
    Contract {
        /// What happened.
        event: ContractEvent,
        /// The contract's title.
        contract: String,
        /// What the message names besides (a milestone, a date, a reason), already formatted.
        detail: String,
        /// The page to open.
        link: String,
    },
    /// An order moved on: sent to the other side.
    OrderChanged {
        /// The order number.
        number: i64,
        /// The order's new status (`domain::order::OrderStatus` code).
        status: String,
        /// The order page.
        link: String,
    },
}

impl MailKind {
    /// A stable snake_case name, stored with the message for the admin list.
    pub fn name(&self) -> &'static str {
        match self {
            MailKind::VerifyEmail { .. } => "verify_email",
            MailKind::PasswordReset { .. } => "password_reset",
            MailKind::Invitation { .. } => "invitation",
            MailKind::AccountLocked { .. } => "account_locked",
            MailKind::PasswordChanged { .. } => "password_changed",
            MailKind::ApplicationResult { .. } => "application_result",
            MailKind::OrderToApprove { .. } => "order_to_approve",
            MailKind::OrderReceived { .. } => "order_received",
            MailKind::OrderChanged { .. } => "order_changed",
            MailKind::DirectAward { .. } => "direct_award",
            MailKind::ProjectReminder { .. } => "project_reminder",
            MailKind::Brief { event, .. } => event.name(),
            MailKind::Debrief { .. } => "brief_debrief",
            MailKind::Contract { event, .. } => event.name(),
        }
    }
}

/// What happened on a brief, for [`MailKind::Brief`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BriefEvent {
    /// A brief was published on a lot the supplier is on; `detail` is the closing time.
    Published,
    /// The daily digest; `brief` is the count, `detail` the titles, one per line.
    Digest,
    /// A live brief changed; `detail` lists what changed.
    Edited,
    /// A late answer moved the closing time; `detail` is the new one.
    ClosingMoved,
    /// The brief was withdrawn; `detail` is the reason.
    Withdrawn,
    /// A business case waits for review.
    ReviewRequested,
    /// The business case was approved.
    ReviewApproved,
    /// The business case was refused; `detail` is the reasons.
    ReviewRefused,
    /// The brief closed and its responses are open; `detail` is how many.
    Opened,
    /// The recipient was named on the evaluation panel.
    Panel,
    /// The supplier was shortlisted for the paid challenge; `detail` is the stipend.
    Challenge,
    /// The supplier's response was awarded; `detail` is when the standstill ends.
    Awarded,
    /// A supplier complained in the standstill period.
    Complaint,
    /// The buyer replied to the supplier's complaint.
    ComplaintReply,
    /// The contract was made after the standstill.
    Contracted,
}

impl BriefEvent {
    /// The stable name, stored with the message.
    pub fn name(self) -> &'static str {
        match self {
            BriefEvent::Published => "brief_published",
            BriefEvent::Digest => "brief_digest",
            BriefEvent::Edited => "brief_edited",
            BriefEvent::ClosingMoved => "brief_closing_moved",
            BriefEvent::Withdrawn => "brief_withdrawn",
            BriefEvent::ReviewRequested => "brief_review_requested",
            BriefEvent::ReviewApproved => "brief_review_approved",
            BriefEvent::ReviewRefused => "brief_review_refused",
            BriefEvent::Opened => "brief_opened",
            BriefEvent::Panel => "brief_panel",
            BriefEvent::Challenge => "brief_challenge",
            BriefEvent::Awarded => "brief_awarded",
            BriefEvent::Complaint => "brief_complaint",
            BriefEvent::ComplaintReply => "brief_complaint_reply",
            BriefEvent::Contracted => "brief_contracted",
        }
    }

    /// Every event.
    pub const ALL: [BriefEvent; 15] = [
        BriefEvent::Published,
        BriefEvent::Digest,
        BriefEvent::Edited,
        BriefEvent::ClosingMoved,
        BriefEvent::Withdrawn,
        BriefEvent::ReviewRequested,
        BriefEvent::ReviewApproved,
        BriefEvent::ReviewRefused,
        BriefEvent::Opened,
        BriefEvent::Panel,
        BriefEvent::Challenge,
        BriefEvent::Awarded,
        BriefEvent::Complaint,
        BriefEvent::ComplaintReply,
        BriefEvent::Contracted,
    ];
}

/// What happened on a contract, for [`MailKind::Contract`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractEvent {
    /// The buyer planned a milestone; `detail` names it and its due date.
    MilestonePlanned,
    /// The supplier delivered a milestone; `detail` names it and the date to decide by.
    Delivered,
    /// The buyer accepted a delivery; `detail` names the milestone.
    Accepted,
    /// The buyer rejected a delivery; `detail` names the milestone and the reason.
    Rejected,
    /// The buyer recorded a payment; `detail` names the milestone and the amount.
    Paid,
    /// A change was asked for and waits for the recipient's decision; `detail` describes it.
    ChangeRequested,
    /// A change was made; `detail` describes it.
    ChangeApproved,
    /// A change was refused; `detail` gives the reason.
    ChangeRefused,
    /// The contract ended early; `detail` gives the reason.
    Terminated,
    /// The contract reached its end date.
    Completed,
    /// The buyer rated the supplier.
    Rated,
    /// The supplier replied to a rating.
    Replied,
    /// A benefit report falls due; `detail` is the due date.
    ReportDue,
}

impl ContractEvent {
    /// The stable name, stored with the message.
    pub fn name(self) -> &'static str {
        match self {
            ContractEvent::MilestonePlanned => "contract_milestone_planned",
            ContractEvent::Delivered => "contract_delivered",
            ContractEvent::Accepted => "contract_accepted",
            ContractEvent::Rejected => "contract_rejected",
            ContractEvent::Paid => "contract_paid",
            ContractEvent::ChangeRequested => "contract_change_requested",
            ContractEvent::ChangeApproved => "contract_change_approved",
            ContractEvent::ChangeRefused => "contract_change_refused",
            ContractEvent::Terminated => "contract_terminated",
            ContractEvent::Completed => "contract_completed",
            ContractEvent::Rated => "contract_rated",
            ContractEvent::Replied => "contract_replied",
            ContractEvent::ReportDue => "contract_report_due",
        }
    }

    /// Every event.
    pub const ALL: [ContractEvent; 13] = [
        ContractEvent::MilestonePlanned,
        ContractEvent::Delivered,
        ContractEvent::Accepted,
        ContractEvent::Rejected,
        ContractEvent::Paid,
        ContractEvent::ChangeRequested,
        ContractEvent::ChangeApproved,
        ContractEvent::ChangeRefused,
        ContractEvent::Terminated,
        ContractEvent::Completed,
        ContractEvent::Rated,
        ContractEvent::Replied,
        ContractEvent::ReportDue,
    ];
}

/// A message to queue: who gets it, in which language, and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Recipient address (personal data: never logged).
    pub to: String,
    /// The recipient's language.
    pub lang: Lang,
    /// What the message says.
    pub kind: MailKind,
}

/// Queues a message in the outbox IN THE CALLER'S TRANSACTION (transactional outbox).
///
/// The message is rendered now, so later template changes cannot alter queued mail. Returns
/// the outbox id. An address that cannot be mailed is refused with `DbErr::Custom`, before
/// anything is stored.
pub async fn enqueue<C: ConnectionTrait>(db: &C, mail: OutgoingMail) -> Result<i64, DbErr> {
    if mail.to.trim().parse::<lettre::Address>().is_err() {
        return Err(DbErr::Custom(
            "the recipient is not a valid e-mail address".into(),
        ));
    }
    let rendered = render::render(&mail.kind, mail.lang)
        .map_err(|e| DbErr::Custom(format!("rendering the e-mail failed: {e}")))?;
    let id = store::insert(db, mail.to.trim(), mail.lang, mail.kind.name(), rendered).await?;
    tracing::info!(outbox.id = id, mail.kind = mail.kind.name(), "mail queued");
    Ok(id)
}
