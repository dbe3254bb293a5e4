//! Connecting to the database: embedded SQLite by default, PostgreSQL in production, and the
//! one way to open a write transaction on either.
//!
//! SQLite allows one writer at a time. A plain `BEGIN` starts a read transaction that is
//! upgraded on its first write; when another connection has committed in between, SQLite
//! refuses the upgrade at once with `SQLITE_BUSY_SNAPSHOT` (517), which no busy timeout can
//! wait out. So every write transaction here starts with `BEGIN IMMEDIATE`, which takes the
//! write lock up front and waits for it, and the writers of one process queue in order on
//! a [`WriteGate`] instead of polling SQLite's lock from eight pooled connections. Another
//! process (`marco seed` beside a running server) waits on the busy timeout.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long SQLite waits for another process's write lock, and how long a writer of this
/// process waits for its turn, before the request fails as busy (HTTP 503).
pub const WRITE_WAIT: Duration = Duration::from_secs(20);

/// Opens a pool on `url`. SQLite gets write-ahead logging so readers never block the writer,
/// a busy timeout on every connection, and foreign keys on every connection.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // Writers queue on the WriteGate, not on connections, so eight are enough for readers.
        options.max_connections(8).min_connections(1);
        options.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(WRITE_WAIT)
        });
    } else {
        options.max_connections(20);
    }
    Database::connect(options).await
}

/// A short name of the backend, for logs and the status endpoint.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "sqlite",
        DbBackend::Postgres => "postgres",
        _ => "other",
    }
}

/// The queue that this process's SQLite writers wait in, one at a time and in order.
/// PostgreSQL needs none: it locks rows, not the whole database.
#[derive(Clone, Debug)]
pub struct WriteGate {
    gate: Option<Arc<Semaphore>>,
    /// Write transactions this process has committed: pages kept in memory that depend on
    /// the database (the partial feed page) know that nothing changed here while it stands.
    commits: Arc<std::sync::atomic::AtomicU64>,
}

impl WriteGate {
    /// The gate for `db`: one writer at a time on SQLite, none on PostgreSQL.
    pub fn for_database(db: &DatabaseConnection) -> WriteGate {
        match db.get_database_backend() {
            DbBackend::Sqlite => WriteGate {
                gate: Some(Arc::new(Semaphore::new(1))),
                commits: Arc::default(),
            },
            _ => WriteGate {
                gate: None,
                commits: Arc::default(),
            },
        }
    }

    /// How many write transactions this process has committed so far.
    pub fn commits(&self) -> u64 {
        self.commits.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Opens a write transaction on `db`, after this process's earlier writers.
    pub async fn begin(&self, db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
        let permit = match &self.gate {
            Some(gate) => Some(
                tokio::time::timeout(WRITE_WAIT, gate.clone().acquire_owned())
                    .await
                    .map_err(|_| busy())?
                    .map_err(|_| busy())?,
            ),
            None => None,
        };
        let txn = begin_immediate(db).await?;
        Ok(WriteTxn {
            txn,
            _permit: permit,
            commits: Arc::clone(&self.commits),
        })
    }
}

fn busy() -> DbErr {
    DbErr::Custom("database is locked: waited too long for the write lock".into())
}

/// A write transaction with the lock taken up front (`BEGIN IMMEDIATE` on SQLite), for a
/// process that has no [`WriteGate`] of its own (`marco seed`, command-line tools).
#[expect(
    clippy::disallowed_methods,
    reason = "the one place a transaction is begun"
)]
pub async fn begin_immediate(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Whether `err` says the database was too busy to write (SQLite's lock), so the request can
/// be answered 503 with a retry, rather than as a bug.
pub fn is_busy(err: &DbErr) -> bool {
    let text = err.to_string();
    text.contains("database is locked")
        || text.contains("(code: 5)")
        || text.contains("(code: 517)")
}

/// Whether `err` is a unique-constraint violation: somebody else took the name first.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// An open write transaction, holding this process's turn to write until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _permit: Option<OwnedSemaphorePermit>,
    commits: Arc<std::sync::atomic::AtomicU64>,
}

impl WriteTxn {
    /// Commits the transaction and lets the next writer in.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await?;
        self.commits
            .fetch_add(1, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// Rolls the transaction back and lets the next writer in.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}
