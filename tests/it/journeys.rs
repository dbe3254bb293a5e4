//! The account journeys of issue 4, done in headless Chromium as a new user would, with
//! e-mailed links read from the outbox and axe-core run on every form along the way.

use fantoccini::Locator;
use marco_tests::client::{last_mail, link_in};
use marco_tests::{Browser, TestServer};

const PASSWORD: &str = "a long and unusual passphrase";

async fn sign_in(browser: &Browser, server: &TestServer, email: &str, password: &str) {
    browser.client.goto(&server.url("/sign-in")).await.unwrap();
    browser.fill("email", email).await;
    browser.fill("password", password).await;
    browser.submit("/sign-in").await;
}

#[tokio::test]
async fn journey_1_a_supplier_registers_verifies_signs_in_and_a_colleague_accepts_an_invitation() {
    let server = TestServer::start().await;
    marco::seed::load(&server.app.state.db).await.unwrap();
    let browser = Browser::start().await;
    browser
        .client
        .goto(&server.url("/register/supplier"))
        .await
        .unwrap();
    browser.assert_accessible("supplier registration").await;
    let rut = format!("79.111.222-{}", marco::domain::rut::check_digit(79_111_222));
    for (id, value) in [
        ("legal_name", "Datos del Sur SpA"),
        ("trading_name", "Datos del Sur"),
        ("identifier", rut.as_str()),
        ("locality", "Concepción"),
        ("country", "CL"),
        ("name", "Valentina Soto"),
        ("email", "valentina@datosdelsur.example"),
        ("password", PASSWORD),
    ] {
        browser.fill(id, value).await;
    }
    browser
        .client
        .find(Locator::Css("label[for=scale-small]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.submit("/register/supplier").await;
    assert_eq!(browser.wait_for_path("/check-email").await, "/check-email");
    browser.screenshot("journey-1-check-email").await;

    let app = &server.app;
    let verify = link_in(
        &last_mail(app, "valentina@datosdelsur.example")
            .await
            .unwrap(),
        "/verify-email?token=",
    );
    browser.client.goto(&server.url(&verify)).await.unwrap();
    assert!(browser.text("h1").await.contains("verified"));

    // Sign out, then back in.
    browser.client.goto(&server.url("/account")).await.unwrap();
    browser.assert_accessible("the account page").await;
    browser.submit("/sign-out").await;
    sign_in(&browser, &server, "valentina@datosdelsur.example", PASSWORD).await;
    assert_eq!(browser.wait_for_path("/dashboard").await, "/dashboard");
    assert!(browser.text("#dash-who").await.contains("Supplier admin"));

    browser
        .client
        .goto(&server.url("/organisation/users"))
        .await
        .unwrap();
    browser
        .assert_accessible("the organisation users page")
        .await;
    browser.fill("email", "tomas@datosdelsur.example").await;
    browser.submit("/organisation/invitations").await;
    assert!(browser.text("#notice").await.contains("Invitation sent"));
    browser.screenshot("journey-1-invited").await;
    browser.close().await;

    // The colleague, in a browser of their own.
    let colleague = Browser::start().await;
    let invitation = link_in(
        &last_mail(app, "tomas@datosdelsur.example").await.unwrap(),
        "/invitations/",
    );
    colleague
        .client
        .goto(&server.url(&invitation))
        .await
        .unwrap();
    colleague.assert_accessible("the invitation page").await;
    colleague.fill("name", "Tomás Reyes").await;
    colleague
        .fill("password", "another long passphrase here")
        .await;
    colleague.mark_document().await;
    colleague
        .client
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    colleague.wait_for_new_document().await;
    assert_eq!(colleague.wait_for_path("/dashboard").await, "/dashboard");
    assert!(colleague.text("#dash-who").await.contains("Datos del Sur"));
    assert!(colleague.text("#dash-who").await.contains("Supplier user"));
    colleague.close().await;
}

#[tokio::test]
async fn journey_2_a_buyer_with_an_allow_listed_domain_registers_and_a_gmail_address_is_refused() {
    let server = TestServer::start().await;
    marco::seed::load(&server.app.state.db).await.unwrap();
    let browser = Browser::start().await;
    browser
        .client
        .goto(&server.url("/register/buyer"))
        .await
        .unwrap();
    browser.assert_accessible("buyer registration").await;
    browser.fill("name", "Pat Public").await;
    browser.fill("email", "pat.public@gmail.com").await;
    browser.fill("password", PASSWORD).await;
    browser.submit("/register/buyer").await;
    let error = browser.text("#email-error").await;
    assert!(
        error.contains("gmail.com is not on Marco's list of public-sector email domains"),
        "{error}"
    );
    assert_eq!(
        browser.attr("#email", "value").await.as_deref(),
        Some("pat.public@gmail.com"),
        "keeps what was typed"
    );
    let typed = browser
        .client
        .execute("return document.getElementById('password').value", vec![])
        .await
        .unwrap();
    assert_eq!(typed, "", "but never the password");
    browser
        .assert_accessible("buyer registration with errors")
        .await;
    browser.screenshot("journey-2-gmail-refused").await;

    browser
        .fill("email", "pat.public@digital.demo.gov.uk")
        .await;
    browser.fill("password", PASSWORD).await;
    browser.submit("/register/buyer").await;
    assert_eq!(browser.wait_for_path("/check-email").await, "/check-email");
    submit_sign_out(&browser, &server).await;
    sign_in(
        &browser,
        &server,
        "pat.public@digital.demo.gov.uk",
        PASSWORD,
    )
    .await;
    assert_eq!(browser.wait_for_path("/dashboard").await, "/dashboard");
    assert!(
        browser
            .text("#dash-who")
            .await
            .contains("Department for Digital Demo")
    );
    browser.close().await;
}

async fn submit_sign_out(browser: &Browser, server: &TestServer) {
    browser.client.goto(&server.url("/account")).await.unwrap();
    browser.submit("/sign-out").await;
}

#[tokio::test]
async fn journey_3_a_forgotten_password_is_reset() {
    let server = TestServer::start().await;
    marco::seed::load(&server.app.state.db).await.unwrap();
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/sign-in")).await.unwrap();
    browser.mark_document().await;
    browser
        .client
        .find(Locator::LinkText("Forgotten your password?"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_new_document().await;
    browser.assert_accessible("the reset request page").await;
    browser.fill("email", "supplier@brightlane.example").await;
    browser.submit("/password-reset").await;
    assert!(
        browser
            .text("#message-body")
            .await
            .contains("If an account uses that address")
    );

    let link = link_in(
        &last_mail(&server.app, "supplier@brightlane.example")
            .await
            .unwrap(),
        "/password-reset/",
    );
    browser.client.goto(&server.url(&link)).await.unwrap();
    assert_eq!(
        browser.wait_for_path("/password-reset/new").await,
        "/password-reset/new",
        "the token leaves the address bar"
    );
    browser.assert_accessible("the new password page").await;
    browser
        .fill("password", "brightlane reset passphrase")
        .await;
    browser.submit("/password-reset/new").await;
    assert!(browser.text("h1").await.contains("Password changed"));
    sign_in(
        &browser,
        &server,
        "supplier@brightlane.example",
        "brightlane reset passphrase",
    )
    .await;
    assert_eq!(browser.wait_for_path("/dashboard").await, "/dashboard");
    browser.close().await;
}

#[tokio::test]
async fn journey_4_five_bad_passwords_lock_the_account() {
    let server = TestServer::start().await;
    marco::seed::load(&server.app.state.db).await.unwrap();
    let browser = Browser::start().await;
    for _ in 0..5 {
        sign_in(
            &browser,
            &server,
            "buyer@digital.demo.gov.uk",
            "not the right password",
        )
        .await;
    }
    let error = browser.text("#email-error").await;
    assert!(error.contains("locked for 15 minutes"), "{error}");
    browser
        .assert_accessible("the sign-in page with a lock message")
        .await;
    browser.screenshot("journey-4-locked").await;
    sign_in(
        &browser,
        &server,
        "buyer@digital.demo.gov.uk",
        marco::seed::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(
        browser.wait_for_path("/sign-in").await,
        "/sign-in",
        "still locked with the right password"
    );
    let mail = last_mail(&server.app, "buyer@digital.demo.gov.uk")
        .await
        .unwrap();
    assert_eq!(mail.kind, "account_locked");
    browser.close().await;
}
