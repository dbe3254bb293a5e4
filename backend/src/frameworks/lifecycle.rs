//! Creating frameworks, moving them through their states (by a manager or by the clock), and
//! copying one into its next iteration.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use super::{Actor, FlowError, catalogue, ocds, slugify, store};

use crate::domain::content::{ContentFile, content_hash};
use crate::domain::framework::{FrameworkStatus, Timetable};
use crate::domain::status::Verdict;
use crate::entities::{draft_service, framework, framework_application};
use crate::mail::{self, MailKind, OutgoingMail};
use crate::publish;
use crate::state::AppState;

/// What a manager enters to create a framework.
#[derive(Clone, Debug)]
pub struct NewFramework {
    /// Name, e.g. "Cloud Services 3".
    pub name: String,
    /// Family, e.g. "Cloud Services".
    pub family: String,
    /// Iteration number.
    pub iteration: i32,
    /// Public description.
    pub description: String,
    /// The content file (TOML).
    pub content: String,
    /// The timetable.
    pub timetable: Timetable,
    /// The iteration it continues.
    pub previous_id: Option<i64>,
}

/// Parsed content files by the SHA-256 of their text. A content file is a few dozen KB of
/// TOML that every catalogue page and form needs; parsing it once per process, not once per
/// request, keeps search pages fast.
static PARSED: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<[u8; 32], std::sync::Arc<ContentFile>>>,
> = std::sync::LazyLock::new(Default::default);

/// Frameworks' content files kept parsed at most; more are parsed again when needed.
const PARSED_KEPT: usize = 64;

/// A framework's stored content file, parsed.
pub fn content_of(fw: &framework::Model) -> Result<std::sync::Arc<ContentFile>, FlowError> {
    use sha2::Digest;
    let key: [u8; 32] = sha2::Sha256::digest(fw.content.as_bytes()).into();
    if let Some(found) = PARSED.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(found);
    }
    let parsed =
        std::sync::Arc::new(ContentFile::parse(&fw.content).map_err(|e| {
            FlowError::Other(anyhow::anyhow!("stored content file is invalid: {e}"))
        })?);
    if let Ok(mut cache) = PARSED.lock() {
        if cache.len() >= PARSED_KEPT {
            cache.clear();
        }
        cache.insert(key, parsed.clone());
    }
    Ok(parsed)
}

/// The lots of a framework as published (English titles: the release language is English).
pub fn lots(content: &ContentFile) -> Vec<ocds::LotInfo> {
    content
        .lots
        .iter()
        .map(|lot| ocds::LotInfo {
            id: lot.slug.clone(),
            title: lot.name.en.clone(),
            description: lot.description.en.clone(),
        })
        .collect()
}

/// The first slug for `name` that no framework has, passing over `skip` free ones (a retry
/// after a collision skips a few, so that writers racing for one name spread out).
async fn free_slug<C: ConnectionTrait>(
    db: &C,
    name: &str,
    skip: usize,
) -> Result<String, FlowError> {
    let base = slugify(name);
    let base = if base.is_empty() {
        "framework".to_owned()
    } else {
        base
    };
    // One query for the base and its numbered variants, then the first number free.
    let taken: std::collections::HashSet<String> = framework::Entity::find()
        .select_only()
        .column(framework::Column::Slug)
        .filter(
            sea_orm::Condition::any()
                .add(framework::Column::Slug.eq(&base))
                .add(framework::Column::Slug.starts_with(format!("{base}-"))),
        )
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let numbered = (2..).map(|n| format!("{base}-{n}"));
    Ok(std::iter::once(base.clone())
        .chain(numbered)
        .filter(|candidate| !taken.contains(candidate))
        .nth(skip)
        .unwrap_or(base))
}

