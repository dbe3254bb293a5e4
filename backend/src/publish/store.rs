//! Queries on the release log; the only code that knows its columns.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Set,
};
use serde_json::Value;

use crate::entities::{ocds_process, release, release_facet};

/// A published release as stored: its body exactly as hashed, and where it sits in the log.
pub type Release = release::Model;

/// A contracting process: its ocid and the sequence of its first release.
pub type Process = ocds_process::Model;

/// One entry of the hash chain: sequence, ocid, release id, release hash, chain hash.
pub type LogEntry = (i64, String, String, String, String);

/// Records what the feeds filter on: each tag, the buyer and every supplier of the release.
pub async fn insert_facets<C: ConnectionTrait>(
    txn: &C,
    sequence: i64,
    tags: &[&str],
    release: &Value,
) -> Result<(), sea_orm::DbErr> {
    let mut facets: Vec<(&str, String)> = tags.iter().map(|t| ("tag", (*t).to_owned())).collect();
    if let Some(buyer) = release.pointer("/buyer/id").and_then(Value::as_str) {
        facets.push(("buyer", buyer.to_owned()));
    }
    for party in release
        .get("parties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(id) = party.get("id").and_then(Value::as_str) else {
            continue;
        };
        for role in party
            .get("roles")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match role.as_str() {
                Some("buyer") => facets.push(("buyer", id.to_owned())),
                Some("supplier") => facets.push(("supplier", id.to_owned())),
                _ => {}
            }
        }
    }
    for key in ["awards", "contracts"] {
        for item in release
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for supplier in item
                .get("suppliers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(id) = supplier.get("id").and_then(Value::as_str) {
                    facets.push(("supplier", id.to_owned()));
                }
            }
        }
    }
    facets.sort();
    facets.dedup();
    if facets.is_empty() {
        return Ok(());
    }
    let rows = facets
        .into_iter()
        .map(|(kind, value)| release_facet::ActiveModel {
            kind: Set(kind.into()),
            value: Set(value),
            sequence: Set(sequence),
        });
    release_facet::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

