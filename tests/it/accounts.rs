//! Accounts through the web forms, as a person without JavaScript would use them.

use chrono::{Duration, Utc};
use marco::entities::{audit_event, auth_token, organisation, user, user_role};
use marco_tests::client::{last_mail, link_in};
use marco_tests::{Client, TestApp};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};

const PASSWORD: &str = "tres tristes tigres comen trigo";

fn supplier_fields<'a>(identifier: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("legal_name", "Nube Austral SpA"),
        ("trading_name", "Nube Austral"),
        ("scheme", "CL-RUT"),
        ("identifier", identifier),
        ("street_address", "Av. Brasil 2950"),
        ("locality", "Valparaíso"),
        ("country", "cl"),
        ("scale", "small"),
        ("name", "Ana Pérez"),
        ("email", email),
        ("password", PASSWORD),
    ]
}

/// A valid RUT that no demo organisation uses.
fn rut(number: u32) -> String {
    format!("{}-{}", number, marco::domain::rut::check_digit(number))
}

async fn count_users(app: &TestApp) -> u64 {
    user::Entity::find().count(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn a_supplier_registers_verifies_and_the_link_works_only_once() {
    let app = TestApp::new().await;
    let mut browser = Client::new(&app);
    let dotted =
        "77.654.321-".to_owned() + &marco::domain::rut::check_digit(77_654_321).to_string();
    let res = browser
        .post(
            "/register/supplier",
            &supplier_fields(&dotted, "Ana@NubeAustral.example"),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(res.header("location").as_deref(), Some("/check-email"));
    assert!(browser.has_session(), "signed in straight away, unverified");

    let org = organisation::Entity::find()
        .filter(organisation::Column::LegalName.eq("Nube Austral SpA"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        org.identifier_id,
        rut(77_654_321),
        "RUT stored in normal form"
    );
    assert_eq!(org.scale.as_deref(), Some("small"));
    let person = user::Entity::find()
        .filter(user::Column::Email.eq("ana@nubeaustral.example"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(person.email_verified_at.is_none());
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(person.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        roles.iter().map(|r| r.role.as_str()).collect::<Vec<_>>(),
        ["supplier_admin"]
    );

    let mail = last_mail(&app, "ana@nubeaustral.example")
        .await
        .expect("verification mail queued");
    let link = link_in(&mail, "/verify-email?token=");
    let account = browser.get("/account").await.text();
    assert!(account.contains("not verified yet"));

    let res = browser.get(&link).await;
    assert!(
        res.text().contains("Email address verified"),
        "{}",
        res.text()
    );
    let person = user::Entity::find_by_id(person.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(person.email_verified_at.is_some());
    assert!(
        browser
            .get(&link)
            .await
            .text()
            .contains("already been used")
    );
    assert!(
        browser
            .get("/verify-email?token=nonsense")
            .await
            .text()
            .contains("not valid")
    );
}

#[tokio::test]
async fn bad_registrations_get_field_messages_keep_input_but_never_the_password() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let before = count_users(&app).await;
    let mut browser = Client::new(&app);

    let res = browser
        .post(
            "/register/supplier",
            &supplier_fields("12.345.678-4", "ana@x.example"),
        )
        .await;
    assert_eq!(res.status, 200);
    let html = res.text();
    assert!(html.contains("the check digit should be 5"), "{html}");
    assert!(
        html.contains("value=\"Nube Austral SpA\""),
        "keeps what was typed"
    );
    assert!(html.contains("value=\"12.345.678-4\""));
    assert!(!html.contains(PASSWORD), "never echoes the password");
    assert!(
        html.contains("usa-error-message") && html.contains("href=\"#identifier\""),
        "error summary links to the field"
    );

    let demo_supplier = marco::seed::demo_supplier_rut();
    let html = browser
        .post(
            "/register/supplier",
            &supplier_fields(&demo_supplier, "ana@x.example"),
        )
        .await
        .text();
    assert!(
        html.contains("already registered"),
        "taken identifier: {html}"
    );

    let fresh = rut(71_111_111);
    let mut weak = supplier_fields(&fresh, "ana@x.example");
    weak.retain(|(k, _)| *k != "password");
    weak.push(("password", "password1234"));
    assert!(
        browser
            .post("/register/supplier", &weak)
            .await
            .text()
            .contains("too common")
    );

    let no_csrf = browser
        .post_raw(
            "/register/supplier",
            &supplier_fields(&rut(71_111_112), "ana@x.example"),
        )
        .await;
    assert_eq!(no_csrf.status, 200);
    assert!(no_csrf.text().contains("Your form expired"));
    assert!(no_csrf.text().contains("value=\"Nube Austral SpA\""));

    assert_eq!(count_users(&app).await, before, "nothing saved half-way");
}

#[tokio::test]
async fn buyers_need_an_allow_listed_domain_and_are_told_why_otherwise() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut browser = Client::new(&app);
    let gmail = [
        ("name", "Pat"),
        ("email", "pat@gmail.com"),
        ("password", PASSWORD),
        ("organisation_name", "Anything"),
    ];
    let html = browser.post("/register/buyer", &gmail).await.text();
    assert!(
        html.contains("gmail.com is not on Marco&#x27;s list")
            || html.contains("gmail.com is not on Marco"),
        "{html}"
    );
    assert!(!browser.has_session());

    let joining = [
        ("name", "Pat Colleague"),
        ("email", "pat@compras.demo.gob.cl"),
        ("password", PASSWORD),
    ];
    let res = browser.post("/register/buyer", &joining).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let person = user::Entity::find()
        .filter(user::Column::Email.eq("pat@compras.demo.gob.cl"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let org = organisation::Entity::find_by_id(person.organisation_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        org.name, "Dirección de Compras Demo",
        "joins the public body that owns the domain"
    );

    let mut other = Client::new(&app);
    let new_body = [
        ("name", "Sam Founder"),
        ("email", "sam@salud.demo.gob.cl"),
        ("password", PASSWORD),
        ("organisation_name", "Servicio de Salud Demo"),
        ("scheme", "CL-RUT"),
        ("identifier", &rut(61_608_000)),
    ];
    let res = other.post("/register/buyer", &new_body).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let sam = user::Entity::find()
        .filter(user::Column::Email.eq("sam@salud.demo.gob.cl"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let roles: Vec<String> = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(sam.id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.role)
        .collect();
    assert!(
        roles.contains(&"buyer_admin".to_owned()),
        "first user of a new public body administers it: {roles:?}"
    );

    // And a buyer signs in.
    let mut signing_in = Client::new(&app);
    let res = signing_in
        .post(
            "/sign-in",
            &[("email", "sam@salud.demo.gob.cl"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303);
    assert!(
        signing_in
            .get("/account")
            .await
            .text()
            .contains("Sam Founder")
    );
}

#[tokio::test]
async fn five_bad_passwords_lock_the_account_for_15_minutes_and_email_the_owner() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let email = "supplier@nubeandina.example";
    let mut browser = Client::new(&app);
    for attempt in 1..=4 {
        let html = browser
            .post(
                "/sign-in",
                &[("email", email), ("password", "wrong password here")],
            )
            .await
            .text();
        assert!(
            html.contains("email address or password is not right"),
            "attempt {attempt}"
        );
    }
    let html = browser
        .post(
            "/sign-in",
            &[("email", email), ("password", "wrong password here")],
        )
        .await
        .text();
    assert!(html.contains("locked for 15 minutes"), "{html}");
    let html = browser
        .post(
            "/sign-in",
            &[("email", email), ("password", marco::seed::DEMO_PASSWORD)],
        )
        .await
        .text();
    assert!(
        html.contains("locked for 15 minutes"),
        "even the right password is refused while locked"
    );
    assert!(!browser.has_session());

    let mail = last_mail(&app, email).await.expect("lock e-mail queued");
    assert_eq!(mail.kind, "account_locked");
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let until = person.locked_until.expect("locked");
    assert!(
        until > Utc::now() + Duration::minutes(14) && until <= Utc::now() + Duration::minutes(15)
    );
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectUserId.eq(person.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.event == "account_locked"));
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event == "sign_in_failed")
            .count(),
        4
    );

    // When the lock has passed, the right password works again.
    let mut unlocked = person.into_active_model();
    unlocked.locked_until = Set(Some(Utc::now() - Duration::seconds(1)));
    unlocked.update(&app.state.db).await.unwrap();
    let res = browser
        .post(
            "/sign-in",
            &[("email", email), ("password", marco::seed::DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_through_a_one_hour_link() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let email = "buyer@digital.demo.gov.uk";
    let mut old_device = Client::new(&app);
    assert_eq!(
        old_device
            .post(
                "/sign-in",
                &[("email", email), ("password", marco::seed::DEMO_PASSWORD)]
            )
            .await
            .status,
        303
    );

    let mut browser = Client::new(&app);
    let html = browser
        .post("/password-reset", &[("email", email)])
        .await
        .text();
    assert!(html.contains("If an account uses that address"));
    let unknown = browser
        .post("/password-reset", &[("email", "nobody@nowhere.example")])
        .await
        .text();
    assert!(
        unknown.contains("If an account uses that address"),
        "same answer for unknown addresses"
    );

    let link = link_in(&last_mail(&app, email).await.unwrap(), "/password-reset/");
    let res = browser.get(&link).await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/password-reset/new"),
        "the token leaves the address bar"
    );
    let form = browser.get("/password-reset/new").await.text();
    assert!(form.contains("Create a password"));
    assert!(
        !form.contains(link.trim_start_matches("/password-reset/")),
        "the page never shows the token"
    );
    let weak = browser
        .post("/password-reset/new", &[("password", "short")])
        .await
        .text();
    assert!(weak.contains("at least 12 characters"));
    let res = browser
        .post(
            "/password-reset/new",
            &[("password", "a brand new passphrase 2026")],
        )
        .await;
    assert!(res.text().contains("Password changed"), "{}", res.text());
    assert!(
        browser
            .get(&link)
            .await
            .text()
            .contains("already been used")
    );

    assert!(
        !old_device
            .get("/account")
            .await
            .text()
            .contains("Demo Buyer"),
        "other sessions are revoked"
    );
    let res = browser
        .post(
            "/sign-in",
            &[
                ("email", email),
                ("password", "a brand new passphrase 2026"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        last_mail(&app, email).await.unwrap().kind,
        "password_changed"
    );

    // A link past its hour no longer works.
    let mut again = Client::new(&app);
    again.post("/password-reset", &[("email", email)]).await;
    let link = link_in(&last_mail(&app, email).await.unwrap(), "/password-reset/");
    let tokens = auth_token::Entity::find()
        .filter(auth_token::Column::Kind.eq("reset"))
        .filter(auth_token::Column::UsedAt.is_null())
        .all(&app.state.db)
        .await
        .unwrap();
    for token in tokens {
        let mut expired = token.into_active_model();
        expired.expires_at = Set(Utc::now() - Duration::minutes(1));
        expired.update(&app.state.db).await.unwrap();
    }
    assert!(again.get(&link).await.text().contains("has expired"));
    assert!(
        again
            .post(
                "/password-reset/new",
                &[("password", "yet another passphrase 99")]
            )
            .await
            .text()
            .contains("not valid")
    );
    assert!(
        again
            .post(
                "/password-reset/new",
                &[("password", "yet another passphrase 99")]
            )
            .await
            .text()
            .contains("not valid")
    );
}

#[tokio::test]
async fn signing_out_and_deactivation_revoke_the_session_server_side() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut browser = Client::new(&app);
    browser
        .post(
            "/sign-in",
            &[
                ("email", "manager@marco.example"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    let stolen = browser.session().expect("session cookie");
    assert!(
        browser
            .get("/account")
            .await
            .text()
            .contains("Demo Framework Manager")
    );
    let res = browser.post("/sign-out", &[]).await;
    assert!(res.text().contains("You have signed out"));
    assert!(!browser.has_session());
    browser.set_session(&stolen);
    let res = browser.get("/account").await;
    assert_eq!(
        res.status, 303,
        "a replayed cookie of a signed-out session does not work"
    );

    let mut other = Client::new(&app);
    other
        .post(
            "/sign-in",
            &[
                ("email", "supplier@brightlane.example"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(other.get("/account").await.status, 200);
    let person = user::Entity::find()
        .filter(user::Column::Email.eq("supplier@brightlane.example"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut inactive = person.into_active_model();
    inactive.active = Set(false);
    inactive.update(&app.state.db).await.unwrap();
    assert_eq!(
        other.get("/account").await.status,
        303,
        "a deactivated user is signed out at once"
    );
}

#[tokio::test]
async fn session_cookies_are_http_only_same_site_lax_and_short_lived() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut browser = Client::new(&app);
    let res = browser
        .post(
            "/sign-in",
            &[
                ("email", "manager@marco.example"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    let cookie = res
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("marco_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=1200"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "Secure is set only in production, where Marco runs behind HTTPS"
    );
}

#[tokio::test]
async fn api_clients_get_scoped_bearer_tokens_that_expire() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let body = format!(
        r#"{{"email":"manager@marco.example","password":"{}","scopes":["read"]}}"#,
        marco::seed::DEMO_PASSWORD
    );
    let res = app
        .post("/api/v1/auth/token", Some("application/json"), body)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let token = res.json();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "read");
    assert_eq!(token["expires_in"], 3600);
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let me = app
        .get_with("/api/v1/me", &[("authorization", &bearer)])
        .await;
    assert_eq!(me.status, 200);
    assert!(
        me.json()["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "framework_manager")
    );
    assert_eq!(app.get("/api/v1/me").await.status, 401);
    assert_eq!(
        app.get_with(
            "/api/v1/me",
            &[("authorization", "Bearer forged.token.here")]
        )
        .await
        .status,
        401
    );

    let wrong = app
        .post(
            "/api/v1/auth/token",
            Some("application/json"),
            r#"{"email":"manager@marco.example","password":"nope nope nope"}"#,
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error"]["code"], "unauthorized");
    let scope = app
        .post(
            "/api/v1/auth/token",
            Some("application/json"),
            r#"{"email":"a@b.example","password":"x","scopes":["admin"]}"#,
        )
        .await;
    assert_eq!(
        scope.json()["error"]["fields"]["scopes"]["code"],
        "unknown_scope"
    );
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Event.eq("token_issued"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events, 1);
}

#[tokio::test]
async fn suppliers_and_buyers_register_through_the_json_api_with_field_errors() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let identifier = rut(73_456_789);
    let body = serde_json::json!({
        "legal_name": "API Cloud SpA", "scheme": "CL-RUT", "identifier": identifier, "country": "CL",
        "scale": "medium", "name": "Api Person", "email": "api.person@apicloud.example", "password": PASSWORD,
    });
    let res = app
        .post(
            "/api/v1/registrations/supplier",
            Some("application/json"),
            body.to_string(),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["next"], "verify_email");
    assert!(
        last_mail(&app, "api.person@apicloud.example")
            .await
            .is_some()
    );

    let again = app
        .post(
            "/api/v1/registrations/supplier",
            Some("application/json"),
            body.to_string(),
        )
        .await;
    assert_eq!(again.status, 422);
    let fields = &again.json()["error"]["fields"];
    assert_eq!(fields["email"]["code"], "invalid_email");
    assert!(
        fields["identifier"]["message"]
            .as_str()
            .unwrap()
            .contains("already registered")
    );

    let gmail = serde_json::json!({"name": "G", "email": "g@gmail.com", "password": PASSWORD});
    let res = app
        .post(
            "/api/v1/registrations/buyer",
            Some("application/json"),
            gmail.to_string(),
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(
        res.json()["error"]["fields"]["email"]["message"]
            .as_str()
            .unwrap()
            .contains("gmail.com")
    );
}

#[tokio::test]
async fn an_active_session_is_renewed_before_its_token_expires() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let person = user::Entity::find()
        .filter(user::Column::Email.eq("manager@marco.example"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let (fresh, _) =
        marco::auth::session::start(&app.state.db, &app.state, person.id, "browser", "")
            .await
            .unwrap();
    let claims = app.state.keys.verify(&fresh).unwrap();
    // The same session, with a token that has only 5 minutes left.
    let ageing = marco::auth::jwt::Claims {
        exp: Utc::now().timestamp() + 300,
        ..claims
    };
    let token = app.state.keys.sign(&ageing).unwrap();
    let res = app
        .get_with("/account", &[("cookie", &format!("marco_session={token}"))])
        .await;
    assert_eq!(res.status, 200);
    let renewed = res
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("marco_session="))
        .expect("a renewed cookie");
    assert!(
        renewed.starts_with("marco_session=") && renewed.contains("Max-Age=1200"),
        "{renewed}"
    );
    let young = app
        .get_with("/account", &[("cookie", &format!("marco_session={fresh}"))])
        .await;
    assert!(
        young
            .headers
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("marco_session=")),
        "no renewal while young"
    );
}
