//! Checking a password: failures are counted, and the fifth locks the account for 15 minutes
//! and e-mails its owner. The counter, the lock, the audit events and the e-mail commit
//! together.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::User;
use crate::auth::audit::{self, Event};
use crate::auth::limits::ClientIp;
use crate::domain::email::Email;
use crate::domain::password;
use crate::entities::user;
use crate::error::AppError;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::state::AppState;

/// Failed sign-ins that lock an account.
pub const LOCK_AFTER: i32 = 5;
/// How long the lock lasts.
pub const LOCK_MINUTES: i64 = 15;

/// Why a sign-in failed. Both say the same thing to the person, so that a stranger cannot
/// learn which addresses have accounts; only a locked account is named as such.
#[derive(Debug)]
pub enum AuthFailure {
    /// Unknown address, wrong password, or deactivated account.
    BadCredentials,
    /// Too many failures: locked for a while.
    Locked,
    /// Something broke.
    Internal(AppError),
}

impl From<sea_orm::DbErr> for AuthFailure {
    fn from(err: sea_orm::DbErr) -> Self {
        AuthFailure::Internal(err.into())
    }
}

/// Checks a password, counting failures and locking the account after 5 of them (with an
/// e-mail to its owner). The lock, the counter, the audit events and the e-mail commit together.
pub async fn authenticate(
    state: &AppState,
    email: &Email,
    password: &str,
    ip: &ClientIp,
) -> Result<User, AuthFailure> {
    let txn = state.begin_write().await?;
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?;
    let Some(found) = found.filter(|u| u.active) else {
        // Same work as a real check, so response time does not reveal unknown addresses.
        let _ = password::verify(password, &DUMMY_HASH);
        audit::record(
            &txn,
            Event {
                event: "sign_in_failed",
                ip: ip.audit(),
                detail: "unknown account".into(),
                ..Default::default()
            },
        )
        .await?;
        txn.commit().await?;
        return Err(AuthFailure::BadCredentials);
    };
    if found.locked_until.is_some_and(|until| until > Utc::now()) {
        audit::record(
            &txn,
            Event {
                event: "sign_in_refused_locked",
                subject: Some(found.id),
                ip: ip.audit(),
                ..Default::default()
            },
        )
        .await?;
        txn.commit().await?;
        return Err(AuthFailure::Locked);
    }
    if password::verify(password, &found.password_hash) {
        let mut active = found.clone().into_active_model();
        active.failed_sign_ins = Set(0);
        active.locked_until = Set(None);
        let signed_in = active.update(&txn).await?;
        txn.commit().await?;
        return Ok(signed_in);
    }
    let failures = found.failed_sign_ins + 1;
    let mut active = found.clone().into_active_model();
    let locked = failures >= LOCK_AFTER;
    if locked {
        active.failed_sign_ins = Set(0);
        active.locked_until = Set(Some(Utc::now() + Duration::minutes(LOCK_MINUTES)));
        let lang = marco_frontend::Lang::from_code(&found.locale).unwrap_or_default();
        let kind = MailKind::AccountLocked {
            name: found.name.clone(),
            minutes: LOCK_MINUTES as u32,
        };
        mail::enqueue(
            &txn,
            OutgoingMail {
                to: found.email.clone(),
                lang,
                kind,
            },
        )
        .await?;
        audit::record(
            &txn,
            Event {
                event: "account_locked",
                subject: Some(found.id),
                ip: ip.audit(),
                detail: format!("after {LOCK_AFTER} failed sign-ins"),
                ..Default::default()
            },
        )
        .await?;
    } else {
        active.failed_sign_ins = Set(failures);
        audit::record(
            &txn,
            Event {
                event: "sign_in_failed",
                subject: Some(found.id),
                ip: ip.audit(),
                detail: format!("failure {failures}"),
                ..Default::default()
            },
        )
        .await?;
    }
    active.update(&txn).await?;
    txn.commit().await?;
    Err(if locked {
        AuthFailure::Locked
    } else {
        AuthFailure::BadCredentials
    })
}

/// A real argon2id hash, checked against when the account does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password::hash("no account has this password").unwrap_or_default());

/// Starts a session of `kind` (`browser` or `api`, with `scope`) for person `user_id` and
/// records `event` about it, in one transaction; returns the token and its lifetime in
/// seconds.
pub async fn start_session(
    state: &AppState,
    user_id: i64,
    kind: &str,
    scope: &str,
    event: &'static str,
    ip: Option<String>,
) -> Result<(String, i64), AppError> {
    let txn = state.begin_write().await?;
    let (token, ttl) = crate::auth::session::start(&txn, state, user_id, kind, scope).await?;
    let detail = if scope.is_empty() {
        String::new()
    } else {
        format!("scope {scope}")
    };
    audit::record(
        &txn,
        Event {
            event,
            actor: Some(user_id),
            subject: Some(user_id),
            ip,
            detail,
        },
    )
    .await?;
    txn.commit().await?;
    Ok((token, ttl))
}

/// Ends session `session_id` of person `user_id` and records the sign-out, in one
/// transaction.
pub async fn end_session(
    state: &AppState,
    user_id: i64,
    session_id: &str,
    ip: Option<String>,
) -> Result<(), AppError> {
    let txn = state.begin_write().await?;
    crate::auth::session::revoke(&txn, session_id).await?;
    audit::record(
        &txn,
        Event {
            event: "sign_out",
            actor: Some(user_id),
            subject: Some(user_id),
            ip,
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
