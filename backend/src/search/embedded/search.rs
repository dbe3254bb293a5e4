//! Running a [`SearchQuery`] on tantivy, as Meilisearch's `last` matching strategy does:
//! the first query word must match, every other word adds to the score, and services with
//! every word come first (a large bonus). A word matches one of the text fields exactly, in
//! another form (stemmed English and Spanish), through a synonym of the content file, with a
//! typo scaled by its length, or as a prefix when it is the last word. Exact matches score
//! by BM25 with the name weighted most; filters narrow without scoring.

use std::collections::BTreeMap;
use std::ops::Bound;

use rust_decimal::prelude::ToPrimitive;
use tantivy::collector::{FacetCollector, FacetCounts};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use super::collect::RankCollector;
use super::schema::{FACET, Fields};
use crate::search::query::{FacetCount, Hit, finish_facets};
use crate::search::text::{self, QueryTerms};
use crate::search::{SearchError, SearchQuery, SearchResults};

/// Characters of description shown around the first match.
pub(crate) const SNIPPET_CHARS: usize = 180;

/// How much an exact match in each field weighs; typo and prefix matches weigh `FUZZY`.
const NAME_BOOST: f32 = 3.0;
const FEATURES_BOOST: f32 = 1.5;
const SUPPLIER_BOOST: f32 = 1.5;
const DESCRIPTION_BOOST: f32 = 1.0;
const FUZZY_BOOST: f32 = 0.5;
/// Another form of the word (stemmed), or a synonym.
const STEM_BOOST: f32 = 0.8;
const SYNONYM_BOOST: f32 = 0.7;
/// The bonus of a service with every word of the query: more than any partial match scores.
const ALL_WORDS_BOOST: f32 = 100.0;

/// Runs `query` (already checked) on `searcher`.
pub(crate) fn run(
    searcher: &Searcher,
    fields: &Fields,
    query: &SearchQuery,
) -> Result<SearchResults, SearchError> {
    let terms = text::query_terms(query.text.as_deref().unwrap_or_default());
    let (counted, separately) = query.facets_to_count();
    let ranking = RankCollector {
        sort: query.sort,
        keep: query.offset() + query.per_page as usize,
        scoring: !terms.is_empty(),
    };
    let main = build(fields, query, &terms);
    let ((total, ranked), counts) =
        searcher.search(main.as_ref(), &(ranking, facet_collector(&counted)))?;

    let mut facets = BTreeMap::new();
    collect_counts(&counts, &counted, &mut facets);
    // A facet with a filter of its own is counted without it, so its other values still
    // show how many results choosing them too would add.
    for key in &separately {
        let without = build(fields, &query.without_filter(key), &terms);
        let own = std::slice::from_ref(key);
        let counts = searcher.search(without.as_ref(), &facet_collector(own))?;
        collect_counts(&counts, own, &mut facets);
    }
    let (facets, price_bands) = finish_facets(facets);

    let mut hits = Vec::with_capacity(query.per_page as usize);
    for ranked in ranked.into_iter().skip(query.offset()) {
        let doc: TantivyDocument = searcher.doc(ranked.doc)?;
        let stored = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        hits.push(Hit {
            id: stored(fields.id),
            score: ranked.score,
            name_highlighted: text::mark(&stored(fields.name), &terms),
            snippet_highlighted: text::snippet(&stored(fields.description), &terms, SNIPPET_CHARS),
        });
    }
    Ok(SearchResults {
        total,
        page: query.page,
        per_page: query.per_page,
        hits,
        facets,
        price_bands,
    })
}

fn facet_collector(keys: &[String]) -> FacetCollector {
    let mut collector = FacetCollector::for_field(FACET);
    for key in keys {
        collector.add_facet(Facet::from_path([key.as_str()]));
    }
    collector
}

fn collect_counts(
    counts: &FacetCounts,
    keys: &[String],
    into: &mut BTreeMap<String, Vec<FacetCount>>,
) {
    for key in keys {
        let values = counts
            .get(Facet::from_path([key.as_str()]))
            .filter_map(|(facet, count)| {
                let value = facet.to_path().last()?.to_string();
                Some(FacetCount { value, count })
            })
            .collect();
        into.insert(key.clone(), values);
    }
}

