//! Secrets never leak: canary passwords and a reset token are looked for in every log line,
//! every response body and header (but the cookie that carries them), and the database.
//!
//! A test binary of its own: it captures the logs with a thread-local subscriber, and in a
//! process shared with the other tests, their threads registering the same log call sites at
//! the same moment could leave some of this thread's events uncaptured.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions fail loudly on purpose"
)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use marco::entities::{auth_token, user};
use marco_tests::client::{last_mail, link_in};
use marco_tests::{Client, TestApp, TestResponse};
use sea_orm::EntityTrait;

const CANARY_PASSWORD: &str = "canary-Passphrase-7f3k2q";
const CANARY_NEW_PASSWORD: &str = "second-canary-Phrase-9x8w";
const CANARY_WRONG: &str = "canary-Wrong-Guess-4r5t6y";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn visible(res: &TestResponse) -> String {
    let headers: Vec<String> = res
        .headers
        .iter()
        .filter(|(name, _)| *name != "set-cookie")
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or_default()))
        .collect();
    format!("{}\n{}", headers.join("\n"), res.text())
}

mod sealed;

/// The tests of this binary capture logs one at a time (see the module docs).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn passwords_and_reset_tokens_never_reach_logs_pages_or_the_database() {
    let _one = ONE_AT_A_TIME.lock().await;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // The test runs on one thread, so everything the app does is captured.
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut seen = Vec::new();
    let mut browser = Client::new(&app);
    let rut = format!("78123456-{}", marco::domain::rut::check_digit(78_123_456));
    let registration = [
        ("legal_name", "Canario SpA"),
        ("scheme", "CL-RUT"),
        ("identifier", rut.as_str()),
        ("country", "CL"),
        ("scale", "micro"),
        ("name", "Cana Rio"),
        ("email", "owner@canario.example"),
        ("password", CANARY_PASSWORD),
    ];
    seen.push(browser.post("/register/supplier", &registration).await);
    // A failed registration re-renders the form: it must not echo the password back.
    let mut bad = registration.to_vec();
    bad.retain(|(k, _)| *k != "country");
    seen.push(browser.post("/register/supplier", &bad).await);
    seen.push(browser.post("/sign-out", &[]).await);
    seen.push(
        browser
            .post(
                "/sign-in",
                &[
                    ("email", "owner@canario.example"),
                    ("password", CANARY_WRONG),
                ],
            )
            .await,
    );
    seen.push(
        browser
            .post(
                "/sign-in",
                &[
                    ("email", "owner@canario.example"),
                    ("password", CANARY_PASSWORD),
                ],
            )
            .await,
    );
    seen.push(browser.get("/account").await);
    seen.push(browser.get("/account/data").await);
    seen.push(
        browser
            .post("/password-reset", &[("email", "owner@canario.example")])
            .await,
    );
    let link = link_in(
        &last_mail(&app, "owner@canario.example").await.unwrap(),
        "/password-reset/",
    );
    let token = link.trim_start_matches("/password-reset/").to_owned();
    assert_eq!(token.len(), 64);
    seen.push(browser.get(&link).await);
    seen.push(browser.get("/password-reset/new").await);
    seen.push(
        browser
            .post("/password-reset/new", &[("password", "short")])
            .await,
    );
    seen.push(
        browser
            .post("/password-reset/new", &[("password", CANARY_NEW_PASSWORD)])
            .await,
    );
    seen.push(browser.get(&link).await);
    let api = format!(r#"{{"email":"owner@canario.example","password":"{CANARY_WRONG}"}}"#);
    seen.push(
        app.post("/api/v1/auth/token", Some("application/json"), api)
            .await,
    );

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("security event"), "the capture works: {logs}");
    for secret in [
        CANARY_PASSWORD,
        CANARY_NEW_PASSWORD,
        CANARY_WRONG,
        token.as_str(),
    ] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
        for res in &seen {
            assert!(
                !visible(res).contains(secret),
                "{secret} leaked into a response: {}",
                res.text()
            );
        }
    }
    assert!(
        !logs.contains("owner@canario.example"),
        "e-mail addresses are personal data: not logged"
    );

    for person in user::Entity::find().all(&app.state.db).await.unwrap() {
        assert!(
            !person.password_hash.contains("canary"),
            "passwords are stored hashed"
        );
    }
    for stored in auth_token::Entity::find().all(&app.state.db).await.unwrap() {
        assert_ne!(stored.token_hash, token, "only the token's hash is stored");
    }
}
