//! Figures about the release log for the publication-health page: its size, releases per
//! day, and the releases that failed validation. The only code that knows how to count them.

use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
    Statement,
};

use crate::entities::{ocds_process, publication_failure, release};

/// Releases published on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    /// The day (UTC), `YYYY-MM-DD`.
    pub day: String,
    /// Releases published.
    pub releases: u64,
}

/// What the log holds, and how publishing has gone.
#[derive(Clone, Debug)]
pub struct Health {
    /// Releases in the log.
    pub releases: u64,
    /// Contracting processes.
    pub processes: u64,
    /// Bytes of stored release JSON.
    pub bytes: i64,
    /// The newest release.
    pub head: Option<release::Model>,
    /// Releases per day, the latest 30 days with any, newest first.
    pub per_day: Vec<Day>,
    /// Validation failures in total.
    pub failures: u64,
    /// The 20 latest failures, newest first.
    pub latest_failures: Vec<publication_failure::Model>,
}

/// How many releases and processes the log holds (for the open-data page).
pub async fn counts<C: ConnectionTrait>(db: &C) -> Result<(u64, u64), DbErr> {
    Ok((
        release::Entity::find().count(db).await?,
        ocds_process::Entity::find().count(db).await?,
    ))
}

/// Every figure of the publication-health page.
pub async fn health<C: ConnectionTrait>(db: &C) -> Result<Health, DbErr> {
    let backend = db.get_database_backend();
    // Bytes, not characters: PostgreSQL's LENGTH counts characters.
    let size_sql = match backend {
        DbBackend::Postgres => {
            "SELECT COALESCE(SUM(OCTET_LENGTH(body)), 0)::BIGINT AS size FROM releases"
        }
        _ => "SELECT COALESCE(SUM(LENGTH(CAST(body AS BLOB))), 0) AS size FROM releases",
    };
    let bytes: i64 = db
        .query_one_raw(Statement::from_string(backend, size_sql))
        .await?
        .map(|row| row.try_get("", "size"))
        .transpose()?
        .unwrap_or(0);
    let per_day = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT SUBSTR(date, 1, 10) AS day, COUNT(*) AS releases FROM releases \
             GROUP BY SUBSTR(date, 1, 10) ORDER BY day DESC LIMIT 30",
        ))
        .await?
        .into_iter()
        .map(|row| -> Result<Day, DbErr> {
            Ok(Day {
                day: row.try_get("", "day")?,
                releases: row.try_get::<i64>("", "releases")? as u64,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (releases, processes) = counts(db).await?;
    Ok(Health {
        releases,
        processes,
        bytes,
        head: super::store::latest(db).await?,
        per_day,
        failures: publication_failure::Entity::find().count(db).await?,
        latest_failures: publication_failure::Entity::find()
            .order_by_desc(publication_failure::Column::Id)
            .limit(20)
            .all(db)
            .await?,
    })
}
