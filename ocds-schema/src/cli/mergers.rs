//! One merger per set of declared extensions, built once and shared.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ocds_schema::merge::Merger;
use serde_json::{Map, Value};

/// Mergers for each set of declared extensions, built once.
pub struct Mergers {
    base: Vec<String>,
    cache: HashMap<Vec<String>, Arc<Merger>>,
    /// The merger for the package being read.
    pub current: Arc<Merger>,
    warned: HashSet<String>,
}

impl Mergers {
    /// Mergers for the given extensions plus, per package, the declared ones.
    pub fn new(base: &[String]) -> anyhow::Result<Self> {
        let current = Arc::new(Merger::for_extensions(base)?);
        Ok(Self {
            base: base.to_vec(),
            cache: HashMap::new(),
            current,
            warned: HashSet::new(),
        })
    }

    /// Switches to the merger for a package's declared `extensions`.
    pub fn package(&mut self, meta: &Map<String, Value>) -> anyhow::Result<()> {
        let mut ids = self.base.clone();
        for url in meta
            .get("extensions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            match ocds_schema::schema::find_extension(url) {
                Some(extension) => ids.push(extension.id.to_owned()),
                None => {
                    if self.warned.insert(url.to_owned()) {
                        eprintln!(
                            "ocds: warning: no local copy of extension {url}; its merge rules are not applied"
                        );
                    }
                }
            }
        }
        ids.sort();
        ids.dedup();
        if let Some(merger) = self.cache.get(&ids) {
            self.current = Arc::clone(merger);
        } else {
            let merger = Arc::new(Merger::for_extensions(&ids)?);
            self.cache.insert(ids, Arc::clone(&merger));
            self.current = merger;
        }
        Ok(())
    }
}