/// Adds the release to its contracting process's row: one upsert that creates the row with
/// this first release, or moves its last sequence on and counts one more release.
pub async fn record_process<C: ConnectionTrait>(
    txn: &C,
    ocid: &str,
    sequence: i64,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    ocds_process::Entity::insert(ocds_process::ActiveModel {
        ocid: Set(ocid.to_owned()),
        first_sequence: Set(sequence),
        last_sequence: Set(sequence),
        release_count: Set(1),
    })
    .on_conflict(
        OnConflict::column(ocds_process::Column::Ocid)
            .value(ocds_process::Column::LastSequence, Expr::value(sequence))
            .value(
                ocds_process::Column::ReleaseCount,
                Expr::col((ocds_process::Entity, ocds_process::Column::ReleaseCount)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Filters of the releases feed.
#[derive(Clone, Debug, Default)]
pub struct ReleaseFilter {
    /// Only releases after this sequence number (the cursor).
    pub after: i64,
    /// Release date on or after (RFC 3339 prefix compare).
    pub since: Option<String>,
    /// Release date before.
    pub until: Option<String>,
    /// Only this contracting process.
    pub ocid: Option<String>,
    /// Only releases naming this buyer party id.
    pub buyer: Option<String>,
    /// Only releases naming this supplier party id.
    pub supplier: Option<String>,
    /// Only releases with this tag.
    pub tag: Option<String>,
}

impl ReleaseFilter {
    /// Whether the filter selects every release after its cursor.
    pub fn is_whole_log(&self) -> bool {
        self.since.is_none()
            && self.until.is_none()
            && self.ocid.is_none()
            && self.buyer.is_none()
            && self.supplier.is_none()
            && self.tag.is_none()
    }
}

/// One page of releases in publication order.
pub async fn list_releases<C: ConnectionTrait>(
    db: &C,
    filter: &ReleaseFilter,
    limit: u64,
) -> Result<Vec<release::Model>, sea_orm::DbErr> {
    releases_query(filter, limit).all(db).await
}

/// A page of the release feed as the database joins it: the page needs its releases' bodies
/// in order, separated by commas, and the sequence and date of its last release.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedPage {
    /// How many releases the page holds.
    pub count: u64,
    /// The sequence number of its last release (the next page's cursor).
    pub last_sequence: Option<i64>,
    /// The `date` of its last release.
    pub last_date: Option<String>,
    /// The releases' canonical JSON as published, in sequence order, joined by commas.
    pub bodies: String,
}

/// One page of the release feed in a single row: the database joins the bodies
/// (`string_agg`, in SQLite since 3.44 and in PostgreSQL), so a page of hundreds of releases
/// crosses from the database as one value instead of a row each.
pub async fn feed_page<C: ConnectionTrait>(
    db: &C,
    filter: &ReleaseFilter,
    limit: u64,
) -> Result<FeedPage, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let page = releases_query(filter, limit)
        .select_only()
        .columns([
            release::Column::Sequence,
            release::Column::Date,
            release::Column::Body,
        ])
        .build(backend);
    let sql = format!(
        "WITH page AS ({}) SELECT count(*) AS n, max(sequence) AS last_sequence, \
         (SELECT date FROM page ORDER BY sequence DESC LIMIT 1) AS last_date, \
         string_agg(body, ',' ORDER BY sequence) AS bodies FROM page",
        page.sql
    );
    let statement = match page.values {
        Some(values) => sea_orm::Statement::from_sql_and_values(backend, sql, values),
        None => sea_orm::Statement::from_string(backend, sql),
    };
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(FeedPage::default());
    };
    let count: i64 = row.try_get("", "n")?;
    Ok(FeedPage {
        count: u64::try_from(count).unwrap_or_default(),
        last_sequence: row.try_get("", "last_sequence")?,
        last_date: row.try_get("", "last_date")?,
        bodies: row
            .try_get::<Option<String>>("", "bodies")?
            .unwrap_or_default(),
    })
}

/// A release as the feed segment copies it.
#[derive(Clone, Debug, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct SegmentRow {
    /// Its sequence number.
    pub sequence: i64,
    /// Its `date`.
    pub date: String,
    /// Its canonical JSON, as published.
    pub body: String,
    /// The log's chain hash after it.
    pub chain_hash: String,
}

/// Up to `limit` releases after sequence `after`, in order, for the feed segment.
pub async fn segment_rows<C: ConnectionTrait>(
    db: &C,
    after: i64,
    limit: u64,
) -> Result<Vec<SegmentRow>, sea_orm::DbErr> {
    release::Entity::find()
        .filter(release::Column::Sequence.gt(after))
        .order_by_asc(release::Column::Sequence)
        .limit(limit)
        .select_only()
        .columns([
            release::Column::Sequence,
            release::Column::Date,
            release::Column::Body,
            release::Column::ChainHash,
        ])
        .into_model::<SegmentRow>()
        .all(db)
        .await
}

/// The chain hash of the log after release `sequence`, if there is one.
pub async fn chain_hash_at<C: ConnectionTrait>(
    db: &C,
    sequence: i64,
) -> Result<Option<String>, sea_orm::DbErr> {
    release::Entity::find()
        .filter(release::Column::Sequence.eq(sequence))
        .select_only()
        .column(release::Column::ChainHash)
        .into_tuple::<String>()
        .one(db)
        .await
}

/// The committed head of the log: the last sequence number given (0 before any release).
pub async fn head<C: ConnectionTrait>(db: &C) -> Result<i64, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT last_sequence FROM publication_head WHERE id = 1",
        ))
        .await?;
    match row {
        Some(row) => row.try_get("", "last_sequence"),
        None => Ok(0),
    }
}

