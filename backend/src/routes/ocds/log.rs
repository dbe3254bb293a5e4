//! The tamper-evident log: hash-chain entries in sequence order, and a head signed with
//! the published Ed25519 key, so anyone can prove nothing published was changed or removed.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};

use super::{DEFAULT_LIMIT, invalid, json, parse_limit};
use crate::error::AppError;
use crate::publish::package;
use crate::state::AppState;

/// The log routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ocds/log", get(list_log))
        .route("/ocds/log/head", get(show_head))
        .route("/ocds/log/key", get(show_key))
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub(crate) struct LogQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogEntry {
    sequence: i64,
    ocid: String,
    release_id: String,
    release_hash: String,
    chain_hash: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct LogPage {
    entries: Vec<LogEntry>,
    next: Option<String>,
}

#[utoipa::path(get, path = "/ocds/log", tag = "ocds",
    params(super::docs::LogParams),
    responses(
        (status = 200, description = "Hash-chain entries in sequence order", body = LogPage),
        (status = 400, description = "A malformed query string or path", body = crate::routes::api::ApiError),
        (status = 422, description = "A parameter is out of range or too long; see the fields", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn list_log(
    State(state): State<AppState>,
    Query(query): Query<LogQuery>,
) -> Result<Response, AppError> {
    let from = match query.from.as_deref() {
        None => 1,
        Some(raw) => raw.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            invalid(
                "from",
                "invalid_sequence",
                "from is a sequence number, 1 or more",
            )
        })?,
    };
    let limit = parse_limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let rows = crate::publish::store::log_entries(&state.db, from, limit).await?;
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.0 + 1))
        .flatten()
        .map(|from| {
            package::feed_url(
                &state.config.public_url,
                "/ocds/log",
                &LogQuery {
                    from: Some(from.to_string()),
                    limit: Some(limit.to_string()),
                },
            )
        });
    let entries = rows
        .into_iter()
        .map(
            |(sequence, ocid, release_id, release_hash, chain_hash)| LogEntry {
                sequence,
                ocid,
                release_id,
                release_hash,
                chain_hash,
            },
        )
        .collect();
    Ok(json(&LogPage { entries, next }))
}

/// The message the head signature covers: `marco-log-head:v1:{sequence}:{chainHash}`.
pub fn head_message(sequence: i64, chain_hash: &str) -> String {
    format!("marco-log-head:v1:{sequence}:{chain_hash}")
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Head {
    sequence: i64,
    chain_hash: String,
    signed_message: String,
    signature: String,
    key: String,
}

#[utoipa::path(get, path = "/ocds/log/head", tag = "ocds",
    responses(
        (status = 200, description = "The newest entry's chain hash, signed with the log key", body = Head),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn show_head(State(state): State<AppState>) -> Result<Response, AppError> {
    let latest = crate::publish::store::latest(&state.db).await?;
    let (sequence, chain_hash) = latest
        .map(|r| (r.sequence, r.chain_hash))
        .unwrap_or_else(|| (0, "0".repeat(64)));
    let message = head_message(sequence, &chain_hash);
    let signature = state.log_key.sign(message.as_bytes());
    Ok(json(&Head {
        sequence,
        chain_hash,
        signed_message: message,
        signature: hex::encode(signature.to_bytes()),
        key: format!("{}/ocds/log/key", state.config.public_url),
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Key {
    algorithm: &'static str,
    public_key: String,
    message_format: &'static str,
}

#[utoipa::path(get, path = "/ocds/log/key", tag = "ocds",
    responses(
        (status = 200, description = "The Ed25519 key that signs the log head", body = Key),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn show_key(State(state): State<AppState>) -> Response {
    json(&Key {
        algorithm: "Ed25519",
        public_key: hex::encode(state.log_key.verifying_key().to_bytes()),
        message_format: "marco-log-head:v1:{sequence}:{chainHash}",
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signed_message_names_version_sequence_and_chain() {
        assert_eq!(super::head_message(7, "ab"), "marco-log-head:v1:7:ab");
    }
}
