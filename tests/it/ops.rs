//! Liveness, readiness, metrics and request ids.

use marco_tests::TestApp;

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() {
    let app = TestApp::new().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["status"], "ok");
}

#[tokio::test]
async fn readyz_reports_ready_when_the_database_answers_and_503_when_it_does_not() {
    let app = TestApp::new().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["status"], "ready");

    app.state.db.clone().close().await.unwrap();
    let res = app.get("/readyz").await;
    assert_eq!(res.status, 503);
    assert_eq!(res.json()["error"]["code"], "unavailable");
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_in_prometheus_format() {
    let app = TestApp::new().await;
    app.get("/healthz").await;
    app.get("/static/marco.css").await;
    app.get("/no/such/page").await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status, 200);
    let text = res.text();
    assert!(
        text.contains(r#"marco_http_requests_total{method="GET",route="/healthz",status="200"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/static/{*path}""#),
        "route templates, not raw paths: {text}"
    );
    assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
    assert!(text.contains("marco_http_request_duration_seconds_bucket"));
    assert!(text.contains("marco_build_info"));
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_an_incoming_one_is_kept() {
    let app = TestApp::new().await;
    let res = app.get("/").await;
    let id = res.header("x-request-id").expect("request id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let res = app
        .get_with("/healthz", &[("x-request-id", "trace-me-123")])
        .await;
    assert_eq!(res.header("x-request-id").as_deref(), Some("trace-me-123"));
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = TestApp::new().await;
    let res = app
        .get_with(
            "/static/uswds/css/uswds.min.css",
            &[("accept-encoding", "gzip")],
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-encoding").as_deref(), Some("gzip"));
}
