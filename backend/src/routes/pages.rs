//! The start page, the language switch and honest "not built yet" pages.

use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use marco_frontend::Lang;
use marco_frontend::i18n::LANG_COOKIE;
use marco_frontend::pages::StartPage;
use serde::Deserialize;

use crate::domain::local_path::LocalPath;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::state::AppState;

/// Routes of the public pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(show_start))
        .route("/language/{code}", get(switch_language))
}

async fn show_start(PageContext(shell): PageContext) -> StartPage {
    StartPage { shell }
}

#[derive(Debug, Deserialize)]
struct SwitchQuery {
    next: Option<String>,
}

/// Remembers the chosen language for a year and returns to the page the person was on.
/// A plain link, so it works without JavaScript.
async fn switch_language(
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
    jar: CookieJar,
) -> Result<impl IntoResponse, AppError> {
    let lang = Lang::from_code(&code).ok_or(AppError::NotFound)?;
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(time_year())
        .build();
    let next = query
        .next
        .as_deref()
        .and_then(|n| LocalPath::parse(n).ok())
        .map_or_else(|| "/".to_owned(), |p| p.to_string());
    Ok((jar.add(cookie), Redirect::to(&next)))
}

fn time_year() -> time::Duration {
    time::Duration::days(365)
}
