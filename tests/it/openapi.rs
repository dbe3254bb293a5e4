//! The OpenAPI document describes every `/api/v1` and `/ocds` operation as it behaves: each
//! route is in it, and every status and content type that a broad set of good and bad
//! requests draws from the real router is listed for that operation. A route that answers
//! something the document does not list fails here, so client generators and fuzzers can
//! trust it. (`make fuzz` runs schemathesis against the same document.)

use axum::body::Body;
use http::Request;
use marco::auth::authz::ROUTES;
use marco::domain::framework::FrameworkStatus;
use marco::frameworks::Actor;
use marco::frameworks::lifecycle;
use marco_tests::fixtures::create_cloud_framework;
use marco_tests::{TestApp, TestResponse};
use serde_json::{Value, json};

/// The routes under `/api/v1` that are pages for people, not operations.
const PAGES_FOR_PEOPLE: &[&str] = &["/api/v1", "/api/v1/"];

fn is_documented_area(path: &str) -> bool {
    path.starts_with("/api/v1")
        || path.starts_with("/ocds")
        || ["/healthz", "/readyz", "/metrics"].contains(&path)
}

async fn document(app: &TestApp) -> Value {
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status, 200);
    res.json()
}

#[tokio::test]
async fn every_api_and_feed_route_is_in_the_document() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let mut checked = 0;
    for (method, path, _) in ROUTES {
        if !is_documented_area(path) || PAGES_FOR_PEOPLE.contains(path) {
            continue;
        }
        checked += 1;
        let op = &doc["paths"][*path][method.to_ascii_lowercase()];
        assert!(
            op.is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    assert!(checked >= 20, "only {checked} routes were checked");
}

/// The operation of `doc` that `path` (concrete, without the query) reaches by `method`.
fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> Option<(&'a str, &'a Value)> {
    let paths = doc["paths"].as_object()?;
    paths.iter().find_map(|(template, item)| {
        let t: Vec<&str> = template.split('/').collect();
        let p: Vec<&str> = path.split('/').collect();
        let matches = t.len() == p.len()
            && t.iter()
                .zip(&p)
                .all(|(a, b)| (a.starts_with('{') && a.ends_with('}') && !b.is_empty()) || a == b);
        let op = item.get(method.to_ascii_lowercase())?;
        matches.then_some((template.as_str(), op))
    })
}

/// Fails with every answer the document does not list: status, or content type per status.
fn check(doc: &Value, method: &str, uri: &str, res: &TestResponse, problems: &mut Vec<String>) {
    let path = uri.split('?').next().unwrap_or(uri);
    let Some((template, op)) = operation(doc, method, path) else {
        problems.push(format!("{method} {uri}: no operation in the document"));
        return;
    };
    let status = res.status.as_u16().to_string();
    let Some(documented) = op["responses"].get(&status) else {
        problems.push(format!(
            "{method} {template}: status {status} is not documented ({uri})"
        ));
        return;
    };
    let Some(content_type) = res.header("content-type") else {
        return;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let listed: Vec<String> = documented["content"]
        .as_object()
        .map(|c| {
            c.keys()
                .map(|k| k.split(';').next().unwrap_or_default().trim().to_owned())
                .collect()
        })
        .unwrap_or_default();
    if !res.body.is_empty() && !listed.iter().any(|l| l == essence) {
        problems.push(format!(
            "{method} {template}: {status} answers {essence}, the document lists {listed:?} ({uri})"
        ));
    }
}

async fn open_framework(app: &TestApp) -> String {
    let fw = create_cloud_framework(app, "Feeds").await;
    lifecycle::transition(&app.state, &Actor::default(), fw.id, FrameworkStatus::Open)
        .await
        .unwrap()
        .ocid
}

fn json_post(path: &str, content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::post(path);
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    builder.body(body.into()).unwrap()
}

fn get_with(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::get(path);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn every_status_and_content_type_a_route_answers_is_documented() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let ocid = open_framework(&app).await;
    open_framework(&app).await;
    marco::publish::bulk::refresh(&app.state).await.unwrap();
    let doc = document(&app).await;
    let release_id =
        app.get(&format!("/ocds/records/{ocid}")).await.json()["records"][0]["releases"][0]["url"]
            .as_str()
            .unwrap()
            .rsplit('#')
            .next()
            .unwrap()
            .to_owned();
    let full_page = app.get("/ocds/releases?limit=1").await;
    let etag = full_page.header("etag").unwrap();
    let bulk = app.get("/ocds/bulk/releases.jsonl.gz").await;
    let bulk_etag = bulk.header("etag").unwrap();
    let token = app
        .send(json_post(
            "/api/v1/auth/token",
            Some("application/json"),
            json!({"email": "manager@marco.example", "password": marco::seed::DEMO_PASSWORD})
                .to_string(),
        ))
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bearer = format!("Bearer {token}");
    let long = "x".repeat(300);
    let huge = vec![b'{'; 70 * 1024];

    let mut gets: Vec<(String, Vec<(&str, String)>)> = [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/status",
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/ocds/releases",
        "/ocds/releases?limit=1",
        "/ocds/releases?cursor=abc",
        "/ocds/releases?limit=0",
        "/ocds/releases?since=yesterday",
        "/ocds/releases?until=2026-13-45",
        "/ocds/releases?cursor=1&cursor=2",
        "/ocds/releases?tag=award&buyer=x&supplier=y",
        "/ocds/releases.jsonl",
        "/ocds/releases.jsonl?limit=1",
        "/ocds/releases.jsonl?limit=x",
        "/ocds/releases/no-such-release",
        "/ocds/releases/%FF%FE",
        "/ocds/records",
        "/ocds/records?versioned=true&limit=1",
        "/ocds/records?versioned=maybe",
        "/ocds/records.jsonl",
        "/ocds/records.jsonl?versioned=true",
        "/ocds/records.jsonl?cursor=-1",
        "/ocds/records/ocds-demo00-no-such",
        "/ocds/log",
        "/ocds/log?from=0",
        "/ocds/log?limit=1",
        "/ocds/log/head",
        "/ocds/log/key",
        "/ocds/bulk/",
        "/ocds/bulk/releases.jsonl.gz",
        "/ocds/bulk/no-such-file.zip",
        "/ocds/bulk/%2e%2e%2fsecret",
    ]
    .iter()
    .map(|p| (p.to_string(), Vec::new()))
    .collect();
    gets.push((format!("/ocds/releases?ocid={long}"), vec![]));
    gets.push((format!("/ocds/records/{ocid}"), vec![]));
    gets.push((format!("/ocds/releases/{release_id}"), vec![]));
    gets.push((
        "/ocds/releases?limit=1".into(),
        vec![("if-none-match", etag.clone())],
    ));
    gets.push((
        "/ocds/releases".into(),
        vec![("accept", "application/x-ndjson".into())],
    ));
    gets.push((
        "/ocds/records".into(),
        vec![("accept", "application/x-ndjson".into())],
    ));
    gets.push(("/api/v1/me".into(), vec![("authorization", bearer.clone())]));
    gets.push((
        "/api/v1/me".into(),
        vec![("authorization", "Bearer nonsense".into())],
    ));
    for (range, conditional) in [
        ("bytes=0-9", None),
        ("bytes=999999999-", None),
        ("bytes=abc", None),
        ("bytes=0-9", Some(("if-range", bulk_etag.clone()))),
    ] {
        let mut headers = vec![("range", range.to_owned())];
        headers.extend(conditional);
        gets.push(("/ocds/bulk/releases.jsonl.gz".into(), headers));
    }
    gets.push((
        "/ocds/bulk/releases.jsonl.gz".into(),
        vec![("if-none-match", bulk_etag.clone())],
    ));
    gets.push((
        "/ocds/bulk/releases.jsonl.gz".into(),
        vec![("if-modified-since", "Sun, 06 Nov 2994 08:49:37 GMT".into())],
    ));

    let mut problems = Vec::new();
    let mut answered = std::collections::BTreeSet::new();
    for (uri, headers) in &gets {
        let borrowed: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = app.send(get_with(uri, &borrowed)).await;
        answered.insert(res.status.as_u16());
        check(&doc, "GET", uri, &res, &mut problems);
    }

    let supplier = json!({
        "legal_name": "Datos Abiertos SpA", "identifier": "76.086.428-5", "country": "CL",
        "scale": "small", "name": "Ana Rojas", "email": "ana@datosabiertos.example",
        "password": "a long and unusual passphrase 42"
    });
    let buyer = json!({
        "name": "Beatriz Soto", "email": "beatriz@compras.demo.gob.cl",
        "password": "another unusual passphrase 17"
    });
    let posts: Vec<(&str, Option<&str>, Vec<u8>)> = vec![
        ("/api/v1/auth/token", Some("application/json"), json!({"email": "manager@marco.example", "password": "wrong password here"}).to_string().into()),
        ("/api/v1/auth/token", Some("application/json"), json!({"email": "manager@marco.example", "password": marco::seed::DEMO_PASSWORD, "scopes": ["admin"]}).to_string().into()),
        ("/api/v1/auth/token", Some("application/json"), b"{}".to_vec()),
        ("/api/v1/auth/token", Some("application/json"), b"{not json".to_vec()),
        ("/api/v1/auth/token", Some("text/plain"), b"{}".to_vec()),
        ("/api/v1/auth/token", None, b"{}".to_vec()),
        ("/api/v1/auth/token", Some("application/json"), json!({"email": long, "password": "x"}).to_string().into()),
        ("/api/v1/auth/token", Some("application/json"), huge.clone()),
        ("/api/v1/registrations/supplier", Some("application/json"), supplier.to_string().into()),
        ("/api/v1/registrations/supplier", Some("application/json"), supplier.to_string().into()),
        ("/api/v1/registrations/supplier", Some("application/json"), b"{}".to_vec()),
        ("/api/v1/registrations/supplier", Some("application/json"), b"[1,2".to_vec()),
        ("/api/v1/registrations/supplier", Some("application/xml"), b"<a/>".to_vec()),
        ("/api/v1/registrations/supplier", Some("application/json"), huge.clone()),
        ("/api/v1/registrations/buyer", Some("application/json"), buyer.to_string().into()),
        ("/api/v1/registrations/buyer", Some("application/json"), json!({"name": 3}).to_string().into()),
        ("/api/v1/registrations/buyer", Some("application/json"), b"nope".to_vec()),
        ("/api/v1/registrations/buyer", None, b"".to_vec()),
        ("/api/v1/organisation-identifiers/check", Some("application/json"), json!({"scheme": "CL-RUT", "id": "76.086.428-5"}).to_string().into()),
        ("/api/v1/organisation-identifiers/check", Some("application/json"), json!({"scheme": "CL-RUT", "id": "76.086.428-1"}).to_string().into()),
        ("/api/v1/organisation-identifiers/check", Some("application/json"), json!({"scheme": "", "id": ""}).to_string().into()),
        ("/api/v1/organisation-identifiers/check", Some("application/json"), b"{".to_vec()),
        ("/api/v1/organisation-identifiers/check", Some("text/csv"), b"a,b".to_vec()),
    ];
    for (uri, content_type, body) in posts {
        let res = app.send(json_post(uri, content_type, body)).await;
        answered.insert(res.status.as_u16());
        check(&doc, "POST", uri, &res, &mut problems);
    }

    // Over the feed rate, every feed answers 429.
    let limited = TestApp::with_config(|c| c.feed_rate_per_minute = 1).await;
    let limited_doc = document(&limited).await;
    for uri in [
        "/ocds/releases",
        "/ocds/records",
        "/ocds/log/key",
        "/ocds/bulk/",
    ] {
        let res = limited.get(uri).await;
        answered.insert(res.status.as_u16());
        check(&limited_doc, "GET", uri, &res, &mut problems);
    }

    assert!(
        problems.is_empty(),
        "undocumented answers:\n{}",
        problems.join("\n")
    );
    // The corpus reaches the answers that matter, so this test cannot pass by asking little.
    for status in [200, 201, 206, 304, 400, 401, 404, 413, 415, 416, 422, 429] {
        assert!(
            answered.contains(&status),
            "no request drew a {status}: {answered:?}"
        );
    }
}
