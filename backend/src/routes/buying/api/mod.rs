//! The buyer's JSON API under `/api/v1`, for the purchasing systems buyers integrate with:
//! catalogue search and service details (price, version, availability), frameworks and their
//! lots (`catalogue`), and catalogue orders (`orders`: create with an `Idempotency-Key` header,
//! read, list, and each state action). Bearer tokens from `POST /api/v1/auth/token`; writing
//! needs the `write` scope. Every operation is in the OpenAPI document.

pub(crate) mod catalogue;
pub(crate) mod orders;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{AppError, FieldError, FieldErrors};

/// An organisation, as the API names it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiParty {
    /// Marco's id of the organisation.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// An amount of money: a decimal string, never a float, and its ISO 4217 currency.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiMoney {
    /// The amount, e.g. `470000` or `1250.50`.
    #[schema(example = "470000")]
    pub amount: String,
    /// ISO 4217 currency code.
    #[schema(example = "CLP")]
    pub currency: String,
}

pub(crate) fn money(amount: Decimal, currency: &str) -> ApiMoney {
    ApiMoney {
        amount: amount.normalize().to_string(),
        currency: currency.to_owned(),
    }
}

/// One field error, as the API answers it (422).
pub(crate) fn field_error(name: &str, code: &str, message: &str) -> AppError {
    let mut fields = FieldErrors::new();
    fields.insert(
        name.into(),
        FieldError {
            code: code.into(),
            message: message.into(),
        },
    );
    AppError::Invalid(fields)
}
