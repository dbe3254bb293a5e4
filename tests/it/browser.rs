//! Pages in a real browser: both languages, keyboard use, WCAG 2.2 AA by axe-core, screenshots.

use fantoccini::Locator;
use marco_tests::{Browser, TestServer};

#[tokio::test]
async fn start_page_in_english_then_spanish_through_the_language_switch() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/")).await.unwrap();
    assert_eq!(browser.attr("html", "lang").await.as_deref(), Some("en"));
    assert!(
        browser
            .text("h1")
            .await
            .contains("Buy and sell digital services")
    );
    browser.assert_accessible("the English start page").await;
    browser.screenshot("start-en").await;

    browser.mark_document().await;
    browser
        .client
        .find(Locator::Css("a[hreflang=es]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_new_document().await;
    assert_eq!(browser.attr("html", "lang").await.as_deref(), Some("es"));
    assert!(
        browser
            .text("h1")
            .await
            .contains("Compre y venda servicios digitales")
    );
    assert!(
        browser.client.current_url().await.unwrap().path() == "/",
        "returns to the same page"
    );
    browser.assert_accessible("the Spanish start page").await;
    browser.screenshot("start-es").await;
    browser.close().await;
}

#[tokio::test]
async fn the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/")).await.unwrap();
    browser
        .client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{E004}")
        .await
        .unwrap();
    // USWDS slides the skip link into view with a short transition.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let focused = browser
        .client
        .execute(
            "const a = document.activeElement; const r = a.getBoundingClientRect();
             return [a.getAttribute('href'), r.top >= 0 && r.height > 0, a.textContent.trim()];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused[0], "#main-content", "first tab stop: {focused}");
    assert_eq!(focused[1], true, "the skip link is visible when focused");
    assert_eq!(focused[2], "Skip to main content");
    browser.screenshot("skip-link-focused").await;

    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    let target = browser
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(
        target, "main-content",
        "Enter on the skip link moves focus to <main>"
    );
    browser.close().await;
}

#[tokio::test]
async fn every_page_passes_axe_in_english_and_spanish() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    for lang in ["en", "es"] {
        browser
            .client
            .goto(&server.url(&format!("/language/{lang}?next=%2F")))
            .await
            .unwrap();
        for path in [
            "/catalogue",
            "/opportunities",
            "/open-data",
            "/sign-in",
            "/api/v1/",
            "/missing-page",
        ] {
            browser.client.goto(&server.url(path)).await.unwrap();
            assert_eq!(browser.attr("html", "lang").await.as_deref(), Some(lang));
            browser.assert_accessible(&format!("{path} ({lang})")).await;
        }
        browser.screenshot(&format!("error-page-{lang}")).await;
    }
    browser.close().await;
}
