//! `ocds-csv.zip`: every release flattened into CSV tables in the spirit of flatten-tool.
//! Each row starts with `ocid` and `release_id`; child tables add their parents' ids
//! (`award_id`, `contract_id`), so tables join back to their release. Column names are the
//! OCDS paths below the table's object, with `/` between levels.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use zip::write::SimpleFileOptions;

use super::atomic::{TEMP_PREFIX, TempFile};
use super::{CSV_ZIP, Output};
use crate::entities::release;
use crate::state::AppState;

const PAGE: u64 = 2_000;

/// The tables and their columns after `ocid` and `release_id`.
pub const TABLES: &[(&str, &[&str])] = &[
    (
        "releases",
        &[
            "date",
            "tag",
            "initiationType",
            "language",
            "buyer/id",
            "buyer/name",
            "planning/budget/amount/amount",
            "planning/budget/amount/currency",
            "tender/id",
            "tender/title",
            "tender/status",
            "tender/procurementMethod",
            "tender/procurementMethodDetails",
            "tender/mainProcurementCategory",
            "tender/value/amount",
            "tender/value/currency",
            "tender/tenderPeriod/startDate",
            "tender/tenderPeriod/endDate",
            "tender/techniques/hasFrameworkAgreement",
            "tender/numberOfTenderers",
        ],
    ),
    (
        "parties",
        &[
            "id",
            "name",
            "identifier/scheme",
            "identifier/id",
            "identifier/legalName",
            "roles",
            "details/scale",
            "address/locality",
            "address/region",
            "address/countryName",
        ],
    ),
    (
        "awards",
        &[
            "id",
            "title",
            "status",
            "date",
            "value/amount",
            "value/currency",
            "contractPeriod/startDate",
            "contractPeriod/endDate",
        ],
    ),
    ("award_suppliers", &["award_id", "id", "name"]),
    (
        "contracts",
        &[
            "id",
            "awardID",
            "title",
            "status",
            "dateSigned",
            "value/amount",
            "value/currency",
            "period/startDate",
            "period/endDate",
        ],
    ),
    (
        "milestones",
        &[
            "stage",
            "contract_id",
            "id",
            "title",
            "type",
            "status",
            "dueDate",
            "dateMet",
            "dateModified",
            "value/amount",
            "value/currency",
            "invoiceDate",
            "paymentDueDate",
        ],
    ),
    (
        "transactions",
        &[
            "contract_id",
            "id",
            "source",
            "date",
            "value/amount",
            "value/currency",
            "payer/id",
            "payer/name",
            "payee/id",
            "payee/name",
            "uri",
        ],
    ),
    (
        "amendments",
        &["contract_id", "id", "date", "rationale", "description"],
    ),
];

/// A cell: strings as they are, numbers and booleans as JSON writes them, arrays of strings
/// joined with `;`, anything missing empty.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| cell(Some(i)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

fn at<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('/').try_fold(object, |v, key| v.get(key))
}

fn items<'a>(object: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    object
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The CSV writers, one per table, over files in a work folder.
struct Tables {
    writers: Vec<csv::Writer<BufWriter<File>>>,
    paths: Vec<PathBuf>,
}

