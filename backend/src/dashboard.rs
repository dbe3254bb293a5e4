//! What needs a person's action, for their dashboard: read through each aggregate's store, for
//! the roles they hold. Buyers see orders to approve, short lists waiting for an outcome, and
//! each brief's next step (questions, scoring, moderation, award, complaints); suppliers see
//! orders to accept, open briefs on their lots, unfinished responses, prototypes due and
//! debriefs; framework managers see applications to evaluate; reviewers, business cases.
//! Both sides of a contract see what its delivery needs from them (`contracts::tasks`).

use chrono::Utc;
use sea_orm::ConnectionTrait;

use crate::briefs::{responses, store as briefs};
use crate::buying::Viewer;
use crate::domain::brief::{BriefStatus, ReviewStatus, Stage};
use crate::domain::contract::Side;
use crate::domain::framework::FrameworkStatus;
use crate::domain::order::OrderStatus;
use crate::domain::project::ProjectStatus;
use crate::domain::roles::{OrgKind, Role};
use crate::frameworks::FlowError;

/// One thing to do: what (a stable key, `dash-task-{key}` in the locale files), how many, or
/// which one (`title`), and where to do it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// Stable key.
    pub key: &'static str,
    /// How many things wait (for a count task).
    pub count: usize,
    /// The thing's name (for a task about one brief or framework).
    pub title: Option<String>,
    /// Where to do it.
    pub link: String,
}

fn count(key: &'static str, count: usize, link: &str) -> Option<Task> {
    (count > 0).then(|| Task {
        key,
        count,
        title: None,
        link: link.to_owned(),
    })
}

fn one(key: &'static str, title: &str, link: String) -> Task {
    Task {
        key,
        count: 1,
        title: Some(title.to_owned()),
        link,
    }
}

/// Everything that waits for `who`, in the order a person would deal with it.
pub async fn tasks<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
    kind: OrgKind,
    roles: &[Role],
) -> Result<Vec<Task>, FlowError> {
    let mut out = Vec::new();
    match kind {
        OrgKind::Buyer => {
            buyer(db, who, roles, &mut out).await?;
            contracts(db, who, Side::Buyer, roles, &mut out).await?;
        }
        OrgKind::Supplier => {
            supplier(db, who, &mut out).await?;
            contracts(db, who, Side::Supplier, roles, &mut out).await?;
        }
        OrgKind::Platform => platform(db, who, roles, &mut out).await?,
    }
    Ok(out)
}

/// What the organisation's contracts need from this side.
async fn contracts<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
    side: Side,
    roles: &[Role],
    out: &mut Vec<Task>,
) -> Result<(), FlowError> {
    let found =
        crate::contracts::tasks::tasks(db, who, side, roles.contains(&Role::CanAward), Utc::now())
            .await?;
    out.extend(found.into_iter().map(|t| one(t.key, &t.title, t.link)));
    Ok(())
}

