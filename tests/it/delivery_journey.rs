//! The delivery issue's acceptance journey, in headless Chromium as new users would do it,
//! with axe-core (WCAG 2.2 AA) on every page: the buyer finds the contract through the
//! register and plans a milestone; the supplier delivers it; the buyer rejects it with a
//! reason; the supplier delivers again; the buyer accepts, pays and rates; the buyer adds a
//! second module above the approval threshold, which a colleague approves; the supplier
//! replies to the rating; the buyer files a benefit report. The working page is checked in
//! Spanish too.

use chrono::{Duration, Utc};
use marco::entities::contract;
use marco_tests::{Browser, TestServer};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn sign_in(browser: &Browser, server: &TestServer, email: &str) {
    browser.client.goto(&server.url("/sign-in")).await.unwrap();
    browser.fill("email", email).await;
    browser.fill("password", marco::seed::DEMO_PASSWORD).await;
    browser.submit("/sign-in").await;
    browser
        .assert_accessible("the dashboard after sign-in")
        .await;
}

async fn sign_out(browser: &Browser, server: &TestServer) {
    browser.client.goto(&server.url("/account")).await.unwrap();
    browser.submit("/sign-out").await;
}

async fn choose(browser: &Browser, select: &str, value: &str) {
    browser
        .click(&format!("#{select} option[value='{value}']"))
        .await;
}

async fn notice(browser: &Browser, what: &str) -> String {
    browser.assert_accessible(what).await;
    let text = browser.text("#notice").await;
    assert!(!text.is_empty(), "a notice after {what}");
    text
}

fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days)).date_naive().to_string()
}

async fn milestone_value(browser: &Browser, select: &str) -> String {
    browser
        .attr(&format!("#{select} option"), "value")
        .await
        .unwrap_or_else(|| panic!("an option in #{select}"))
}

