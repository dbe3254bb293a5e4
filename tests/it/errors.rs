//! One error type: HTML pages for people, JSON with stable codes for `/api/`.

use marco_tests::TestApp;

const CHECK: &str = "/api/v1/organisation-identifiers/check";

#[tokio::test]
async fn unknown_pages_get_an_html_error_page_in_the_persons_language() {
    let app = TestApp::new().await;
    let res = app
        .get_with("/no/such/page", &[("accept-language", "es-CL,es;q=0.9")])
        .await;
    assert_eq!(res.status, 404);
    assert!(res.header("content-type").unwrap().starts_with("text/html"));
    let html = res.text();
    assert!(html.contains("<html lang=\"es\""));
    assert!(html.contains("Página no encontrada"), "{html}");
    assert!(html.contains("data-code=\"not_found\""));
    let request_id = res.header("x-request-id").unwrap();
    assert!(
        html.contains(&request_id),
        "the page quotes the request id for support"
    );
}

#[tokio::test]
async fn unknown_api_routes_get_a_json_error() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/nothing-here").await;
    assert_eq!(res.status, 404);
    let body = res.json();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].as_str().unwrap().len() > 5);
    assert!(body["error"]["fields"].is_object());
}

#[tokio::test]
async fn a_wrong_method_on_an_api_route_is_a_json_405() {
    let app = TestApp::new().await;
    let res = app
        .post("/api/v1/status", Some("application/json"), "{}")
        .await;
    assert_eq!(res.status, 405);
    assert_eq!(res.json()["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn malformed_json_is_a_400_with_a_stable_code() {
    let app = TestApp::new().await;
    let res = app
        .post(
            CHECK,
            Some("application/json"),
            r#"{"scheme": "CL-RUT", "id": "#,
        )
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["error"]["code"], "invalid_json");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415() {
    let app = TestApp::new().await;
    let res = app
        .post(CHECK, Some("text/plain"), r#"{"scheme":"CL-RUT","id":"1"}"#)
        .await;
    assert_eq!(res.status, 415);
    assert_eq!(res.json()["error"]["code"], "unsupported_media_type");
    let res = app
        .post(CHECK, None, r#"{"scheme":"CL-RUT","id":"1"}"#)
        .await;
    assert_eq!(res.status, 415);
}

#[tokio::test]
async fn an_oversized_body_is_a_413_and_never_a_500() {
    let app = TestApp::new().await;
    let huge = format!(r#"{{"scheme":"CL-RUT","id":"{}"}}"#, "9".repeat(200_000));
    let res = app.post(CHECK, Some("application/json"), huge).await;
    assert_eq!(res.status, 413);
    assert_eq!(res.json()["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_422() {
    let app = TestApp::new().await;
    let res = app
        .post(CHECK, Some("application/json"), r#"{"scheme": 5}"#)
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["error"]["code"], "validation_failed");
}

#[tokio::test]
async fn field_errors_name_the_field_and_its_code() {
    let app = TestApp::new().await;
    let res = app
        .post(
            CHECK,
            Some("application/json"),
            r#"{"scheme":"CL-RUT","id":"12.345.678-4"}"#,
        )
        .await;
    assert_eq!(res.status, 422);
    let body = res.json();
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["fields"]["id"]["code"], "invalid_rut");
    assert!(
        body["error"]["fields"]["id"]["message"]
            .as_str()
            .unwrap()
            .contains("5")
    );
}

#[tokio::test]
async fn api_error_messages_follow_accept_language() {
    let app = TestApp::new().await;
    let res = app
        .get_with("/api/v1/nothing", &[("accept-language", "es")])
        .await;
    assert!(
        res.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Página no encontrada")
    );
}

#[tokio::test]
async fn error_pages_keep_the_signed_in_header_with_the_persons_work() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut buyer = marco_tests::Client::new(&app);
    let res = buyer
        .post(
            "/sign-in",
            &[
                ("email", "buyer@compras.demo.gob.cl"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    for path in ["/no/such/page", "/orders/999999"] {
        let res = buyer.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        let html = res.text();
        assert!(html.contains("href=\"/account\""), "{path}: {html}");
        assert!(
            !html.contains("href=\"/sign-in\""),
            "{path} offers to sign in again"
        );
        assert!(
            html.contains("href=\"/orders\""),
            "{path}: the buyer's orders are linked"
        );
    }
    // Signed out, the same page offers to sign in and links no one's work.
    let html = app.get("/no/such/page").await.text();
    assert!(html.contains("href=\"/sign-in\""));
    assert!(!html.contains("href=\"/orders\""));
}