/// The tantivy query of `query`: keywords, facet filters, price range, availability.
fn build(fields: &Fields, query: &SearchQuery, terms: &QueryTerms) -> Box<dyn Query> {
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (i, term) in terms.terms.iter().enumerate() {
        let occur = if i == 0 { Occur::Must } else { Occur::Should };
        must.push((occur, word_query(fields, term, terms.is_prefix(i))));
    }
    if terms.terms.len() > 1 {
        let every: Vec<(Occur, Box<dyn Query>)> = terms
            .terms
            .iter()
            .enumerate()
            .map(|(i, term)| (Occur::Must, word_query(fields, term, terms.is_prefix(i))))
            .collect();
        must.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(every)),
                ALL_WORDS_BOOST,
            )),
        ));
    }
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    for (key, values) in &query.filters {
        let any: Vec<(Occur, Box<dyn Query>)> = values
            .iter()
            .map(|value| {
                let facet = Facet::from_path([key.as_str(), value.trim()]);
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_facet(fields.facet, &facet),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        filters.push(Box::new(BooleanQuery::new(any)));
    }
    if query.price_min.is_some() || query.price_max.is_some() {
        let bound = |price: Option<rust_decimal::Decimal>| match price.and_then(|p| p.to_f64()) {
            Some(p) => Bound::Included(Term::from_field_f64(fields.price, p)),
            None => Bound::Unbounded,
        };
        let (low, high) = (bound(query.price_min), bound(query.price_max));
        // An open range would match documents without a price too.
        let low = match low {
            Bound::Unbounded => Bound::Included(Term::from_field_f64(fields.price, f64::MIN)),
            low => low,
        };
        filters.push(Box::new(RangeQuery::new(low, high)));
    }
    if !query.include_unavailable {
        filters.push(Box::new(TermQuery::new(
            Term::from_field_bool(fields.available, true),
            IndexRecordOption::Basic,
        )));
    }
    for filter in filters {
        must.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    if must.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(must))
    }
}

/// One query word: exact in any text field (weighted), or close enough in any of them.
fn word_query(fields: &Fields, word: &str, prefix: bool) -> Box<dyn Query> {
    let term_query = |field, text: &str, boost: f32| -> (Occur, Box<dyn Query>) {
        let q = TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        );
        (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
    };
    let mut any = Vec::new();
    // The word itself, then its synonyms: exactly in each field (the name weighing most),
    // and in another form (stemmed).
    let synonyms = crate::search::synonyms::of(word);
    for (text, weight) in
        std::iter::once((word, 1.0)).chain(synonyms.iter().map(|s| (s.as_str(), SYNONYM_BOOST)))
    {
        any.push(term_query(fields.name, text, NAME_BOOST * weight));
        any.push(term_query(fields.features, text, FEATURES_BOOST * weight));
        any.push(term_query(
            fields.supplier_name,
            text,
            SUPPLIER_BOOST * weight,
        ));
        any.push(term_query(
            fields.description,
            text,
            DESCRIPTION_BOOST * weight,
        ));
        let stem = text::stem(text);
        if !stem.is_empty() {
            any.push(term_query(fields.stems, &stem, STEM_BOOST * weight));
        }
    }
    let budget = text::typo_budget(word);
    if budget > 0 || prefix {
        let near = |field| -> Box<dyn Query> {
            let term = Term::from_field_text(field, word);
            if prefix {
                Box::new(FuzzyTermQuery::new_prefix(term, budget, true))
            } else {
                Box::new(FuzzyTermQuery::new(term, budget, true))
            }
        };
        // Close to a word of the name counts more than close to any other word.
        any.push((
            Occur::Should,
            Box::new(BoostQuery::new(near(fields.name), FUZZY_BOOST * 2.0)),
        ));
        any.push((
            Occur::Should,
            Box::new(BoostQuery::new(near(fields.all), FUZZY_BOOST)),
        ));
    }
    Box::new(BooleanQuery::new(any))
}

/// The query with each word the index does not hold replaced by the most common indexed word
/// within two edits (see `SearchIndex::suggest`); `None` when nothing would change.
pub(crate) fn suggest(
    searcher: &Searcher,
    fields: &Fields,
    terms: &QueryTerms,
) -> Result<Option<String>, SearchError> {
    let mut out = Vec::new();
    let mut changed = false;
    for term in &terms.terms {
        let mut best: Option<(u32, u8, String)> = None;
        let mut known = false;
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(fields.all)?;
            let mut stream = index
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if word == term {
                    known = true;
                    break;
                }
                if word.len().abs_diff(term.len()) > 2 || term.chars().count() < 3 {
                    continue;
                }
                let distance = text::osa_distance(word, term);
                if distance > 2 {
                    continue;
                }
                let freq = stream.value().doc_freq;
                let better = best.as_ref().is_none_or(|(f, d, _)| {
                    (distance, std::cmp::Reverse(freq)) < (*d, std::cmp::Reverse(*f))
                });
                if better {
                    best = Some((freq, distance, word.to_owned()));
                }
            }
            if known {
                break;
            }
        }
        match best.filter(|_| !known) {
            Some((_, _, word)) => {
                out.push(word);
                changed = true;
            }
            None => out.push(term.clone()),
        }
    }
    Ok(changed.then(|| out.join(" ")))
}
