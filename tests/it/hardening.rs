//! Hardening found by an attacker's and a heavy user's probe: the open redirect, security
//! headers, cookie flags and cache rules, and the upload limit that the form states.

use marco::config::Environment;
use marco::domain::framework::FrameworkStatus;
use marco::entities::{service_document, user};
use marco::frameworks::lifecycle;
use marco::frameworks::{Actor, application};
use marco_tests::fixtures::{cloud_framework, create_cloud_framework};
use marco_tests::{Client, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const PASSWORD: &str = marco::seed::DEMO_PASSWORD;

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Client<'a> {
    let mut client = Client::new(app);
    let res = client
        .post("/sign-in", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, 303, "sign-in as {email}: {}", res.text());
    client
}

const ESCAPES: &[&str] = &[
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "%09//evil.example",
    "//evil.example",
    "/%5cevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/%00/evil.example",
    "/%E3%80%80/evil.example",
];

#[tokio::test]
async fn the_language_switch_never_redirects_to_another_site() {
    let app = TestApp::new().await;
    for next in ESCAPES {
        let res = app.get(&format!("/language/es?next={next}")).await;
        assert_eq!(res.status, 303, "{next}");
        assert_eq!(res.header("location").as_deref(), Some("/"), "{next}");
    }
    let res = app.get("/language/es?next=/catalogue%3Fq%3Dcloud").await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/catalogue?q=cloud")
    );
}