#[tokio::test]
async fn a_contract_is_delivered_changed_rated_and_reported_in_the_browser() {
    let server = TestServer::start().await;
    let app = &server.app;
    marco::seed::load(&app.state.db).await.unwrap();
    marco::frameworks::demo::load(&app.state).await.unwrap();
    marco::briefs::demo::load(&app.state).await.unwrap();
    let c = contract::Entity::find()
        .filter(contract::Column::Title.eq("Discovery for the school meals service"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let browser = Browser::start().await;
    let manage = format!("/contracts/{}/manage", c.id);
    let contract_link = format!("a[href='/contracts/{}']", c.id);

    // The buyer finds the contract in the register and plans a milestone.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    browser
        .client
        .goto(&server.url("/contracts"))
        .await
        .unwrap();
    browser.assert_accessible("the contracts register").await;
    browser.click_and_wait(&contract_link).await;
    browser.assert_accessible("the public contract page").await;
    browser.click_and_wait("#manage-link").await;
    browser.assert_accessible("the buyer's contract page").await;
    browser.fill("title", "Research plan and recruitment").await;
    browser.fill("due", &day(10)).await;
    browser.fill("amount", "2100000").await;
    browser
        .submit(&format!("/contracts/{}/milestones", c.id))
        .await;
    notice(&browser, "a planned milestone").await;
    sign_out(&browser, &server).await;

    // The supplier delivers it with a link, from the dashboard.
    sign_in(&browser, &server, "supplier@nubeandina.example").await;
    browser.click_and_wait(&format!("a[href='{manage}']")).await;
    browser
        .assert_accessible("the supplier's contract page")
        .await;
    browser
        .fill("evidence_url", "https://repo.nubeandina.example/plan")
        .await;
    browser
        .fill("note", "The recruitment list is in the annex.")
        .await;
    browser
        .submit(&format!("/contracts/{}/deliver", c.id))
        .await;
    notice(&browser, "a delivery").await;
    sign_out(&browser, &server).await;

    // The buyer rejects it: first without a reason (refused on the field), then with one.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    browser.client.goto(&server.url(&manage)).await.unwrap();
    browser.click("label[for='decision-reject']").await;
    browser.submit(&format!("/contracts/{}/decide", c.id)).await;
    browser
        .assert_accessible("a rejection without a reason")
        .await;
    assert!(browser.exists("#error-summary").await);
    assert!(browser.exists("#decide_reason-error").await);
    browser.click("label[for='decision-reject']").await;
    browser
        .fill("decide_reason", "The plan leaves out the rural schools.")
        .await;
    browser.submit(&format!("/contracts/{}/decide", c.id)).await;
    notice(&browser, "a rejection").await;
    sign_out(&browser, &server).await;

    // The supplier delivers again.
    sign_in(&browser, &server, "supplier@nubeandina.example").await;
    browser.client.goto(&server.url(&manage)).await.unwrap();
    assert!(
        browser
            .text("#milestones")
            .await
            .contains("The plan leaves out the rural schools.")
    );
    browser
        .fill("evidence_url", "https://repo.nubeandina.example/plan-v2")
        .await;
    browser
        .submit(&format!("/contracts/{}/deliver", c.id))
        .await;
    notice(&browser, "a second delivery").await;
    sign_out(&browser, &server).await;

    // The buyer accepts, pays and rates.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    browser.client.goto(&server.url(&manage)).await.unwrap();
    browser.submit(&format!("/contracts/{}/decide", c.id)).await;
    notice(&browser, "an acceptance").await;
    browser.fill("invoice_date", &day(0)).await;
    browser.fill("due_date", &day(30)).await;
    browser.submit(&format!("/contracts/{}/pay", c.id)).await;
    notice(&browser, "a payment").await;
    let milestone = milestone_value(&browser, "rate_stage").await;
    choose(&browser, "rate_stage", &milestone).await;
    choose(&browser, "quality", "5").await;
    choose(&browser, "timeliness", "3").await;
    choose(&browser, "communication", "4").await;
    browser
        .fill("comment", "Complete on the second try, and clear.")
        .await;
    browser
        .submit(&format!("/contracts/{}/ratings", c.id))
        .await;
    notice(&browser, "a rating").await;

    // A second module above the approval threshold: it waits for a colleague.
    browser.click("label[for='kind-module']").await;
    browser
        .fill("reason", "Families need to apply by phone too.")
        .await;
    browser
        .fill("scope", "Beta of the application by phone and online")
        .await;
    browser.fill("module_value", "9000000").await;
    browser.fill("module_start", &day(30)).await;
    browser.fill("new_end", &day(300)).await;
    browser
        .submit(&format!("/contracts/{}/changes", c.id))
        .await;
    notice(&browser, "a change waiting for approval").await;
    assert!(browser.exists("#change-waiting").await);
    sign_out(&browser, &server).await;

    sign_in(&browser, &server, "approver@compras.demo.gob.cl").await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Decide a change to Discovery for the school meals service")
    );
    browser.click_and_wait(&format!("a[href='{manage}']")).await;
    browser.assert_accessible("a change to approve").await;
    let form = browser
        .attr("#pending-change form", "action")
        .await
        .expect("the decision form");
    browser.submit(&form).await;
    notice(&browser, "an approved change").await;
    assert!(
        browser
            .text("#modules")
            .await
            .contains("Beta of the application by phone and online")
    );
    sign_out(&browser, &server).await;

    // The supplier replies to the rating, and reads its page in Spanish.
    sign_in(&browser, &server, "supplier@nubeandina.example").await;
    browser.client.goto(&server.url(&manage)).await.unwrap();
    browser
        .fill("reply", "Thank you: the rural schools are now in.")
        .await;
    browser.submit(&format!("/contracts/{}/reply", c.id)).await;
    notice(&browser, "a reply").await;
    let next = manage.replace('/', "%2F");
    browser
        .client
        .goto(&server.url(&format!("/language/es?next={next}")))
        .await
        .unwrap();
    assert_eq!(browser.attr("html", "lang").await.as_deref(), Some("es"));
    browser
        .assert_accessible("the supplier's contract page in Spanish")
        .await;
    assert!(
        browser
            .text("h1")
            .await
            .contains("Discovery for the school meals service")
    );
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Calificaciones del proveedor")
    );
    browser
        .client
        .goto(&server.url(&format!("/language/en?next={next}")))
        .await
        .unwrap();
    sign_out(&browser, &server).await;

    // The buyer files the first benefit report.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    browser.client.goto(&server.url(&manage)).await.unwrap();
    browser.fill("value_1", "61%").await;
    browser.click("label[for='met_1-no']").await;
    browser.fill("notes", "From the service's records.").await;
    browser
        .submit(&format!("/contracts/{}/reports", c.id))
        .await;
    notice(&browser, "a benefit report").await;
    browser.screenshot("delivery-buyer-contract").await;

    // The public page shows the whole story without what is withheld.
    browser.click_and_wait(&contract_link).await;
    browser
        .assert_accessible("the public contract page after delivery")
        .await;
    let public = browser.client.source().await.unwrap();
    assert!(public.contains("Beta of the application by phone and online"));
    assert!(public.contains("61%"));
    assert!(
        !public.contains("rural schools."),
        "the rejection reason is not public"
    );
    assert!(
        !public.contains("repo.nubeandina.example"),
        "evidence is not public"
    );
    browser.screenshot("delivery-public-contract").await;
    browser.close().await;
}
