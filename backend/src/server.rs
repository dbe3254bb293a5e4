//! Start-up: prepare the data folder, open and migrate the database, and serve until SIGTERM.

use std::io::Write;
use std::path::Path;

use marco_migrations::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;

use crate::config::Config;
use crate::state::AppState;

/// A problem that stops Marco from starting: printed as one line, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartupError(pub String);

/// Creates the data folder and proves it is writable.
pub fn prepare_data_dir(dir: &Path) -> Result<(), StartupError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        StartupError(format!(
            "cannot create the data folder {}: {e} (set MARCO_DATA_DIR)",
            dir.display()
        ))
    })?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            StartupError(format!(
                "cannot write to the data folder {}: {e} (set MARCO_DATA_DIR)",
                dir.display()
            ))
        })
}

/// Uses `MARCO_JWT_SECRET`, or reads the secret generated earlier into the data folder, or
/// generates one there (owner-only permissions) on the first embedded run.
pub fn ensure_jwt_secret(config: &mut Config) -> Result<(), StartupError> {
    if config.jwt_secret.is_some() {
        return Ok(());
    }
    let path = config.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            config.jwt_secret = Some(SecretString::from(existing));
            return Ok(());
        }
    }
    let secret = hex::encode(rand::random::<[u8; 32]>());
    write_private(&path, secret.as_bytes()).map_err(|e| {
        StartupError(format!(
            "cannot write the JWT secret to {}: {e}",
            path.display()
        ))
    })?;
    tracing::info!(path = %path.display(), "generated a new JWT signing secret");
    config.jwt_secret = Some(SecretString::from(secret));
    Ok(())
}

/// Uses `MARCO_LOG_SIGNING_KEY`, or the key generated earlier into the data folder, or
/// generates one there, so the published log key survives restarts.
pub fn ensure_log_key(config: &mut Config) -> Result<(), StartupError> {
    if config.log_signing_key.is_some() {
        return Ok(());
    }
    let path = config.data_dir.join("log-signing-key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if hex::decode(&existing).map(|b| b.len()) == Ok(32) {
            config.log_signing_key = Some(SecretString::from(existing));
            return Ok(());
        }
    }
    let seed = hex::encode(rand::random::<[u8; 32]>());
    write_private(&path, seed.as_bytes()).map_err(|e| {
        StartupError(format!(
            "cannot write the log signing key to {}: {e}",
            path.display()
        ))
    })?;
    config.log_signing_key = Some(SecretString::from(seed));
    Ok(())
}

/// The application state, or a start-up error when the OCDS schemas cannot be compiled.
pub fn state(db: DatabaseConnection, config: Config) -> Result<AppState, StartupError> {
    AppState::new(db, config)
        .map_err(|e| StartupError(format!("cannot prepare OCDS publication: {e:#}")))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)
}

/// Opens the database named in the configuration.
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, StartupError> {
    crate::db::connect(config.database_url.expose_secret())
        .await
        .map_err(|e| {
            StartupError(format!(
                "cannot open the database {}: {e}",
                config.database_url_redacted()
            ))
        })
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StartupError> {
    Migrator::up(db, None)
        .await
        .map_err(|e| StartupError(format!("database migration failed: {e}")))
}

/// Binds the listen address; a port in use is a start-up error, not a panic.
pub async fn bind(config: &Config) -> Result<TcpListener, StartupError> {
    TcpListener::bind(config.addr).await.map_err(|e| {
        StartupError(format!(
            "cannot listen on {}: {e} (set MARCO_ADDR to a free address)",
            config.addr
        ))
    })
}

/// Serves requests until SIGTERM or Ctrl-C, then lets requests in flight finish.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let app = crate::router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