#[tokio::test]
async fn signing_in_never_redirects_to_another_site() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    for next in ESCAPES {
        let decoded: String = form_urlencoded::parse(format!("n={next}").as_bytes())
            .next()
            .unwrap()
            .1
            .into_owned();
        let mut client = Client::new(&app);
        let res = client
            .post(
                "/sign-in",
                &[
                    ("email", "buyer@digital.demo.gov.uk"),
                    ("password", PASSWORD),
                    ("next", decoded.as_str()),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{next}: {}", res.text());
        assert_eq!(
            res.header("location").as_deref(),
            Some("/dashboard"),
            "{next}"
        );
        let page = Client::new(&app)
            .get(&format!("/sign-in?next={next}"))
            .await;
        assert!(
            page.text()
                .contains(r#"<input type="hidden" name="next" value="/dashboard">"#),
            "{next} was put into the sign-in form"
        );
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    for path in [
        "/",
        "/catalogue",
        "/no-such-page",
        "/ocds/releases",
        "/api/v1/openapi.json",
        "/static/marco.css",
        "/healthz",
    ] {
        let res = app.get(path).await;
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("script-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(
            res.header("x-frame-options").as_deref(),
            Some("DENY"),
            "{path}"
        );
        assert_eq!(
            res.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            res.header("referrer-policy").as_deref(),
            Some("same-origin")
        );
        // HSTS only where the site is served over HTTPS in production.
        assert_eq!(res.header("strict-transport-security"), None, "{path}");
    }
}

fn production(config: &mut marco::config::Config) {
    config.environment = Environment::Production;
    config.public_url = "https://marco.example.gob.cl".into();
}

#[tokio::test]
async fn production_sends_hsts_and_secure_cookies() {
    let app = TestApp::with_config(production).await;
    marco::seed::load(&app.state.db).await.unwrap();
    let res = app.get("/").await;
    assert_eq!(
        res.header("strict-transport-security").as_deref(),
        Some("max-age=63072000; includeSubDomains")
    );
    let csrf = res.header("set-cookie").unwrap();
    assert!(csrf.starts_with("marco_csrf="), "{csrf}");
    assert!(csrf.contains("Secure"), "{csrf}");
    assert!(
        csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"),
        "{csrf}"
    );
}

#[tokio::test]
async fn publicly_cacheable_responses_set_no_cookie() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut visitor = Client::new(&app);
    let mut buyer = signed_in(&app, "buyer@digital.demo.gov.uk").await;
    for path in ["/static/marco.css", "/ocds/releases", "/ocds/log"] {
        for res in [
            app.get(path).await,
            visitor.get(path).await,
            buyer.get(path).await,
        ] {
            let cache = res.header("cache-control").unwrap_or_default();
            if cache.contains("public") {
                assert_eq!(res.header("set-cookie"), None, "{path} ({cache})");
            }
        }
    }
    // A page with forms still gives a first-time visitor a CSRF token.
    let res = app.get("/sign-in").await;
    assert!(res.header("set-cookie").unwrap().starts_with("marco_csrf="));
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
}

#[tokio::test]
async fn personal_pages_are_never_stored() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut buyer = signed_in(&app, "buyer@digital.demo.gov.uk").await;
    for path in ["/account", "/account/data", "/catalogue", "/"] {
        let res = buyer.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(
            res.header("cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
}

/// An open framework with one draft service of Nube Andina's, and the draft's page.
async fn draft_with_documents(app: &TestApp) -> (Client<'_>, String) {
    marco::seed::load(&app.state.db).await.unwrap();
    let fw = create_cloud_framework(app, "Uploads").await;
    let fw = lifecycle::transition(&app.state, &Actor::default(), fw.id, FrameworkStatus::Open)
        .await
        .unwrap();
    let org = user::Entity::find()
        .filter(user::Column::Email.eq("supplier@nubeandina.example"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .organisation_id;
    let application = application::register_interest(&app.state, &Actor::default(), &fw, org)
        .await
        .unwrap();
    let draft = application::create_draft(&app.state, &fw, application.id, "cloud-hosting")
        .await
        .unwrap();
    let supplier = signed_in(app, "supplier@nubeandina.example").await;
    let path = format!(
        "/frameworks/{}/application/services/{}/documents",
        fw.slug, draft.id
    );
    (supplier, path)
}

fn pdf_of(bytes: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(bytes, b' ');
    pdf
}

#[tokio::test]
async fn a_document_as_large_as_the_form_allows_is_accepted_and_a_larger_one_refused_by_field() {
    let app = TestApp::new().await;
    let (mut supplier, path) = draft_with_documents(&app).await;
    // "A PDF ... of 5 MB or less": 3 MB is accepted, though forms elsewhere take 64 KiB here.
    let res = supplier
        .post_file(
            &path,
            &[("question", "service-definition")],
            "file",
            "definition.pdf",
            &pdf_of(3 * 1024 * 1024),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(
        service_document::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1
    );
    // 6 MB is over this question's 5 MB: the form comes back saying so, nothing stored.
    let res = supplier
        .post_file(
            &path,
            &[("question", "pricing-document")],
            "file",
            "prices.pdf",
            &pdf_of(6 * 1024 * 1024),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert!(res.text().contains("5.0 MB or smaller"), "{}", res.text());
    assert_eq!(
        service_document::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1
    );
    // Other forms keep the general limit.
    let big = "x".repeat(200 * 1024);
    let res = supplier
        .post("/sign-out", &[("padding", big.as_str())])
        .await;
    assert_eq!(res.status, 413);
}

#[tokio::test]
async fn oversized_values_are_refused_by_field_and_never_echoed() {
    let app = TestApp::new().await;
    // A 60 KB search: refused with the field named, in a small page.
    let q = "nube".repeat(15_000);
    let res = app.get(&format!("/catalogue?q={q}")).await;
    assert_eq!(res.status, 422);
    assert!(res.body.len() < 20_000, "a {} byte page", res.body.len());
    assert!(
        res.text().contains("At most 200 characters"),
        "{}",
        res.text()
    );
    assert!(!res.text().contains(&q[..1000]));
    // The same in Spanish.
    let res = app
        .get_with(&format!("/catalogue?q={q}"), &[("accept-language", "es")])
        .await;
    assert!(res.text().contains("Como máximo 200 caracteres"));

    // A 1 MB legal name in the sign-up form (under the body limit of a real deployment).
    let big = TestApp::with_config(|c| c.body_limit = 2 * 1024 * 1024).await;
    let mut visitor = Client::new(&big);
    let name = "N".repeat(1024 * 1024);
    let res = visitor
        .post(
            "/register/supplier",
            &[("legal_name", name.as_str()), ("email", "a@b.example")],
        )
        .await;
    assert_eq!(
        res.status,
        422,
        "{}",
        &res.text()[..200.min(res.text().len())]
    );
    assert!(res.body.len() < 20_000, "a {} byte page", res.body.len());
    assert!(res.text().contains("legal_name"));

    // The JSON API names the field, with the code clients can rely on.
    let res = app
        .post(
            "/api/v1/registrations/buyer",
            Some("application/json"),
            serde_json::json!({"name": "x".repeat(201), "email": "a@b.example", "password": "p"})
                .to_string(),
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["error"]["fields"]["name"]["code"], "too_long");
}

#[tokio::test]
async fn every_text_input_states_its_limit() {
    let app = TestApp::new().await;
    for path in [
        "/sign-in",
        "/register/supplier",
        "/register/buyer",
        "/catalogue",
    ] {
        let page = app.get(path).await.text();
        for input in page.split("<input").skip(1) {
            let tag = &input[..input.find('>').unwrap()];
            let kind = tag
                .split("type=\"")
                .nth(1)
                .map(|t| &t[..t.find('"').unwrap()])
                .unwrap_or("text");
            if ["hidden", "checkbox", "radio", "submit", "file"].contains(&kind) {
                continue;
            }
            assert!(tag.contains("maxlength=\""), "{path}: <input{tag}>");
        }
    }
}

#[tokio::test]
async fn a_framework_description_past_its_stated_limit_is_refused_by_field() {
    let app = TestApp::new().await;
    let long = "d".repeat(marco_frontend::forms::max_chars("description") + 1);
    let refused = lifecycle::create(&app.state, &Actor::default(), cloud_framework(&long)).await;
    match refused {
        Err(marco::frameworks::FlowError::Invalid(fields)) => {
            assert_eq!(fields["description"].code, "too_long");
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}
