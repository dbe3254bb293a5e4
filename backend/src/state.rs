//! The state every handler can reach.

use std::sync::Arc;

use ed25519_dalek::SigningKey;
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;

use crate::auth::jwt::Keyring;
use crate::auth::limits::Limits;
use crate::config::{Config, Environment};
use crate::http::metrics::Metrics;
use crate::publish::Publisher;

/// Shared, cheaply cloned application state: no globals, so tests can run many apps at once.
///
/// One `Arc` around the parts, so that the clones each request's extractors make cost one
/// counter, not one per part: on two cores, cloning and dropping the parts' counters took 8%
/// of the time of serving a feed page.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
#[derive(Clone)]
pub struct Shared {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// The queue of this process's writers (one at a time on SQLite).
    pub writes: crate::db::WriteGate,
    /// Validated settings.
    pub config: Arc<Config>,
    /// Prometheus metrics of this instance.
    pub metrics: Arc<Metrics>,
    /// Validates and merges OCDS releases.
    pub publisher: Arc<Publisher>,
    /// Signs the head of the release log.
    pub log_key: Arc<SigningKey>,
    /// Signs and checks session and API tokens.
    pub keys: Arc<Keyring>,
    /// Rate limits of sign-in, sign-up and password reset, and of the OCDS feeds.
    pub limits: Arc<Limits>,
    /// The bulk download folder, and the lock that lets one refresh run at a time.
    pub bulk: Arc<crate::publish::bulk::BulkFiles>,
    /// The service catalogue's search index (tantivy, or Meilisearch when configured).
    pub search: Arc<dyn crate::search::SearchIndex>,
    /// What each background job did last, for the operations page and `/metrics`.
    pub jobs: Arc<crate::jobs::Board>,
    /// Full pages of the release feed, which never change, kept rendered.
    pub feed_pages: Arc<crate::http::feed_pages::FeedPages>,
    /// The release log's bodies in one file, which full feed pages are read from.
    pub segment: Arc<crate::publish::segment::Segment>,
    /// The latest supplier-performance analytics and red flags.
    pub analytics: Arc<crate::analytics::Latest>,
    /// The time the framework flows act at: the real time, except while the demo plays the past.
    pub clock: Clock,
}

/// The time flows read. It is the real time, or a fixed span behind it for a state made with
/// [`AppState::at`], which the demo uses to play a framework's past through the real flows.
#[derive(Clone, Copy, Debug, Default)]
pub struct Clock {
    behind: chrono::Duration,
}

impl Clock {
    /// The current time on this clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() - self.behind
    }
}

impl AppState {
    /// State for `config` on an open database. Invalid releases are refused outside production.
    pub fn new(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        let strict = config.environment != Environment::Production;
        let publisher = Publisher::new(&config.ocid_prefix, strict)?;
        let seed: [u8; 32] = match &config.log_signing_key {
            Some(hex_seed) => hex::decode(hex_seed.expose_secret())?
                .try_into()
                .map_err(|_| anyhow::anyhow!("the log signing key must be 32 bytes"))?,
            None => rand::random(),
        };
        let secret = config.jwt_secret.clone().unwrap_or_else(|| {
            secrecy::SecretString::from(hex::encode(rand::random::<[u8; 32]>()))
        });
        let keys = Keyring::new(&secret, &config.jwt_previous_secrets);
        let metrics = Arc::new(Metrics::new());
        Ok(AppState(Arc::new(Shared {
            keys: Arc::new(keys),
            limits: Arc::new(Limits::default().with_feed_rate(config.feed_rate_per_minute)),
            bulk: Arc::new(crate::publish::bulk::BulkFiles::new(&config.data_dir)),
            search: crate::search::open(&config.search, &config.data_dir)?,
            feed_pages: Arc::default(),
            segment: Arc::new(crate::publish::segment::Segment::new(&config.data_dir)),
            writes: crate::db::WriteGate::for_database(&db),
            db,
            config: Arc::new(config),
            jobs: Arc::new(crate::jobs::Board::with_metrics(metrics.clone())),
            metrics,
            publisher: Arc::new(publisher),
            log_key: Arc::new(SigningKey::from_bytes(&seed)),
            clock: Clock::default(),
            analytics: Arc::default(),
        })))
    }

    /// The same state, with flows acting at `at` (which must be in the past) as if it were now.
    /// Only the demo uses it; releases keep the real time as their publication date.
    pub fn at(&self, at: chrono::DateTime<chrono::Utc>) -> AppState {
        let mut past = Shared::clone(&self.0);
        past.clock = Clock {
            behind: (chrono::Utc::now() - at).max(chrono::Duration::zero()),
        };
        AppState(Arc::new(past))
    }

    /// Opens a write transaction: SQLite's write lock is taken up front, after this process's
    /// earlier writers, so concurrent flows wait their turn instead of failing as busy.
    pub async fn begin_write(&self) -> Result<crate::db::WriteTxn, sea_orm::DbErr> {
        self.writes.begin(&self.db).await
    }
}