/// Creates a framework in the `coming` state. The content file is validated first; nothing is
/// stored when anything is wrong.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    new: NewFramework,
) -> Result<framework::Model, FlowError> {
    let mut errors = crate::domain::errors::FieldErrors::new();
    let mut invalid = |field: &str, code: &str, message: String| {
        errors.insert(
            field.into(),
            crate::domain::errors::FieldError {
                code: code.into(),
                message,
            },
        );
    };
    if new.name.trim().is_empty() || new.name.chars().count() > 200 {
        invalid(
            "name",
            "framework_name",
            "Enter a name of up to 200 characters".into(),
        );
    }
    if new.family.trim().is_empty() || new.family.chars().count() > 120 {
        invalid(
            "family",
            "framework_family",
            "Enter a family of up to 120 characters".into(),
        );
    }
    if new.description.chars().count() > 5000 {
        invalid(
            "description",
            "too_long",
            "Enter a description of up to 5000 characters".into(),
        );
    }
    if !(1..=999).contains(&new.iteration) {
        invalid(
            "iteration",
            "iteration",
            "Enter an iteration from 1 to 999".into(),
        );
    }
    if let Err(e) = ContentFile::parse(&new.content) {
        invalid("content", "content_file", e.to_string());
    }
    if let Err(e) = new.timetable.check() {
        invalid(e.field, e.code, e.to_string());
    }
    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    // Two managers may name frameworks alike at the same moment. On PostgreSQL both can
    // see the same slug as free; the unique index refuses the second, which then looks again
    // for a free slug in a fresh transaction. SQLite's writers already take turns.
    // A short random pause spreads out writers that keep picking the same slug.
    let mut attempt = 0u64;
    loop {
        attempt += 1;
        // The first attempt takes the lowest free number; a retry skips a few at random.
        let skip = if attempt == 1 {
            0
        } else {
            (rand::random::<u64>() % attempt) as usize
        };
        match insert_framework(state, actor, &new, skip).await {
            Err(FlowError::Db(e)) if crate::db::is_unique_violation(&e) && attempt < 30 => {
                tracing::debug!(attempt, "framework slug taken concurrently; trying again");
                let pause = rand::random::<u64>() % (5 * attempt.min(10) + 1);
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

async fn insert_framework(
    state: &AppState,
    actor: &Actor,
    new: &NewFramework,
    skip: usize,
) -> Result<framework::Model, FlowError> {
    let txn = state.begin_write().await?;
    let slug = free_slug(&txn, &new.name, skip).await?;
    let now = state.clock.now();
    let t = new.timetable;
    let fw = framework::ActiveModel {
        ocid: Set(crate::publish::ocids::framework_ocid(
            &state.config.ocid_prefix,
            &slug,
        )),
        slug: Set(slug),
        name: Set(new.name.trim().into()),
        family: Set(new.family.trim().into()),
        iteration: Set(new.iteration),
        status: Set(FrameworkStatus::Coming.as_str().into()),
        description: Set(new.description.trim().into()),
        content_hash: Set(content_hash(&new.content)),
        content: Set(new.content.clone()),
        previous_id: Set(new.previous_id),
        clarifications_close_at: Set(t.clarifications_close_at),
        applications_close_at: Set(t.applications_close_at),
        intention_to_award_at: Set(t.intention_to_award_at),
        goes_live_at: Set(t.goes_live_at),
        expires_at: Set(t.expires_at),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    actor
        .audit(
            &txn,
            "framework_created",
            format!("{} ({})", fw.slug, fw.ocid),
        )
        .await?;
    txn.commit().await?;
    Ok(fw)
}

/// Copies a framework into its next iteration, six months later, with the same content file.
pub async fn copy_to_next_iteration(
    state: &AppState,
    actor: &Actor,
    framework_id: i64,
) -> Result<framework::Model, FlowError> {
    let fw = store::framework_by_id(&state.db, framework_id).await?;
    let next = fw.iteration + 1;
    let previous_suffix = format!(" {}", fw.iteration);
    let name = match fw.name.strip_suffix(&previous_suffix) {
        Some(stem) => format!("{stem} {next}"),
        None => format!("{} {next}", fw.name),
    };
    create(
        state,
        actor,
        NewFramework {
            name,
            family: fw.family.clone(),
            iteration: next,
            description: fw.description.clone(),
            content: fw.content.clone(),
            timetable: store::timetable(&fw).shifted(Duration::days(182)),
            previous_id: Some(fw.id),
        },
    )
    .await
}

/// Moves a framework to `to`, which must be the next state. Manager and clock alike.
pub async fn transition(
    state: &AppState,
    actor: &Actor,
    framework_id: i64,
    to: FrameworkStatus,
) -> Result<framework::Model, FlowError> {
    let txn = state.begin_write().await?;
    let fw = store::framework_by_id(&txn, framework_id).await?;
    let from = store::status(&fw)?;
    from.check_transition(to)?;
    let now = state.clock.now();
    // Claim the move before doing its work: of two managers (or a manager and the clock)
    // moving the same framework at once, the second finds it moved and changes nothing.
    // On PostgreSQL the second UPDATE waits for the first transaction's row lock.
    let claimed = framework::Entity::update_many()
        .col_expr(
            framework::Column::Status,
            sea_orm::sea_query::Expr::value(to.as_str()),
        )
        .col_expr(
            framework::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(framework::Column::Id.eq(fw.id))
        .filter(framework::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("framework_moved"));
    }
    match to {
        FrameworkStatus::Open => open(state, &txn, &fw, now).await?,
        FrameworkStatus::Pending => {
            let applicants = store::applications(&txn, fw.id)
                .await?
                .iter()
                .filter(|a| store::is_submitted(a))
                .count() as u64;
            publish::publish(
                &txn,
                &state.publisher,
                &fw.ocid,
                &["tenderUpdate"],
                ocds::closed(&fw, applicants),
            )
            .await?;
        }
        FrameworkStatus::Standstill => {
            let unevaluated = store::unevaluated(&txn, fw.id).await?;
            if unevaluated > 0 {
                return Err(
                    crate::domain::framework::TransitionError::Unevaluated(unevaluated).into(),
                );
            }
            standstill(state, &txn, &fw, now).await?;
        }
        FrameworkStatus::Live => {
            for application in store::applications(&txn, fw.id).await? {
                if application.countersigned_at.is_some() {
                    catalogue::publish_services(state, &txn, &fw, &application, now).await?;
                }
            }
        }
        FrameworkStatus::Expired => {
            catalogue::expire_services(state, &txn, &fw, now).await?;
            let last = store::last_release_id(&txn, &fw.ocid).await?;
            publish::publish(
                &txn,
                &state.publisher,
                &fw.ocid,
                &["tenderAmendment"],
                ocds::expired(&fw, last.as_deref(), now),
            )
            .await?;
        }
        FrameworkStatus::Coming => {}
    }
    let fw = framework::Model {
        status: to.as_str().into(),
        updated_at: now,
        ..fw
    };
    actor
        .audit(
            &txn,
            "framework_status",
            format!(
                "{}: {from} -> {to} by {}",
                fw.slug,
                if actor.user_id.is_some() {
                    "manager"
                } else {
                    "clock"
                }
            ),
        )
        .await?;
    txn.commit().await?;
    tracing::info!(framework = %fw.slug, %from, %to, "framework moved");
    Ok(fw)
}

async fn open<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    fw: &framework::Model,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    if now >= fw.applications_close_at {
        return Err(FlowError::Refused("deadline_passed"));
    }
    let content = content_of(fw)?;
    let platform = store::platform(txn).await?;
    let previous = match fw.previous_id {
        Some(id) => Some(store::framework_by_id(txn, id).await?),
        None => None,
    };
    publish::publish(
        txn,
        &state.publisher,
        &fw.ocid,
        &["planning", "tender"],
        ocds::opened(
            fw,
            &lots(&content),
            &platform,
            previous.as_ref().map(|p| p.ocid.as_str()),
            now,
        ),
    )
    .await?;
    if let Some(previous) = previous
        && store::last_release_id(txn, &previous.ocid).await?.is_some()
    {
        publish::publish(
            txn,
            &state.publisher,
            &previous.ocid,
            &["tenderUpdate"],
            ocds::renewed(&previous, &fw.ocid, &fw.name),
        )
        .await?;
    }
    Ok(())
}

async fn standstill<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    fw: &framework::Model,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let applications = store::applications(txn, fw.id).await?;
    let mut admitted = Vec::new();
    for application in applications.iter().filter(|a| store::is_submitted(a)) {
        let supplier = store::organisation(txn, application.organisation_id).await?;
        let lots = admitted_lots(txn, application).await?;
        let passed = Verdict::passed(application.result.as_deref()) && !lots.is_empty();
        notify_result(state, txn, fw, application, passed).await?;
        let mut active = application.clone().into_active_model();
        active.result_sent_at = Set(Some(now));
        active.update(txn).await?;
        if passed {
            admitted.push((supplier, lots));
        }
    }
    let admissions: Vec<ocds::Admission<'_>> = admitted
        .iter()
        .map(|(supplier, lots)| ocds::Admission {
            supplier,
            lots: lots.clone(),
        })
        .collect();
    let body = if admissions.is_empty() {
        serde_json::json!({"tender": {"id": fw.slug, "status": "unsuccessful"}})
    } else {
        ocds::awarded(fw, &admissions, now)
    };
    let tags: &[&str] = if admissions.is_empty() {
        &["tenderUpdate"]
    } else {
        &["award"]
    };
    publish::publish(txn, &state.publisher, &fw.ocid, tags, body).await?;
    Ok(())
}

/// The lots of an application's passed drafts, in content-file order of first appearance.
pub async fn admitted_lots<C: ConnectionTrait>(
    db: &C,
    application: &framework_application::Model,
) -> Result<Vec<String>, FlowError> {
    let mut lots: Vec<String> = Vec::new();
    for draft in store::drafts(db, application.id).await? {
        if Verdict::passed(draft.result.as_deref()) && !lots.contains(&draft.lot) {
            lots.push(draft.lot.clone());
        }
    }
    Ok(lots)
}

async fn notify_result<C: ConnectionTrait>(
    state: &AppState,
    txn: &C,
    fw: &framework::Model,
    application: &framework_application::Model,
    passed: bool,
) -> Result<(), FlowError> {
    let link = format!(
        "{}/frameworks/{}/application",
        state.config.public_url, fw.slug
    );
    let drafts: Vec<draft_service::Model> = store::drafts(txn, application.id).await?;
    let passed_services = drafts
        .iter()
        .filter(|d| Verdict::passed(d.result.as_deref()))
        .count() as u32;
    for user in store::recipients(txn, application.organisation_id).await? {
        mail::enqueue(
            txn,
            OutgoingMail {
                to: user.email.clone(),
                lang: marco_frontend::Lang::from_code(&user.locale)
                    .unwrap_or(marco_frontend::Lang::En),
                kind: MailKind::ApplicationResult {
                    framework: fw.name.clone(),
                    passed,
                    passed_services,
                    reason: application.result_reason.clone().unwrap_or_default(),
                    link: link.clone(),
                },
            },
        )
        .await?;
    }
    Ok(())
}

/// Moves every framework whose date has come, one step per call. Returns how many moved.
/// A framework whose move is refused (e.g. unevaluated applications) waits for the manager.
pub async fn run_clock(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let mut moved = 0;
    for fw in store::frameworks(&state.db).await? {
        let status = store::status(&fw)?;
        if let Some(to) = store::timetable(&fw).due(status, now) {
            match transition(state, &Actor::clock(), fw.id, to).await {
                Ok(_) => moved += 1,
                Err(FlowError::Transition(e)) => {
                    tracing::warn!(framework = %fw.slug, error = %e, "the clock could not move a framework");
                }
                // A manager moved it at the same moment: nothing left to do.
                Err(FlowError::Refused("framework_moved")) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(moved)
}

/// The framework clock: every minute it moves each framework whose timetable says so. A move
/// missed while Marco was down happens on the first pass after it comes back, since the
/// timetable, not the clock, says what is due.
pub struct ClockJob {
    state: AppState,
}

impl ClockJob {
    /// The clock over `state`'s frameworks.
    pub fn new(state: AppState) -> ClockJob {
        ClockJob { state }
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for ClockJob {
    fn name(&self) -> &'static str {
        "framework_clock"
    }

    fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(60)
    }

    fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs(50)
    }

    async fn pass(&self, _stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        let moved = run_clock(&self.state, Utc::now()).await?;
        Ok(match moved {
            0 => crate::jobs::Pass::Idle,
            n => crate::jobs::Pass::Done(n as u64),
        })
    }
}
