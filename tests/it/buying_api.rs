//! The buyer's JSON API: catalogue, frameworks and orders with bearer tokens, as a buyer's
//! purchasing system would use it. Every answer is checked against the OpenAPI document.

use axum::body::Body;
use http::Request;
use marco::entities::order;
use marco_tests::{TestApp, TestResponse};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

struct Api<'a> {
    app: &'a TestApp,
    doc: Value,
}

impl<'a> Api<'a> {
    async fn new(app: &'a TestApp) -> Api<'a> {
        let doc = app.get("/api/v1/openapi.json").await.json();
        Api { app, doc }
    }

    async fn token(&self, email: &str, scopes: &[&str]) -> String {
        let res = self
            .app
            .post(
                "/api/v1/auth/token",
                Some("application/json"),
                json!({"email": email, "password": marco::seed::DEMO_PASSWORD, "scopes": scopes})
                    .to_string(),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        res.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// Sends a request and checks that its status is documented for the operation.
    async fn call(
        &self,
        method: &str,
        path: &str,
        template: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let request = match body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        }
        .unwrap();
        let res = self.app.send(request).await;
        let op = &self.doc["paths"][template][method.to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {template} is not documented");
        assert!(
            op["responses"][res.status.as_u16().to_string()].is_object(),
            "{method} {template}: status {} is not documented: {}",
            res.status,
            res.text()
        );
        res
    }
}

fn order_body(items: &[(&str, &str)], address: &str) -> Value {
    let date = (chrono::Utc::now() + chrono::Duration::days(14))
        .format("%Y-%m-%d")
        .to_string();
    json!({
        "items": items.iter().map(|(s, q)| json!({"service": s, "quantity": q})).collect::<Vec<_>>(),
        "delivery_address": address,
        "cost_centre": "CC-API-7",
        "requested_date": date,
    })
}

#[tokio::test]
async fn a_purchasing_system_searches_orders_idempotently_and_the_supplier_accepts() {
    let app = TestApp::new().await;
    let (nube, bright) = marco_tests::fixtures::demo_shop(&app, 8).await;
    let api = Api::new(&app).await;

    // The catalogue and frameworks, without a token.
    let res = api
        .call(
            "GET",
            "/api/v1/catalogue/services?lot=cloud-hosting&per_page=5",
            "/api/v1/catalogue/services",
            None,
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    let page = res.json();
    assert_eq!(page["total"], 2);
    let first = &page["services"][0];
    assert_eq!(first["lot"], "cloud-hosting");
    assert_eq!(first["available"], true);
    assert_eq!(first["version"], 1);
    assert_eq!(first["price"]["currency"], "CLP");
    assert!(
        first["price"]["amount"].is_string(),
        "amounts are decimal strings"
    );
    // Out-of-range paging and prices that are not amounts are refused; an empty price is no
    // filter, as a form sends it.
    for bad in [
        "page=0",
        "per_page=0",
        "per_page=101",
        "page=abc",
        "price_max=9999999999999999",
        "price_min=12a",
    ] {
        let res = api
            .call(
                "GET",
                &format!("/api/v1/catalogue/services?{bad}"),
                "/api/v1/catalogue/services",
                None,
                &[],
                None,
            )
            .await;
        assert_eq!(res.status, 422, "{bad}");
    }
    let res = api
        .call(
            "GET",
            "/api/v1/catalogue/services?price_min=&page=2&per_page=4",
            "/api/v1/catalogue/services",
            None,
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["page"], 2);
    assert_eq!(res.json()["services"].as_array().unwrap().len(), 4);
    let res = api
        .call(
            "GET",
            &format!("/api/v1/catalogue/services/{}", nube[0].public_id),
            "/api/v1/catalogue/services/{id}",
            None,
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(!res.json()["answers"].as_array().unwrap().is_empty());
    let res = api
        .call(
            "GET",
            "/api/v1/catalogue/services/nope",
            "/api/v1/catalogue/services/{id}",
            None,
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 404);
    let res = api
        .call(
            "GET",
            "/api/v1/frameworks",
            "/api/v1/frameworks",
            None,
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    let slug = res.json()[0]["slug"].as_str().unwrap().to_owned();
    assert_eq!(res.json()[0]["lots"].as_array().unwrap().len(), 4);
    let res = api
        .call(
            "GET",
            &format!("/api/v1/frameworks/{slug}"),
            "/api/v1/frameworks/{slug}",
            None,
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 200);

    // Orders need a token, the write scope, and a key.
    let body = order_body(&[(&nube[0].public_id, "1")], "Moneda 1160, Santiago");
    let res = api
        .call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            None,
            &[],
            Some(body.clone()),
        )
        .await;
    assert_eq!(res.status, 401);
    let read = api.token("buyer@compras.demo.gob.cl", &["read"]).await;
    let res = api
        .call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&read),
            &[("idempotency-key", "k-1")],
            Some(body.clone()),
        )
        .await;
    assert_eq!(res.status, 403);
    let buyer = api
        .token("buyer@compras.demo.gob.cl", &["read", "write"])
        .await;
    let res = api
        .call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&buyer),
            &[],
            Some(body.clone()),
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.json()["error"]["fields"]["Idempotency-Key"].is_object());
    // One supplier per order, and every item checked.
    let mixed = order_body(
        &[(&nube[0].public_id, "1"), (&bright[0].public_id, "1")],
        "x",
    );
    let res = api
        .call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&buyer),
            &[("idempotency-key", "k-mixed")],
            Some(mixed),
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(
        res.json()["error"]["fields"]["items"].is_object(),
        "{}",
        res.text()
    );
    let bad = order_body(&[(&nube[0].public_id, "0"), ("no-such", "1")], "x");
    let res = api
        .call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&buyer),
            &[("idempotency-key", "k-bad")],
            Some(bad),
        )
        .await;
    assert_eq!(res.status, 422);
    let fields = &res.json()["error"]["fields"];
    assert!(
        fields["items[0].quantity"].is_object() && fields["items[1].service"].is_object(),
        "{fields}"
    );
    assert_eq!(
        order::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "nothing saved"
    );

    // Placed once, however often it is sent.
    let res = api
        .call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&buyer),
            &[("idempotency-key", "k-1")],
            Some(body.clone()),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let placed = res.json();
    let id = placed["id"].as_i64().unwrap();
    assert_eq!(
        res.header("location").unwrap(),
        format!("/api/v1/orders/{id}")
    );
    assert_eq!(placed["items"][0]["version"], 1);
    let res = api
        .call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&buyer),
            &[("idempotency-key", "k-1")],
            Some(body.clone()),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["id"], id);
    let other = order_body(&[(&nube[0].public_id, "2")], "Moneda 1160, Santiago");
    let res = api
        .call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&buyer),
            &[("idempotency-key", "k-1")],
            Some(other),
        )
        .await;
    assert_eq!(res.status, 409, "a key reused for another order");
    assert_eq!(order::Entity::find().count(&app.state.db).await.unwrap(), 1);

    // Fifty concurrent submissions with one key make one order.
    let body2 = order_body(&[(&bright[0].public_id, "1")], "Moneda 1160, Santiago");
    let results = futures_util::future::join_all((0..50).map(|_| {
        api.call(
            "POST",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&buyer),
            &[("idempotency-key", "k-50")],
            Some(body2.clone()),
        )
    }))
    .await;
    assert_eq!(results.iter().filter(|r| r.status == 201).count(), 1);
    assert!(results.iter().all(|r| r.status == 201 || r.status == 200));
    let ids: std::collections::BTreeSet<i64> = results
        .iter()
        .map(|r| r.json()["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(order::Entity::find().count(&app.state.db).await.unwrap(), 2);

    // The supplier sees and accepts its order; another supplier cannot.
    let status = placed["status"].as_str().unwrap().to_owned();
    let supplier = api
        .token("supplier@nubeandina.example", &["read", "write"])
        .await;
    let stranger = api
        .token("supplier@brightlane.example", &["read", "write"])
        .await;
    let res = api
        .call(
            "GET",
            &format!("/api/v1/orders/{id}"),
            "/api/v1/orders/{id}",
            Some(&stranger),
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 404);
    let res = api
        .call(
            "GET",
            "/api/v1/orders/abc",
            "/api/v1/orders/{id}",
            Some(&supplier),
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 400);
    if status == "submitted" {
        let approver = api
            .token("approver@compras.demo.gob.cl", &["read", "write"])
            .await;
        let res = api
            .call(
                "POST",
                &format!("/api/v1/orders/{id}/approve"),
                "/api/v1/orders/{id}/{action}",
                Some(&approver),
                &[],
                Some(json!({})),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let res = api
        .call(
            "GET",
            "/api/v1/orders",
            "/api/v1/orders",
            Some(&supplier),
            &[],
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(
        res.json()["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == id)
    );
    let res = api
        .call(
            "POST",
            &format!("/api/v1/orders/{id}/fly"),
            "/api/v1/orders/{id}/{action}",
            Some(&supplier),
            &[],
            Some(json!({})),
        )
        .await;
    assert_eq!(res.status, 404);
    let res = api
        .call(
            "POST",
            &format!("/api/v1/orders/{id}/pay"),
            "/api/v1/orders/{id}/{action}",
            Some(&supplier),
            &[],
            Some(json!({})),
        )
        .await;
    assert_eq!(res.status, 409, "a supplier cannot pay");
    let res = api
        .call(
            "POST",
            &format!("/api/v1/orders/{id}/accept"),
            "/api/v1/orders/{id}/{action}",
            Some(&supplier),
            &[],
            Some(json!({})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let accepted = res.json();
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["contract_id"].is_i64());
    let res = api
        .call(
            "POST",
            &format!("/api/v1/orders/{id}/reject"),
            "/api/v1/orders/{id}/{action}",
            Some(&supplier),
            &[],
            Some(json!({})),
        )
        .await;
    assert_eq!(res.status, 422, "a reason is needed first");
}
