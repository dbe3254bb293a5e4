//! Framework agreements: the flows that change them. Each flow runs in one database
//! transaction that holds the state change, its audit entry, its OCDS release, its e-mail and
//! its search-index update (transactional outbox), so a crash loses nothing acknowledged.

pub mod answer_errors;
pub mod application;
pub mod bench;
pub mod catalogue;
pub mod demo;
mod demo_products;
pub mod directory;
pub mod evaluation;
pub mod lifecycle;
pub mod ocds;
pub mod store;

use sea_orm::DbErr;

/// A framework agreement as stored.
pub type Framework = crate::entities::framework::Model;
/// A supplier's application to a framework.
pub type Application = crate::entities::framework_application::Model;
/// An organisation: a supplier or a public body.
pub type Organisation = crate::entities::organisation::Model;
/// A service listed in the catalogue.
pub type Service = crate::entities::service::Model;

use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::framework::TransitionError;
use crate::error::AppError;
use crate::publish::PublishError;

/// Who is acting, for the audit log.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    /// The user, or none for the clock and the demo seed.
    pub user_id: Option<i64>,
    /// Their address.
    pub ip: Option<String>,
}

impl Actor {
    /// The scheduled job.
    pub fn clock() -> Actor {
        Actor::default()
    }

    /// Records what this actor did in the audit log, inside the flow's transaction.
    pub async fn audit<C: sea_orm::ConnectionTrait>(
        &self,
        db: &C,
        event: &str,
        detail: String,
    ) -> Result<(), DbErr> {
        crate::auth::audit::record(
            db,
            crate::auth::audit::Event {
                event,
                actor: self.user_id,
                ip: self.ip.clone(),
                detail,
                ..Default::default()
            },
        )
        .await
    }
}

/// Why a flow refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// No such framework, application, draft or service (or not visible to this user).
    #[error("not found")]
    NotFound,
    /// Refused in the current state, with a stable code (e.g. `applications_closed`).
    #[error("refused: {0}")]
    Refused(&'static str),
    /// An illegal state transition.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// Input failed validation.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A brief failed the quality gate: each problem with its field and message values.
    #[error("the brief is not ready to publish")]
    Gate(Vec<crate::domain::brief::draft::Problem>),
    /// The OCDS release could not be published.
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
    /// Anything else.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl FlowError {
    /// One invalid field.
    pub fn field(name: &str, code: &str, message: impl Into<String>) -> FlowError {
        let mut fields = FieldErrors::new();
        fields.insert(
            name.into(),
            FieldError {
                code: code.into(),
                message: message.into(),
            },
        );
        FlowError::Invalid(fields)
    }
}

impl From<FlowError> for AppError {
    fn from(err: FlowError) -> AppError {
        match err {
            FlowError::NotFound => AppError::NotFound,
            FlowError::Refused(code) => AppError::Conflict(code),
            FlowError::Transition(e) => AppError::bad_request(
                http::StatusCode::CONFLICT,
                "illegal_transition",
                Some(e.to_string()),
            ),
            FlowError::Invalid(fields) => AppError::Invalid(fields),
            FlowError::Gate(problems) => {
                AppError::Invalid(crate::domain::brief::draft::field_errors(&problems))
            }
            FlowError::Publish(e) => AppError::Internal(anyhow::Error::new(e)),
            FlowError::Db(e) => AppError::from(e),
            FlowError::Other(e) => AppError::Internal(e),
        }
    }
}

/// Turns a name into a URL slug: lower-case ASCII letters, digits and single hyphens.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' | 'Á' => 'a',
            'é' | 'è' | 'ë' | 'ê' | 'É' => 'e',
            'í' | 'ì' | 'ï' | 'î' | 'Í' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'Ó' => 'o',
            'ú' | 'ù' | 'ü' | 'û' | 'Ú' => 'u',
            'ñ' | 'Ñ' => 'n',
            other => other.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(60).collect();
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slugify("Cloud Services 14"), "cloud-services-14");
        assert_eq!(
            slugify("  Servicios de Nube — Iteración 2 "),
            "servicios-de-nube-iteracion-2"
        );
        assert_eq!(slugify("!!!"), "");
    }

    proptest! {
        #[test]
        fn slugs_are_always_url_safe(name in ".{0,100}") {
            let slug = slugify(&name);
            prop_assert!(slug.len() <= 60);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }
    }
}
