//! Every role lands on a dashboard of what waits for it, and reaches its work through the
//! header and the dashboard alone, in English and Spanish, with axe on every page.

use marco_tests::{Browser, Client, TestApp, TestServer};

async fn demo(app: &TestApp) {
    marco::seed::load(&app.state.db).await.unwrap();
    marco::frameworks::demo::load(&app.state).await.unwrap();
    marco::buying::demo::load(&app.state).await.unwrap();
    marco::briefs::demo::load(&app.state).await.unwrap();
}

async fn sign_in(browser: &Browser, server: &TestServer, email: &str) {
    browser.client.goto(&server.url("/sign-in")).await.unwrap();
    browser.fill("email", email).await;
    browser.fill("password", marco::seed::DEMO_PASSWORD).await;
    browser.submit("/sign-in").await;
}

#[tokio::test]
async fn each_role_lands_on_what_waits_for_it() {
    let app = TestApp::new().await;
    demo(&app).await;
    for (email, waiting, header) in [
        (
            "buyer@compras.demo.gob.cl",
            vec![
                "Finish and publish your draft brief",
                "Answer 1 question on",
            ],
            vec!["/briefs", "/orders", "/direct-awards/projects"],
        ),
        (
            "reviewer@marco.example",
            vec!["1 business case waits for your review"],
            vec!["/reviews"],
        ),
        (
            "supplier@nubeandina.example",
            vec!["Submit your response to User research for the school meals service"],
            vec!["/responses", "/orders"],
        ),
        (
            "supplier@brightlane.example",
            vec!["Read your debrief on"],
            vec!["/responses"],
        ),
        ("manager@marco.example", vec![], vec!["/admin/publication"]),
    ] {
        let mut client = Client::new(&app);
        let res = client
            .post(
                "/sign-in",
                &[("email", email), ("password", marco::seed::DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(
            res.header("location").as_deref(),
            Some("/dashboard"),
            "{email}"
        );
        let page = client.get("/dashboard").await.text();
        for text in &waiting {
            assert!(page.contains(text), "{email} should see “{text}”: {page}");
        }
        for href in &header {
            assert!(
                page.contains(&format!("href=\"{href}\"")),
                "{email}'s header links to {href}"
            );
        }
        // Roles by their names, never their codes.
        for code in [
            "can_publish_briefs",
            "supplier_admin",
            "category_reviewer",
            "framework_manager",
        ] {
            assert!(
                !page.contains(code),
                "{email}'s dashboard shows the role code {code}"
            );
        }
    }
}

#[tokio::test]
async fn dashboards_pass_axe_in_both_languages_and_lead_to_the_work() {
    let server = TestServer::start().await;
    demo(&server.app).await;
    let browser = Browser::start().await;
    for (email, task) in [
        ("reviewer@marco.example", "/reviews"),
        ("supplier@nubeandina.example", "/opportunities/3/respond"),
        ("buyer@compras.demo.gob.cl", "/briefs/3"),
    ] {
        sign_in(&browser, &server, email).await;
        assert_eq!(browser.wait_for_path("/dashboard").await, "/dashboard");
        browser
            .assert_accessible(&format!("{email}'s dashboard"))
            .await;
        browser
            .click_and_wait(&format!("#tasks a[href='{task}']"))
            .await;
        browser
            .assert_accessible(&format!("{email}'s first task"))
            .await;
        browser
            .client
            .goto(&server.url("/language/es?next=%2Fdashboard"))
            .await
            .unwrap();
        assert!(browser.text("h1").await.contains("Hola"));
        browser
            .assert_accessible(&format!("{email}'s dashboard in Spanish"))
            .await;
        browser
            .screenshot(&format!("dashboard-{}", email.split('@').next().unwrap()))
            .await;
        browser
            .client
            .goto(&server.url("/language/en?next=%2Faccount"))
            .await
            .unwrap();
        browser.submit("/sign-out").await;
    }
    browser.close().await;
}
