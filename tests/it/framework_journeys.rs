//! The framework journeys of issue 6, done in headless Chromium as new users would: a manager
//! starts a framework from a content file of their own, a supplier applies with two services,
//! the manager evaluates and countersigns, the framework goes live and the services are found
//! in search, and the supplier changes a price. axe-core checks every page on the way, and
//! refused input (a bad content file, a price with letters, a non-PDF upload) is shown to the
//! person with nothing saved.

use std::time::Duration;

use chrono::Utc;
use marco::entities::{draft_service, framework, release, service_document};
use marco::search::outbox::{self, OutboxSettings};
use marco_tests::browser::workspace_root;
use marco_tests::{Browser, TestServer};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const PASSWORD: &str = marco::seed::DEMO_PASSWORD;
const MANAGER: &str = "manager@marco.example";
const SUPPLIER: &str = "supplier@nubeandina.example";

async fn sign_in(browser: &Browser, server: &TestServer, email: &str) {
    browser.client.goto(&server.url("/sign-in")).await.unwrap();
    browser.fill("email", email).await;
    browser.fill("password", PASSWORD).await;
    browser.submit("/sign-in").await;
    assert_eq!(browser.wait_for_path("/dashboard").await, "/dashboard");
}

/// Sets a date field the way the browser's date picker would, as `YYYY-MM-DD`.
async fn pick_date(browser: &Browser, id: &str, days_from_now: i64) {
    let day = (Utc::now() + chrono::Duration::days(days_from_now))
        .format("%Y-%m-%d")
        .to_string();
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![id.into(), day.into()],
        )
        .await
        .unwrap();
}

/// Chooses a file in the `<input type=file>` with this id.
async fn choose_file(browser: &Browser, id: &str, path: &std::path::Path) {
    let input = browser
        .client
        .find(fantoccini::Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("no file input #{id}"));
    input.send_keys(&path.display().to_string()).await.unwrap();
}

async fn path_of(browser: &Browser) -> String {
    browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .to_owned()
}

async fn body_text(browser: &Browser) -> String {
    browser.text("main").await
}

/// Fills a draft service of the journey's content file.
async fn fill_service(browser: &Browser, name: &str, summary: &str, price: &str) {
    browser.fill("service-name", name).await;
    browser.fill("service-summary", summary).await;
    browser
        .fill(
            "service-features",
            "Remote and in-person sessions\nAccessible research reports",
        )
        .await;
    browser.fill("price", price).await;
    browser
        .click("select#price-unit option[value='per-day']")
        .await;
    browser.click("label[for='data-location-1']").await;
}

