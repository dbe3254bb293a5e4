//! The Meilisearch [`SearchIndex`], selected by `MARCO_MEILI_URL`: typo tolerance, facet
//! distribution and highlighting come from Meilisearch; the ranking's last rule is the same
//! id hash tantivy uses, and highlights are escaped here, not trusted from the server.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use meilisearch_sdk::client::Client;
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{MatchingStrategies, SearchQuery as MeiliQuery};
use meilisearch_sdk::settings::{
    FacetingSettings, MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use rust_decimal::prelude::ToPrimitive;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::OnceCell;

use super::query::{FacetCount, Hit, MAX_DEPTH, MAX_FACET_VALUES, finish_facets};
use super::text::{self, MARK_END, MARK_START};
use super::{
    MeiliConfig, SearchError, SearchIndex, SearchQuery, SearchResults, ServiceDocument, Sort,
    tie_break,
};

/// Words of description around the first match in snippets.
const CROP_WORDS: usize = 30;
/// How long to wait for one Meilisearch task.
const TASK_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether `uid` is a valid Meilisearch index uid.
pub fn is_index_uid(uid: &str) -> bool {
    !uid.is_empty()
        && uid.len() <= 400
        && uid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A Meilisearch index of services.
pub struct MeiliIndex {
    client: Client,
    uid: String,
    ready: OnceCell<()>,
    pending: Mutex<Vec<TaskInfo>>,
    /// The words of the indexed documents for spelling suggestions, read from the server at
    /// most every [`VOCABULARY_AGE`] (Meilisearch has no term dictionary to ask).
    vocabulary: tokio::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<Vocabulary>)>>,
}

type Vocabulary = BTreeMap<String, u32>;
const VOCABULARY_AGE: std::time::Duration = std::time::Duration::from_secs(600);
/// Documents read per request, and at most this many pages, for the vocabulary.
const VOCABULARY_PAGE: usize = 1000;
const VOCABULARY_PAGES: usize = 50;

/// The document as Meilisearch stores it: text to search, every facet under `facets`, and
/// the numbers to sort by.
#[derive(Debug, Serialize, Deserialize)]
struct MeiliDoc {
    id: String,
    version: i64,
    name: String,
    description: String,
    features: Vec<String>,
    supplier_name: String,
    facets: BTreeMap<String, Vec<String>>,
    price: Option<f64>,
    available: bool,
    tie: u64,
    name_sort: String,
    /// Every searchable text again, stemmed (English, then Spanish): Meilisearch does not
    /// stem, so documents carry the stems and queries are sent stemmed.
    stems: String,
}

impl MeiliDoc {
    fn from(doc: &ServiceDocument) -> MeiliDoc {
        MeiliDoc {
            id: doc.id.clone(),
            version: doc.version,
            name: text::strip_marks(&doc.name),
            description: text::strip_marks(&doc.description),
            features: doc.features.iter().map(|f| text::strip_marks(f)).collect(),
            supplier_name: text::strip_marks(&doc.supplier_name),
            facets: doc.all_facets(),
            price: doc.price.and_then(|p| p.to_f64()),
            available: doc.available,
            tie: tie_break(&doc.id),
            name_sort: doc.name_sort_key(),
            stems: text::stems_of(&format!(
                "{} {} {} {}",
                text::strip_marks(&doc.name),
                text::strip_marks(&doc.description),
                doc.features.join(" "),
                text::strip_marks(&doc.supplier_name)
            )),
        }
    }
}

impl MeiliIndex {
    /// A client for the configured server; nothing is sent until first use.
    pub fn new(config: &MeiliConfig) -> Result<MeiliIndex, SearchError> {
        let key = config.key.as_ref().map(|k| k.expose_secret().to_owned());
        Ok(MeiliIndex {
            client: Client::new(&config.url, key)?,
            uid: config.index.clone(),
            ready: OnceCell::new(),
            pending: Mutex::new(Vec::new()),
            vocabulary: tokio::sync::Mutex::new(None),
        })
    }

    /// Deletes the whole index (tests clean up with it).
    pub async fn drop_index(&self) -> Result<(), SearchError> {
        let task = self.index().delete().await?;
        self.wait(task).await
    }

    fn index(&self) -> Index {
        self.client.index(&self.uid)
    }

    /// Creates the index and applies the settings once per process.
    async fn ready(&self) -> Result<Index, SearchError> {
        self.ready
            .get_or_try_init(|| async {
                let created = self.client.create_index(&self.uid, Some("id")).await?;
                // "Already exists" is fine: the settings below are applied either way.
                let _ = self
                    .client
                    .wait_for_task(created, None, Some(TASK_TIMEOUT))
                    .await?;
                let task = self.index().set_settings(&settings()).await?;
                self.wait(task).await
            })
            .await?;
        Ok(self.index())
    }

    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        let uid = task.get_task_uid();
        match self
            .client
            .wait_for_task(task, None, Some(TASK_TIMEOUT))
            .await?
        {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => Err(SearchError::MeiliTask {
                uid,
                message: content.error.error_message,
            }),
            other => Err(SearchError::MeiliTask {
                uid,
                message: format!("ended as {other:?}"),
            }),
        }
    }

    /// The words of the indexed services (names, descriptions, features), cached.
    async fn vocabulary(&self) -> Result<std::sync::Arc<Vocabulary>, SearchError> {
        let mut cached = self.vocabulary.lock().await;
        if let Some((at, words)) = cached.as_ref()
            && at.elapsed() < VOCABULARY_AGE
        {
            return Ok(words.clone());
        }
        let index = self.ready().await?;
        let mut words = Vocabulary::new();
        for page in 0..VOCABULARY_PAGES {
            let mut query = meilisearch_sdk::documents::DocumentsQuery::new(&index);
            query
                .with_fields(["name", "description", "features"])
                .with_limit(VOCABULARY_PAGE)
                .with_offset(page * VOCABULARY_PAGE);
            let found = query.execute::<Map<String, Value>>().await?;
            for doc in &found.results {
                let mut text = formatted(doc, "name");
                text.push(' ');
                text.push_str(&formatted(doc, "description"));
                for f in doc
                    .get("features")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    text.push(' ');
                    text.push_str(f.as_str().unwrap_or_default());
                }
                text::count_words(&mut words, &text);
            }
            if found.results.len() < VOCABULARY_PAGE {
                break;
            }
        }
        let words = std::sync::Arc::new(words);
        *cached = Some((std::time::Instant::now(), words.clone()));
        Ok(words)
    }

    fn stage(&self, task: TaskInfo) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(task);
    }

    async fn run(
        &self,
        index: &Index,
        query: &SearchQuery,
        q: &str,
        facets: &[String],
        hits: bool,
    ) -> Result<meilisearch_sdk::search::SearchResults<Map<String, Value>>, SearchError> {
        let filter = filter_expression(query);
        let sort = sort_rules(query.sort);
        let sort: Vec<&str> = sort.iter().map(String::as_str).collect();
        let facet_attrs: Vec<String> = facets.iter().map(|f| format!("facets.{f}")).collect();
        let facet_attrs: Vec<&str> = facet_attrs.iter().map(String::as_str).collect();
        let pre = MARK_START.to_string();
        let post = MARK_END.to_string();
        let mut search = MeiliQuery::new(index);
        search
            .with_query(q)
            .with_filter(&filter)
            .with_matching_strategy(MatchingStrategies::LAST)
            .with_page(if hits { query.page as usize } else { 1 })
            .with_hits_per_page(if hits { query.per_page as usize } else { 0 })
            .with_facets(meilisearch_sdk::search::Selectors::Some(&facet_attrs))
            .with_attributes_to_retrieve(meilisearch_sdk::search::Selectors::Some(&["id"]))
            .with_attributes_to_highlight(meilisearch_sdk::search::Selectors::Some(&[
                "name",
                "description",
            ]))
            .with_attributes_to_crop(meilisearch_sdk::search::Selectors::Some(&[(
                "description",
                None,
            )]))
            .with_crop_length(CROP_WORDS)
            .with_crop_marker("…")
            .with_highlight_pre_tag(&pre)
            .with_highlight_post_tag(&post)
            .with_show_ranking_score(true);
        if !sort.is_empty() {
            search.with_sort(&sort);
        }
        Ok(search.execute::<Map<String, Value>>().await?)
    }
}

