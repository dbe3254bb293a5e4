//! The contract every [`SearchIndex`] keeps, written once and run against tantivy always and
//! against Meilisearch when `MARCO_MEILI_URL` is set.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{SearchIndex, SearchQuery, ServiceDocument, Sort, TantivyIndex, tie_break};

fn doc(id: &str, name: &str) -> ServiceDocument {
    ServiceDocument {
        id: id.into(),
        version: 1,
        framework_id: "cloud-2026".into(),
        framework_name: "Cloud 2026".into(),
        lot: "saas".into(),
        lot_name: "Software as a Service".into(),
        supplier_id: "1".into(),
        supplier_name: "Proveedora Uno SpA".into(),
        supplier_scale: "sme".into(),
        name: name.into(),
        description: "A service for public bodies.".into(),
        features: vec!["Daily backups".into()],
        price: Some(Decimal::from(1000)),
        currency: "CLP".into(),
        pricing_unit: Some("per user per month".into()),
        facets: BTreeMap::new(),
        available: true,
    }
}

fn with_facet(mut d: ServiceDocument, key: &str, values: &[&str]) -> ServiceDocument {
    d.facets
        .insert(key.into(), values.iter().map(|v| (*v).to_owned()).collect());
    d
}

async fn load(index: &dyn SearchIndex, docs: &[ServiceDocument]) {
    index.clear().await.unwrap();
    index.upsert(docs).await.unwrap();
    index.commit().await.unwrap();
}

fn text(words: &str) -> SearchQuery {
    SearchQuery {
        text: Some(words.into()),
        ..SearchQuery::default()
    }
}

fn filtered(pairs: &[(&str, &[&str])]) -> SearchQuery {
    let mut query = SearchQuery::default();
    for (key, values) in pairs {
        query.filters.insert(
            (*key).into(),
            values.iter().map(|v| (*v).to_owned()).collect(),
        );
    }
    query
}

async fn ids(index: &dyn SearchIndex, query: &SearchQuery) -> Vec<String> {
    let results = index.search(query).await.unwrap();
    results.hits.into_iter().map(|h| h.id).collect()
}

/// Keywords find services by name, description and features; the first word is required
/// and the others rank (Meilisearch's `last` matching strategy).
pub async fn keywords_find_matching_services(index: &dyn SearchIndex) {
    let mut email = doc("email", "Secure Email Service");
    email.description = "Mailboxes with spam filtering.".into();
    email.features = vec!["Calendar sharing".into()];
    load(index, &[doc("k8s", "Managed Kubernetes Platform"), email]).await;
    assert_eq!(ids(index, &text("kubernetes")).await, ["k8s"]);
    // "spam" is one typo from the suppliers' "SpA": the service with both words comes first.
    let spam = ids(index, &text("spam filtering")).await;
    assert_eq!(spam.first().map(String::as_str), Some("email"), "{spam:?}");
    assert_eq!(ids(index, &text("calendar")).await, ["email"]);
    assert_eq!(ids(index, &text("kubernetes spam")).await, ["k8s"]);
    assert!(ids(index, &text("spreadsheets")).await.is_empty());
    assert_eq!(index.search(&text("")).await.unwrap().total, 2);
}

/// A word with a typo still finds what it names.
pub async fn typos_are_tolerated(index: &dyn SearchIndex) {
    load(
        index,
        &[
            doc("k8s", "Managed Kubernetes Platform"),
            doc("crm", "Citizen CRM"),
        ],
    )
    .await;
    assert_eq!(ids(index, &text("kubernetis")).await, ["k8s"]);
    assert_eq!(ids(index, &text("manged kubernetes")).await, ["k8s"]);
}

/// Every word of a query counts: services with all of them come first, then those with
/// some; a short word tolerates one typo from four letters.
pub async fn every_word_ranks_and_all_words_come_first(index: &dyn SearchIndex) {
    load(
        index,
        &[
            doc("vm", "Cloud virtual machines"),
            doc("both", "Cloud hosting for websites"),
            doc("web", "Website hosting"),
        ],
    )
    .await;
    let found = ids(index, &text("cloud hosting")).await;
    assert_eq!(found.first().map(String::as_str), Some("both"), "{found:?}");
    assert!(found.contains(&"vm".to_owned()), "{found:?}");
    let typo = ids(index, &text("clod")).await;
    assert_eq!(typo.len(), 2, "{typo:?}");
}

/// A word finds services named with its synonyms from the content file, in either language.
pub async fn synonyms_find_services(index: &dyn SearchIndex) {
    load(
        index,
        &[
            doc("store", "Object storage"),
            doc("db", "Managed PostgreSQL"),
            doc("mail", "Email and collaboration"),
        ],
    )
    .await;
    assert_eq!(ids(index, &text("almacenamiento")).await, ["store"]);
    assert_eq!(ids(index, &text("database")).await, ["db"]);
    assert_eq!(ids(index, &text("correo")).await, ["mail"]);
}

