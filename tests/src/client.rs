//! A cookie-keeping client over `TestApp`, acting like one person's browser without JavaScript:
//! it keeps cookies, follows nothing by itself, and fills in the form's CSRF token.

use std::collections::BTreeMap;

use axum::body::Body;
use http::Request;
use marco::entities::mail_outbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::app::{TestApp, TestResponse};

/// One person's browser. A clone is a second tab with the same cookies.
#[derive(Clone)]
pub struct Client<'a> {
    app: &'a TestApp,
    cookies: BTreeMap<String, String>,
    /// Accept-Language sent with every request.
    pub language: String,
}

impl<'a> Client<'a> {
    /// A new browser with no cookies.
    pub fn new(app: &'a TestApp) -> Client<'a> {
        Client {
            app,
            cookies: BTreeMap::new(),
            language: "en".into(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, response: &TestResponse) {
        for value in response.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let expired = text.contains("Max-Age=0");
                if expired || value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }

    /// GET a page.
    pub async fn get(&mut self, path: &str) -> TestResponse {
        let request = Request::get(path)
            .header("cookie", self.cookie_header())
            .header("accept-language", self.language.clone())
            .body(Body::empty())
            .expect("request");
        let response = self.app.send(request).await;
        self.remember(&response);
        response
    }

    /// POST a form, adding the CSRF token from the cookie (as the rendered form would).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        if !self.cookies.contains_key("marco_csrf") {
            self.get("/").await;
        }
        let token = self.cookies.get("marco_csrf").cloned().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// POST a form exactly as given (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = Request::post(path)
            .header("cookie", self.cookie_header())
            .header("accept-language", self.language.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        let response = self.app.send(request).await;
        self.remember(&response);
        response
    }

    /// POST a `multipart/form-data` form with one file, adding the CSRF token, as a browser
    /// submits an upload form.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file_name: &str,
        file: &[u8],
    ) -> TestResponse {
        if !self.cookies.contains_key("marco_csrf") {
            self.get("/").await;
        }
        let token = self.cookies.get("marco_csrf").cloned().unwrap_or_default();
        let boundary = "----marco-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, value) in [("csrf_token", token.as_str())].iter().chain(fields) {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post(path)
            .header("cookie", self.cookie_header())
            .header("accept-language", self.language.clone())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request");
        let response = self.app.send(request).await;
        self.remember(&response);
        response
    }

    /// Whether the browser holds a session cookie.
    pub fn has_session(&self) -> bool {
        self.cookies.contains_key("marco_session")
    }

    /// The session cookie's value.
    pub fn session(&self) -> Option<String> {
        self.cookies.get("marco_session").cloned()
    }

    /// Replaces the session cookie (to replay an old one).
    pub fn set_session(&mut self, value: &str) {
        self.cookies.insert("marco_session".into(), value.into());
    }
}

/// The newest queued message to `to`.
pub async fn last_mail(app: &TestApp, to: &str) -> Option<mail_outbox::Model> {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(to))
        .order_by_desc(mail_outbox::Column::Id)
        .one(&app.state.db)
        .await
        .expect("outbox")
}

/// The first link in a message's text that starts with `prefix` (a path like `/verify-email`).
pub fn link_in(mail: &mail_outbox::Model, prefix: &str) -> String {
    mail.text_body
        .split_whitespace()
        .find_map(|word| {
            word.find(prefix)
                .map(|at| word[at..].trim_end_matches(['.', ',', ')']).to_owned())
        })
        .unwrap_or_else(|| panic!("no {prefix} link in: {}", mail.text_body))
}
