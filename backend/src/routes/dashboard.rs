//! `/dashboard`: where a person lands after signing in: what waits for their action, in their
//! language, and the sections of Marco their roles open.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use marco_frontend::accounts::{DashboardPage, TaskView};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::state::AppState;

/// The dashboard route.
pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(show))
}

async fn show(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    user: CurrentUser,
) -> Result<DashboardPage, AppError> {
    let who = crate::buying::Viewer {
        user_id: user.id,
        organisation_id: user.organisation_id,
    };
    let roles: Vec<_> = user.roles.iter().copied().collect();
    let tasks = crate::dashboard::tasks(&state.db, who, user.org_kind, &roles).await?;
    let organisation =
        crate::accounts::store::organisation_name(&state.db, user.organisation_id).await?;
    let tr = &shell.tr;
    let tasks = tasks
        .into_iter()
        .map(|t| {
            let key = format!("dash-task-{}", t.key.replace('_', "-"));
            let text = match &t.title {
                Some(title) => tr.ta(
                    &key,
                    &[("count", t.count.to_string()), ("title", title.clone())],
                ),
                None => tr.t1(&key, "count", t.count),
            };
            TaskView { text, link: t.link }
        })
        .collect();
    Ok(DashboardPage {
        links: super::accounts::account::work_links(&user, tr),
        roles: user
            .roles
            .iter()
            .map(|r| tr.t(&format!("role-{}", r.as_str())))
            .collect(),
        name: user.name.clone(),
        organisation,
        verified: user.verified,
        tasks,
        shell,
    })
}
