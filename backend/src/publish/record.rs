//! A contracting process's record: its linked releases, compiled release and, when asked,
//! versioned release, as the record feeds and the bulk records file publish it.

use serde_json::Value;

use super::package::RecordEntry;
use super::store::Release;
use crate::state::AppState;

/// The record of `ocid` from its releases `rows`, with the versioned release when asked.
pub fn record(
    state: &AppState,
    ocid: &str,
    rows: &[Release],
    versioned: bool,
) -> anyhow::Result<RecordEntry> {
    let releases: Vec<Value> = rows
        .iter()
        .map(|r| {
            serde_json::from_str(&r.body)
                .map_err(|e| anyhow::anyhow!("stored release of {ocid} is not JSON: {e}"))
        })
        .collect::<Result<_, _>>()?;
    let merger = state.publisher.merger();
    let compiled = merger
        .compile(&releases)
        .map_err(|e| anyhow::anyhow!("compiling {ocid}: {e}"))?;
    let versioned = if versioned {
        Some(
            merger
                .versioned(&releases)
                .map_err(|e| anyhow::anyhow!("versioning {ocid}: {e}"))?,
        )
    } else {
        None
    };
    Ok(RecordEntry::new(
        &state.config.public_url,
        ocid,
        rows,
        compiled,
        versioned,
    ))
}