async fn releases(server: &TestServer, ocid: &str) -> Vec<release::Model> {
    release::Entity::find()
        .filter(release::Column::Ocid.eq(ocid))
        .all(&server.app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn framework_journeys_from_content_file_to_a_changed_price() {
    let server = TestServer::start().await;
    marco::seed::load(&server.app.state.db).await.unwrap();
    // The server's search worker, as `marco run` starts it: the catalogue is updated from the
    // outbox in the background, not by the test.
    let worker = marco::jobs::spawn(
        std::sync::Arc::new(outbox::SearchJob::new(
            server.app.state.db.clone(),
            server.app.state.search.clone(),
            OutboxSettings {
                poll_interval: Duration::from_millis(100),
                ..OutboxSettings::default()
            },
        )),
        server.app.state.jobs.clone(),
    );
    let files = tempfile::tempdir().unwrap();
    let bad_content = files.path().join("bad-framework.toml");
    std::fs::write(
        &bad_content,
        std::fs::read_to_string(workspace_root().join("tests/fixtures/research-services.toml"))
            .unwrap()
            .replacen("type = \"multichoice\"", "type = \"colour\"", 1),
    )
    .unwrap();
    let pdf = files.path().join("ethics-policy.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    )
    .unwrap();
    let not_pdf = files.path().join("ethics-policy.pdf.png");
    std::fs::write(&not_pdf, b"\x89PNG\r\n\x1a\n not a pdf").unwrap();

    // Journey 1: a manager creates a framework from a content file and opens it.
    let manager = Browser::start().await;
    sign_in(&manager, &server, MANAGER).await;
    manager
        .client
        .goto(&server.url("/frameworks"))
        .await
        .unwrap();
    manager.assert_accessible("the framework list").await;
    manager.click_and_wait("a[href='/frameworks/new']").await;
    manager.assert_accessible("the new framework form").await;
    manager.fill("name", "Research and Data Services 1").await;
    manager.fill("family", "Research and Data Services").await;
    manager.fill("iteration", "1").await;
    manager
        .fill(
            "description",
            "User research and data analysis for public services.",
        )
        .await;
    for (id, days) in [
        ("clarifications_close_at", 5),
        ("applications_close_at", 10),
        ("intention_to_award_at", 20),
        ("goes_live_at", 30),
        ("expires_at", 400),
    ] {
        pick_date(&manager, id, days).await;
    }
    // First a file with a question type Marco does not know: refused by name, nothing stored.
    choose_file(&manager, "content", &bad_content).await;
    manager.submit("/frameworks/new").await;
    let error = manager.text("#content-error").await;
    assert!(
        error.contains("unknown type 'colour'"),
        "the refusal names the bad type: {error}"
    );
    assert_eq!(
        framework::Entity::find()
            .count(&server.app.state.db)
            .await
            .unwrap(),
        0,
        "a refused content file creates nothing"
    );
    assert_eq!(
        manager.attr("#name", "value").await.as_deref(),
        Some("Research and Data Services 1"),
        "what was typed is kept"
    );
    manager
        .assert_accessible("the new framework form with errors")
        .await;
    // Then the right file. The dates were kept; the file must be chosen again.
    choose_file(
        &manager,
        "content",
        &workspace_root().join("tests/fixtures/research-services.toml"),
    )
    .await;
    manager.submit("/frameworks/new").await;
    let fw_path = path_of(&manager).await;
    assert!(fw_path.starts_with("/frameworks/"), "{fw_path}");
    let slug = fw_path.trim_start_matches("/frameworks/").to_owned();
    assert!(
        manager
            .text("h1")
            .await
            .contains("Research and Data Services 1")
    );
    let page = body_text(&manager).await;
    assert!(
        page.contains("User research") && page.contains("Data analysis"),
        "{page}"
    );
    manager.assert_accessible("a coming framework").await;
    manager.click_and_wait("#move-status").await;
    assert!(manager.text("main").await.contains("Open"));
    let fw = framework::Entity::find()
        .filter(framework::Column::Slug.eq(slug.as_str()))
        .one(&server.app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fw.status, "open");
    assert_eq!(
        releases(&server, &fw.ocid).await.len(),
        1,
        "planning and tender published"
    );
    manager.screenshot("framework-journey-1-open").await;

    // Journey 2: a supplier applies: declaration, two services, submit.
    let supplier = Browser::start().await;
    sign_in(&supplier, &server, SUPPLIER).await;
    supplier
        .client
        .goto(&server.url("/frameworks"))
        .await
        .unwrap();
    supplier.follow("Research and Data Services 1").await;
    supplier
        .assert_accessible("an open framework, for a supplier")
        .await;
    supplier
        .submit(&format!("/frameworks/{slug}/application"))
        .await;
    let application = format!("/frameworks/{slug}/application");
    assert_eq!(path_of(&supplier).await, application);
    supplier
        .assert_accessible("the application task list")
        .await;
    supplier
        .click_and_wait(&format!("a[href='{application}/declaration']"))
        .await;
    supplier.assert_accessible("the declaration").await;
    // Yes to "up to date with tax", no to "convicted of fraud".
    supplier.click("label[for='tax-up-to-date-1']").await;
    supplier.click("label[for='fraud-conviction-2']").await;
    supplier.click_and_wait("#save").await;
    assert_eq!(path_of(&supplier).await, application);

    let mut drafts = Vec::new();
    for (lot, name, summary, price) in [
        (
            "user-research",
            "Andean usability lab",
            "Usability testing with citizens across Chile, in Spanish and Mapudungun.",
            "450000",
        ),
        (
            "data-analysis",
            "Open budget dashboards",
            "Dashboards and open data publication of public budgets.",
            "380000",
        ),
    ] {
        supplier
            .client
            .goto(&server.url(&application))
            .await
            .unwrap();
        supplier
            .click(&format!("select#lot option[value='{lot}']"))
            .await;
        supplier.click_and_wait("#add-service").await;
        let draft_path = path_of(&supplier).await;
        assert!(
            draft_path.starts_with(&format!("{application}/services/")),
            "{draft_path}"
        );
        supplier.assert_accessible("a draft service").await;
        if lot == "user-research" {
            // A price with letters is refused with a clear message, and nothing is saved.
            fill_service(&supplier, name, summary, "450.000 pesos").await;
            supplier.click_and_wait("#save").await;
            let error = supplier.text("#price-error").await;
            assert!(error.contains("digits only"), "{error}");
            assert_eq!(
                supplier.attr("#price", "value").await.as_deref(),
                Some("450.000 pesos"),
                "what was typed is kept to correct"
            );
            supplier
                .assert_accessible("a draft service with a refused price")
                .await;
            let id: i64 = draft_path.rsplit('/').next().unwrap().parse().unwrap();
            let stored = draft_service::Entity::find_by_id(id)
                .one(&server.app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(stored.answers, "{}", "a refused form saves nothing");
            supplier
                .client
                .goto(&server.url(&draft_path))
                .await
                .unwrap();
        }
        fill_service(&supplier, name, summary, price).await;
        supplier.click_and_wait("#save").await;
        assert!(supplier.text(".usa-alert--success").await.len() > 3);
        if lot == "user-research" {
            // A PNG named .pdf is refused by its content; then the real PDF is accepted.
            let upload = format!("{draft_path}/documents");
            choose_file(&supplier, "ethics-policy-file", &not_pdf).await;
            supplier.submit(&upload).await;
            let error = supplier.text("#ethics-policy-error").await;
            assert!(error.to_lowercase().contains("pdf"), "{error}");
            assert_eq!(
                service_document::Entity::find()
                    .count(&server.app.state.db)
                    .await
                    .unwrap(),
                0
            );
            supplier
                .client
                .goto(&server.url(&draft_path))
                .await
                .unwrap();
            choose_file(&supplier, "ethics-policy-file", &pdf).await;
            supplier.submit(&upload).await;
            assert!(body_text(&supplier).await.contains("ethics-policy.pdf"));
        }
        drafts.push(draft_path);
    }
    supplier
        .client
        .goto(&server.url(&application))
        .await
        .unwrap();
    let tasks = supplier.text("#tasks").await;
    let todo: Vec<&str> = tasks
        .lines()
        .filter(|l| l.to_lowercase().contains("not started"))
        .collect();
    assert_eq!(
        todo,
        ["Submit the application NOT STARTED OR INCOMPLETE"],
        "only submitting is left: {tasks}"
    );
    supplier.click_and_wait("#submit-application").await;
    assert!(supplier.text("#submitted").await.len() > 3);
    supplier.assert_accessible("a submitted application").await;
    // After submitting, nothing can be changed.
    supplier.client.goto(&server.url(&drafts[0])).await.unwrap();
    supplier.text("h1").await;
    assert!(
        !supplier.exists("#save").await,
        "a submitted draft has no save button"
    );
    assert!(
        supplier.attr("#service-name", "readonly").await.is_some(),
        "and its fields are read-only"
    );
    supplier.screenshot("framework-journey-2-submitted").await;

    // Journey 3: the manager evaluates, passes the supplier, and countersigns.
    manager.client.goto(&server.url(&fw_path)).await.unwrap();
    manager.click_and_wait("#move-status").await; // open → pending
    manager
        .click_and_wait(&format!("a[href='/frameworks/{slug}/applications']"))
        .await;
    manager.assert_accessible("the applications list").await;
    assert!(manager.text("#applications").await.contains("Nube Andina"));
    manager.follow("Nube Andina").await;
    manager
        .assert_accessible("an application to evaluate")
        .await;
    let radios = manager
        .client
        .find_all(fantoccini::Locator::Css(
            "input[type=radio][value=pass][id^=service-]",
        ))
        .await
        .unwrap();
    assert_eq!(radios.len(), 2, "both services are evaluated");
    for radio in radios {
        let id = radio.attr("id").await.unwrap().unwrap();
        manager.click(&format!("label[for='{id}']")).await;
    }
    manager.click("label[for='result-pass']").await;
    manager
        .fill("reason", "Meets every requirement of the framework.")
        .await;
    manager.click_and_wait("#save-evaluation").await;
    manager.client.goto(&server.url(&fw_path)).await.unwrap();
    manager.click_and_wait("#move-status").await; // pending → standstill: results e-mailed
    let mail = marco_tests::client::last_mail(&server.app, SUPPLIER)
        .await
        .unwrap();
    assert_eq!(mail.kind, "application_result");

    supplier
        .client
        .goto(&server.url(&application))
        .await
        .unwrap();
    assert!(
        supplier
            .text("#result")
            .await
            .contains("Meets every requirement")
    );
    supplier.fill("signer_role", "Managing director").await;
    supplier.click("label[for='accept']").await;
    supplier.click_and_wait("#sign").await;
    assert!(supplier.text("#signed").await.contains("Managing director"));
    supplier.assert_accessible("a signed application").await;

    manager
        .client
        .goto(&server.url(&format!("/frameworks/{slug}/applications")))
        .await
        .unwrap();
    manager.follow("Nube Andina").await;
    manager.click_and_wait("#countersign").await;
    assert!(manager.text("#countersigned").await.len() > 3);
    manager
        .screenshot("framework-journey-3-countersigned")
        .await;

    // Journey 4: the framework goes live; the services are in search and on the profile.
    manager.client.goto(&server.url(&fw_path)).await.unwrap();
    manager.click_and_wait("#move-status").await; // standstill → live
    let public = Browser::start().await;
    let mut results = String::new();
    for _ in 0..50 {
        public
            .client
            .goto(&server.url("/catalogue?q=usability+lab"))
            .await
            .unwrap();
        if public.exists("#results").await {
            results = public.text("#results").await;
            if results.contains("Andean usability lab") {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        results.contains("Andean usability lab"),
        "the live service is found: {results}"
    );
    public.assert_accessible("catalogue search results").await;
    public.follow("Andean usability lab").await;
    public.assert_accessible("a service page").await;
    assert!(public.text("#price").await.contains("CLP 450,000"));
    let service_path = path_of(&public).await;
    public.follow("Nube Andina").await;
    let profile = body_text(&public).await;
    assert!(
        profile.contains("Andean usability lab") && profile.contains("Open budget dashboards"),
        "{profile}"
    );
    public.assert_accessible("a supplier profile").await;
    public.screenshot("framework-journey-4-profile").await;
    let profile_path = path_of(&public).await;

    // The same pages in Spanish: labels from the content file and Marco's own words.
    public
        .client
        .goto(&server.url("/language/es?next=%2F"))
        .await
        .unwrap();
    for (path, expected) in [
        (
            "/catalogue?q=usability".to_owned(),
            "Investigación de usuarios",
        ),
        (service_path.clone(), "Tarifa diaria"),
        (service_path.clone(), "por día"),
        (profile_path.clone(), "Andean usability lab"),
        (fw_path.clone(), "Análisis de datos"),
    ] {
        public.client.goto(&server.url(&path)).await.unwrap();
        assert_eq!(public.attr("html", "lang").await.as_deref(), Some("es"));
        let text = body_text(&public).await;
        assert!(
            text.contains(expected),
            "{path} in Spanish lacks {expected:?}: {text}"
        );
        public
            .assert_accessible(&format!("{path} in Spanish"))
            .await;
    }

    // Journey 5: the supplier edits a price; the service page shows the price history.
    supplier
        .client
        .goto(&server.url(&profile_path))
        .await
        .unwrap();
    supplier.follow("Andean usability lab").await;
    supplier.click_and_wait("#edit-service").await;
    supplier.assert_accessible("the service edit form").await;
    supplier.fill("price", "47O000").await; // a letter O, not a zero
    supplier.click_and_wait("#save").await;
    assert!(supplier.text("#price-error").await.contains("digits only"));
    supplier.fill("price", "470000").await;
    supplier.click_and_wait("#save").await;
    let history = supplier.text("#history").await;
    assert!(
        history.contains("CLP 470,000") && history.contains("CLP 450,000"),
        "both prices are in the history: {history}"
    );
    supplier
        .assert_accessible("a service page with history")
        .await;
    supplier.screenshot("framework-journey-5-history").await;

    // Every release of the journey validates.
    let published = releases(&server, &fw.ocid).await;
    let tags: Vec<&str> = published.iter().map(|r| r.tags.as_str()).collect();
    assert_eq!(
        tags,
        ["planning tender", "tenderUpdate", "award", "awardUpdate"]
    );
    for r in &published {
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let errors = server
            .app
            .state
            .publisher
            .validator()
            .validate_release(&json);
        assert!(errors.is_empty(), "{}: {errors:?}", r.release_id);
    }

    public.close().await;
    supplier.close().await;
    manager.close().await;
    worker.shutdown(Duration::from_secs(5)).await;
}
