//! The JSON API under `/api/v1/`: its OpenAPI 3.1 document, generated from the code, and a
//! reference page for people built from that same document.

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use marco_frontend::pages::{ApiOperation, ApiReferencePage};
use serde::Serialize;
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{RefOr, Response};

use crate::error::{FieldError, code_for_status};
use crate::http::api_json::ApiJson;
use crate::http::context::PageContext;
use crate::http::errors::example_error;
use crate::routes::{ocds, ops};
use crate::state::AppState;

/// The OpenAPI description of every documented route.
#[derive(OpenApi)]
#[openapi(
    info(title = "Marco API", description = "Framework agreements, catalogue and OCDS open data."),
    paths(
        show_status, openapi_json, check_identifier,
        crate::routes::accounts::sign_in::issue_api_token,
        crate::routes::accounts::register_api::api_register_supplier,
        crate::routes::accounts::register_api::api_register_buyer,
        crate::routes::accounts::account::show_me,
        ops::healthz, ops::readyz, ops::metrics,
        ocds::show_index,
        ocds::list_releases, ocds::stream_releases, ocds::show_release,
        ocds::list_records, ocds::stream_records, ocds::show_record,
        ocds::log::list_log, ocds::log::show_head, ocds::log::show_key,
        ocds::bulk::list_bulk_files, ocds::bulk::download_bulk_file,
        ocds::extensions::extension_file,
        crate::routes::buying::api::catalogue::search_services,
        crate::routes::buying::api::catalogue::show_service,
        crate::routes::buying::api::catalogue::list_frameworks,
        crate::routes::buying::api::catalogue::show_framework,
        crate::routes::buying::api::orders::list_orders,
        crate::routes::buying::api::orders::create_order,
        crate::routes::buying::api::orders::show_order,
        crate::routes::buying::api::orders::act_on_order,
        crate::routes::analytics::api_report,
        crate::routes::analytics::api_flags,
        crate::routes::analytics::api_supplier,
        crate::routes::analytics::buyers::api_buyer,
        crate::routes::analytics::markets::api_markets,
    ),
    components(schemas(
        ApiError, ApiErrorBody, FieldError, Status, IdentifierCheck, CheckedIdentifier,
        ops::ProbeStatus, ocds::docs::DateOrDateTime,
        crate::routes::accounts::sign_in::TokenRequest,
        crate::routes::accounts::sign_in::TokenResponse,
        crate::routes::accounts::account::Me,
        crate::routes::accounts::register_api::SupplierRegistration,
        crate::routes::accounts::register_api::BuyerRegistration,
        crate::routes::accounts::register_api::RegistrationResponse,
        crate::routes::buying::api::ApiParty,
        crate::routes::analytics::ApiAnalytics,
        crate::routes::analytics::ApiSupplierPerformance,
        crate::routes::analytics::buyers::ApiBuyerPerformance,
        crate::analytics::rows::Flag,
        crate::routes::buying::api::ApiMoney,
        crate::routes::buying::api::catalogue::ApiPrice,
        crate::routes::buying::api::catalogue::ApiService,
        crate::routes::buying::api::catalogue::ApiServicePage,
        crate::routes::buying::api::catalogue::ApiServiceDetail,
        crate::routes::buying::api::catalogue::ApiAnswer,
        crate::routes::buying::api::catalogue::ApiLot,
        crate::routes::buying::api::catalogue::ApiFramework,
        crate::routes::buying::api::orders::ApiOrderItem,
        crate::routes::buying::api::orders::ApiOrder,
        crate::routes::buying::api::orders::ApiOrderList,
        crate::routes::buying::api::orders::NewOrderItem,
        crate::routes::buying::api::orders::NewOrder,
        crate::routes::buying::api::orders::NewQuote,
        crate::routes::buying::api::orders::OrderActionRequest,
        crate::routes::buying::api::orders::ApiOrderAction,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "api", description = "Marco's JSON API"),
        (name = "operations", description = "Probes and metrics for operators"),
        (name = "ocds", description = "Keyless OCDS 1.1 open data: release and record feeds, the tamper-evident log and bulk files"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer tokens that `POST /api/v1/auth/token` issues.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The routes under `/api/v1/`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/", get(show_reference))
        .route("/api/v1", get(show_reference))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/status", get(show_status))
        .route(
            "/api/v1/organisation-identifiers/check",
            axum::routing::post(check_identifier),
        )
}

/// The error envelope every `/api/` error uses.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// The error.
    pub error: ApiErrorBody,
}

