//! `TestApp`: the real router on a database of its own, driven with `oneshot`.

use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use marco::config::Config;
use marco::state::AppState;
use tower::ServiceExt;

use crate::database::{Backend, TestDatabase, backend};

/// One app under test.
pub struct TestApp {
    /// The full router with every layer.
    pub router: Router,
    /// The app's state, for direct database checks.
    pub state: AppState,
    /// The database it runs on (kept alive for the test's duration).
    pub database: TestDatabase,
}

/// A response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl TestResponse {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl TestApp {
    /// A fresh app on a fresh, migrated database.
    pub async fn new() -> TestApp {
        let database = TestDatabase::new().await;
        let config = test_config(&database);
        let state = AppState::new(database.db.clone(), config).expect("application state");
        TestApp {
            router: marco::router(state.clone()),
            state,
            database,
        }
    }

    /// A fresh app whose settings `change` adjusts first (production mode, say).
    pub async fn with_config(change: impl FnOnce(&mut Config)) -> TestApp {
        let database = TestDatabase::new().await;
        let mut config = test_config(&database);
        change(&mut config);
        let state = AppState::new(database.db.clone(), config).expect("application state");
        TestApp {
            router: marco::router(state.clone()),
            state,
            database,
        }
    }

    /// The backend this app runs on.
    pub fn backend(&self) -> Backend {
        backend()
    }

    /// Sends a request through the router.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router is infallible");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("read body").to_bytes().to_vec();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    /// GET `path` with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut builder = Request::get(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        self.send(builder.body(Body::empty()).expect("request"))
            .await
    }

    /// POST `body` to `path` with a content type.
    pub async fn post(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> TestResponse {
        let mut builder = Request::post(path);
        if let Some(ct) = content_type {
            builder = builder.header("content-type", ct);
        }
        self.send(builder.body(body.into()).expect("request")).await
    }
}

/// Settings for a test app: its own data folder and database, a fixed secret.
pub fn test_config(database: &TestDatabase) -> Config {
    let data_dir = database.dir.path().join("data");
    std::fs::create_dir_all(&data_dir).expect("data folder");
    let url = database.url.clone();
    let data = data_dir.display().to_string();
    Config::from_lookup(|name| match name {
        "MARCO_DATA_DIR" => Some(data.clone()),
        "MARCO_DATABASE_URL" => Some(url.clone()),
        "MARCO_JWT_SECRET" => Some("test-secret-test-secret-test-secret-0123".into()),
        "MARCO_BODY_LIMIT" => Some("65536".into()),
        _ => None,
    })
    .expect("test configuration is valid")
}
