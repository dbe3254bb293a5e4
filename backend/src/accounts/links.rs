//! What e-mailed links do: verify an address, ask for a password reset, and set a new
//! password. Each consumes its single-use token in the transaction of its change.

use chrono::Utc;
use marco_frontend::Lang;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::auth::audit::{self, Event};
use crate::auth::session;
use crate::auth::tokens::{self, TokenErrorOrDb, TokenFor, TokenKind};
use crate::domain::email::Email;
use crate::entities::user;
use crate::error::AppError;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::state::AppState;

/// Marks the address of the verification link `token` as verified; the link's problem when
/// it does not work.
pub async fn verify_email(
    state: &AppState,
    token: &str,
    ip: Option<String>,
) -> Result<Result<(), TokenErrorOrDb>, AppError> {
    let txn = state.begin_write().await?;
    let token = match tokens::consume(&txn, TokenKind::Verify, token).await {
        Ok(token) => token,
        Err(err) => return Ok(Err(err)),
    };
    if let Some(person) = user::Entity::find_by_id(token.user_id.unwrap_or_default())
        .one(&txn)
        .await?
    {
        let id = person.id;
        let mut active = person.into_active_model();
        active.email_verified_at = Set(Some(Utc::now()));
        active.update(&txn).await?;
        audit::record(
            &txn,
            Event {
                event: "email_verified",
                actor: Some(id),
                subject: Some(id),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// Sends person `user_id` a fresh verification link for `email`.
pub async fn resend_verification(
    state: &AppState,
    user_id: i64,
    name: &str,
    email: &str,
    lang: Lang,
) -> Result<(), AppError> {
    let txn = state.begin_write().await?;
    let token = tokens::issue(
        &txn,
        TokenKind::Verify,
        TokenFor {
            user_id: Some(user_id),
            email: email.to_owned(),
            ..Default::default()
        },
    )
    .await?;
    let link = format!("{}/verify-email?token={token}", state.config.public_url);
    mail::enqueue(
        &txn,
        OutgoingMail {
            to: email.to_owned(),
            lang,
            kind: MailKind::VerifyEmail {
                name: name.to_owned(),
                link,
            },
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// E-mails a one-hour reset link to the active account with `email`, if there is one, in the
/// account's language. Says nothing about whether there was.
pub async fn request_reset(
    state: &AppState,
    email: &Email,
    lang: Lang,
    ip: Option<String>,
) -> Result<(), AppError> {
    let txn = state.begin_write().await?;
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?;
    if let Some(person) = found.filter(|u| u.active) {
        let token = tokens::issue(
            &txn,
            TokenKind::Reset,
            TokenFor {
                user_id: Some(person.id),
                email: person.email.clone(),
                ..Default::default()
            },
        )
        .await?;
        let link = format!("{}/password-reset/{token}", state.config.public_url);
        mail::enqueue(
            &txn,
            OutgoingMail {
                to: person.email.clone(),
                lang: Lang::from_code(&person.locale).unwrap_or(lang),
                kind: MailKind::PasswordReset {
                    name: person.name.clone(),
                    link,
                },
            },
        )
        .await?;
        audit::record(
            &txn,
            Event {
                event: "password_reset_requested",
                subject: Some(person.id),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sets the password of the reset link `token`'s account (already checked against the
/// policy), unlocks it, ends its sessions and tells its owner; the link's problem when it no
/// longer works. The token is consumed in the same transaction, so two submissions cannot
/// both win.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new_password: &str,
    lang: Lang,
    ip: Option<String>,
) -> Result<Result<(), TokenErrorOrDb>, AppError> {
    let txn = state.begin_write().await?;
    let used = match tokens::consume(&txn, TokenKind::Reset, token).await {
        Ok(used) => used,
        Err(err) => return Ok(Err(err)),
    };
    let Some(person) = user::Entity::find_by_id(used.user_id.unwrap_or_default())
        .one(&txn)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    let (id, name, email, locale) = (
        person.id,
        person.name.clone(),
        person.email.clone(),
        person.locale.clone(),
    );
    let mut active = person.into_active_model();
    active.password_hash = Set(crate::domain::password::hash(new_password)?);
    active.failed_sign_ins = Set(0);
    active.locked_until = Set(None);
    active.update(&txn).await?;
    session::revoke_all(&txn, id).await?;
    mail::enqueue(
        &txn,
        OutgoingMail {
            to: email,
            lang: Lang::from_code(&locale).unwrap_or(lang),
            kind: MailKind::PasswordChanged { name },
        },
    )
    .await?;
    audit::record(
        &txn,
        Event {
            event: "password_reset",
            actor: Some(id),
            subject: Some(id),
            ip,
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}
