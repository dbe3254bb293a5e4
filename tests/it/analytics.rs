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

/// Whether a compiled release is a framework agreement's own process, which admits suppliers
/// rather than buying.
fn is_framework(c: &Value) -> bool {
    c["tender"]["techniques"]["hasFrameworkAgreement"] == true
        && !c["relatedProcesses"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| {
                p["relationship"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|x| x == "framework"))
            })
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
        .filter(|c| c["tender"]["status"] != "cancelled" && !is_framework(c))
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
        .filter(|c| c["tender"]["status"] != "cancelled" && !is_framework(c))
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
    let (buyer, _) = report
        .report
        .marco
        .buyers
        .iter()
        .max_by_key(|(_, b)| b.awards)
        .unwrap();
    let framework = report
        .report
        .marco
        .markets
        .iter()
        .filter(|m| m.lot.is_none())
        .max_by_key(|m| m.awards)
        .and_then(|m| m.framework.clone())
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
            "/analytics/markets".to_owned(),
            format!("/analytics/markets/{framework}"),
            format!("/analytics/markets/{framework}?lot=cloud-hosting&from=2026-99-01"),
            format!("/analytics/buyers/{buyer}"),
            "/analytics/red-flags?from=bad".to_owned(),
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

#[tokio::test]
async fn market_insights_match_a_recount_and_filters_narrow_them() {
    let app = TestApp::new().await;
    demo(&app).await;
    marco::analytics::refresh(&app.state, &|| false)
        .await
        .unwrap();
    let compiled = bulk_compiled(&app).await;

    // Recount each framework's awards in pesos by supplier from the bulk file, then its HHI
    // and SME share of value.
    let mut by_framework: BTreeMap<String, BTreeMap<String, (f64, bool)>> = BTreeMap::new();
    let mut admitted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in compiled
        .iter()
        .filter(|c| c["tender"]["status"] != "cancelled")
    {
        if is_framework(c) {
            for a in c["awards"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| a["status"] == "active")
            {
                for s in a["suppliers"].as_array().into_iter().flatten() {
                    admitted
                        .entry(c["ocid"].as_str().unwrap().to_owned())
                        .or_default()
                        .insert(s["id"].as_str().unwrap().to_owned());
                }
            }
            continue;
        }
        let Some(fw) = c["relatedProcesses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["relationship"][0] == "framework")
            .and_then(|p| p["identifier"].as_str())
        else {
            continue;
        };
        for a in c["awards"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["status"] == "active")
        {
            let suppliers = a["suppliers"].as_array().unwrap();
            for s in suppliers {
                let id = s["id"].as_str().unwrap();
                let sme = c["parties"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p["id"] == id)
                    .and_then(|p| p["details"]["scale"].as_str())
                    .is_some_and(|sc| ["sme", "micro", "small", "medium"].contains(&sc));
                let e = by_framework
                    .entry(fw.to_owned())
                    .or_default()
                    .entry(id.to_owned())
                    .or_default();
                if a["value"]["currency"] == "CLP" {
                    e.0 += a["value"]["amount"].as_f64().unwrap() / suppliers.len() as f64;
                }
                e.1 |= sme;
            }
        }
    }
    let markets = app.get("/api/v1/analytics/markets").await.json();
    let mut checked = 0;
    for (fw, suppliers) in &by_framework {
        let total: f64 = suppliers.values().map(|v| v.0).sum();
        if total == 0.0 {
            continue;
        }
        let hhi: f64 = suppliers
            .values()
            .map(|v| (v.0 / total * 100.0).powi(2))
            .sum();
        let sme: f64 = suppliers.values().filter(|v| v.1).map(|v| v.0).sum::<f64>() / total;
        let m = markets
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["framework"] == fw.as_str() && m["lot"].is_null())
            .unwrap_or_else(|| panic!("no market for {fw}"));
        assert!(
            (m["hhi"].as_f64().unwrap() - hhi).abs() < 0.01,
            "{fw}: {} vs {hhi}",
            m["hhi"]
        );
        assert!(
            (m["smeValueShare"].as_f64().unwrap() - sme).abs() < 1e-6,
            "{fw}"
        );
        assert_eq!(m["activeSuppliers"], suppliers.len(), "{fw}");
        assert_eq!(m["admittedSuppliers"], admitted[fw].len(), "{fw}");
        assert!(
            hhi > 0.0 && hhi < 10_000.0,
            "{fw}: a demo market is neither empty nor a monopoly"
        );
        // The page shows the same index, rounded.
        let page = app.get(&format!("/analytics/markets/{fw}")).await;
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(
            text.contains(&format!("id=\"market-hhi\">{:.0}<", hhi)),
            "{text}"
        );
        assert!(
            text.contains("<svg class=\"marco-chart\" id=\"chart-top\""),
            "a chart is drawn"
        );
        assert!(text.contains("id=\"chart-top-table\""), "with its table");
        checked += 1;
    }
    assert!(checked >= 1, "{by_framework:?}");

    // Lots carry their own markets; every demo lot with awards is listed.
    let lots: Vec<&Value> = markets
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !m["lot"].is_null())
        .collect();
    assert!(
        lots.iter().any(|m| m["awards"].as_u64().unwrap() > 0),
        "{markets}"
    );

    // A period that ends before anything was bought leaves no awards.
    let early = app
        .get("/api/v1/analytics/markets?to=2000-01-01")
        .await
        .json();
    assert!(
        early.as_array().unwrap().iter().all(|m| m["awards"] == 0),
        "{early}"
    );
    // A bad date is refused with a message, on the API and on the page.
    let bad = app.get("/api/v1/analytics/markets?from=31-12-2026").await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.json()["error"]["fields"]["from"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("as a date")),
        "{}",
        bad.text()
    );
    let reversed = app
        .get("/api/v1/analytics/flags?from=2026-05-01&to=2026-01-01")
        .await;
    assert_eq!(reversed.status, 422);
    // The API refuses an empty date; a page's form, which sends empty fields, does not.
    assert_eq!(app.get("/api/v1/analytics/markets?to=").await.status, 422);
    assert_eq!(app.get("/analytics/markets?from=&to=").await.status, 200);
    let page = app.get("/analytics/red-flags?from=2026-13-01").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Enter “From” as a date"),
        "{}",
        page.text()
    );
    let page = app
        .get("/analytics/red-flags?from=2026-05-01&to=2026-01-01")
        .await
        .text();
    assert!(page.contains("must be on or before"), "{page}");
    // A buyer filter keeps only flags on that buyer's processes or on the buyer.
    let all = app.get("/api/v1/analytics/flags").await.json();
    let snapshot = app.state.analytics.get().unwrap();
    if let Some(buyer) = snapshot.report.marco.buyers.keys().next() {
        let some = app
            .get(&format!("/api/v1/analytics/flags?buyer={buyer}"))
            .await
            .json();
        assert!(some.as_array().unwrap().len() <= all.as_array().unwrap().len());
        for f in some.as_array().unwrap() {
            let on_buyer = f["buyer"] == buyer.as_str();
            let its_process = f["ocids"].as_array().unwrap().iter().any(|o| {
                snapshot
                    .fact(o.as_str().unwrap())
                    .is_some_and(|x| x.buyer.as_deref() == Some(buyer))
            });
            assert!(on_buyer || its_process, "{f}");
        }
    }
    // The CSV has a row per market.
    let csv = app.get("/analytics/markets.csv").await.text();
    assert_eq!(csv.lines().count(), markets.as_array().unwrap().len() + 1);
    assert!(csv.starts_with("framework,lot,awards"));
    // An unknown framework is not found.
    assert_eq!(
        app.get("/analytics/markets/ocds-nothing-here").await.status,
        404
    );
}