fn releases_query(filter: &ReleaseFilter, limit: u64) -> sea_orm::Select<release::Entity> {
    let mut query = release::Entity::find()
        .filter(release::Column::Sequence.gt(filter.after))
        .order_by_asc(release::Column::Sequence)
        .limit(limit);
    if let Some(since) = &filter.since {
        query = query.filter(release::Column::Date.gte(since.clone()));
    }
    if let Some(until) = &filter.until {
        query = query.filter(release::Column::Date.lt(until.clone()));
    }
    if let Some(ocid) = &filter.ocid {
        query = query.filter(release::Column::Ocid.eq(ocid.clone()));
    }
    for (kind, value) in [
        ("buyer", &filter.buyer),
        ("supplier", &filter.supplier),
        ("tag", &filter.tag),
    ] {
        if let Some(value) = value {
            let sequences = release_facet::Entity::find()
                .select_only()
                .column(release_facet::Column::Sequence)
                .filter(release_facet::Column::Kind.eq(kind))
                .filter(release_facet::Column::Value.eq(value.clone()))
                .into_query();
            query = query.filter(release::Column::Sequence.in_subquery(sequences));
        }
    }
    query
}

/// One release by its id.
pub async fn find_release<C: ConnectionTrait>(
    db: &C,
    release_id: &str,
) -> Result<Option<release::Model>, sea_orm::DbErr> {
    release::Entity::find()
        .filter(release::Column::ReleaseId.eq(release_id))
        .one(db)
        .await
}

/// Every release of a contracting process, in publication order.
pub async fn releases_of<C: ConnectionTrait>(
    db: &C,
    ocid: &str,
) -> Result<Vec<release::Model>, sea_orm::DbErr> {
    release::Entity::find()
        .filter(release::Column::Ocid.eq(ocid))
        .order_by_asc(release::Column::Sequence)
        .all(db)
        .await
}

/// Every release of several contracting processes in one query, grouped by ocid in the order
/// the ocids are given, each group in publication order.
pub async fn releases_of_many<C: ConnectionTrait>(
    db: &C,
    ocids: &[String],
) -> Result<Vec<(String, Vec<release::Model>)>, sea_orm::DbErr> {
    let mut groups: Vec<(String, Vec<release::Model>)> =
        ocids.iter().map(|o| (o.clone(), Vec::new())).collect();
    if ocids.is_empty() {
        return Ok(groups);
    }
    let index: std::collections::HashMap<&str, usize> = ocids
        .iter()
        .enumerate()
        .map(|(i, o)| (o.as_str(), i))
        .collect();
    let rows = release::Entity::find()
        .filter(release::Column::Ocid.is_in(ocids.iter().cloned()))
        .order_by_asc(release::Column::Sequence)
        .all(db)
        .await?;
    for row in rows {
        if let Some(&at) = index.get(row.ocid.as_str()) {
            groups[at].1.push(row);
        }
    }
    Ok(groups)
}

/// One page of contracting processes in order of their first release.
pub async fn list_processes<C: ConnectionTrait>(
    db: &C,
    after_first_sequence: i64,
    limit: u64,
) -> Result<Vec<ocds_process::Model>, sea_orm::DbErr> {
    ocds_process::Entity::find()
        .filter(ocds_process::Column::FirstSequence.gt(after_first_sequence))
        .order_by_asc(ocds_process::Column::FirstSequence)
        .limit(limit)
        .all(db)
        .await
}

/// The newest release in the log, if any.
pub async fn latest<C: ConnectionTrait>(db: &C) -> Result<Option<release::Model>, sea_orm::DbErr> {
    release::Entity::find()
        .order_by_desc(release::Column::Sequence)
        .one(db)
        .await
}

/// Up to `limit` hash-chain entries from sequence `from` on, in sequence order.
pub async fn log_entries<C: ConnectionTrait>(
    db: &C,
    from: i64,
    limit: u64,
) -> Result<Vec<LogEntry>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    release::Entity::find()
        .select_only()
        .columns([
            release::Column::Sequence,
            release::Column::Ocid,
            release::Column::ReleaseId,
            release::Column::ReleaseHash,
            release::Column::ChainHash,
        ])
        .filter(release::Column::Sequence.gte(from))
        .order_by_asc(release::Column::Sequence)
        .limit(limit)
        .into_tuple::<LogEntry>()
        .all(db)
        .await
}
