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

/// A registration sent to the JSON API: the same fields as the web form.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct RegistrationRequest {
    /// Field values by name, e.g. `legal_name`, `identifier`, `email`, `password`.
    #[serde(flatten)]
    pub fields: std::collections::HashMap<String, String>,
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
#[utoipa::path(post, path = "/api/v1/registrations/supplier", tag = "api", request_body = RegistrationRequest,
    responses(
        (status = 201, description = "Registered; verify the e-mail address next", body = RegistrationResponse),
        (status = 422, description = "Invalid fields, e.g. invalid_identifier", body = crate::routes::api::ApiError),
        (status = 429, description = "Too many registrations from this address", body = crate::routes::api::ApiError),
    ))]
pub async fn api_register_supplier(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(request): ApiJson<RegistrationRequest>,
) -> Result<(axum::http::StatusCode, ApiJson<RegistrationResponse>), AppError> {
    state.limits.check("sign_up", &ip, None)?;
    let tr = Tr::new(crate::http::context::lang_from_headers(&headers));
    let form = api_form(&request.fields, SUPPLIER_FIELDS);
    api_outcome(register_supplier(&state, &tr, &ip, &request.fields, form).await?)
}

/// Registers a buyer from an allow-listed public-sector e-mail domain.
#[utoipa::path(post, path = "/api/v1/registrations/buyer", tag = "api", request_body = RegistrationRequest,
    responses(
        (status = 201, description = "Registered; verify the e-mail address next", body = RegistrationResponse),
        (status = 422, description = "Invalid fields, e.g. an e-mail domain not on the allow-list", body = crate::routes::api::ApiError),
        (status = 429, description = "Too many registrations from this address", body = crate::routes::api::ApiError),
    ))]
pub async fn api_register_buyer(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(request): ApiJson<RegistrationRequest>,
) -> Result<(axum::http::StatusCode, ApiJson<RegistrationResponse>), AppError> {
    state.limits.check("sign_up", &ip, None)?;
    let tr = Tr::new(crate::http::context::lang_from_headers(&headers));
    let form = api_form(&request.fields, BUYER_FIELDS);
    api_outcome(register_buyer(&state, &tr, &ip, &request.fields, form).await?)
}
