//! The security audit log: sign-ins, failures, locks, role changes, token issues.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::entities::audit_event;

/// One event to record. `detail` must hold no secret and no personal data.
#[derive(Clone, Debug, Default)]
pub struct Event<'a> {
    /// What happened, e.g. `sign_in_failed`.
    pub event: &'a str,
    /// Who did it.
    pub actor: Option<i64>,
    /// Whom it concerned.
    pub subject: Option<i64>,
    /// The client address.
    pub ip: Option<String>,
    /// A short description.
    pub detail: String,
}

/// Records an event in the caller's transaction.
pub async fn record<C: ConnectionTrait>(db: &C, event: Event<'_>) -> Result<(), sea_orm::DbErr> {
    tracing::info!(
        audit.event = event.event,
        audit.actor = event.actor,
        audit.subject = event.subject,
        "security event"
    );
    audit_event::ActiveModel {
        at: Set(Utc::now()),
        event: Set(event.event.into()),
        actor_user_id: Set(event.actor),
        subject_user_id: Set(event.subject),
        ip: Set(event.ip),
        detail: Set(event.detail.chars().take(500).collect()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