#[tokio::test]
async fn buyer_and_supplier_pages_show_delivery_spend_and_payments() {
    let app = TestApp::new().await;
    demo(&app).await;
    marco::analytics::refresh(&app.state, &|| false)
        .await
        .unwrap();
    let s = app.state.analytics.get().unwrap();
    let marco = &s.report.marco;
    // The demo's contracts are delivered in modules, rated and reported on.
    assert!(
        marco
            .suppliers
            .values()
            .any(|x| x.milestones_on_time + x.milestones_late > 0)
    );
    assert!(marco.suppliers.values().any(|x| x.ratings > 0), "ratings");
    assert!(
        marco.suppliers.values().any(|x| x.framework_admissions > 0),
        "admissions"
    );
    assert!(
        marco.buyers.values().any(|b| b.spend_by_route.len() >= 2),
        "routes"
    );
    assert!(
        marco
            .buyers
            .values()
            .any(|b| b.payments_on_time + b.payments_late > 0),
        "payments"
    );
    let (id, b) = marco
        .buyers
        .iter()
        .max_by_key(|(_, b)| b.spend_by_route.len())
        .unwrap();
    let page = app.get(&format!("/analytics/buyers/{id}")).await;
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("id=\"chart-route\""), "{text}");
    assert!(
        text.contains(&format!("id=\"buyer-paid-late\">{}<", b.payments_late)),
        "{text}"
    );
    assert!(
        text.contains("Catalogue order"),
        "routes are named in words"
    );
    let es = app
        .get_with(
            &format!("/analytics/buyers/{id}"),
            &[("accept-language", "es")],
        )
        .await
        .text();
    assert!(es.contains("Orden de catálogo"), "{es}");
    let api = app
        .get(&format!("/api/v1/analytics/buyers/{id}"))
        .await
        .json();
    assert_eq!(api["figures"]["paymentsLate"], b.payments_late);
    let (sid, sup) = marco
        .suppliers
        .iter()
        .max_by_key(|(_, x)| x.ratings)
        .unwrap();
    let text = app.get(&format!("/analytics/suppliers/{sid}")).await.text();
    assert!(
        text.contains(&format!(
            "id=\"supplier-admissions\">{}<",
            sup.framework_admissions
        )),
        "{text}"
    );
    assert!(text.contains("id=\"supplier-rating\""), "{text}");
    assert_eq!(app.get("/analytics/buyers/CL-RUT-1-9").await.status, 404);
}
