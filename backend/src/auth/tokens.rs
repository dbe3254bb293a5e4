//! Single-use e-mailed links: only the token's SHA-256 is stored, and using it is one
//! conditional update, so two clicks cannot both succeed.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::entities::auth_token;

/// What a token is for, and how long it lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Proves an e-mail address (48 hours).
    Verify,
    /// Sets a new password (1 hour).
    Reset,
    /// Joins an organisation (7 days).
    Invite,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Verify => "verify",
            TokenKind::Reset => "reset",
            TokenKind::Invite => "invite",
        }
    }

    /// How long a token of this kind works.
    pub fn lifetime(self) -> Duration {
        match self {
            TokenKind::Verify => Duration::hours(48),
            TokenKind::Reset => Duration::hours(1),
            TokenKind::Invite => Duration::days(7),
        }
    }
}

/// Why a link did not work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Unknown or malformed.
    #[error("this link is not valid")]
    Invalid,
    /// Past its lifetime.
    #[error("this link has expired")]
    Expired,
    /// Already used once.
    #[error("this link has already been used")]
    Used,
}

impl TokenError {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            TokenError::Invalid => "link_invalid",
            TokenError::Expired => "link_expired",
            TokenError::Used => "link_used",
        }
    }
}

/// What a new token is about.
#[derive(Clone, Debug, Default)]
pub struct TokenFor {
    /// The user (verification, reset).
    pub user_id: Option<i64>,
    /// The organisation (invitation).
    pub organisation_id: Option<i64>,
    /// The address the link goes to.
    pub email: String,
    /// The role an invitation grants.
    pub role: Option<String>,
    /// Who created it.
    pub created_by: Option<i64>,
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a token and returns the secret part to put in the link.
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    kind: TokenKind,
    about: TokenFor,
) -> Result<String, sea_orm::DbErr> {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let now = Utc::now();
    auth_token::ActiveModel {
        token_hash: Set(digest(&token)),
        kind: Set(kind.as_str().into()),
        user_id: Set(about.user_id),
        organisation_id: Set(about.organisation_id),
        email: Set(about.email),
        role: Set(about.role),
        created_by: Set(about.created_by),
        created_at: Set(now),
        expires_at: Set(now + kind.lifetime()),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Looks at a token without using it (to show the form a link leads to).
pub async fn peek<C: ConnectionTrait>(
    db: &C,
    kind: TokenKind,
    token: &str,
) -> Result<auth_token::Model, TokenErrorOrDb> {
    let found = auth_token::Entity::find_by_id(digest(token))
        .filter(auth_token::Column::Kind.eq(kind.as_str()))
        .one(db)
        .await?
        .ok_or(TokenError::Invalid)?;
    if found.used_at.is_some() {
        return Err(TokenError::Used.into());
    }
    if found.expires_at <= Utc::now() {
        return Err(TokenError::Expired.into());
    }
    Ok(found)
}

/// Uses a token once: it works for exactly one caller, and never after it expires.
pub async fn consume<C: ConnectionTrait>(
    db: &C,
    kind: TokenKind,
    token: &str,
) -> Result<auth_token::Model, TokenErrorOrDb> {
    let now = Utc::now();
    let updated = auth_token::Entity::update_many()
        .col_expr(auth_token::Column::UsedAt, Expr::value(now))
        .filter(auth_token::Column::TokenHash.eq(digest(token)))
        .filter(auth_token::Column::Kind.eq(kind.as_str()))
        .filter(auth_token::Column::UsedAt.is_null())
        .filter(auth_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if updated.rows_affected == 1 {
        return auth_token::Entity::find_by_id(digest(token))
            .one(db)
            .await?
            .ok_or(TokenError::Invalid.into());
    }
    // Say precisely why, so the page can offer the right next step.
    Err(peek(db, kind, token)
        .await
        .err()
        .unwrap_or(TokenError::Used.into()))
}

/// A token problem or a database failure.
#[derive(Debug, thiserror::Error)]
pub enum TokenErrorOrDb {
    /// The link does not work.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// Replaces an address in every token (account closure removes personal data).
pub async fn forget_email<C: ConnectionTrait>(
    db: &C,
    old: &str,
    replacement: &str,
) -> Result<(), sea_orm::DbErr> {
    auth_token::Entity::update_many()
        .col_expr(auth_token::Column::Email, Expr::value(replacement))
        .filter(auth_token::Column::Email.eq(old))
        .exec(db)
        .await?;
    Ok(())
}
