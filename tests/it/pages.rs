//! The start page, languages, honest "not built yet" pages and static assets.

use marco_tests::TestApp;

#[tokio::test]
async fn start_page_is_english_by_default_and_spanish_when_asked() {
    let app = TestApp::new().await;
    let en = app.get("/").await;
    assert_eq!(en.status, 200);
    assert!(en.text().contains("<html lang=\"en\""));
    assert!(en.text().contains("Buy and sell digital services"));

    let es = app
        .get_with("/", &[("accept-language", "es-CL,es;q=0.9,en;q=0.5")])
        .await;
    assert!(es.text().contains("<html lang=\"es\""));
    assert!(es.text().contains("Compre y venda servicios digitales"));
}

#[tokio::test]
async fn the_language_cookie_wins_over_accept_language() {
    let app = TestApp::new().await;
    let res = app
        .get_with(
            "/",
            &[("accept-language", "es"), ("cookie", "marco_lang=en")],
        )
        .await;
    assert!(res.text().contains("<html lang=\"en\""));
}

#[tokio::test]
async fn switching_language_sets_a_cookie_and_returns_to_the_same_page() {
    let app = TestApp::new().await;
    let res = app.get("/language/es?next=%2Fcatalogue%3Fq%3Dnube").await;
    assert_eq!(res.status, 303);
    assert_eq!(res.header("location").as_deref(), Some("/catalogue?q=nube"));
    let cookie = res.header("set-cookie").unwrap();
    assert!(cookie.starts_with("marco_lang=es"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly"));

    let res = app
        .get("/language/es?next=https%3A%2F%2Fevil.example%2F")
        .await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/"),
        "no open redirect"
    );
    assert_eq!(app.get("/language/xx").await.status, 404);
}

#[tokio::test]
async fn start_page_links_to_each_audience_and_every_link_answers() {
    let app = TestApp::new().await;
    let html = app.get("/").await.text();
    for href in [
        "/catalogue",
        "/opportunities",
        "/open-data",
        "/sign-in",
        "/api/v1/",
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "links to {href}"
        );
        assert_eq!(app.get(href).await.status, 200, "{href} answers");
    }
}

#[tokio::test]
async fn opportunities_say_what_they_are_and_when_nothing_matches_in_both_languages() {
    let app = TestApp::new().await;
    let html = app.get("/opportunities").await.text();
    assert!(html.contains("<h1>Opportunities</h1>"), "{html}");
    assert!(
        html.contains("Describe") || html.contains("problems to solve"),
        "{html}"
    );
    assert!(html.contains("No brief matches these filters."), "{html}");
    let html = app
        .get_with("/opportunities", &[("accept-language", "es")])
        .await
        .text();
    assert!(html.contains("<h1>Oportunidades</h1>"));
    assert!(html.contains("Ningún requerimiento coincide"));
}

#[tokio::test]
async fn pages_load_no_script_so_they_work_without_javascript() {
    let app = TestApp::new().await;
    for path in ["/", "/catalogue", "/api/v1/", "/nope"] {
        assert!(
            !app.get(path).await.text().contains("<script"),
            "{path} has a script"
        );
    }
}

#[tokio::test]
async fn static_assets_are_embedded_and_cached_with_etags() {
    let app = TestApp::new().await;
    let res = app.get("/static/uswds/css/uswds.min.css").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    let etag = res.header("etag").unwrap();
    let again = app
        .get_with(
            "/static/uswds/css/uswds.min.css",
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(again.status, 304);
    assert_eq!(
        app.get("/static/uswds/fonts/public-sans/PublicSans-Bold.woff2")
            .await
            .status,
        200
    );
    assert_eq!(app.get("/static/../Cargo.toml").await.status, 404);
}
