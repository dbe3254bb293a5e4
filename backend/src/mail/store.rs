//! The outbox queries: the only mail code that knows the columns of `mail_outbox`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use marco_frontend::Lang;
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    NotSet, QueryFilter, QueryOrder, QuerySelect, Set, Value,
};

use super::Rendered;
use crate::entities::mail_outbox::{self, Column, Entity};
use crate::jobs::lease::{LeasedQueue, Sharing};

/// The current time at millisecond precision. SQLite keeps timestamps as RFC 3339 text and
/// compares them as text; a fixed precision keeps that order the order of time.
pub fn now() -> DateTime<Utc> {
    crate::jobs::lease::now()
}

/// Stores a rendered message, due at once; returns its outbox id.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    to: &str,
    lang: Lang,
    kind: &str,
    rendered: Rendered,
) -> Result<i64, DbErr> {
    let now = now();
    let row = mail_outbox::ActiveModel {
        id: NotSet,
        to_address: Set(to.to_owned()),
        lang: Set(lang.code().to_owned()),
        kind: Set(kind.to_owned()),
        subject: Set(rendered.subject),
        text_body: Set(rendered.text),
        html_body: Set(rendered.html),
        message_id: Set(uuid::Uuid::now_v7().simple().to_string()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        lease_until: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The outbox as a leased queue: any number of workers send disjoint batches at once.
fn queue() -> Result<LeasedQueue<Entity>, DbErr> {
    LeasedQueue::of(Entity, Sharing::Disjoint)
}

/// Leases up to `limit` due messages to `owner` for `lease`, counting an attempt on each, in
/// one statement, and returns them. Several workers (threads or instances) never claim the
/// same message while its lease runs.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    owner: &str,
    lease: Duration,
    limit: u64,
) -> Result<Vec<mail_outbox::Model>, DbErr> {
    let due = Condition::all()
        .add(Column::SentAt.is_null())
        .add(Column::FailedAt.is_null())
        .add(Column::NextAttemptAt.lte(now()));
    queue()?.claim(db, due, owner, lease, limit).await
}

/// When the oldest message still waiting to be sent became due.
pub async fn oldest_due<C: ConnectionTrait>(db: &C) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(Entity::find()
        .filter(Column::SentAt.is_null())
        .filter(Column::FailedAt.is_null())
        .filter(Column::NextAttemptAt.lte(now()))
        .order_by(Column::NextAttemptAt, Order::Asc)
        .one(db)
        .await?
        .map(|m| m.next_attempt_at))
}

/// Records that message `id` was accepted for delivery and ends its lease. The last error, if
/// any, is kept as history. The bodies are cleared: their links carry single-use tokens and
/// their text personal data, and the outbox is a queue, not an archive.
pub async fn mark_sent<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::SentAt, Expr::value(now()))
        .col_expr(Column::TextBody, Expr::value(""))
        .col_expr(Column::HtmlBody, Expr::value(""))
        .col_expr(Column::LeaseOwner, Expr::value(Value::String(None)))
        .col_expr(
            Column::LeaseUntil,
            Expr::value(Value::ChronoDateTimeUtc(None)),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::SentAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt of message `id` by `owner`: it is retried at `retry_at`, or given
/// up when that is `None` (and its bodies cleared, as for sent mail). A message another worker
/// has sent meanwhile is left alone.
pub async fn mark_failed<C: ConnectionTrait>(
    db: &C,
    id: i64,
    owner: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let mut sets = vec![(Column::LastError, Expr::value(truncate(error, 2000)))];
    match retry_at {
        Some(at) => sets.push((Column::NextAttemptAt, Expr::value(at))),
        None => sets.extend([
            (Column::FailedAt, Expr::value(now())),
            (Column::TextBody, Expr::value("")),
            (Column::HtmlBody, Expr::value("")),
        ]),
    }
    let unsent = Condition::all().add(Column::SentAt.is_null());
    queue()?.end_lease(db, &[id], owner, unsent, sets).await?;
    Ok(())
}

/// Hands back messages `owner` claimed but did not try (the worker is stopping), so another
/// worker can take them at once; their claims do not count as attempts.
pub async fn release<C: ConnectionTrait>(db: &C, ids: &[i64], owner: &str) -> Result<(), DbErr> {
    let unsent = Condition::all().add(Column::SentAt.is_null());
    let handed_back = vec![(Column::Attempts, Expr::col(Column::Attempts).sub(1))];
    queue()?
        .end_lease(db, ids, owner, unsent, handed_back)
        .await?;
    Ok(())
}

/// The address put in place of a forgotten recipient's.
pub const FORGOTTEN_ADDRESS: &str = "(removed)";

/// Forgets a person who closed their account: mail still queued for `address` is dropped,
/// and sent or given-up mail keeps its dates and kind but loses the address, the subject
/// (which may name people) and the bodies. Call it before queueing any farewell message to
/// the same address. Returns how many rows it changed or removed.
pub async fn forget_recipient<C: ConnectionTrait>(db: &C, address: &str) -> Result<u64, DbErr> {
    let address = address.trim();
    let dropped = Entity::delete_many()
        .filter(Column::ToAddress.eq(address))
        .filter(Column::SentAt.is_null())
        .filter(Column::FailedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    let redacted = Entity::update_many()
        .col_expr(Column::ToAddress, Expr::value(FORGOTTEN_ADDRESS))
        .col_expr(Column::Subject, Expr::value(""))
        .col_expr(Column::TextBody, Expr::value(""))
        .col_expr(Column::HtmlBody, Expr::value(""))
        .col_expr(Column::LastError, Expr::value(Value::String(None)))
        .filter(Column::ToAddress.eq(address))
        .exec(db)
        .await?
        .rows_affected;
    Ok(dropped + redacted)
}

/// One outbox row for the platform admins' list of recent mail: no bodies.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct RecentMail {
    /// Outbox id.
    pub id: i64,
    /// Recipient address (personal data: show to platform admins only).
    pub to_address: String,
    /// Language code.
    pub lang: String,
    /// Message kind, e.g. `password_reset`.
    pub kind: String,
    /// Subject line.
    pub subject: String,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Delivery attempts begun.
    pub attempts: i32,
    /// When the next attempt is due, while unsent.
    pub next_attempt_at: DateTime<Utc>,
    /// When it was sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// When the worker gave up.
    pub failed_at: Option<DateTime<Utc>>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
}

impl RecentMail {
    /// `sent`, `failed` or `queued`, as a stable code for the page to translate.
    pub fn status(&self) -> &'static str {
        match (self.sent_at, self.failed_at) {
            (Some(_), _) => "sent",
            (None, Some(_)) => "failed",
            (None, None) => "queued",
        }
    }
}

/// The `limit` most recently queued messages, newest first, without their bodies.
pub async fn recent<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<RecentMail>, DbErr> {
    Entity::find()
        .select_only()
        .columns([
            Column::Id,
            Column::ToAddress,
            Column::Lang,
            Column::Kind,
            Column::Subject,
            Column::CreatedAt,
            Column::Attempts,
            Column::NextAttemptAt,
            Column::SentAt,
            Column::FailedAt,
            Column::LastError,
        ])
        .order_by(Column::Id, Order::Desc)
        .limit(limit)
        .into_model::<RecentMail>()
        .all(db)
        .await
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}
