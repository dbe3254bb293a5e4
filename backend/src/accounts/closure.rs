//! Closing an account: the organisation's records stay; the person's name, e-mail and phone,
//! their sessions and their mail go, in one transaction with its audit entry.

use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use crate::auth::audit::{self, Event};
use crate::entities::user;
use crate::error::AppError;
use crate::state::AppState;

/// Closes person `user_id`'s account, as they asked from `ip`.
pub async fn close_account(
    state: &AppState,
    user_id: i64,
    ip: Option<String>,
) -> Result<(), AppError> {
    let txn = state.begin_write().await?;
    let person = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let closed_address = format!("closed-{}@closed.invalid", person.id);
    let old_address = person.email.clone();
    let mut closed = person.into_active_model();
    closed.name = Set("Closed account".into());
    closed.email = Set(closed_address.clone());
    closed.phone = Set(None);
    closed.password_hash = Set(crate::domain::password::hash(&hex::encode(
        rand::random::<[u8; 32]>(),
    ))?);
    closed.active = Set(false);
    closed.update(&txn).await?;
    crate::auth::session::revoke_all(&txn, user_id).await?;
    crate::mail::forget_recipient(&txn, &old_address).await?;
    crate::auth::tokens::forget_email(&txn, &old_address, &closed_address).await?;
    audit::record(
        &txn,
        Event {
            event: "account_closed",
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
