//! A fresh database per test: a SQLite file in a temporary folder, or, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, a new schema of its own on it.

use marco_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

/// Which backend the tests run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL from `TEST_DATABASE_URL`.
    Postgres,
}

/// The backend chosen by the environment.
pub fn backend() -> Backend {
    match postgres_url() {
        Some(_) => Backend::Postgres,
        None => Backend::Sqlite,
    }
}

fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A migrated database that nothing else uses, and the URL that reaches it.
pub struct TestDatabase {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// A URL another process can use to reach the same database.
    pub url: String,
    /// Temporary folder holding the SQLite file and the app's data folder.
    pub dir: tempfile::TempDir,
}

impl TestDatabase {
    /// Creates, connects and migrates a fresh database.
    pub async fn new() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = match postgres_url() {
            Some(admin_url) => {
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(admin_url.clone())
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                    .await
                    .expect("create schema");
                admin.close().await.ok();
                with_search_path(&admin_url, &schema)
            }
            None => marco::config::sqlite_url_in(dir.path()),
        };
        let db = connect(&url).await;
        Migrator::up(&db, None).await.expect("migrations");
        TestDatabase { db, url, dir }
    }
}

/// Opens `url`; a PostgreSQL URL with `options=-csearch_path=…` lands in that schema.
pub async fn connect(url: &str) -> DatabaseConnection {
    if url.starts_with("sqlite:") {
        return marco::db::connect(url).await.expect("open SQLite");
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options.max_connections(5).sqlx_logging(false);
    Database::connect(options).await.expect("open PostgreSQL")
}

/// `url` with its connections' `search_path` set to `schema` (libpq `options` parameter).
pub fn with_search_path(url: &str, schema: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-c%20search_path%3D{schema}")
}
