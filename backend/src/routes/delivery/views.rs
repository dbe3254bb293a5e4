//! The timeline of a contract made display-ready, for the public page (what is published) and
//! for the working page of its two sides (with evidence, reasons and pending changes), and
//! the options of each side's forms.

use chrono::{DateTime, Utc};
use marco_frontend::Tr;
use marco_frontend::delivery::{
    Actions, ChangeView, DeliveryView, MilestoneView, ModuleView, RatingView, ReportView,
    TimelineView,
};

use crate::buying::money_text;
use crate::contracts::store::Timeline;
use crate::contracts::{benefits, ended};
use crate::domain::brief::draft::Indicator;
use crate::domain::contract::{
    ChangeKind, ChangeStatus, IndicatorResult, MilestoneStatus, Side, payment_late,
};
use crate::routes::frameworks::day;

/// The timeline as shown: `private` for the contract's two sides.
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
        benefits::schedule(c, &t.reports, now)
            .into_iter()
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

fn stage_label(t: &Timeline, milestone: Option<i64>, tr: &Tr) -> String {
    match milestone.and_then(|id| t.milestones.iter().find(|m| m.id == id)) {
        Some(m) => tr.ta(
            "delivery-stage-milestone",
            &[("number", m.number.to_string()), ("title", m.title.clone())],
        ),
        None => tr.t("delivery-stage-final"),
    }
}

fn milestone_options(t: &Timeline, wanted: &[MilestoneStatus]) -> Vec<(String, String)> {
    t.milestones
        .iter()
        .filter(|m| wanted.contains(&Timeline::status(m)) && m.ended_unmet_at.is_none())
        .map(|m| (m.id.to_string(), format!("{}. {}", m.number, m.title)))
        .collect()
}

/// What `side` (the person `user_id`, with `can_award` or not) may do now.
pub fn actions(
    t: &Timeline,
    indicators: Option<&[Indicator]>,
    side: Side,
    user_id: i64,
    can_award: bool,
    tr: &Tr,
    now: DateTime<Utc>,
) -> Actions {
    let c = &t.contract;
    let in_modules = crate::contracts::in_modules(c);
    let live = in_modules && !ended(c);
    let mut a = Actions {
        scores: (1..=5)
            .rev()
            .map(|n| (n.to_string(), tr.t(&format!("delivery-score-{n}"))))
            .collect(),
        ..Default::default()
    };
    let open = t
        .changes
        .iter()
        .find(|ch| ChangeStatus::parse(&ch.status).is_some_and(ChangeStatus::open));
    match side {
        Side::Supplier => {
            if live {
                a.deliver =
                    milestone_options(t, &[MilestoneStatus::Planned, MilestoneStatus::Rejected]);
            }
            a.reply = t
                .ratings
                .iter()
                .filter(|r| r.reply.is_none())
                .map(|r| (r.id.to_string(), stage_label(t, r.milestone_id, tr)))
                .collect();
            if live && open.is_none() {
                a.change = [
                    ChangeKind::Extension,
                    ChangeKind::Variation,
                    ChangeKind::Termination,
                ]
                .iter()
                .map(|k| {
                    (
                        k.as_str().to_owned(),
                        tr.t(&format!("delivery-kind-{}", k.as_str())),
                    )
                })
                .collect();
            }
        }
        Side::Buyer => {
            if live {
                a.plan = t
                    .modules
                    .iter()
                    .map(|m| {
                        (
                            m.number.to_string(),
                            tr.ta(
                                "delivery-module-option",
                                &[
                                    ("number", m.number.to_string()),
                                    ("scope", m.scope.chars().take(80).collect()),
                                ],
                            ),
                        )
                    })
                    .collect();
            }
            a.decide = milestone_options(t, &[MilestoneStatus::Delivered]);
            a.pay = milestone_options(t, &[MilestoneStatus::Accepted]);
            a.rate = t
                .milestones
                .iter()
                .filter(|m| Timeline::status(m).met())
                .filter(|m| !t.ratings.iter().any(|r| r.milestone_id == Some(m.id)))
                .map(|m| {
                    (
                        m.id.to_string(),
                        tr.ta(
                            "delivery-stage-milestone",
                            &[("number", m.number.to_string()), ("title", m.title.clone())],
                        ),
                    )
                })
                .collect();
            if ended(c) && !t.ratings.iter().any(|r| r.stage == "final") {
                a.rate.push(("final".into(), tr.t("delivery-stage-final")));
            }
            if live && open.is_none() {
                a.change = ChangeKind::ALL
                    .iter()
                    .map(|k| {
                        (
                            k.as_str().to_owned(),
                            tr.t(&format!("delivery-kind-{}", k.as_str())),
                        )
                    })
                    .collect();
            }
            if let Some(ind) = indicators {
                a.report = benefits::schedule(c, &t.reports, now)
                    .into_iter()
                    .filter(|d| d.open && d.filed.is_none())
                    .map(|d| {
                        (
                            d.period.to_string(),
                            tr.ta(
                                "delivery-period-option",
                                &[("period", d.period.to_string()), ("date", day(d.due))],
                            ),
                        )
                    })
                    .collect();
                a.indicators = ind
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        (
                            x.name.clone(),
                            x.baseline.clone(),
                            x.target.clone(),
                            format!("value_{}", i + 1),
                            format!("met_{}", i + 1),
                        )
                    })
                    .collect();
            }
        }
    }
    if let Some(ch) = open {
        let status = ChangeStatus::parse(&ch.status);
        let description = tr.ta(
            "delivery-pending-description",
            &[
                ("kind", tr.t(&format!("delivery-kind-{}", ch.kind))),
                ("side", tr.t(&format!("delivery-side-{}", ch.side))),
                ("reason", ch.reason.clone()),
                (
                    "value",
                    ch.new_value
                        .map(|v| money_text(v, &c.currency, tr.lang.code()))
                        .unwrap_or_else(|| "—".into()),
                ),
                ("end", ch.new_end_at.map(day).unwrap_or_else(|| "—".into())),
            ],
        );
        let mine = match status {
            Some(ChangeStatus::AwaitingBuyer) => side == Side::Buyer,
            Some(ChangeStatus::AwaitingApproval) => {
                side == Side::Buyer
                    && can_award
                    && ch.requested_by != user_id
                    && ch.endorsed_by != Some(user_id)
            }
            _ => false,
        };
        if mine {
            a.pending = Some((ch.id, description));
        } else {
            a.waiting = tr.t(match status {
                Some(ChangeStatus::AwaitingApproval) => "delivery-waiting-approval",
                _ => "delivery-waiting-buyer",
            });
        }
    }
    a
}
