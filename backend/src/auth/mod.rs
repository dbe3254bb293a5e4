//! Identity: who is making a request (browser session cookie or API bearer token), what
//! they may do, and the security machinery around it.

pub mod audit;
pub mod authz;
pub mod csrf;
pub mod jwt;
pub mod limits;
pub mod session;
pub mod tokens;

use std::collections::BTreeSet;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::domain::roles::{OrgKind, Role};
use crate::error::AppError;

/// The signed-in user of a request; put in the request extensions by the session middleware.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    /// User id.
    pub id: i64,
    /// Their organisation.
    pub organisation_id: i64,
    /// Their organisation's kind.
    pub org_kind: OrgKind,
    /// Display name.
    pub name: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Roles held.
    pub roles: BTreeSet<Role>,
    /// Whether the e-mail address is verified.
    pub verified: bool,
    /// The server-side session id.
    pub session_id: String,
    /// `browser` or `api`.
    pub kind: String,
    /// API scopes.
    pub scopes: String,
}

impl CurrentUser {
    /// Whether the request came with an API bearer token.
    pub fn is_api(&self) -> bool {
        self.kind == "api"
    }

    /// Whether an API token carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.split_whitespace().any(|s| s == scope)
    }

    /// Whether the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }
}

/// The signed-in user, if any.
#[derive(Clone, Debug)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<CurrentUser>().cloned()))
    }
}
