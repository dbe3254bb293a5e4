//! `ApiJson<T>`: axum's JSON extractor with rejections mapped to Marco's stable error codes.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A JSON request or response body for the `/api/` routes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(map_rejection(rejection)),
        }
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

fn map_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AppError::bad_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Some("send the body with Content-Type: application/json".into()),
        ),
        JsonRejection::JsonSyntaxError(err) => AppError::bad_request(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            Some(err.body_text()),
        ),
        JsonRejection::JsonDataError(err) => AppError::bad_request(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some(err.body_text()),
        ),
        JsonRejection::BytesRejection(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::bad_request(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None)
        }
        other => AppError::bad_request(
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some(other.body_text()),
        ),
    }
}
