//! An organisation's people: its admins invite colleagues, change their roles (with an
//! approval limit for order approvers) and deactivate them; invited people accept through a
//! single-use link. Every change is audited in the same transaction.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};

use super::User;
use crate::auth::audit::{self, Event};
use crate::auth::session;
use crate::auth::tokens::{self, TokenErrorOrDb, TokenFor, TokenKind};
use crate::domain::email::Email;
use crate::domain::money::Money;
use crate::domain::roles::{OrgKind, Role, grantable};
use crate::entities::{organisation, user, user_role};
use crate::error::AppError;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::state::AppState;

/// A role held, with its approval limit.
pub type HeldRole = user_role::Model;

/// Who is acting, for checks and the audit log.
#[derive(Clone, Debug)]
pub struct Admin {
    /// The admin's user id.
    pub id: i64,
    /// Their name, as invitations show it.
    pub name: String,
    /// Their organisation.
    pub organisation_id: i64,
    /// Its kind.
    pub org_kind: OrgKind,
    /// Their address.
    pub ip: Option<String>,
}

/// The organisation's name and its people with the roles they hold, oldest first.
pub async fn members<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
) -> Result<(String, Vec<(User, Vec<String>)>), AppError> {
    let org = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(org.id))
        .order_by_asc(user::Column::Id)
        .find_with_related(user_role::Entity)
        .all(db)
        .await?
        .into_iter()
        .map(|(person, roles)| (person, roles.into_iter().map(|r| r.role).collect()))
        .collect();
    Ok((org.name, people))
}

/// Member `id` of the admin's own organisation; any other is invisible (404, not 403).
pub async fn member_of<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
    id: i64,
) -> Result<User, AppError> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|t| t.organisation_id == organisation_id)
        .ok_or(AppError::NotFound)
}

/// The roles member `id` holds.
pub async fn roles_of<C: ConnectionTrait>(db: &C, id: i64) -> Result<Vec<HeldRole>, DbErr> {
    user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(id))
        .all(db)
        .await
}

