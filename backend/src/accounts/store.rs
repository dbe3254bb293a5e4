//! Queries on users, organisations, sessions and their audit trail.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{audit_event, organisation, session, user};

/// The name of organisation `id`, or "" when it is gone.
pub async fn organisation_name<C: ConnectionTrait>(db: &C, id: i64) -> Result<String, DbErr> {
    Ok(organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// The name of the organisation whose OCDS party id is `party_id` (`CL-RUT-76086428-5`), if
/// Marco holds it.
pub async fn name_of_party<C: ConnectionTrait>(
    db: &C,
    party_id: &str,
) -> Result<Option<String>, DbErr> {
    // A party id is the scheme, a dash, then the identifier; schemes hold one dash themselves.
    let mut parts = party_id.splitn(3, '-');
    let (Some(a), Some(b), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    Ok(organisation::Entity::find()
        .filter(organisation::Column::IdentifierScheme.eq(format!("{a}-{b}")))
        .filter(organisation::Column::IdentifierId.eq(id))
        .one(db)
        .await?
        .map(|o| o.name))
}

/// Everything held about person `user_id`, for their data download: who they are, their
/// organisation, their sessions and the security events about them. `None` when unknown.
pub async fn personal_data<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    roles: &[&str],
) -> Result<Option<serde_json::Value>, DbErr> {
    let Some(person) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let org = organisation::Entity::find_by_id(person.organisation_id)
        .one(db)
        .await?;
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_asc(session::Column::CreatedAt)
        .all(db)
        .await?;
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectUserId.eq(user_id))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?;
    Ok(Some(serde_json::json!({
        "user": {
            "id": person.id, "name": person.name, "email": person.email, "phone": person.phone,
            "language": person.locale, "emailVerifiedAt": person.email_verified_at, "createdAt": person.created_at,
            "roles": roles,
        },
        "organisation": org.map(|o| serde_json::json!({"name": o.name, "identifier": {"scheme": o.identifier_scheme, "id": o.identifier_id}})),
        "sessions": sessions.iter().map(|s| serde_json::json!({"kind": s.kind, "createdAt": s.created_at, "expiresAt": s.expires_at, "revokedAt": s.revoked_at})).collect::<Vec<_>>(),
        "securityEvents": events.iter().map(|e| serde_json::json!({"at": e.at, "event": e.event, "ip": e.ip})).collect::<Vec<_>>(),
    })))
}
