//! The release files: `releases.jsonl.gz` and one `releases-YYYY.jsonl.gz` per year of
//! release date. New releases are compressed once per page into gzip members, and each member
//! is appended to both the full file and its year's file: concatenated members are one valid
//! gzip stream, so nothing already exported is compressed again.
//!
//! The database is read on the async side while a blocking thread compresses and writes, so
//! on two cores the two overlap; at most two pages are in flight, so memory stays flat.

use std::collections::BTreeMap;
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::atomic::TempFile;
use super::{BulkError, Manifest, Output, RELEASES};
use crate::entities::release;
use crate::state::AppState;

/// Releases read and compressed at a time.
const PAGE: u64 = 2_000;

/// The release files written by one refresh.
pub(super) struct Exported {
    /// The files that changed, ready to be renamed into place.
    pub files: Vec<Output>,
    /// Releases added.
    pub new_releases: u64,
    /// Whether the files were written from the first release.
    pub from_scratch: bool,
}

type Row = (i64, String, String);

/// The name of the file of one year.
pub fn year_file(year: &str) -> String {
    format!("releases-{year}.jsonl.gz")
}

fn year_of(date: &str) -> &str {
    date.get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or("0000")
}

/// Appends the releases after `previous.last_sequence` (or all, when `previous` is `None`)
/// up to `head` to copies of the release files.
pub(super) async fn export(
    state: &AppState,
    previous: Option<&Manifest>,
    head: i64,
) -> anyhow::Result<Exported> {
    let after = previous.map_or(0, |m| m.last_sequence);
    let prior = previous.map(|m| m.files.clone()).unwrap_or_default();
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<Row>>(2);
    let db = state.db.clone();
    let reader = tokio::spawn(async move {
        let mut cursor = after;
        while cursor < head {
            let rows = release::Entity::find()
                .select_only()
                .columns([
                    release::Column::Sequence,
                    release::Column::Date,
                    release::Column::Body,
                ])
                .filter(release::Column::Sequence.gt(cursor))
                .filter(release::Column::Sequence.lte(head))
                .order_by_asc(release::Column::Sequence)
                .limit(PAGE)
                .into_tuple::<Row>()
                .all(&db)
                .await?;
            let Some(last) = rows.last().map(|r| r.0) else {
                break;
            };
            cursor = last;
            if sender.send(rows).await.is_err() {
                // The writer gave up; its error is the one reported.
                break;
            }
        }
        Ok::<_, sea_orm::DbErr>(())
    });
    let bulk = state.bulk.clone();
    let writer = tokio::task::spawn_blocking(move || {
        let dir = bulk.dir().to_path_buf();
        let open = |name: &str| -> anyhow::Result<Appending> {
            Appending::open(&dir, name, prior.iter().find(|f| f.name == name))
        };
        let mut all = open(RELEASES)?;
        let mut years: BTreeMap<String, Appending> = BTreeMap::new();
        let mut new_releases = 0u64;
        while let Some(rows) = receiver.blocking_recv() {
            bulk.check()?;
            for run in rows.chunk_by(|a, b| year_of(&a.1) == year_of(&b.1)) {
                let member = member(run)?;
                let year = year_of(&run[0].1).to_owned();
                let file = match years.entry(year) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let name = year_file(e.key());
                        e.insert(open(&name)?)
                    }
                };
                all.append(&member, run)?;
                file.append(&member, run)?;
                new_releases += run.len() as u64;
            }
        }
        let files = std::iter::once(all)
            .chain(years.into_values())
            .map(Appending::finish)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok::<_, anyhow::Error>(Exported {
            files,
            new_releases,
            from_scratch: after == 0,
        })
    });
    let written = writer.await?;
    reader.await??;
    written
}

/// One gzip member holding `rows`, one release per line.
fn member(rows: &[Row]) -> std::io::Result<Vec<u8>> {
    let mut text = Vec::with_capacity(rows.iter().map(|r| r.2.len() + 1).sum());
    for row in rows {
        text.extend_from_slice(row.2.as_bytes());
        text.push(b'\n');
    }
    let mut encoder = GzEncoder::new(Vec::with_capacity(text.len() / 4), Compression::fast());
    encoder.write_all(&text)?;
    encoder.finish()
}

/// A copy of a release file being extended.
struct Appending {
    temp: TempFile,
    releases: u64,
    last_sequence: i64,
}

impl Appending {
    /// A copy of `name` as the manifest entry `prior` describes it, or a new file holding an
    /// empty gzip member (so that even an empty file decompresses).
    fn open(
        dir: &std::path::Path,
        name: &str,
        prior: Option<&super::BulkFile>,
    ) -> anyhow::Result<Appending> {
        let mut temp = TempFile::create(dir, name)?;
        match prior {
            Some(prior) => {
                let hash = temp
                    .copy_prefix(&dir.join(name), prior.size)
                    .map_err(|_| BulkError::Mismatch(name.to_owned()))?;
                if hex::encode(hash) != prior.sha256 {
                    return Err(BulkError::Mismatch(name.to_owned()).into());
                }
                Ok(Appending {
                    temp,
                    releases: prior.releases,
                    last_sequence: prior.last_sequence,
                })
            }
            None => {
                temp.write_all(&member(&[])?)?;
                Ok(Appending {
                    temp,
                    releases: 0,
                    last_sequence: 0,
                })
            }
        }
    }

    fn append(&mut self, member: &[u8], rows: &[Row]) -> std::io::Result<()> {
        self.temp.write_all(member)?;
        self.releases += rows.len() as u64;
        if let Some(last) = rows.last() {
            self.last_sequence = last.0;
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<Output> {
        Ok(Output {
            prepared: self.temp.finish()?,
            releases: self.releases,
            last_sequence: self.last_sequence,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn members_concatenate_into_one_stream() {
        let a = member(&[(1, "2026-01-01".into(), "{\"a\":1}".into())]).unwrap();
        let empty = member(&[]).unwrap();
        let b = member(&[(2, "2026-01-02".into(), "{\"b\":2}".into())]).unwrap();
        let joined = [empty, a, b].concat();
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(&joined[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "{\"a\":1}\n{\"b\":2}\n");
    }

    #[test]
    fn the_year_comes_from_the_release_date() {
        assert_eq!(year_of("2026-11-27T10:00:00.000Z"), "2026");
        assert_eq!(year_of("x"), "0000");
    }
}