/// The error itself: a stable code, a message in the request's language, and field problems.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// Stable snake_case code, e.g. `invalid_json`.
    pub code: String,
    /// A message for people.
    pub message: String,
    /// Problems per field name.
    pub fields: std::collections::BTreeMap<String, FieldError>,
}

/// What this instance is running.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Status {
    /// Marco's version.
    pub version: &'static str,
    /// The database backend: `sqlite` or `postgres`.
    pub database: &'static str,
    /// The OCDS ocid prefix this instance publishes under.
    pub ocid_prefix: String,
}

/// The running version, database backend and ocid prefix.
#[utoipa::path(get, path = "/api/v1/status", tag = "api",
    responses((status = 200, description = "What this instance runs", body = Status)))]
pub async fn show_status(State(state): State<AppState>) -> ApiJson<Status> {
    ApiJson(Status {
        version: env!("CARGO_PKG_VERSION"),
        database: crate::db::backend_name(&state.db),
        ocid_prefix: state.config.ocid_prefix.clone(),
    })
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "api",
    responses((status = 200, description = "The OpenAPI 3.1 document of every /api/v1 and /ocds operation", body = Object)))]
async fn openapi_json() -> impl IntoResponse {
    ApiJson(ApiDoc::openapi())
}

async fn show_reference(PageContext(shell): PageContext) -> ApiReferencePage {
    let doc = ApiDoc::openapi();
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in methods {
            if let Some(op) = op {
                operations.push(describe(method, path, op));
            }
        }
    }
    let error_example = example_error(shell.tr.lang);
    ApiReferencePage {
        shell,
        api_title: doc.info.title.clone(),
        api_version: doc.info.version.clone(),
        operations,
        error_example,
    }
}

fn describe(method: &str, path: &str, op: &Operation) -> ApiOperation {
    let method = method.to_owned();
    let responses = op
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let what = match response {
                RefOr::T(Response { description, .. }) => description.clone(),
                RefOr::Ref(r) => r.ref_location.clone(),
            };
            let what = if what.is_empty() {
                status
                    .parse()
                    .ok()
                    .and_then(|s| http::StatusCode::from_u16(s).ok())
                    .map(code_for_status)
                    .unwrap_or_default()
                    .to_owned()
            } else {
                what
            };
            (status.clone(), what)
        })
        .collect();
    ApiOperation {
        method,
        path: path.to_owned(),
        summary: op.summary.clone().unwrap_or_default(),
        description: op.description.clone().unwrap_or_default(),
        responses,
    }
}

/// An identifier to check: an org-id.guide scheme and the id within it.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct IdentifierCheck {
    /// org-id.guide list code, e.g. `CL-RUT` or `GB-COH`.
    #[schema(min_length = 1, max_length = 64, example = "CL-RUT")]
    pub scheme: String,
    /// The identifier as written, e.g. `76.123.456-0`.
    #[schema(min_length = 1, max_length = 64, example = "76.123.456-0")]
    pub id: String,
}

/// A valid identifier in the normal form Marco stores and publishes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckedIdentifier {
    /// The scheme in upper case.
    pub scheme: String,
    /// The identifier in normal form, e.g. `76123456-0`.
    pub id: String,
}

/// Checks an organisation identifier: a Chilean RUT's check digit, a Companies House
/// number's length, and the format of other org-id.guide schemes.
#[utoipa::path(post, path = "/api/v1/organisation-identifiers/check", tag = "api",
    request_body = IdentifierCheck,
    responses(
        (status = 200, description = "Valid; the normal form is returned", body = CheckedIdentifier),
        (status = 400, description = "The body is not valid JSON", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 415, description = "The body is not sent as application/json", body = ApiError),
        (status = 422, description = "The identifier is not valid, or a field is missing or past its maxLength; see the fields", body = ApiError),
    ))]
pub async fn check_identifier(
    ApiJson(check): ApiJson<IdentifierCheck>,
) -> Result<ApiJson<CheckedIdentifier>, crate::error::AppError> {
    use crate::domain::identifier::OrgIdentifier;
    match OrgIdentifier::parse(&check.scheme, &check.id) {
        Ok(valid) => Ok(ApiJson(CheckedIdentifier {
            scheme: valid.scheme,
            id: valid.id,
        })),
        Err(err) => {
            let field = if err.is_scheme() { "scheme" } else { "id" };
            let mut fields = crate::error::FieldErrors::new();
            fields.insert(
                field.into(),
                FieldError {
                    code: err.code().into(),
                    message: err.to_string(),
                },
            );
            Err(crate::error::AppError::Invalid(fields))
        }
    }
}