/// The supplier's name is searched too.
pub async fn supplier_names_are_searched(index: &dyn SearchIndex) {
    let mut other = doc("b", "Backup Service");
    other.supplier_name = "Atacama Datos SpA".into();
    load(index, &[doc("a", "Backup Service"), other]).await;
    assert_eq!(ids(index, &text("atacama backup")).await, ["b"]);
}

/// Values of one facet are alternatives; different facets must all hold.
pub async fn facet_filters_or_within_and_across(index: &dyn SearchIndex) {
    let mut iaas = with_facet(doc("c", "Three"), "categories", &["hosting"]);
    iaas.lot = "iaas".into();
    load(
        index,
        &[
            with_facet(doc("a", "One"), "categories", &["hosting", "security"]),
            with_facet(doc("b", "Two"), "categories", &["storage"]),
            iaas,
            with_facet(doc("d", "Four"), "categories", &["analytics"]),
        ],
    )
    .await;
    let mut either = ids(index, &filtered(&[("categories", &["hosting", "storage"])])).await;
    either.sort();
    assert_eq!(either, ["a", "b", "c"]);
    let mut both = ids(
        index,
        &filtered(&[("categories", &["hosting", "storage"]), ("lot", &["saas"])]),
    )
    .await;
    both.sort();
    assert_eq!(both, ["a", "b"]);
    assert!(
        ids(index, &filtered(&[("categories", &["nothing"])]))
            .await
            .is_empty()
    );
}

/// Facet counts follow the other filters but not the facet's own selection.
pub async fn facet_counts_follow_the_other_filters(index: &dyn SearchIndex) {
    let mut iaas = with_facet(doc("c", "Three"), "categories", &["hosting"]);
    iaas.lot = "iaas".into();
    load(
        index,
        &[
            with_facet(doc("a", "One"), "categories", &["hosting", "security"]),
            with_facet(doc("b", "Two"), "categories", &["hosting"]),
            iaas,
        ],
    )
    .await;
    let mut query = filtered(&[("lot", &["saas"])]);
    query.facets = vec!["categories".into(), "lot".into(), "supplier_scale".into()];
    let results = index.search(&query).await.unwrap();
    let counts = |key: &str| -> Vec<(String, u64)> {
        results.facets[key]
            .iter()
            .map(|c| (c.value.clone(), c.count))
            .collect()
    };
    assert_eq!(results.total, 2);
    assert_eq!(
        counts("categories"),
        [("hosting".into(), 2), ("security".into(), 1)]
    );
    assert_eq!(counts("lot"), [("saas".into(), 2), ("iaas".into(), 1)]);
    assert_eq!(counts("supplier_scale"), [("sme".into(), 2)]);
}

/// Price limits are inclusive and leave out services without a price; bands are counted.
pub async fn price_ranges_filter_and_bands_count(index: &dyn SearchIndex) {
    let priced = |id: &str, price: Option<i64>| {
        let mut d = doc(id, "Hosting");
        d.price = price.map(Decimal::from);
        d
    };
    load(
        index,
        &[
            priced("a", Some(500)),
            priced("b", Some(1500)),
            priced("c", Some(25_000)),
            priced("d", None),
        ],
    )
    .await;
    let mut query = SearchQuery {
        price_min: Some(Decimal::from(500)),
        price_max: Some(Decimal::from(1500)),
        ..SearchQuery::default()
    };
    let mut found = ids(index, &query).await;
    found.sort();
    assert_eq!(found, ["a", "b"]);
    query.price_max = None;
    assert_eq!(index.search(&query).await.unwrap().total, 3);
    let bands = index
        .search(&SearchQuery::default())
        .await
        .unwrap()
        .price_bands;
    let bands: Vec<(&str, u64)> = bands.iter().map(|b| (b.key.as_str(), b.count)).collect();
    assert_eq!(bands, [("500", 1), ("1000", 1), ("20000", 1)]);
    let band = filtered(&[("price_band", &["1000"])]);
    assert_eq!(ids(index, &band).await, ["b"]);
}

