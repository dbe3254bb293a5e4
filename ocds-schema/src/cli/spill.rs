//! `--unsorted`: releases are spilled to temporary bucket files by ocid, then merged per bucket.
//!
//! Memory then holds one bucket (about 1/256 of the input) at a time, instead of everything.
//! Output order is bucket by bucket (not input order); within a bucket, by first appearance.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::sync::Arc;

use anyhow::Context;
use ocds_schema::merge::Merger;
use serde_json::Value;

use super::compile::{Group, Item, ocid_key};

const BUCKETS: usize = 256;

/// Temporary bucket files and the mergers their lines refer to.
pub struct Spill {
    dir: tempfile::TempDir,
    writers: Vec<BufWriter<File>>,
    mergers: Vec<Arc<Merger>>,
}

impl Spill {
    /// Creates the bucket files in a temporary directory (removed on drop).
    pub fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir().context("creating a temporary directory for --unsorted")?;
        let writers = (0..BUCKETS)
            .map(|i| {
                Ok(BufWriter::with_capacity(
                    1 << 15,
                    File::create(dir.path().join(i.to_string()))?,
                ))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Self {
            dir,
            writers,
            mergers: Vec::new(),
        })
    }

    /// Appends a release to its ocid's bucket.
    pub fn push(&mut self, release: &Value, merger: &Arc<Merger>) -> anyhow::Result<()> {
        let index = match self.mergers.iter().position(|m| Arc::ptr_eq(m, merger)) {
            Some(index) => index,
            None => {
                self.mergers.push(Arc::clone(merger));
                self.mergers.len() - 1
            }
        };
        let mut hasher = DefaultHasher::new();
        ocid_key(release).hash(&mut hasher);
        let bucket = usize::try_from(hasher.finish() % BUCKETS as u64).unwrap_or_default();
        let writer = &mut self.writers[bucket];
        write!(writer, "{index}\t")?;
        serde_json::to_writer(&mut *writer, release)?;
        writer.write_all(b"\n")?;
        Ok(())
    }

    /// Reads the buckets back and sends each ocid's group.
    pub fn drain(
        mut self,
        send: &mut dyn FnMut(Group) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        for writer in &mut self.writers {
            writer.flush()?;
        }
        for bucket in 0..BUCKETS {
            let file = File::open(self.dir.path().join(bucket.to_string()))?;
            let mut order: Vec<String> = Vec::new();
            let mut groups: HashMap<String, (usize, Vec<Item>)> = HashMap::new();
            for line in BufReader::new(file).lines() {
                let line = line?;
                let (index, json) = line.split_once('\t').context("corrupt spill file")?;
                let index: usize = index.parse()?;
                let release: Value = serde_json::from_str(json)?;
                let ocid = ocid_key(&release);
                let entry = groups.entry(ocid.clone()).or_insert_with(|| {
                    order.push(ocid);
                    (index, Vec::new())
                });
                entry.1.push(Item::Parsed(release));
            }
            for ocid in order {
                if let Some((index, releases)) = groups.remove(&ocid) {
                    let merger = self
                        .mergers
                        .get(index)
                        .cloned()
                        .context("corrupt spill file")?;
                    send(Group {
                        releases,
                        merger,
                        guessed: None,
                    })?;
                }
            }
        }
        Ok(())
    }
}
