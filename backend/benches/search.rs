//! In-process search benchmark: indexes generated services into a fresh tantivy index on
//! disk, then times keyword-plus-facet searches through the `SearchIndex` trait (as a
//! handler calls it). Run with `bash bench/search.sh`; `BENCH_SERVICES` and `BENCH_QUERIES`
//! change the sizes.
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::time::{Duration, Instant};

use marco::search::{SearchIndex, SearchQuery, TantivyIndex, synthetic};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The query mix: common words, a typo, two-word queries and prefix queries, each with a
/// lot or category filter and five facets counted.
fn queries() -> Vec<SearchQuery> {
    let words = [
        "kubernetes",
        "cloud hosting",
        "backup",
        "analitycs",
        "secure email",
        "identity",
        "monitoring",
        "data migration",
        "accessibility",
        "kube",
        "payrol",
        "sovereign cloud",
    ];
    let filters = [
        ("lot", "saas"),
        ("categories", "security"),
        ("lot", "iaas"),
        ("data_location", "chile"),
    ];
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for (j, (key, value)) in filters.iter().enumerate() {
            let mut query = SearchQuery {
                text: Some((*word).to_owned()),
                facets: [
                    "categories",
                    "data_location",
                    "accreditations",
                    "lot",
                    "supplier_scale",
                ]
                .map(str::to_owned)
                .to_vec(),
                ..SearchQuery::default()
            };
            query
                .filters
                .insert((*key).to_owned(), vec![(*value).to_owned()]);
            if (i + j) % 3 == 0 {
                query.sort = marco::search::Sort::PriceAsc;
            }
            out.push(query);
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let services = env_number("BENCH_SERVICES", 50_000);
    let runs = env_number("BENCH_QUERIES", 2_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let index = TantivyIndex::lazy(dir.path().join("search")).with_writer(2, 256_000_000);

        let started = Instant::now();
        let docs = synthetic::services(services, 42);
        let generated = started.elapsed();
        let started = Instant::now();
        for chunk in docs.chunks(5_000) {
            index.upsert(chunk).await.unwrap();
        }
        index.commit().await.unwrap();
        let indexing = started.elapsed();
        assert_eq!(index.count().await.unwrap(), services as u64);

        let queries = queries();
        for query in queries.iter().cycle().take(100) {
            index.search(query).await.unwrap();
        }
        let mut times = Vec::with_capacity(runs);
        let mut hits = 0u64;
        for query in queries.iter().cycle().take(runs) {
            let started = Instant::now();
            let results = index.search(query).await.unwrap();
            times.push(started.elapsed());
            hits += results.total;
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / times.len() as u32;

        println!("services indexed      {services}");
        println!("generating documents  {}", ms(generated));
        println!(
            "indexing + commit     {} ({:.0} services/s)",
            ms(indexing),
            services as f64 / indexing.as_secs_f64()
        );
        println!(
            "index size on disk    {:.1} MiB",
            index.disk_size() as f64 / 1_048_576.0
        );
        println!(
            "searches              {runs} keyword+facet queries ({} distinct), {:.0} matches on average",
            queries.len(),
            hits as f64 / runs as f64
        );
        println!("search p50            {}", ms(percentile(&times, 50.0)));
        println!("search p95            {}", ms(percentile(&times, 95.0)));
        println!("search p99            {}", ms(percentile(&times, 99.0)));
        println!("search mean           {}", ms(mean));
        println!("search max            {}", ms(times[times.len() - 1]));
    });
}
