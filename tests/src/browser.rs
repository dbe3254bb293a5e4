//! A real Marco server on a free port, and headless Chromium driven through chromedriver.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::app::TestApp;

/// The app served on `127.0.0.1` at a free port, until dropped.
pub struct TestServer {
    /// The app behind the server (its database stays reachable for checks).
    pub app: TestApp,
    /// Where it listens.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a fresh app on a free port.
    pub async fn start() -> TestServer {
        let app = TestApp::new().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let addr = listener.local_addr().expect("address");
        let router = app.router.clone();
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("server runs");
        });
        TestServer { app, addr, task }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Headless Chromium through its own chromedriver, closed when dropped.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn find_program(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session. Panics with the fix when the
    /// browser is missing: browser tests never skip silently.
    pub async fn start() -> Browser {
        let driver_path = find_program(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"])
            .expect("chromedriver is missing: apt-get install -y chromium chromium-driver (make test does this)");
        let chromium = find_program(&["/usr/bin/chromium", "/usr/lib/chromium/chromium"])
            .expect("chromium is missing: apt-get install -y chromium chromium-driver");
        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile folder");
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    "--lang=en-US", format!("--user-data-dir={}", profile.path().display()),
                ],
            }
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("capabilities are an object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            // chromedriver speaks plain HTTP on loopback, so no TLS stack is needed here.
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        _profile: profile,
                    };
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not start a Chromium session through chromedriver: {last_error}");
    }

    /// Runs axe-core on the current page for WCAG 2.2 A and AA and returns the violations.
    pub async fn axe_violations(&self) -> Vec<Value> {
        let axe = std::fs::read_to_string(axe_path())
            .expect("axe-core is missing: run npm ci in frontend/");
        self.client
            .execute(&axe, vec![])
            .await
            .expect("inject axe-core");
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { runOnly: { type: 'tag',
                       values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                      .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact,
                          help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))))
                      .catch(e => done([{ id: 'axe-error', help: String(e) }]));"#,
                vec![],
            )
            .await
            .expect("run axe-core");
        result.as_array().cloned().unwrap_or_default()
    }

    /// Saves a PNG of the current page as `target/screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = workspace_root().join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// The text of the first element matching a CSS selector; a missing element fails with
    /// the page's address, heading and messages, so a failure says where the browser was.
    pub async fn text(&self, css: &str) -> String {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element.text().await.expect("text"),
            Err(_) => {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let page = self
                    .client
                    .execute(
                        "return [...document.querySelectorAll('h1, .usa-alert, .usa-error-message')].map(e => e.textContent.trim()).join(' | ')",
                        vec![],
                    )
                    .await
                    .unwrap_or_default();
                panic!("no {css} on {url}: {page}");
            }
        }
    }

    /// Waits (up to 10 s) until the browser is at `expected` and returns the path it ends at.
    pub async fn wait_for_path(&self, expected: &str) -> String {
        let started = std::time::Instant::now();
        loop {
            let path = self
                .client
                .current_url()
                .await
                .map(|u| u.path().to_owned())
                .unwrap_or_default();
            if path == expected || started.elapsed() > Duration::from_secs(10) {
                return path;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// An attribute of the first element matching a CSS selector.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let _ = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        self.client
            .find(Locator::Css(css))
            .await
            .expect(css)
            .attr(name)
            .await
            .expect("attribute")
    }

    /// Whether an element matching `css` is on the page now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Marks the current document, so `wait_for_new_document` can tell when it is replaced.
    pub async fn mark_document(&self) {
        self.client
            .execute("window.__marcoOld = true;", vec![])
            .await
            .expect("mark document");
    }

    /// Waits (up to 15 s) until a form submission or link has loaded a new document.
    pub async fn wait_for_new_document(&self) {
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            let loaded = self
                .client
                .execute(
                    "return window.__marcoOld !== true && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(loaded, Ok(Value::Bool(true))) {
                // A form post answered with a redirect loads more than one URL: wait until the
                // address has stayed the same for a moment before anyone reads it.
                let mut last = self.client.current_url().await.ok();
                let mut stable_since = std::time::Instant::now();
                while stable_since.elapsed() < Duration::from_millis(200)
                    && started.elapsed() < Duration::from_secs(15)
                {
                    tokio::time::sleep(Duration::from_millis(40)).await;
                    let now = self.client.current_url().await.ok();
                    let complete = self
                        .client
                        .execute("return document.readyState === 'complete';", vec![])
                        .await;
                    if now != last || !matches!(complete, Ok(Value::Bool(true))) {
                        last = now;
                        stable_since = std::time::Instant::now();
                    }
                }
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page loaded within 15 s");
    }

    /// Types `value` into the field with this id, replacing what was there.
    pub async fn fill(&self, id: &str, value: &str) {
        let field = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Id(id))
            .await
            .unwrap_or_else(|_| panic!("no field #{id}"));
        field.clear().await.expect("clear field");
        field.send_keys(value).await.expect("type into field");
    }

    /// Clicks the element matching a CSS selector (a label, a link, a button).
    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("nothing to click at {css}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks the element matching `css` and waits for the page it loads.
    pub async fn click_and_wait(&self, css: &str) {
        self.mark_document().await;
        self.click(css).await;
        self.wait_for_new_document().await;
    }

    /// Presses the submit button of the form posting to `action`, and waits for the answer.
    pub async fn submit(&self, action: &str) {
        self.click_and_wait(&format!("form[action='{action}'] button[type=submit]"))
            .await;
    }

    /// Follows the link with exactly this text.
    pub async fn follow(&self, text: &str) {
        let link = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::LinkText(text))
            .await
            .unwrap_or_else(|_| panic!("no link {text:?}"));
        self.mark_document().await;
        link.click().await.expect("click link");
        self.wait_for_new_document().await;
    }

    /// Fails the test with every WCAG 2.2 AA violation axe-core finds on this page.
    pub async fn assert_accessible(&self, what: &str) {
        let violations = self.axe_violations().await;
        assert!(
            violations.is_empty(),
            "axe-core: WCAG 2.2 AA violations on {what}: {violations:#?}"
        );
    }

    /// Ends the session and chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// The repository's top folder.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn axe_path() -> PathBuf {
    workspace_root().join("frontend/node_modules/axe-core/axe.min.js")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("address")
        .port()
}