/// Price and name orders, services without a price last either way.
pub async fn results_sort_by_price_and_name(index: &dyn SearchIndex) {
    let item = |id: &str, name: &str, price: Option<i64>| {
        let mut d = doc(id, name);
        d.price = price.map(Decimal::from);
        d
    };
    load(
        index,
        &[
            item("a", "banana", Some(30)),
            item("b", "Álamo", Some(10)),
            item("c", "cedro", None),
            item("d", "Zorro", Some(20)),
        ],
    )
    .await;
    let sorted = |sort| SearchQuery {
        sort,
        ..SearchQuery::default()
    };
    assert_eq!(
        ids(index, &sorted(Sort::PriceAsc)).await,
        ["b", "d", "a", "c"]
    );
    assert_eq!(
        ids(index, &sorted(Sort::PriceDesc)).await,
        ["a", "d", "b", "c"]
    );
    assert_eq!(ids(index, &sorted(Sort::Name)).await, ["b", "a", "c", "d"]);
}

/// Pages split the results without overlap and report the whole total.
pub async fn pages_split_results_and_report_totals(index: &dyn SearchIndex) {
    let docs: Vec<_> = (0..25)
        .map(|i| doc(&format!("s{i:02}"), "Backup"))
        .collect();
    load(index, &docs).await;
    let mut seen = Vec::new();
    for page in 1..=3 {
        let query = SearchQuery {
            text: Some("backup".into()),
            page,
            per_page: 10,
            ..SearchQuery::default()
        };
        let results = index.search(&query).await.unwrap();
        assert_eq!((results.total, results.pages()), (25, 3));
        assert_eq!(results.hits.len(), if page == 3 { 5 } else { 10 });
        seen.extend(results.hits.into_iter().map(|h| h.id));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 25);
}

/// Equal matches come in the order of the hash of their ids, whatever the insert order.
pub async fn ties_are_broken_by_the_id_hash(index: &dyn SearchIndex) {
    let names: Vec<String> = (0..8).map(|i| format!("supplier-{i}-service")).collect();
    let mut expected = names.clone();
    expected.sort_by_key(|id| tie_break(id));
    for order in [false, true] {
        let mut docs: Vec<_> = names.iter().map(|id| doc(id, "Identical Backup")).collect();
        if order {
            docs.reverse();
        }
        load(index, &docs).await;
        assert_eq!(ids(index, &text("backup")).await, expected);
        assert_eq!(ids(index, &SearchQuery::default()).await, expected);
    }
}

/// Unavailable services are hidden unless asked for.
pub async fn unavailable_services_are_hidden_by_default(index: &dyn SearchIndex) {
    let mut gone = doc("gone", "Backup");
    gone.available = false;
    load(index, &[doc("live", "Backup"), gone]).await;
    assert_eq!(ids(index, &text("backup")).await, ["live"]);
    let mut all = text("backup");
    all.include_unavailable = true;
    assert_eq!(index.search(&all).await.unwrap().total, 2);
    assert_eq!(index.count().await.unwrap(), 2);
}

/// Deleted services are gone; upserts replace the older version.
pub async fn deletes_remove_and_upserts_replace(index: &dyn SearchIndex) {
    load(index, &[doc("a", "Old Name"), doc("b", "Firewall")]).await;
    let mut newer = doc("a", "New Name");
    newer.version = 2;
    index.upsert(&[newer]).await.unwrap();
    index
        .delete(&["b".to_owned(), "never-indexed".to_owned()])
        .await
        .unwrap();
    index.commit().await.unwrap();
    assert!(ids(index, &text("old")).await.is_empty());
    assert_eq!(ids(index, &text("new")).await, ["a"]);
    assert!(ids(index, &text("firewall")).await.is_empty());
    assert_eq!(index.count().await.unwrap(), 1);
}

/// Highlights escape the document's text and mark the matched words only.
pub async fn highlights_escape_html(index: &dyn SearchIndex) {
    let mut evil = doc("x", "<script>alert(1)</script> Backup & Restore");
    evil.description = "Nightly backup of \"everything\" <b>now</b>.".into();
    load(index, &[evil]).await;
    let results = index.search(&text("backup")).await.unwrap();
    let hit = &results.hits[0];
    let name = hit.name_highlighted.as_str();
    assert!(name.contains("&lt;script&gt;"), "{name}");
    assert!(name.contains("<mark>Backup</mark> &amp; Restore"), "{name}");
    assert!(!name.contains("<script>"), "{name}");
    let snippet = hit.snippet_highlighted.as_str();
    assert!(snippet.contains("<mark>backup</mark>"), "{snippet}");
    assert!(snippet.contains("&lt;b&gt;now&lt;/b&gt;"), "{snippet}");
}

/// Other forms of a word, in English and Spanish, find the service: tantivy stems in its
/// index, and Meilisearch, which does not stem, gets the stems in the documents and the query.
pub async fn word_forms_in_english_and_spanish(index: &dyn SearchIndex) {
    let mut es = doc("es", "Servicio de respaldos");
    es.description = "Copias diarias de los sistemas municipales.".into();
    let mut hosted = doc("vm", "Virtual servers");
    hosted.description = "Hosted in two Chilean regions.".into();
    load(index, &[doc("en", "Managed databases"), es, hosted]).await;
    assert_eq!(ids(index, &text("database")).await, ["en"]);
    assert_eq!(ids(index, &text("sistema municipal")).await, ["es"]);
    assert_eq!(ids(index, &text("hosting server")).await, ["vm"]);
}

