//! Registration through the JSON API: the same checks as the web forms, with field errors
//! as stable codes.

use axum::extract::State;
use marco_frontend::Tr;
use marco_frontend::forms::Form;

use super::register::{
    BUYER_FIELDS, Registered, SUPPLIER_FIELDS, register_buyer, register_supplier,
};
use super::{Fields, field};
use crate::auth::limits::ClientIp;
use crate::error::AppError;
use crate::http::api_json::ApiJson;
use crate::state::AppState;

/// A supplier's registration: the organisation and its first admin, the same fields as the
/// web form. Missing required fields come back as field errors (422).
#[derive(Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SupplierRegistration {
    /// The organisation's registered name.
    #[schema(required = true, min_length = 1, max_length = 300)]
    pub legal_name: String,
    /// The name it trades under, if different.
    #[schema(max_length = 300)]
    pub trading_name: String,
    /// The org-id.guide identifier scheme: `CL-RUT` (the default), `GB-COH`, or `other`
    /// with the code in `scheme_other`.
    #[schema(max_length = 64, example = "CL-RUT")]
    pub scheme: String,
    /// Another org-id.guide scheme code, e.g. `US-EIN`, when `scheme` is `other`.
    #[schema(max_length = 64)]
    pub scheme_other: String,
    /// The identifier in that scheme, e.g. a RUT `76.123.456-0` (checked by its check digit).
    #[schema(
        required = true,
        min_length = 1,
        max_length = 64,
        example = "76.123.456-0"
    )]
    pub identifier: String,
    /// Street address.
    #[schema(max_length = 300)]
    pub street_address: String,
    /// Town or city.
    #[schema(max_length = 300)]
    pub locality: String,
    /// ISO 3166-1 alpha-2 country code.
    #[schema(required = true, pattern = "^[A-Za-z]{2}$", example = "CL")]
    pub country: String,
    /// Size, as OCDS `details.scale`: `micro`, `small`, `medium` or `large`.
    #[schema(
        required = true,
        pattern = "^(micro|small|medium|large)$",
        example = "small"
    )]
    pub scale: String,
    /// The admin's full name.
    #[schema(required = true, min_length = 1, max_length = 200)]
    pub name: String,
    /// The admin's e-mail address, to be verified.
    #[schema(required = true, format = Email, max_length = 254)]
    pub email: String,
    /// At least 12 characters, not a common password, not containing the e-mail's name.
    #[schema(required = true, min_length = 12, max_length = 128)]
    pub password: String,
}

/// A buyer's registration from an allow-listed public-sector e-mail domain. The public body
/// is the one that owns the domain, or a new one named here.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BuyerRegistration {
    /// The buyer's full name.
    #[schema(required = true, min_length = 1, max_length = 200)]
    pub name: String,
    /// A work address on an allow-listed domain.
    #[schema(required = true, format = Email, max_length = 254)]
    pub email: String,
    /// At least 12 characters, not a common password, not containing the e-mail's name.
    #[schema(required = true, min_length = 12, max_length = 128)]
    pub password: String,
    /// The public body's name, when its domain has none yet.
    #[schema(max_length = 300)]
    pub organisation_name: String,
    /// The public body's identifier scheme, when it is new.
    #[schema(max_length = 64)]
    pub scheme: String,
    /// The public body's identifier, when it is new.
    #[schema(max_length = 64)]
    pub identifier: String,
}

/// A registration's fields by name, as the web form would send them, for the shared checks.
fn fields_of(request: &impl serde::Serialize) -> super::Fields {
    match serde_json::to_value(request) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
            .collect(),
        _ => super::Fields::new(),
    }
}

/// A registered user, who must now verify their e-mail address.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationResponse {
    /// The new user's id.
    pub user_id: i64,
    /// What happens next.
    pub next: &'static str,
}

fn api_outcome(
    outcome: Registered,
) -> Result<(axum::http::StatusCode, ApiJson<RegistrationResponse>), AppError> {
    match outcome {
        Registered::Created(user_id) => Ok((
            axum::http::StatusCode::CREATED,
            ApiJson(RegistrationResponse {
                user_id,
                next: "verify_email",
            }),
        )),
        Registered::Refused(form) => {
            let fields = form
                .errors
                .into_iter()
                .map(|(field, message)| {
                    (
                        field.clone(),
                        crate::error::FieldError {
                            code: format!("invalid_{field}"),
                            message,
                        },
                    )
                })
                .collect();
            Err(AppError::Invalid(fields))
        }
    }
}

fn api_form(fields: &Fields, names: &[&str]) -> Form {
    let mut form = Form::new(String::new());
    for name in names {
        form.keep(name, field(fields, name));
    }
    form
}

/// Registers a supplier organisation and its first admin; a verification e-mail follows.
#[utoipa::path(post, path = "/api/v1/registrations/supplier", tag = "api", request_body = SupplierRegistration,
    responses(
        (status = 201, description = "Registered; verify the e-mail address next", body = RegistrationResponse),
        (status = 400, description = "The body is not JSON (invalid_json)", body = crate::routes::api::ApiError),
        (status = 413, description = "The body is too large", body = crate::routes::api::ApiError),
        (status = 415, description = "The body is not sent as application/json", body = crate::routes::api::ApiError),
        (status = 422, description = "Invalid fields, e.g. invalid_identifier, or a field past its maxLength (too_long)", body = crate::routes::api::ApiError),
        (status = 429, description = "Too many registrations from this address", body = crate::routes::api::ApiError),
    ))]
pub async fn api_register_supplier(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(request): ApiJson<SupplierRegistration>,
) -> Result<(axum::http::StatusCode, ApiJson<RegistrationResponse>), AppError> {
    state.limits.check("sign_up", &ip, None)?;
    let tr = Tr::new(crate::http::context::lang_from_headers(&headers));
    let fields = fields_of(&request);
    let form = api_form(&fields, SUPPLIER_FIELDS);
    api_outcome(register_supplier(&state, &tr, &ip, &fields, form).await?)
}

/// Registers a buyer from an allow-listed public-sector e-mail domain.
#[utoipa::path(post, path = "/api/v1/registrations/buyer", tag = "api", request_body = BuyerRegistration,
    responses(
        (status = 201, description = "Registered; verify the e-mail address next", body = RegistrationResponse),
        (status = 400, description = "The body is not JSON (invalid_json)", body = crate::routes::api::ApiError),
        (status = 413, description = "The body is too large", body = crate::routes::api::ApiError),
        (status = 415, description = "The body is not sent as application/json", body = crate::routes::api::ApiError),
        (status = 422, description = "Invalid fields, e.g. an e-mail domain not on the allow-list, or a field past its maxLength (too_long)", body = crate::routes::api::ApiError),
        (status = 429, description = "Too many registrations from this address", body = crate::routes::api::ApiError),
    ))]
pub async fn api_register_buyer(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(request): ApiJson<BuyerRegistration>,
) -> Result<(axum::http::StatusCode, ApiJson<RegistrationResponse>), AppError> {
    state.limits.check("sign_up", &ip, None)?;
    let tr = Tr::new(crate::http::context::lang_from_headers(&headers));
    let fields = fields_of(&request);
    let form = api_form(&fields, BUYER_FIELDS);
    api_outcome(register_buyer(&state, &tr, &ip, &fields, form).await?)
}
