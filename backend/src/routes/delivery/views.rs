//! The timeline of a contract made display-ready, for the public page (what is published) and
//! for the working page of its two sides (with evidence, reasons and pending changes).

use chrono::{DateTime, Utc};
use marco_frontend::Tr;
use marco_frontend::delivery::{
    ChangeView, DeliveryView, MilestoneView, ModuleView, RatingView, ReportView, TimelineView,
};

use crate::buying::money_text;
use crate::contracts::store::Timeline;
use crate::contracts::{benefits, ended};
use crate::domain::contract::{ChangeStatus, IndicatorResult, payment_late};
use crate::routes::frameworks::day;

pub fn timeline_view(
    t: &Timeline,
    indicators: bool,
    tr: &Tr,
    private: bool,
    now: DateTime<Utc>,
) -> TimelineView {
    let c = &t.contract;
    let lang = tr.lang.code();
    let money = |v| money_text(v, &c.currency, lang);
    let modules = t
        .modules
        .iter()
        .map(|m| ModuleView {
            number: m.number,
            scope: m.scope.clone(),
            value: money(m.value),
            period: format!("{} – {}", day(m.start_at), day(m.end_at)),
        })
        .collect();
    let milestones = t
        .milestones
        .iter()
        .map(|m| {
            let status = Timeline::status(m);
            let deliveries: Vec<DeliveryView> = t
                .deliveries_of(m.id)
                .map(|d| DeliveryView {
                    number: d.number,
                    date: day(d.delivered_at),
                    decide_by: day(d.decide_by),
                    decision: tr.t(&format!("delivery-decision-{}", d.decision)),
                    decided: d.decided_at.map(day).unwrap_or_default(),
                    reason: if private {
                        d.reason.clone().unwrap_or_default()
                    } else {
                        String::new()
                    },
                    evidence_url: if private {
                        d.evidence_url.clone().unwrap_or_default()
                    } else {
                        String::new()
                    },
                    evidence_file: if private {
                        d.evidence_name
                            .clone()
                            .map(|name| (format!("/contracts/{}/evidence/{}", c.id, d.id), name))
                    } else {
                        None
                    },
                    note: if private {
                        d.note.clone().unwrap_or_default()
                    } else {
                        String::new()
                    },
                })
                .collect();
            let first_delivery = t.deliveries_of(m.id).map(|d| d.delivered_at).min();
            let late = match first_delivery {
                Some(at) => at > m.due_at,
                None => now > m.due_at && m.ended_unmet_at.is_none_or(|e| e > m.due_at),
            };
            let decision_overdue = t
                .deliveries_of(m.id)
                .any(|d| d.decision == "pending" && now > d.decide_by);
            let label = if m.ended_unmet_at.is_some() && !status.met() {
                tr.t("delivery-status-unmet")
            } else {
                tr.t(&format!("delivery-status-{}", status.as_str()))
            };
            MilestoneView {
                id: m.id,
                number: m.number,
                module: t
                    .modules
                    .iter()
                    .find(|x| x.id == m.module_id)
                    .map_or(1, |x| x.number),
                title: m.title.clone(),
                due: day(m.due_at),
                amount: money(m.amount),
                status: label,
                code: status.as_str().to_owned(),
                accepted: m.accepted_at.map(day).unwrap_or_default(),
                invoiced: m.invoice_date.map(day).unwrap_or_default(),
                payment_due: m.payment_due_at.map(day).unwrap_or_default(),
                paid: m.paid_at.map(day).unwrap_or_default(),
                late,
                decision_overdue,
                payment_late: m
                    .payment_due_at
                    .is_some_and(|due| payment_late(due, m.paid_at, now)),
                deliveries,
            }
        })
        .collect();
    let changes = t
        .changes
        .iter()
        .filter(|ch| private || ChangeStatus::parse(&ch.status) == Some(ChangeStatus::Approved))
        .map(|ch| {
            let approved = ChangeStatus::parse(&ch.status) == Some(ChangeStatus::Approved);
            ChangeView {
                id: ch.id,
                kind: tr.t(&format!("delivery-kind-{}", ch.kind)),
                side: tr.t(&format!("delivery-side-{}", ch.side)),
                status: tr.t(&format!("delivery-change-{}", ch.status.replace('_', "-"))),
                code: ch.status.clone(),
                reason: ch.reason.clone(),
                description: if approved {
                    crate::contracts::ocds::describe(t, ch)
                } else {
                    String::new()
                },
                requested: day(ch.requested_at),
                decided: ch.decided_at.map(day).unwrap_or_default(),
                refusal: if private {
                    ch.decision_reason.clone().unwrap_or_default()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let ratings = t
        .ratings
        .iter()
        .filter(|r| private || r.published_at.is_some())
        .map(|r| RatingView {
            id: r.id,
            stage: stage_label(t, r.milestone_id, tr),
            quality: r.quality,
            timeliness: r.timeliness,
            communication: r.communication,
            comment: r.comment.clone(),
            date: day(r.rated_at),
            reply: r.reply.clone().unwrap_or_default(),
            visibility: if r.published_at.is_some() {
                tr.t("delivery-rating-public")
            } else {
                tr.t1("delivery-rating-public-from", "date", day(r.public_at))
            },
        })
        .collect();
    let reports = if indicators {
        let schedule = benefits::schedule(c, &t.reports, now);
        // The periods started or reported, and the next one: not years of empty ones.
        let shown = schedule
            .iter()
            .filter(|d| d.open || d.filed.is_some())
            .count()
            + 1;
        schedule
            .into_iter()
            .take(shown)
            .map(|d| {
                let report = t.reports.iter().find(|r| r.period == d.period);
                let rows: Vec<IndicatorResult> = report
                    .and_then(|r| serde_json::from_str(&r.indicators).ok())
                    .unwrap_or_default();
                ReportView {
                    period: d.period,
                    due: day(d.due),
                    filed: d.filed.map(day).unwrap_or_default(),
                    late: d.late,
                    indicators: rows
                        .into_iter()
                        .map(|i| {
                            let met = tr.t(if i.met { "delivery-yes" } else { "delivery-no" });
                            (i.name, i.baseline, i.target, i.value, met)
                        })
                        .collect(),
                    notes: report.map(|r| r.notes.clone()).unwrap_or_default(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let original = t.original_value();
    TimelineView {
        modules,
        milestones,
        changes,
        ratings,
        reports,
        original_value: if original != c.value {
            money(original)
        } else {
            String::new()
        },
        ended: match (ended(c), c.end_kind.as_deref()) {
            (true, Some("terminated")) => tr.t1(
                "delivery-ended-terminated",
                "date",
                c.ended_at.map(day).unwrap_or_default(),
            ),
            (true, _) => tr.t1(
                "delivery-ended-completed",
                "date",
                c.ended_at.map(day).unwrap_or_else(|| day(c.end_at)),
            ),
            _ => String::new(),
        },
    }
}

pub(super) fn stage_label(t: &Timeline, milestone: Option<i64>, tr: &Tr) -> String {
    match milestone.and_then(|id| t.milestones.iter().find(|m| m.id == id)) {
        Some(m) => tr.ta(
            "delivery-stage-milestone",
            &[("number", m.number.to_string()), ("title", m.title.clone())],
        ),
        None => tr.t("delivery-stage-final"),
    }
}