impl Tables {
    fn create(work: &Path) -> anyhow::Result<Tables> {
        let mut writers = Vec::new();
        let mut paths = Vec::new();
        for (name, columns) in TABLES {
            let path = work.join(format!("{name}.csv"));
            let mut writer =
                csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, File::create(&path)?));
            let header = ["ocid", "release_id"].iter().chain(columns.iter());
            writer.write_record(header)?;
            writers.push(writer);
            paths.push(path);
        }
        Ok(Tables { writers, paths })
    }

    /// Writes one row of `table`: the release keys, then `values` in column order.
    fn row(&mut self, table: usize, keys: &[&str; 2], values: &[String]) -> csv::Result<()> {
        let writer = &mut self.writers[table];
        writer.write_field(keys[0])?;
        writer.write_field(keys[1])?;
        writer.write_record(values)
    }

    /// Rows of `table` for `object`, with `prefix` values (parent ids) before its columns.
    fn object(
        &mut self,
        table: usize,
        keys: &[&str; 2],
        prefix: &[String],
        object: &Value,
    ) -> csv::Result<()> {
        let columns = &TABLES[table].1[prefix.len()..];
        let mut values = prefix.to_vec();
        values.extend(columns.iter().map(|c| cell(at(object, c))));
        self.row(table, keys, &values)
    }

    fn release(&mut self, release: &Value) -> csv::Result<()> {
        let ocid = cell(release.get("ocid"));
        let id = cell(release.get("id"));
        let keys = [ocid.as_str(), id.as_str()];
        self.object(0, &keys, &[], release)?;
        for party in items(release, "parties") {
            self.object(1, &keys, &[], party)?;
        }
        for award in items(release, "awards") {
            self.object(2, &keys, &[], award)?;
            let award_id = cell(award.get("id"));
            for supplier in items(award, "suppliers") {
                self.object(3, &keys, std::slice::from_ref(&award_id), supplier)?;
            }
        }
        for stage in ["planning", "tender"] {
            if let Some(parent) = release.get(stage) {
                for milestone in items(parent, "milestones") {
                    self.object(5, &keys, &[stage.into(), String::new()], milestone)?;
                }
            }
        }
        for contract in items(release, "contracts") {
            self.object(4, &keys, &[], contract)?;
            let contract_id = cell(contract.get("id"));
            for milestone in items(contract, "milestones") {
                self.object(
                    5,
                    &keys,
                    &["contract".into(), contract_id.clone()],
                    milestone,
                )?;
            }
            if let Some(implementation) = contract.get("implementation") {
                for milestone in items(implementation, "milestones") {
                    let prefix = ["implementation".into(), contract_id.clone()];
                    self.object(5, &keys, &prefix, milestone)?;
                }
                for transaction in items(implementation, "transactions") {
                    self.object(6, &keys, std::slice::from_ref(&contract_id), transaction)?;
                }
            }
            for amendment in items(contract, "amendments") {
                self.object(7, &keys, std::slice::from_ref(&contract_id), amendment)?;
            }
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<Vec<PathBuf>> {
        for writer in self.writers {
            writer
                .into_inner()
                .map_err(|e| e.into_error())?
                .into_inner()
                .map_err(|e| e.into_error())?
                .sync_all()?;
        }
        Ok(self.paths)
    }
}

/// Removes the work folder however the export ends.
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Flattens every release up to `head` into the tables and zips them.
pub(super) async fn export(state: &AppState, head: i64) -> anyhow::Result<Output> {
    let state = state.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let dir = state.bulk.dir();
        let work = WorkDir(dir.join(format!(
            "{TEMP_PREFIX}{}-csv",
            hex::encode(rand::random::<[u8; 6]>())
        )));
        std::fs::create_dir(&work.0)?;
        let mut tables = Tables::create(&work.0)?;
        let mut cursor = 0;
        let mut releases = 0u64;
        while cursor < head {
            state.bulk.check()?;
            let rows = runtime.block_on(
                release::Entity::find()
                    .select_only()
                    .columns([release::Column::Sequence, release::Column::Body])
                    .filter(release::Column::Sequence.gt(cursor))
                    .filter(release::Column::Sequence.lte(head))
                    .order_by_asc(release::Column::Sequence)
                    .limit(PAGE)
                    .into_tuple::<(i64, String)>()
                    .all(&state.db),
            )?;
            let Some(last) = rows.last().map(|r| r.0) else {
                break;
            };
            for (_, body) in &rows {
                tables.release(&serde_json::from_str(body)?)?;
            }
            releases += rows.len() as u64;
            cursor = last;
        }
        let paths = tables.finish()?;

        let mut zip = zip::ZipWriter::new(TempFile::create(dir, CSV_ZIP)?);
        for path in paths {
            let large = std::fs::metadata(&path)?.len() >= u64::from(u32::MAX);
            let options = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(1))
                .large_file(large);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            zip.start_file(name, options)?;
            std::io::copy(&mut File::open(&path)?, &mut zip)?;
        }
        let mut temp = zip.finish()?;
        temp.flush()?;
        Ok(Output {
            prepared: temp.finish()?,
            releases,
            last_sequence: head,
        })
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_flatten_scalars_and_lists() {
        assert_eq!(cell(Some(&json!("a"))), "a");
        assert_eq!(cell(Some(&json!(12.5))), "12.5");
        assert_eq!(cell(Some(&json!(["buyer", "payer"]))), "buyer;payer");
        assert_eq!(cell(None), "");
        assert_eq!(cell(at(&json!({"a": {"b": true}}), "a/b")), "true");
    }

    #[test]
    fn child_rows_carry_their_parent_ids() {
        let dir = tempfile::tempdir().unwrap();
        let mut tables = Tables::create(dir.path()).unwrap();
        tables
            .release(&json!({
                "ocid": "ocds-x-1", "id": "r1",
                "awards": [{"id": "a1", "suppliers": [{"id": "s1", "name": "S"}]}],
                "contracts": [{"id": "c1", "implementation": {
                    "transactions": [{"id": "t1", "value": {"amount": 5, "currency": "CLP"}}],
                    "milestones": [{"id": "m1", "title": "Delivery"}]
                }}]
            }))
            .unwrap();
        let paths = tables.finish().unwrap();
        let read = |i: usize| std::fs::read_to_string(&paths[i]).unwrap();
        assert!(read(3).ends_with("ocds-x-1,r1,a1,s1,S\n"), "{}", read(3));
        assert!(read(5).contains("ocds-x-1,r1,implementation,c1,m1,Delivery"));
        assert!(read(6).contains("ocds-x-1,r1,c1,t1,,,5,CLP"), "{}", read(6));
    }
}
