//! `mail_outbox`: e-mail queued in the transaction of the change that caused it.

use sea_orm::entity::prelude::*;

/// One queued message, rendered in full when it was queued.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    /// Outbox id, in queueing order.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Recipient address (personal data: never logged).
    pub to_address: String,
    /// Language code the message was rendered in.
    pub lang: String,
    /// Which kind of message it is, e.g. `password_reset`, for the admin list.
    pub kind: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text_body: String,
    /// HTML body.
    pub html_body: String,
    /// Left part of the `Message-ID` header, fixed when queued so retries can be de-duplicated.
    #[sea_orm(unique)]
    pub message_id: String,
    /// When it was queued.
    pub created_at: DateTimeUtc,
    /// Delivery attempts begun so far (a claim counts, so a worker that dies mid-send counts).
    pub attempts: i32,
    /// Not to be tried before then (back-off after a failure).
    pub next_attempt_at: DateTimeUtc,
    /// The worker that holds the lease, if any.
    pub lease_owner: Option<String>,
    /// The lease ends then; after it another worker may claim the message.
    pub lease_until: Option<DateTimeUtc>,
    /// When the SMTP server (or the file transport) accepted it.
    pub sent_at: Option<DateTimeUtc>,
    /// When the worker gave up after the last allowed attempt.
    pub failed_at: Option<DateTimeUtc>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
