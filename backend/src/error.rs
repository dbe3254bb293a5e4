//! The one error type at the HTTP boundary. Handlers return `AppError`; the error renderer
//! (`http::errors`) turns it into an HTML page or a JSON body, in the person's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use crate::domain::errors::{FieldError, FieldErrors};

/// Everything that can go wrong in a request, as users and API clients see it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist or must stay invisible to this user.
    #[error("not found")]
    NotFound,
    /// The user is known but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Signed in, but refused for a stated reason, e.g. `email_not_verified`.
    #[error("denied: {0}")]
    Denied(&'static str),
    /// The user must sign in first.
    #[error("unauthorized")]
    Unauthorized,
    /// Input failed validation, with the fields at fault.
    #[error("validation failed")]
    Invalid(FieldErrors),
    /// The request conflicts with the current state, e.g. a taken identifier.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A malformed request, with a stable code and an optional technical detail.
    #[error("bad request: {code}")]
    BadRequest {
        /// The HTTP status (400, 413 or 415).
        status: StatusCode,
        /// Stable snake_case code.
        code: &'static str,
        /// Extra detail that helps the client fix the request.
        detail: Option<String>,
    },
    /// Too many requests; try again after this many seconds.
    #[error("rate limited")]
    RateLimited(u64),
    /// A dependency (the database) is not answering.
    #[error("unavailable")]
    Unavailable,
    /// A bug or an unexpected failure; logged once, shown generically.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the error renderer needs to show an error; travels in the response extensions.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    /// Stable snake_case code.
    pub code: String,
    /// Technical detail safe to show to the client.
    pub detail: Option<String>,
    /// Field-level problems.
    pub fields: FieldErrors,
}

impl AppError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Denied(_) => StatusCode::FORBIDDEN,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::BadRequest { status, .. } => *status,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable snake_case code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::Denied(code) => code,
            AppError::Unauthorized => "unauthorized",
            AppError::Invalid(_) => "validation_failed",
            AppError::Conflict(code) => code,
            AppError::BadRequest { code, .. } => code,
            AppError::RateLimited(_) => "rate_limited",
            AppError::Unavailable => "unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// A malformed-request error with a stable code.
    pub fn bad_request(status: StatusCode, code: &'static str, detail: Option<String>) -> Self {
        AppError::BadRequest {
            status,
            code,
            detail,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if crate::db::is_unique_violation(&err) {
            // Two people took the same name or number at the same moment: nothing was
            // saved for the second one, who can look again and retry.
            tracing::info!(error = %err, "refused a concurrent duplicate");
            return AppError::Conflict("changed_concurrently");
        }
        if crate::db::is_busy(&err) {
            tracing::warn!(error = %err, "the database was too busy to write");
            return AppError::Unavailable;
        }
        AppError::Internal(anyhow::Error::new(err))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code().to_owned();
        let mut response = status.into_response();
        if let AppError::RateLimited(secs) = &self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, (*secs).into());
        }
        let (detail, fields) = match self {
            AppError::Internal(err) => {
                // Logged here, once, with the cause chain; users only see the generic message.
                tracing::error!(error = format!("{err:#}"), "internal error");
                (None, FieldErrors::new())
            }
            AppError::Invalid(fields) => (None, fields),
            AppError::BadRequest { detail, .. } => (detail, FieldErrors::new()),
            _ => (None, FieldErrors::new()),
        };
        response.extensions_mut().insert(ErrorInfo {
            code,
            detail,
            fields,
        });
        response
    }
}

/// The stable error code for a bare status produced outside our handlers (routing, layers).
pub fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::UNPROCESSABLE_ENTITY => "validation_failed",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_client_error() => "bad_request",
        _ => "internal_error",
    }
}
