//! What platform administrators read and change: the audit log and the allow-list of public
//! sector e-mail domains whose people may register as buyers.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, QueryOrder, QuerySelect, Set,
};

use crate::auth::audit::{self, Event};
use crate::entities::{audit_event, buyer_domain};
use crate::state::AppState;

/// One entry of the audit log.
pub type AuditEntry = audit_event::Model;

/// The `limit` newest audit entries, newest first.
pub async fn recent_audit<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<AuditEntry>, DbErr> {
    audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The allow-listed buyer domains, in order.
pub async fn buyer_domains<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    Ok(buyer_domain::Entity::find()
        .order_by_asc(buyer_domain::Column::Domain)
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.domain)
        .collect())
}

/// Adds (`add`) or removes a checked domain on the allow-list, with its audit entry, in one
/// transaction. Adding a listed domain or removing an unlisted one changes nothing but is
/// still audited, as the administrator's action.
pub async fn change_buyer_domain(
    state: &AppState,
    domain: &str,
    add: bool,
    actor: i64,
    ip: Option<String>,
) -> Result<(), DbErr> {
    let txn = state.begin_write().await?;
    let event = if add {
        if buyer_domain::Entity::find_by_id(domain.to_owned())
            .one(&txn)
            .await?
            .is_none()
        {
            buyer_domain::ActiveModel {
                domain: Set(domain.to_owned()),
                added_by: Set(Some(actor)),
                added_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?;
        }
        "buyer_domain_added"
    } else {
        buyer_domain::Entity::delete_by_id(domain.to_owned())
            .exec(&txn)
            .await?;
        "buyer_domain_removed"
    };
    audit::record(
        &txn,
        Event {
            event,
            actor: Some(actor),
            ip,
            detail: domain.to_owned(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await
}