async fn buyer<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
    roles: &[Role],
    out: &mut Vec<Task>,
) -> Result<(), FlowError> {
    let has = |r: Role| roles.contains(&r);
    let orders = crate::buying::store::orders_of(db, who.organisation_id).await?;
    let status = |o: &crate::buying::Order| OrderStatus::parse(&o.status);
    if has(Role::CanApproveOrders) {
        let waiting = orders
            .iter()
            .filter(|o| status(o) == Some(OrderStatus::Submitted) && o.placed_by != who.user_id)
            .count();
        out.extend(count("approve_orders", waiting, "/orders"));
    }
    let receiving = orders
        .iter()
        .filter(|o| {
            o.buyer_org_id == who.organisation_id
                && matches!(
                    status(o),
                    Some(OrderStatus::Delivered | OrderStatus::Invoiced)
                )
        })
        .count();
    out.extend(count("orders_to_receive_or_pay", receiving, "/orders"));
    if has(Role::CanAward) {
        let projects = crate::buying::projects::projects_of(db, who).await?;
        let waiting = projects
            .iter()
            .filter(|p| ProjectStatus::parse(&p.status) == Some(ProjectStatus::SearchEnded))
            .count();
        out.extend(count(
            "projects_to_decide",
            waiting,
            "/direct-awards/projects",
        ));
    }
    for b in briefs::briefs_of(db, who).await? {
        let link = format!("/briefs/{}", b.id);
        let title = if b.title.is_empty() {
            briefs::draft(&b).title
        } else {
            b.title.clone()
        };
        match briefs::status(&b)? {
            BriefStatus::Draft
                if b.created_by == who.user_id && briefs::review(&b) != ReviewStatus::Pending =>
            {
                out.push(one("brief_draft", &title, link));
            }
            BriefStatus::Live if has(Role::CanAnswerQuestions) || has(Role::CanPublishBriefs) => {
                let (_, unanswered) = briefs::answers(db, b.id).await?;
                if unanswered > 0 {
                    out.push(Task {
                        key: "questions_to_answer",
                        count: unanswered,
                        title: Some(title.clone()),
                        link,
                    });
                }
            }
            s @ (BriefStatus::Closed | BriefStatus::Challenge) => {
                let stage = if s == BriefStatus::Closed {
                    Stage::Proposal
                } else {
                    Stage::Challenge
                };
                let agreed = match stage {
                    Stage::Proposal => b.proposal_agreed_at.is_some(),
                    Stage::Challenge => b.challenge_agreed_at.is_some(),
                };
                let panel = briefs::panel(db, b.id).await?;
                let stage_path = stage.as_str();
                if panel.is_empty() && (has(Role::CanPublishBriefs) || has(Role::CanAward)) {
                    out.push(one("name_panel", &title, link.clone()));
                }
                if !agreed
                    && panel
                        .iter()
                        .any(|m| m.user_id == who.user_id && !briefs::submitted(m, stage))
                {
                    out.push(one("score", &title, format!("{link}/score/{stage_path}")));
                }
                if !agreed
                    && b.moderator_id == Some(who.user_id)
                    && briefs::all_submitted(&panel, stage)
                {
                    out.push(one(
                        "moderate",
                        &title,
                        format!("{link}/moderate/{stage_path}"),
                    ));
                }
                let has_challenge = briefs::draft(&b)
                    .methods
                    .iter()
                    .any(|m| m == "prototype_challenge");
                if agreed && has(Role::CanAward) {
                    let key = if stage == Stage::Proposal && has_challenge {
                        "start_challenge"
                    } else {
                        "award"
                    };
                    out.push(one(key, &title, link));
                }
            }
            BriefStatus::Standstill => {
                let open = briefs::complaints(db, b.id)
                    .await?
                    .iter()
                    .filter(|c| c.replied_at.is_none())
                    .count();
                if open > 0 {
                    out.push(Task {
                        key: "complaints_to_answer",
                        count: open,
                        title: Some(title),
                        link,
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

async fn supplier<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
    out: &mut Vec<Task>,
) -> Result<(), FlowError> {
    let orders = crate::buying::store::orders_of(db, who.organisation_id).await?;
    let to_accept = orders
        .iter()
        .filter(|o| {
            o.supplier_org_id == who.organisation_id
                && OrderStatus::parse(&o.status) == Some(OrderStatus::Sent)
        })
        .count();
    out.extend(count("orders_to_accept", to_accept, "/orders"));
    let now = Utc::now();
    let mine = responses::submitted_by(db, who.organisation_id).await?;
    for r in &mine {
        let b = briefs::brief(db, r.brief_id).await?;
        let link = format!("/opportunities/{}", b.id);
        match briefs::status(&b)? {
            BriefStatus::Live
                if r.submitted_at.is_none() && b.closing_at.is_some_and(|c| c > now) =>
            {
                out.push(one("response_draft", &b.title, format!("{link}/respond")));
            }
            BriefStatus::Challenge if r.shortlisted && r.challenge_submitted_at.is_none() => {
                out.push(one("prototype_due", &b.title, link));
            }
            BriefStatus::Standstill
                if r.submitted_at.is_some() && b.awarded_response_id != Some(r.id) =>
            {
                out.push(one("debrief", &b.title, format!("{link}/debrief")));
            }
            _ => {}
        }
    }
    let live = briefs::opportunities(
        db,
        &briefs::Filter {
            status: "live".into(),
            ..Default::default()
        },
    )
    .await?;
    let mut open = 0;
    for b in &live {
        let responded = mine.iter().any(|r| r.brief_id == b.id);
        if !responded
            && b.closing_at.is_some_and(|c| c > now)
            && briefs::on_lot(db, b, who.organisation_id).await?
        {
            open += 1;
        }
    }
    out.extend(count("open_briefs", open, "/opportunities?status=live"));
    for fw in crate::frameworks::store::frameworks(db).await? {
        if FrameworkStatus::parse(&fw.status) == Some(FrameworkStatus::Open) {
            out.push(one(
                "framework_open",
                &fw.name,
                format!("/frameworks/{}/application", fw.slug),
            ));
        }
    }
    Ok(())
}

async fn platform<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
    roles: &[Role],
    out: &mut Vec<Task>,
) -> Result<(), FlowError> {
    if roles.contains(&Role::CategoryReviewer) {
        let waiting = briefs::awaiting_review(db, who).await?;
        let pending = waiting
            .iter()
            .filter(|b| briefs::review(b) == ReviewStatus::Pending)
            .count();
        out.extend(count("business_cases", pending, "/reviews"));
    }
    if roles.contains(&Role::FrameworkManager) {
        for fw in crate::frameworks::store::frameworks(db).await? {
            let waiting = crate::frameworks::store::unevaluated(db, fw.id).await? as usize;
            if waiting > 0 {
                out.push(Task {
                    key: "applications_to_evaluate",
                    count: waiting,
                    title: Some(fw.name.clone()),
                    link: format!("/frameworks/{}/applications", fw.slug),
                });
            }
        }
    }
    Ok(())
}