fn settings() -> Settings {
    Settings::new()
        .with_searchable_attributes(["name", "features", "supplier_name", "description", "stems"])
        .with_filterable_attributes(["facets", "price", "available"])
        .with_sortable_attributes(["price", "name_sort", "tie"])
        .with_ranking_rules([
            "words",
            "typo",
            "proximity",
            "attribute",
            "sort",
            "exactness",
            "tie:asc",
        ])
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: None,
            disable_on_words: None,
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(4),
                two_typos: Some(8),
            }),
            disable_on_numbers: None,
        })
        .with_synonyms(stemmed_synonyms())
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_DEPTH as usize * 100,
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: MAX_FACET_VALUES,
            sort_facet_values_by: None,
        })
}

/// The content file's synonyms for Meilisearch, which applies them to the words of the query
/// as sent: each word and its stem lead to the other words and their stems.
fn stemmed_synonyms() -> std::collections::HashMap<String, Vec<String>> {
    let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (word, others) in super::synonyms::synonyms() {
        let mut targets: Vec<String> = Vec::new();
        for other in others {
            for form in [other.clone(), text::stem(other)] {
                if !form.is_empty() && !targets.contains(&form) {
                    targets.push(form);
                }
            }
        }
        for key in [word.clone(), text::stem(word)] {
            let entry = out.entry(key.clone()).or_default();
            for t in &targets {
                if *t != key && !entry.contains(t) {
                    entry.push(t.clone());
                }
            }
        }
    }
    out
}

