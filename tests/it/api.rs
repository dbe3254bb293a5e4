//! The API shell: OpenAPI 3.1 from the code, a reference page, and the identifier check.

use marco_tests::TestApp;

#[tokio::test]
async fn openapi_document_is_3_1_and_describes_the_routes() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/status",
        "/api/v1/organisation-identifiers/check",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert!(doc["components"]["schemas"]["ApiError"].is_object());
}

#[tokio::test]
async fn the_reference_page_lists_every_operation_for_people() {
    let app = TestApp::new().await;
    let res = app.get_with("/api/v1/", &[("accept-language", "es")]).await;
    assert_eq!(res.status, 200);
    let html = res.text();
    assert!(html.contains("Referencia de la API"));
    assert!(html.contains("<code>/api/v1/organisation-identifiers/check</code>"));
    assert!(html.contains("<code>POST</code>"));
    assert!(html.contains("invalid_rut"), "shows an example error");
}

#[tokio::test]
async fn status_reports_version_backend_and_ocid_prefix() {
    let app = TestApp::new().await;
    let body = app.get("/api/v1/status").await.json();
    let expected = match app.backend() {
        marco_tests::database::Backend::Sqlite => "sqlite",
        marco_tests::database::Backend::Postgres => "postgres",
    };
    assert_eq!(body["database"], expected);
    assert_eq!(body["ocid_prefix"], "ocds-demo00");
    assert!(!body["version"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn a_valid_rut_comes_back_in_normal_form() {
    let app = TestApp::new().await;
    let res = app
        .post(
            "/api/v1/organisation-identifiers/check",
            Some("application/json"),
            r#"{"scheme":"cl-rut","id":"12.345.678-5"}"#,
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        serde_json::json!({"scheme": "CL-RUT", "id": "12345678-5"})
    );
}
