//! Supplier-performance analytics on the demo data: the pages, the downloads and the API agree
//! with figures recomputed by hand from the bulk records file, and say how fresh they are.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use marco_tests::TestApp;
use serde_json::Value;

async fn demo(app: &TestApp) {
    marco::seed::load(&app.state.db).await.unwrap();
    marco::frameworks::demo::load(&app.state).await.unwrap();
    marco::buying::demo::load(&app.state).await.unwrap();
    marco::briefs::demo::load(&app.state).await.unwrap();
    marco::contracts::demo::load(&app.state).await.unwrap();
}

/// Every compiled release in the bulk records file.
async fn bulk_compiled(app: &TestApp) -> Vec<Value> {
    marco::publish::bulk::refresh(&app.state).await.unwrap();
    let path = app.state.bulk.dir().join(marco::publish::bulk::RECORDS);
    let file = std::fs::File::open(path).unwrap();
    std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file))
        .lines()
        .map(|l| serde_json::from_str::<Value>(&l.unwrap()).unwrap())
        .map(|record| record["compiledRelease"].clone())
        .collect()
}

#[tokio::test]
async fn the_figures_match_a_recount_from_the_bulk_file_and_say_how_fresh_they_are() {
    let app = TestApp::new().await;
    demo(&app).await;
    // Before the job has run, the pages say so.
    let page = app.get("/analytics").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("have not been computed yet"));
    assert_eq!(app.get("/api/v1/analytics").await.status, 404);

    assert!(
        marco::analytics::refresh(&app.state, &|| false)
            .await
            .unwrap()
            > 0
    );
    let api = app.get("/api/v1/analytics").await.json();
    let report = &api["report"];
    let compiled = bulk_compiled(&app).await;

    // 1. Processes: one per record.
    assert_eq!(api["processes"], compiled.len());
    assert_eq!(report["Marco"]["releases"], compiled.len());

    // 2. Each supplier's active awards and their value in pesos, counted by hand.
    let mut awards: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for c in compiled
        .iter()
        .filter(|c| c["tender"]["status"] != "cancelled")
    {
        for a in c["awards"].as_array().into_iter().flatten() {
            if a["status"] != "active" {
                continue;
            }
            for s in a["suppliers"].as_array().into_iter().flatten() {
                let e = awards
                    .entry(s["id"].as_str().unwrap().to_owned())
                    .or_default();
                e.0 += 1;
                if a["value"]["currency"] == "CLP" {
                    e.1 += a["value"]["amount"].as_f64().unwrap();
                }
            }
        }
    }
    assert!(awards.len() >= 3, "{awards:?}");
    for (id, (n, clp)) in &awards {
        let figures = &report["Marco"]["suppliers"][id];
        assert_eq!(figures["awards"], *n, "{id}");
        let computed = figures["awardValue"]["CLP"].as_f64().unwrap_or_default();
        assert!((computed - clp).abs() < 0.01, "{id}: {computed} vs {clp}");
    }

    // 3. Each buyer's processes and the share of its processes with bids that had one bid,
    // leaving out cancelled tenders as every indicator does.
    let mut buyers: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for c in compiled
        .iter()
        .filter(|c| c["tender"]["status"] != "cancelled")
    {
        let Some(buyer) = c["buyer"]["id"].as_str() else {
            continue;
        };
        let e = buyers.entry(buyer.to_owned()).or_default();
        e.0 += 1;
        let submitted = c["bids"]["details"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|b| {
                b["status"]
                    .as_str()
                    .is_some_and(|s| s != "invited" && s != "withdrawn")
            })
            .count() as u64;
        if submitted > 0 {
            e.1 += 1;
            e.2 += u64::from(submitted == 1);
        }
    }
    assert!(!buyers.is_empty());
    for (id, (processes, with_bids, single)) in &buyers {
        let figures = &report["Marco"]["buyers"][id];
        assert_eq!(figures["processes"], *processes, "{id}");
        assert_eq!(figures["processesWithBids"], *with_bids, "{id}");
        if *with_bids > 0 {
            let share = figures["singleBidShare"].as_f64().unwrap();
            assert!(
                (share - *single as f64 / *with_bids as f64).abs() < 1e-9,
                "{id}"
            );
        }
    }

    // The pages show the same, with non-trivial numbers, in both languages.
    let page = app.get("/analytics").await.text();
    let (top, (n, _)) = awards.iter().max_by_key(|(_, (n, _))| *n).unwrap();
    assert!(
        page.contains(&format!("href=\"/analytics/suppliers/{top}\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("data-label=\"Awards\" class=\"text-right\">{n}<")),
        "{page}"
    );
    assert!(
        page.contains(&format!("from {} contracting processes", compiled.len())),
        "{page}"
    );
    assert!(page.contains("0 releases published since"));
    let supplier = app.get(&format!("/analytics/suppliers/{top}")).await;
    assert_eq!(supplier.status, 200);
    assert!(supplier.text().contains("Supplier performance"));
    let es = app
        .get_with(
            &format!("/analytics/suppliers/{top}"),
            &[("accept-language", "es")],
        )
        .await
        .text();
    assert!(es.contains("Desempeño del proveedor"), "{es}");
    assert_eq!(app.get("/analytics/suppliers/CL-RUT-1-9").await.status, 404);

    // Downloads: the CSV files list the same suppliers, and the JSON is the API's.
    let csv = app.get("/analytics/suppliers.csv").await;
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let text = csv.text();
    for (id, (n, _)) in &awards {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{id},")) && l.contains(&format!(",{n},"))),
            "{id}"
        );
    }
    let flags = app.get("/api/v1/analytics/flags").await.json();
    let all = flags.as_array().unwrap().len();
    let flags_csv = app.get("/analytics/flags.csv").await.text();
    assert_eq!(flags_csv.lines().count(), all + 1, "{flags_csv}");
    let page = app.get("/analytics/red-flags").await.text();
    assert!(
        page.contains(&format!("{all} flags raised"))
            || (all == 1 && page.contains("1 flag raised")),
        "{page}"
    );
    let none = app
        .get("/analytics/red-flags?code=R048&q=nothing-like-this")
        .await
        .text();
    assert!(none.contains("0 flags raised"), "{none}");

    // A new release makes the figures one release behind, until the job catches up.
    marco::buying::demo::load(&app.state).await.unwrap();
    let head = marco::publish::store::latest(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .sequence;
    if head > api["upToSequence"].as_i64().unwrap() {
        assert!(
            !app.get("/analytics")
                .await
                .text()
                .contains(" 0 releases published since")
        );
        marco::analytics::refresh(&app.state, &|| false)
            .await
            .unwrap();
    }
    assert!(
        app.get("/analytics")
            .await
            .text()
            .contains("0 releases published since")
    );
    assert_eq!(
        marco::analytics::refresh(&app.state, &|| false)
            .await
            .unwrap(),
        0,
        "nothing new"
    );

    // The supplier ids of flags on tenderers are suppliers or tenderers of the published data.
    let known: BTreeSet<String> = report["Marco"]["suppliers"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for f in flags.as_array().unwrap() {
        if f["group"] == "tenderer" {
            assert!(known.contains(f["id"].as_str().unwrap()), "{f}");
        }
    }
}

#[tokio::test]
async fn the_analytics_pages_pass_axe_in_both_languages() {
    let server = marco_tests::TestServer::start().await;
    demo(&server.app).await;
    marco::analytics::refresh(&server.app.state, &|| false)
        .await
        .unwrap();
    let report = server.app.state.analytics.get().unwrap();
    let (top, _) = report
        .report
        .marco
        .suppliers
        .iter()
        .max_by_key(|(_, s)| s.awards)
        .unwrap();
    let browser = marco_tests::Browser::start().await;
    for lang in ["en", "es"] {
        browser
            .client
            .goto(&server.url(&format!("/language/{lang}?next=%2F")))
            .await
            .unwrap();
        for path in [
            "/analytics".to_owned(),
            "/analytics/red-flags".to_owned(),
            "/analytics/red-flags?code=R018".to_owned(),
            format!("/analytics/suppliers/{top}"),
        ] {
            browser.client.goto(&server.url(&path)).await.unwrap();
            let violations = browser.axe_violations().await;
            assert!(violations.is_empty(), "{path} ({lang}): {violations:#?}");
        }
        browser
            .client
            .goto(&server.url("/analytics"))
            .await
            .unwrap();
        browser.screenshot(&format!("analytics-{lang}")).await;
    }
    browser.close().await;
}