/// The query Meilisearch is sent: each word by its stem, so that every form of it meets the
/// documents' stems (and, through typo tolerance, the words themselves).
fn stemmed_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| {
            let stem = text::stem(t);
            if stem.is_empty() { t.clone() } else { stem }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A string literal of Meilisearch's filter syntax.
fn quote(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The filter expression of a query: availability, price range, and each facet's values.
fn filter_expression(query: &SearchQuery) -> String {
    let mut all: Vec<String> = Vec::new();
    if !query.include_unavailable {
        all.push("available = true".into());
    }
    if let Some(min) = query.price_min.and_then(|p| p.to_f64()) {
        all.push(format!("price >= {min}"));
    }
    if let Some(max) = query.price_max.and_then(|p| p.to_f64()) {
        all.push(format!("price <= {max}"));
    }
    for (key, values) in &query.filters {
        let any: Vec<String> = values
            .iter()
            .map(|v| format!("facets.{key} = {}", quote(v.trim())))
            .collect();
        all.push(format!("({})", any.join(" OR ")));
    }
    all.join(" AND ")
}

fn sort_rules(sort: Sort) -> Vec<String> {
    match sort {
        // The ranking rules end with the tie-break already.
        Sort::Relevance => Vec::new(),
        Sort::PriceAsc => vec!["price:asc".into(), "tie:asc".into()],
        Sort::PriceDesc => vec!["price:desc".into(), "tie:asc".into()],
        Sort::Name => vec!["name_sort:asc".into(), "tie:asc".into()],
    }
}

fn facet_counts(
    distribution: Option<&HashMap<String, HashMap<String, usize>>>,
    keys: &[String],
    into: &mut BTreeMap<String, Vec<FacetCount>>,
) {
    for key in keys {
        let values = distribution
            .and_then(|d| d.get(&format!("facets.{key}")))
            .map(|values| {
                values
                    .iter()
                    .map(|(value, count)| FacetCount {
                        value: value.clone(),
                        count: *count as u64,
                    })
                    .collect()
            })
            .unwrap_or_default();
        into.insert(key.clone(), values);
    }
}

fn formatted(hit: &Map<String, Value>, field: &str) -> String {
    hit.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

#[async_trait::async_trait]
impl SearchIndex for MeiliIndex {
    fn backend(&self) -> &'static str {
        "meilisearch"
    }

    async fn upsert(&self, docs: &[ServiceDocument]) -> Result<(), SearchError> {
        for doc in docs {
            doc.validate()?;
        }
        let docs: Vec<MeiliDoc> = docs.iter().map(MeiliDoc::from).collect();
        *self.vocabulary.lock().await = None;
        let task = self
            .ready()
            .await?
            .add_or_replace(&docs, Some("id"))
            .await?;
        self.stage(task);
        Ok(())
    }

    async fn delete(&self, ids: &[String]) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        *self.vocabulary.lock().await = None;
        let task = self.ready().await?.delete_documents(ids).await?;
        self.stage(task);
        Ok(())
    }

    async fn clear(&self) -> Result<(), SearchError> {
        *self.vocabulary.lock().await = None;
        let task = self.ready().await?.delete_all_documents().await?;
        self.stage(task);
        Ok(())
    }

    async fn commit(&self) -> Result<(), SearchError> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        // Meilisearch applies an index's tasks in order, so waiting for each in turn is enough.
        for task in pending {
            self.wait(task).await?;
        }
        Ok(())
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let query = query.checked()?;
        let index = self.ready().await?;
        let terms = text::query_terms(query.text.as_deref().unwrap_or_default());
        let q = stemmed_query(&terms.terms);
        let (counted, separately) = query.facets_to_count();
        let main = self.run(&index, &query, &q, &counted, true).await?;
        let mut facets = BTreeMap::new();
        facet_counts(main.facet_distribution.as_ref(), &counted, &mut facets);
        for key in &separately {
            let own = std::slice::from_ref(key);
            let without = self
                .run(&index, &query.without_filter(key), &q, own, false)
                .await?;
            facet_counts(without.facet_distribution.as_ref(), own, &mut facets);
        }
        let (facets, price_bands) = finish_facets(facets);
        let hits = main
            .hits
            .iter()
            .map(|hit| {
                let shown = hit.formatted_result.as_ref().unwrap_or(&hit.result);
                Hit {
                    id: formatted(&hit.result, "id"),
                    score: if terms.is_empty() {
                        0.0
                    } else {
                        hit.ranking_score.unwrap_or_default() as f32
                    },
                    name_highlighted: text::from_marked(&formatted(shown, "name")),
                    snippet_highlighted: text::from_marked(&formatted(shown, "description")),
                }
            })
            .collect();
        Ok(SearchResults {
            total: main.total_hits.unwrap_or_default() as u64,
            page: query.page,
            per_page: query.per_page,
            hits,
            facets,
            price_bands,
        })
    }

    async fn count(&self) -> Result<u64, SearchError> {
        let stats = self.ready().await?.get_stats().await?;
        Ok(stats.number_of_documents as u64)
    }

    async fn suggest(&self, text: &str) -> Result<Option<String>, SearchError> {
        let terms = text::query_terms(text);
        if terms.is_empty() {
            return Ok(None);
        }
        let words = self.vocabulary().await?;
        Ok(text::suggest_from(&words, &terms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_quote_values_and_group_facets() {
        let mut query = SearchQuery::default();
        query
            .filters
            .insert("categories".into(), vec!["a \"b\"".into(), "c\\".into()]);
        query.filters.insert("lot".into(), vec!["saas".into()]);
        query.price_min = Some(10.into());
        assert_eq!(
            filter_expression(&query),
            r#"available = true AND price >= 10 AND (facets.categories = "a \"b\"" OR facets.categories = "c\\") AND (facets.lot = "saas")"#
        );
        assert!(is_index_uid("marco_services-test1"));
        assert!(!is_index_uid("a b"));
    }

    #[test]
    fn suggestions_come_from_the_vocabulary_nearest_then_most_common() {
        let mut words = Vocabulary::new();
        text::count_words(&mut words, "Payroll for councils, payroll for schools");
        text::count_words(&mut words, "Paypal payments");
        text::count_words(&mut words, "Payroll services");
        assert_eq!(words["payroll"], 2, "a word counts once per document");
        let suggest = |q: &str| text::suggest_from(&words, &text::query_terms(q));
        assert_eq!(suggest("pyrol").as_deref(), Some("payroll"));
        assert_eq!(
            suggest("payroll councls").as_deref(),
            Some("payroll councils")
        );
        assert_eq!(suggest("payroll"), None);
        assert_eq!(suggest("zz"), None, "too short to guess");
        assert_eq!(suggest("xylophone"), None, "nothing near");
    }

    #[test]
    fn queries_and_documents_meet_on_the_same_stems() {
        let terms: Vec<String> = ["databases", "hosting", "servidores"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        let q = stemmed_query(&terms);
        let doc = MeiliDoc::from(&ServiceDocument {
            id: "x".into(),
            version: 1,
            framework_id: "f".into(),
            framework_name: "F".into(),
            lot: "l".into(),
            lot_name: "L".into(),
            supplier_id: "1".into(),
            supplier_name: "Uno SpA".into(),
            supplier_scale: "sme".into(),
            name: "Managed database".into(),
            description: "Hosted on servidor machines".into(),
            features: Vec::new(),
            price: None,
            currency: "CLP".into(),
            pricing_unit: None,
            facets: BTreeMap::new(),
            available: true,
        });
        for word in q.split(' ') {
            assert!(
                doc.stems.split(' ').any(|s| s == word),
                "{word} in {}",
                doc.stems
            );
        }
        // A synonym reaches its group whether the query word arrives whole or stemmed.
        let synonyms = stemmed_synonyms();
        let stem = text::stem("almacenamiento");
        assert!(synonyms[&stem].contains(&"storage".to_owned()), "{stem}");
        assert!(synonyms["almacenamiento"].contains(&"storage".to_owned()));
    }
}
