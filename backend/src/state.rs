//! The state every handler can reach.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::http::metrics::Metrics;

/// Shared, cheaply cloned application state: no globals, so tests can run many apps at once.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Validated settings.
    pub config: Arc<Config>,
    /// Prometheus metrics of this instance.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// State for `config` on an open database.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        AppState {
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
        }
    }
}
