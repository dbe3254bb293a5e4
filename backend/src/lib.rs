//! Marco, a framework-agreement marketplace for public buying that publishes every stage as
//! Open Contracting Data Standard data. `router(state)` is the one place routes are wired.

pub mod accounts;
pub mod analytics;
pub mod auth;
pub mod briefs;
pub mod buying;
pub mod cli;
pub mod config;
pub mod contracts;
pub mod dashboard;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod frameworks;
pub mod http;
pub mod jobs;
#[cfg(test)]
mod layering;
pub mod mail;
pub mod publish;
pub mod routes;
pub mod search;
pub mod seed;
pub mod server;
pub mod state;
pub mod telemetry;

use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

/// Builds the whole application: every route, wrapped in the middleware stack.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(routes::pages::router())
        .merge(routes::accounts::router())
        .merge(routes::organisation::router())
        .merge(routes::admin::router())
        .merge(routes::frameworks::router())
        .merge(routes::catalogue::router())
        .merge(routes::buying::router())
        .merge(routes::briefs::router())
        .merge(routes::delivery::router())
        .merge(routes::dashboard::router())
        .merge(routes::open_data::router())
        .merge(routes::analytics::router())
        .merge(routes::ops::router())
        .merge(routes::api::router())
        .merge(routes::assets::router())
        .merge(routes::ocds::router(&state))
        .fallback(|| async { AppError::NotFound });
    http::with_layers(routes, state)
}
