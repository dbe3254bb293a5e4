//! The release log: `publish(txn, …)` is what every buying flow calls, inside the transaction
//! of its state change, so that a change and its OCDS release commit together or not at all.
//!
//! Sequence numbers are assigned by updating the single `publication_head` row. The update
//! holds that row's lock until the transaction ends, so publishers queue behind each other and
//! the sequence is gap-free in commit order on PostgreSQL, even with several app instances;
//! SQLite has a single writer anyway. A feed reader paging by sequence therefore never skips a
//! release that commits later with a smaller number. See `docs/publication.md`.

pub mod bench;
pub mod bulk;
pub mod chain;
pub mod health;
pub mod ocids;
pub mod package;
pub mod parties;
pub mod record;
pub mod segment;
pub mod store;

use chrono::{SecondsFormat, Utc};
use ocds_schema::merge::Merger;
use ocds_schema::schema::{MARCO_EXTENSIONS, find_extension};
use ocds_schema::validate::{ValidationError, Validator};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Statement};
use serde_json::{Map, Value, json};

use crate::entities::{publication_failure, release};

/// Validates and merges releases; built once per process because compiling the schema is slow.
#[derive(Debug)]
pub struct Publisher {
    validator: Validator,
    merger: Merger,
    strict: bool,
    extension_urls: Vec<&'static str>,
}

/// A release committed to the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// Its publication sequence number.
    pub sequence: i64,
    /// The release id.
    pub release_id: String,
    /// The release date.
    pub date: String,
    /// Hex SHA-256 of its canonical JSON.
    pub release_hash: String,
    /// Hex chain value after it.
    pub chain_hash: String,
}

/// Why a release could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The release breaks the schema (refused in development and tests).
    #[error("the release for {ocid} is not valid OCDS: {}", summary(.errors))]
    Invalid {
        /// The ocid.
        ocid: String,
        /// What is wrong.
        errors: Vec<ValidationError>,
    },
    /// The caller passed fields that `publish` assigns itself, or a body that is not an object.
    #[error("release body for {0} must be a JSON object without ocid, id, date or tag")]
    Body(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// Anything else.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

fn summary(errors: &[ValidationError]) -> String {
    errors
        .iter()
        .take(5)
        .map(|e| format!("{} ({}): {}", e.pointer, e.rule, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Publisher {
    /// A publisher for `ocid_prefix`. `strict` refuses invalid releases (development, tests);
    /// otherwise they are published, flagged and recorded for the health page.
    pub fn new(ocid_prefix: &str, strict: bool) -> anyhow::Result<Publisher> {
        let validator = Validator::new(MARCO_EXTENSIONS, Some(ocid_prefix))?;
        let merger = Merger::for_extensions(MARCO_EXTENSIONS)?;
        let extension_urls = MARCO_EXTENSIONS
            .iter()
            .filter_map(|id| find_extension(id))
            .map(|e| e.url)
            .collect();
        Ok(Publisher {
            validator,
            merger,
            strict,
            extension_urls,
        })
    }

    /// The extension URLs to declare in every package. Marco's own extensions are served by
    /// the deployment, so their paths are put under `base` (the public URL).
    pub fn extension_urls(&self, base: &str) -> Vec<String> {
        self.extension_urls
            .iter()
            .map(|url| {
                if url.starts_with('/') {
                    format!("{}{url}", base.trim_end_matches('/'))
                } else {
                    (*url).to_owned()
                }
            })
            .collect()
    }

    /// The merger for records.
    pub fn merger(&self) -> &Merger {
        &self.merger
    }

    /// The validator, with Marco's extensions and prefix.
    pub fn validator(&self) -> &Validator {
        &self.validator
    }
}

/// Publishes one release of `ocid` with `tags`, inside the caller's transaction.
///
/// `body` holds everything but `ocid`, `id`, `date`, `tag` and `initiationType`, which are
/// assigned here. The release is validated, canonicalised (RFC 8785), hashed, chained and
/// appended to the log.
pub async fn publish<C: ConnectionTrait>(
    txn: &C,
    publisher: &Publisher,
    ocid: &str,
    tags: &[&str],
    body: Value,
) -> Result<Published, PublishError> {
    let Value::Object(body) = body else {
        return Err(PublishError::Body(ocid.into()));
    };
    if ["ocid", "id", "date", "tag"]
        .iter()
        .any(|k| body.contains_key(*k))
    {
        return Err(PublishError::Body(ocid.into()));
    }
    let (sequence, previous_chain) = claim_sequence(txn).await?;
    let release_id = format!("{ocid}-{sequence:08}");
    let date = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut release = Map::new();
    release.insert("ocid".into(), json!(ocid));
    release.insert("id".into(), json!(release_id));
    release.insert("date".into(), json!(date));
    release.insert("tag".into(), json!(tags));
    release.insert("initiationType".into(), json!("tender"));
    release.extend(body);
    let release = Value::Object(release);

    let errors = publisher.validator.validate_release(&release);
    let valid = errors.is_empty();
    if !valid {
        if publisher.strict {
            return Err(PublishError::Invalid {
                ocid: ocid.into(),
                errors,
            });
        }
        tracing::error!(ocid, release.id = %release_id, errors = errors.len(), "published an invalid release");
        publication_failure::ActiveModel {
            sequence: Set(sequence),
            release_id: Set(release_id.clone()),
            ocid: Set(ocid.into()),
            errors: Set(serde_json::to_string(&errors).map_err(anyhow::Error::from)?),
            recorded_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }

    let canonical = chain::canonical_json(&release)?;
    let release_hash = chain::release_hash(&canonical);
    let previous = chain::from_hex(&previous_chain)
        .ok_or_else(|| anyhow::anyhow!("the publication head holds a malformed chain hash"))?;
    let chain_hash = hex::encode(chain::next_chain(&previous, &release_hash));
    let release_hash = hex::encode(release_hash);

    release::ActiveModel {
        sequence: Set(sequence),
        release_id: Set(release_id.clone()),
        ocid: Set(ocid.into()),
        date: Set(date.clone()),
        tags: Set(tags.join(" ")),
        body: Set(canonical),
        release_hash: Set(release_hash.clone()),
        chain_hash: Set(chain_hash.clone()),
        valid: Set(valid),
        published_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    store::insert_facets(txn, sequence, tags, &release).await?;
    store::record_process(txn, ocid, sequence).await?;
    let head = Query::update()
        .table(Alias::new("publication_head"))
        .value(Alias::new("chain_hash"), chain_hash.clone())
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    txn.execute(&head).await?;
    tracing::info!(ocid, release.id = %release_id, sequence, "published release");
    Ok(Published {
        sequence,
        release_id,
        date,
        release_hash,
        chain_hash,
    })
}

/// Takes the next sequence number under the head row's lock (held until commit).
async fn claim_sequence<C: ConnectionTrait>(txn: &C) -> Result<(i64, String), PublishError> {
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(Statement::from_string(
            backend,
            "UPDATE publication_head SET last_sequence = last_sequence + 1 WHERE id = 1 \
             RETURNING last_sequence, chain_hash",
        ))
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!("the publication head row is missing; run the migrations")
        })?;
    Ok((
        row.try_get("", "last_sequence")?,
        row.try_get("", "chain_hash")?,
    ))
}
