//! `records.jsonl.gz`: one record per line (ocid, linked releases, compiled release), in order
//! of each process's first release, rebuilt from the log a page of processes at a time.

use std::io::{BufWriter, Write};

use flate2::Compression;
use flate2::write::GzEncoder;

use super::atomic::TempFile;
use super::{Output, RECORDS};
use crate::publish::store;
use crate::state::AppState;

/// Contracting processes compiled at a time.
const PAGE: u64 = 200;

/// Writes every record whose releases have sequence numbers up to `head`.
pub(super) async fn export(state: &AppState, head: i64) -> anyhow::Result<Output> {
    let state = state.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let temp = TempFile::create(state.bulk.dir(), RECORDS)?;
        let mut out = GzEncoder::new(BufWriter::with_capacity(1 << 20, temp), Compression::fast());
        let mut after = 0;
        let mut releases = 0u64;
        loop {
            state.bulk.check()?;
            let processes = runtime.block_on(store::list_processes(&state.db, after, PAGE))?;
            let ocids: Vec<String> = processes
                .iter()
                .filter(|p| p.first_sequence <= head)
                .map(|p| p.ocid.clone())
                .collect();
            for (ocid, mut rows) in runtime.block_on(store::releases_of_many(&state.db, &ocids))? {
                rows.retain(|r| r.sequence <= head);
                if rows.is_empty() {
                    continue;
                }
                releases += rows.len() as u64;
                let record = crate::publish::record::record(&state, &ocid, &rows, false)?;
                serde_json::to_writer(&mut out, &record)?;
                out.write_all(b"\n")?;
            }
            match processes.last() {
                Some(last) if processes.len() as u64 == PAGE && last.first_sequence < head => {
                    after = last.first_sequence;
                }
                _ => break,
            }
        }
        let temp = out.finish()?.into_inner().map_err(|e| e.into_error())?;
        Ok(Output {
            prepared: temp.finish()?,
            releases,
            last_sequence: head,
        })
    })
    .await?
}
