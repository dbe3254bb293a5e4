//! The collector that ranks tantivy results: by score, price or name, with ties always
//! broken by the hash of the service id, never by insertion order or segment layout.

use std::cmp::Ordering;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::{NAME_SORT, PRICE, TIE};
use crate::search::Sort;

/// A ranked result: a key comparable across segments, the tie-break, the score.
#[derive(Clone, Debug)]
pub(crate) struct Ranked {
    key: Key,
    tie: u64,
    /// The relevance score (0 when the query has no keywords).
    pub score: Score,
    /// Where the document is.
    pub doc: DocAddress,
}

/// Smaller ranks first. Names are compared as text, missing ones last.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Number(u64),
    Name(Option<String>),
}

fn compare_names(a: &Option<String>, b: &Option<String>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

impl Ranked {
    fn rank_cmp(&self, other: &Ranked) -> Ordering {
        let by_key = match (&self.key, &other.key) {
            (Key::Name(a), Key::Name(b)) => compare_names(a, b),
            (a, b) => a.cmp(b),
        };
        by_key.then(self.tie.cmp(&other.tie))
    }
}

/// An `f64` as a `u64` with the same order (for the non-NaN values prices are).
fn ordered_f64(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// An `f32` as a `u32` with the same order.
fn ordered_f32(value: f32) -> u32 {
    let bits = value.to_bits();
    if bits >> 31 == 1 {
        !bits
    } else {
        bits | (1 << 31)
    }
}

/// Ranks every matching document and keeps the best `keep`, counting them all.
pub(crate) struct RankCollector {
    /// The order.
    pub sort: Sort,
    /// How many of the best to keep (the offset of the page plus its length).
    pub keep: usize,
    /// Whether the query has keywords, so scores mean something.
    pub scoring: bool,
}

/// The per-segment part of [`RankCollector`].
pub(crate) struct RankSegmentCollector {
    segment: SegmentOrdinal,
    sort: Sort,
    keep: usize,
    ties: Option<Column<u64>>,
    prices: Option<Column<f64>>,
    names: Option<StrColumn>,
    seen: u64,
    candidates: Vec<(u64, u64, Score, DocId)>,
}

impl Collector for RankCollector {
    type Fruit = (u64, Vec<Ranked>);
    type Child = RankSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RankSegmentCollector> {
        let fast = reader.fast_fields();
        Ok(RankSegmentCollector {
            segment,
            sort: self.sort,
            keep: self.keep,
            ties: fast.column_opt::<u64>(TIE)?,
            prices: match self.sort {
                Sort::PriceAsc | Sort::PriceDesc => fast.column_opt::<f64>(PRICE)?,
                _ => None,
            },
            names: match self.sort {
                Sort::Name => fast.str(NAME_SORT)?,
                _ => None,
            },
            seen: 0,
            candidates: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<(u64, Vec<Ranked>)>) -> tantivy::Result<(u64, Vec<Ranked>)> {
        let total = fruits.iter().map(|(seen, _)| seen).sum();
        let mut all: Vec<Ranked> = fruits.into_iter().flat_map(|(_, r)| r).collect();
        all.sort_by(Ranked::rank_cmp);
        all.truncate(self.keep);
        Ok((total, all))
    }
}

impl SegmentCollector for RankSegmentCollector {
    type Fruit = (u64, Vec<Ranked>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.seen += 1;
        let tie = self.ties.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        // Within a segment every key is a number; smaller ranks first, missing ones last.
        let key = match self.sort {
            Sort::Relevance => u64::from(u32::MAX - ordered_f32(score)),
            Sort::PriceAsc => self
                .prices
                .as_ref()
                .and_then(|c| c.first(doc))
                .map_or(u64::MAX, ordered_f64),
            Sort::PriceDesc => self
                .prices
                .as_ref()
                .and_then(|c| c.first(doc))
                .map_or(u64::MAX, |p| u64::MAX - 1 - ordered_f64(p)),
            Sort::Name => self
                .names
                .as_ref()
                .and_then(|c| c.ords().first(doc))
                .unwrap_or(u64::MAX),
        };
        self.candidates.push((key, tie, score, doc));
        // Bound memory on huge result sets: keep the best `keep` whenever the buffer doubles.
        if self.candidates.len() >= 2 * self.keep.max(512) {
            self.prune();
        }
    }

    fn harvest(mut self) -> (u64, Vec<Ranked>) {
        self.prune();
        let segment = self.segment;
        let ranked = self
            .candidates
            .iter()
            .map(|&(key, tie, score, doc)| Ranked {
                key: match self.sort {
                    Sort::Name => Key::Name(self.name_of(key)),
                    _ => Key::Number(key),
                },
                tie,
                score,
                doc: DocAddress::new(segment, doc),
            })
            .collect();
        (self.seen, ranked)
    }
}

impl RankSegmentCollector {
    fn prune(&mut self) {
        let by = |a: &(u64, u64, Score, DocId), b: &(u64, u64, Score, DocId)| {
            a.0.cmp(&b.0).then(a.1.cmp(&b.1))
        };
        if self.candidates.len() > self.keep {
            self.candidates.select_nth_unstable_by(self.keep, by);
            self.candidates.truncate(self.keep);
        }
    }

    fn name_of(&self, ord: u64) -> Option<String> {
        if ord == u64::MAX {
            return None;
        }
        let names = self.names.as_ref()?;
        let mut bytes = Vec::new();
        names.dictionary().ord_to_term(ord, &mut bytes).ok()?;
        String::from_utf8(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_floats_keep_their_order() {
        let values = [-3.5, -0.0, 0.0, 1.0, 1.5, 1e9];
        for pair in values.windows(2) {
            assert!(ordered_f64(pair[0]) <= ordered_f64(pair[1]), "{pair:?}");
        }
        assert!(ordered_f64(1e9) < u64::MAX - 1);
        assert!(ordered_f32(0.25) < ordered_f32(0.2500001));
        assert!(ordered_f32(-1.0) < ordered_f32(0.0));
    }
}