/// Invites `email` into the admin's organisation with `role`: a 7-day link by e-mail, queued
/// with the invitation and its audit entry in one transaction.
pub async fn invite(
    state: &AppState,
    admin: &Admin,
    email: &Email,
    role: Role,
    lang: marco_frontend::Lang,
) -> Result<(), AppError> {
    let organisation = super::store::organisation_name(&state.db, admin.organisation_id).await?;
    let txn = state.begin_write().await?;
    let about = TokenFor {
        organisation_id: Some(admin.organisation_id),
        email: email.as_str().into(),
        role: Some(role.as_str().into()),
        created_by: Some(admin.id),
        ..Default::default()
    };
    let token = tokens::issue(&txn, TokenKind::Invite, about).await?;
    let link = format!("{}/invitations/{token}", state.config.public_url);
    mail::enqueue(
        &txn,
        OutgoingMail {
            to: email.as_str().into(),
            lang,
            kind: MailKind::Invitation {
                organisation,
                inviter: admin.name.clone(),
                link,
            },
        },
    )
    .await?;
    audit::record(
        &txn,
        Event {
            event: "invitation_sent",
            actor: Some(admin.id),
            ip: admin.ip.clone(),
            detail: format!("role {role}"),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deactivates member `id` and ends their sessions at once. Admins cannot deactivate
/// themselves.
pub async fn deactivate(state: &AppState, admin: &Admin, id: i64) -> Result<(), AppError> {
    let target = member_of(&state.db, admin.organisation_id, id).await?;
    if target.id == admin.id {
        return Err(AppError::Conflict("cannot_deactivate_self"));
    }
    let txn = state.begin_write().await?;
    let mut inactive = target.into_active_model();
    inactive.active = Set(false);
    inactive.update(&txn).await?;
    session::revoke_all(&txn, id).await?;
    audit::record(
        &txn,
        Event {
            event: "user_deactivated",
            actor: Some(admin.id),
            subject: Some(id),
            ip: admin.ip.clone(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What a person who follows an invitation chose.
#[derive(Debug)]
pub struct Acceptance<'a> {
    /// Their full name.
    pub name: &'a str,
    /// Their new password, already checked against the policy.
    pub password: &'a str,
    /// Their language.
    pub lang: marco_frontend::Lang,
    /// Their address.
    pub ip: Option<String>,
}

/// Creates the invited person's account, verified by the link, with the organisation's base
/// role and the one the invitation grants; returns their user id, or why the link does not
/// work (used, expired, unknown).
pub async fn accept_invitation(
    state: &AppState,
    token: &str,
    accepted: Acceptance<'_>,
) -> Result<Result<i64, TokenErrorOrDb>, AppError> {
    let txn = state.begin_write().await?;
    let used = match tokens::consume(&txn, TokenKind::Invite, token).await {
        Ok(used) => used,
        Err(err) => return Ok(Err(err)),
    };
    let org = organisation::Entity::find_by_id(used.organisation_id.unwrap_or_default())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = OrgKind::parse(&org.kind).unwrap_or(OrgKind::Supplier);
    let role = used
        .role
        .as_deref()
        .and_then(|r| r.parse::<Role>().ok())
        .filter(|r| grantable(kind).contains(r));
    let person = user::ActiveModel {
        organisation_id: Set(org.id),
        email: Set(used.email.clone()),
        name: Set(accepted.name.to_owned()),
        password_hash: Set(crate::domain::password::hash(accepted.password)?),
        locale: Set(accepted.lang.code().into()),
        // Following the e-mailed link proves the address.
        email_verified_at: Set(Some(Utc::now())),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut roles = vec![grantable(kind)[0]];
    roles.extend(role.filter(|r| *r != roles[0]));
    for role in &roles {
        user_role::ActiveModel {
            user_id: Set(person.id),
            role: Set(role.as_str().into()),
            approval_limit: Set(None),
            approval_limit_currency: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Event {
            event: "invitation_accepted",
            actor: Some(person.id),
            subject: Some(person.id),
            ip: accepted.ip.clone(),
            detail: format!("invited by {}", used.created_by.unwrap_or_default()),
        },
    )
    .await?;
    for role in &roles {
        audit::record(
            &txn,
            Event {
                event: "role_changed",
                actor: used.created_by,
                subject: Some(person.id),
                ip: accepted.ip.clone(),
                detail: format!("granted {role}"),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Ok(person.id))
}

/// The approval limit a held role carries, with its currency (none if either is missing or
/// the currency is not one).
pub fn limit_of(held: &HeldRole) -> Option<Money> {
    let amount = held.approval_limit?;
    let code = held.approval_limit_currency.as_deref()?;
    Money::from_stored(amount, code).ok()
}

/// The currency an organisation's amounts are in: its country's (CLP in Chile, GBP in the
/// United Kingdom, and so on).
pub async fn currency_of<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
) -> Result<Option<iso_currency::Currency>, DbErr> {
    Ok(organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .and_then(|o| crate::domain::money::currency_of_country(&o.country_code)))
}

/// Sets member `id`'s grantable roles to `wanted`, with `limit` on `can_approve_orders`;
/// roles the admin cannot grant are left as they are. Each grant, revocation and limit
/// change is audited.
pub async fn change_roles(
    state: &AppState,
    admin: &Admin,
    id: i64,
    wanted: &[Role],
    limit: Option<Money>,
) -> Result<(), AppError> {
    member_of(&state.db, admin.organisation_id, id).await?;
    let txn = state.begin_write().await?;
    let current = roles_of(&txn, id).await?;
    let grantable_now = grantable(admin.org_kind);
    let audit_change = |detail: String| Event {
        event: "role_changed",
        actor: Some(admin.id),
        subject: Some(id),
        ip: admin.ip.clone(),
        detail,
    };
    for held in &current {
        let Ok(role) = held.role.parse::<Role>() else {
            continue;
        };
        if grantable_now.contains(&role) && !wanted.contains(&role) {
            user_role::Entity::delete_by_id((id, held.role.clone()))
                .exec(&txn)
                .await?;
            audit::record(&txn, audit_change(format!("revoked {role}"))).await?;
        }
    }
    for role in wanted {
        let approval_limit = (*role == Role::CanApproveOrders).then_some(limit).flatten();
        let row = user_role::ActiveModel {
            user_id: Set(id),
            role: Set(role.as_str().into()),
            approval_limit: Set(approval_limit.map(|m| m.amount())),
            approval_limit_currency: Set(approval_limit.map(|m| m.code().to_owned())),
        };
        match current.iter().find(|h| h.role == role.as_str()) {
            Some(held) if limit_of(held) == approval_limit => {}
            Some(_) => {
                row.update(&txn).await?;
                audit::record(&txn, audit_change(format!("changed limit of {role}"))).await?;
            }
            None => {
                row.insert(&txn).await?;
                audit::record(&txn, audit_change(format!("granted {role}"))).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(())
}