/// A word the index does not hold gets the nearest indexed word as a suggestion; a known
/// word gets none.
pub async fn misspelt_words_get_a_suggestion(index: &dyn SearchIndex) {
    load(index, &[doc("pay", "Payroll for councils")]).await;
    assert_eq!(
        index.suggest("pyrol").await.unwrap().as_deref(),
        Some("payroll")
    );
    assert_eq!(index.suggest("payroll").await.unwrap(), None);
}

/// Every contract case, in turn, on one index.
pub async fn all(index: &dyn SearchIndex) {
    keywords_find_matching_services(index).await;
    typos_are_tolerated(index).await;
    every_word_ranks_and_all_words_come_first(index).await;
    synonyms_find_services(index).await;
    word_forms_in_english_and_spanish(index).await;
    misspelt_words_get_a_suggestion(index).await;
    supplier_names_are_searched(index).await;
    facet_filters_or_within_and_across(index).await;
    facet_counts_follow_the_other_filters(index).await;
    price_ranges_filter_and_bands_count(index).await;
    results_sort_by_price_and_name(index).await;
    pages_split_results_and_report_totals(index).await;
    ties_are_broken_by_the_id_hash(index).await;
    unavailable_services_are_hidden_by_default(index).await;
    deletes_remove_and_upserts_replace(index).await;
    highlights_escape_html(index).await;
}

mod tantivy_keeps_the_contract {
    use super::*;

    fn index() -> TantivyIndex {
        TantivyIndex::in_memory()
    }

    #[tokio::test]
    async fn keywords() {
        keywords_find_matching_services(&index()).await;
    }

    #[tokio::test]
    async fn every_word_ranks() {
        every_word_ranks_and_all_words_come_first(&index()).await;
    }

    #[tokio::test]
    async fn synonyms() {
        synonyms_find_services(&index()).await;
    }

    #[tokio::test]
    async fn a_misspelt_word_gets_a_suggestion() {
        misspelt_words_get_a_suggestion(&index()).await;
    }

    #[tokio::test]
    async fn word_forms() {
        word_forms_in_english_and_spanish(&index()).await;
    }
    #[tokio::test]
    async fn typos() {
        typos_are_tolerated(&index()).await;
    }
    #[tokio::test]
    async fn supplier_names() {
        supplier_names_are_searched(&index()).await;
    }
    #[tokio::test]
    async fn facet_filters() {
        facet_filters_or_within_and_across(&index()).await;
    }
    #[tokio::test]
    async fn facet_counts() {
        facet_counts_follow_the_other_filters(&index()).await;
    }
    #[tokio::test]
    async fn price_ranges() {
        price_ranges_filter_and_bands_count(&index()).await;
    }
    #[tokio::test]
    async fn sorting() {
        results_sort_by_price_and_name(&index()).await;
    }
    #[tokio::test]
    async fn pagination() {
        pages_split_results_and_report_totals(&index()).await;
    }
    #[tokio::test]
    async fn ties() {
        ties_are_broken_by_the_id_hash(&index()).await;
    }
    #[tokio::test]
    async fn unavailable() {
        unavailable_services_are_hidden_by_default(&index()).await;
    }
    #[tokio::test]
    async fn deletes_and_upserts() {
        deletes_remove_and_upserts_replace(&index()).await;
    }
    #[tokio::test]
    async fn highlights() {
        highlights_escape_html(&index()).await;
    }

    #[tokio::test]
    async fn the_whole_contract_holds_on_one_reused_index_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        all(&TantivyIndex::lazy(dir.path().join("search"))).await;
        // Reopening finds what was committed.
        let reopened = TantivyIndex::open(dir.path().join("search")).unwrap();
        assert_eq!(reopened.count().await.unwrap(), 1);
        assert!(reopened.disk_size() > 0);
    }
}

#[tokio::test]
async fn meilisearch_keeps_the_contract() {
    let Some(url) = std::env::var("MARCO_MEILI_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("note: MARCO_MEILI_URL is not set; the Meilisearch contract run is skipped");
        return;
    };
    let config = super::MeiliConfig {
        url,
        key: std::env::var("MARCO_MEILI_KEY").ok().map(Into::into),
        index: format!("marco_contract_{}", uuid::Uuid::new_v4().simple()),
    };
    let index = super::MeiliIndex::new(&config).unwrap();
    all(&index).await;
    index.drop_index().await.unwrap();
}
