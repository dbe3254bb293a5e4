//! Platform admin pages, personal data, and rate limits.

use marco::entities::{mail_outbox, organisation, user};
use marco_tests::{Browser, Client, TestApp, TestServer};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Client<'a> {
    let mut client = Client::new(app);
    let res = client
        .post(
            "/sign-in",
            &[("email", email), ("password", marco::seed::DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303, "{email} signs in");
    client
}

#[tokio::test]
async fn platform_admins_read_the_audit_log_and_recent_mail() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut stranger = Client::new(&app);
    stranger
        .post("/password-reset", &[("email", "buyer@digital.demo.gov.uk")])
        .await;
    let mut admin = signed_in(&app, "manager@marco.example").await;
    let audit = admin.get("/admin/audit").await.text();
    assert!(
        audit.contains("<code>sign_in</code>") && audit.contains("password_reset_requested"),
        "{audit}"
    );
    let mail = admin.get("/admin/mail").await.text();
    assert!(mail.contains("password_reset") && mail.contains("buyer@digital.demo.gov.uk"));
    assert!(
        !mail.contains("/password-reset/"),
        "the list never shows message bodies"
    );

    let mut supplier = signed_in(&app, "supplier@brightlane.example").await;
    assert_eq!(supplier.get("/admin/audit").await.status, 403);
}

#[tokio::test]
async fn managers_maintain_the_buyer_domain_allow_list() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut manager = signed_in(&app, "manager@marco.example").await;
    let html = manager
        .post(
            "/admin/buyer-domains",
            &[("action", "add"), ("domain", "not a domain")],
        )
        .await
        .text();
    assert!(html.contains("Enter a domain name"));
    manager
        .post(
            "/admin/buyer-domains",
            &[("action", "add"), ("domain", "Salud.GOB.cl")],
        )
        .await;
    assert!(
        manager
            .get("/admin/buyer-domains")
            .await
            .text()
            .contains("<code>salud.gob.cl</code>")
    );

    let mut buyer = Client::new(&app);
    let body = [
        ("name", "Ruth"),
        ("email", "ruth@hospital.salud.gob.cl"),
        ("password", "hospital passphrase 2026"),
        ("organisation_name", "Hospital Demo"),
        ("scheme", "CL-RUT"),
        ("identifier", "61.602.000-5"),
    ];
    let res = buyer.post("/register/buyer", &body).await;
    assert_eq!(
        res.status,
        303,
        "a subdomain of a newly allowed domain registers: {}",
        res.text()
    );

    manager
        .post(
            "/admin/buyer-domains",
            &[("action", "remove"), ("domain", "salud.gob.cl")],
        )
        .await;
    let mut late = Client::new(&app);
    let html = late
        .post(
            "/register/buyer",
            &[
                ("name", "Late"),
                ("email", "late@salud.gob.cl"),
                ("password", "hospital passphrase 2026"),
            ],
        )
        .await
        .text();
    assert!(html.contains("salud.gob.cl is not on Marco"));
}

#[tokio::test]
async fn a_person_downloads_their_data_and_closing_the_account_removes_it_but_keeps_the_organisation()
 {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut person = signed_in(&app, "supplier@nubeandina.example").await;
    person
        .post(
            "/password-reset",
            &[("email", "supplier@nubeandina.example")],
        )
        .await;
    let data = person.get("/account/data").await;
    assert_eq!(
        data.header("content-disposition").as_deref(),
        Some("attachment; filename=\"marco-account.json\"")
    );
    let json = data.json();
    assert_eq!(json["user"]["email"], "supplier@nubeandina.example");
    assert_eq!(json["organisation"]["identifier"]["scheme"], "CL-RUT");
    assert!(
        json["securityEvents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "sign_in")
    );

    let res = person.post("/account/close", &[]).await;
    assert!(res.text().contains("Account closed"));
    assert!(!person.has_session());
    let db = &app.state.db;
    assert!(
        user::Entity::find()
            .filter(user::Column::Email.eq("supplier@nubeandina.example"))
            .one(db)
            .await
            .unwrap()
            .is_none()
    );
    let closed = user::Entity::find()
        .filter(user::Column::Name.eq("Closed account"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(!closed.active && closed.phone.is_none() && closed.email.ends_with("@closed.invalid"));
    let org = organisation::Entity::find_by_id(closed.organisation_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.name, "Nube Andina", "the organisation's records stay");
    for mail in mail_outbox::Entity::find().all(db).await.unwrap() {
        assert!(
            !mail.to_address.contains("nubeandina") && !mail.text_body.contains("Demo Proveedora"),
            "mail scrubbed"
        );
    }
    let mut again = Client::new(&app);
    let html = again
        .post(
            "/sign-in",
            &[
                ("email", "supplier@nubeandina.example"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await
        .text();
    assert!(html.contains("not right"));
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_account_with_retry_after() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut client = Client::new(&app);
    let mut limited = None;
    for attempt in 1..=12 {
        let res = client
            .post(
                "/sign-in",
                &[
                    ("email", "nobody-here@example.org"),
                    ("password", "whatever it is"),
                ],
            )
            .await;
        if res.status == 429 {
            limited = Some((attempt, res));
            break;
        }
    }
    let (attempt, res) = limited.expect("the limiter answers 429");
    assert_eq!(attempt, 11, "10 attempts a minute per account");
    assert!(res.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    assert!(res.text().contains("Too many requests"));
}

#[tokio::test]
async fn admin_pages_pass_axe_in_both_languages() {
    let server = TestServer::start().await;
    marco::seed::load(&server.app.state.db).await.unwrap();
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/sign-in")).await.unwrap();
    for (id, value) in [
        ("email", "manager@marco.example"),
        ("password", marco::seed::DEMO_PASSWORD),
    ] {
        browser
            .client
            .find(fantoccini::Locator::Id(id))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    browser.mark_document().await;
    browser
        .client
        .find(fantoccini::Locator::Css("form[action='/sign-in'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_new_document().await;
    for lang in ["en", "es"] {
        browser
            .client
            .goto(&server.url(&format!("/language/{lang}?next=%2F")))
            .await
            .unwrap();
        for path in [
            "/admin/audit",
            "/admin/mail",
            "/admin/publication",
            "/admin/buyer-domains",
            "/account",
            "/register",
            "/sign-in",
        ] {
            browser.client.goto(&server.url(path)).await.unwrap();
            let violations = browser.axe_violations().await;
            assert!(violations.is_empty(), "{path} ({lang}): {violations:#?}");
        }
    }
    browser.screenshot("admin-buyer-domains-es").await;
    browser.close().await;
}
