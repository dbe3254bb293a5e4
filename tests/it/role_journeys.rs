//! Each role, from the start page to its main task through the navigation alone (no typed
//! addresses), with axe-core (WCAG 2.2 AA) on every page, the dashboard again in Spanish,
//! and a screenshot of where each journey ends (issue 18).

use marco_tests::{Browser, TestServer};

async fn demo(server: &TestServer) {
    let app = &server.app;
    marco::seed::load(&app.state.db).await.unwrap();
    marco::frameworks::demo::load(&app.state).await.unwrap();
    marco::buying::demo::load(&app.state).await.unwrap();
    marco::briefs::demo::load(&app.state).await.unwrap();
    marco::contracts::demo::load(&app.state).await.unwrap();
    marco::search::drain_once(&app.state).await.unwrap();
}

/// From the start page: the header's sign-in button, the form, then the dashboard.
async fn sign_in(browser: &Browser, server: &TestServer, email: &str) {
    browser.client.goto(&server.url("/")).await.unwrap();
    browser.assert_accessible("the start page").await;
    browser.click_and_wait("a.marco-nav__sign-in").await;
    browser.assert_accessible("the sign-in page").await;
    browser.fill("email", email).await;
    browser.fill("password", marco::seed::DEMO_PASSWORD).await;
    browser.submit("/sign-in").await;
    assert_eq!(browser.wait_for_path("/dashboard").await, "/dashboard");
    browser
        .assert_accessible(&format!("{email}'s dashboard"))
        .await;
}

async fn sign_out(browser: &Browser) {
    browser.click_and_wait("a.marco-nav__sign-in").await;
    browser.submit("/sign-out").await;
}

/// Follows a header or page link by its text, and checks the page it opens.
async fn go(browser: &Browser, link: &str, what: &str) {
    browser.follow(link).await;
    browser.assert_accessible(what).await;
}

/// Opens the first link matching `css` on the page, and checks it.
async fn open_first(browser: &Browser, css: &str, what: &str) {
    browser.click_and_wait(css).await;
    browser.assert_accessible(what).await;
}

/// The same page in Spanish through the header's language link, checked, then back.
async fn in_spanish(browser: &Browser, shot: &str) {
    browser.click_and_wait("a.marco-nav__lang").await;
    assert_eq!(browser.attr("html", "lang").await.as_deref(), Some("es"));
    browser
        .assert_accessible(&format!("{shot} in Spanish"))
        .await;
    browser.screenshot(&format!("{shot}-es")).await;
    browser.click_and_wait("a.marco-nav__lang").await;
    assert_eq!(browser.attr("html", "lang").await.as_deref(), Some("en"));
}

#[tokio::test]
async fn every_role_reaches_its_main_task_through_the_navigation() {
    let server = TestServer::start().await;
    demo(&server).await;
    let browser = Browser::start().await;

    // A watchdog: the open data and the contracts register, signed out.
    browser.client.goto(&server.url("/")).await.unwrap();
    go(&browser, "Open data", "the open-data page").await;
    go(&browser, "Contracts", "the contracts register").await;
    open_first(
        &browser,
        "#contracts a[href^='/contracts/']",
        "a public contract",
    )
    .await;
    browser.screenshot("journey-watchdog").await;

    // A buyer: a Spanish search of the catalogue, a service, then a contract to manage.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    in_spanish(&browser, "journey-buyer-dashboard").await;
    go(&browser, "Catalogue", "the catalogue").await;
    browser.fill("q", "almacenamiento").await;
    browser
        .click_and_wait("form[role='search'] button[type=submit]")
        .await;
    browser.assert_accessible("a Spanish search").await;
    assert!(
        !browser.exists("#no-results").await,
        "almacenamiento finds services"
    );
    open_first(&browser, "#results a[href^='/services/']", "a service page").await;
    go(&browser, "Dashboard", "the dashboard again").await;
    open_first(
        &browser,
        "#tasks a[href$='/manage']",
        "a contract's working page",
    )
    .await;
    browser.screenshot("journey-buyer").await;
    sign_out(&browser).await;

    // A supplier: an opportunity, then its orders.
    sign_in(&browser, &server, "supplier@nubeandina.example").await;
    in_spanish(&browser, "journey-supplier-dashboard").await;
    go(&browser, "Opportunities", "the opportunities").await;
    open_first(
        &browser,
        "#opportunities a[href^='/opportunities/']",
        "an opportunity",
    )
    .await;
    go(&browser, "Orders", "the supplier's orders").await;
    browser.screenshot("journey-supplier").await;
    sign_out(&browser).await;

    // A framework manager: the frameworks, one framework, and the admin pages.
    sign_in(&browser, &server, "manager@marco.example").await;
    in_spanish(&browser, "journey-manager-dashboard").await;
    go(&browser, "Frameworks", "the frameworks").await;
    open_first(&browser, "main a[href^='/frameworks/']", "a framework").await;
    go(&browser, "Admin", "the admin pages").await;
    browser.screenshot("journey-manager").await;
    sign_out(&browser).await;

    // A category reviewer: the business cases waiting.
    sign_in(&browser, &server, "reviewer@marco.example").await;
    in_spanish(&browser, "journey-reviewer-dashboard").await;
    go(&browser, "Reviews", "the reviews").await;
    browser.screenshot("journey-reviewer").await;
    sign_out(&browser).await;
    browser.close().await;
}
