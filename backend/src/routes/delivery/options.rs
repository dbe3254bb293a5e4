//! What each side of a contract may do now: the options of the working page's forms.

use chrono::{DateTime, Utc};
use marco_frontend::Tr;
use marco_frontend::delivery::Actions;

use crate::buying::money_text;
use crate::contracts::store::Timeline;
use crate::contracts::{benefits, ended};
use crate::domain::brief::draft::Indicator;
use crate::domain::contract::{ChangeKind, ChangeStatus, MilestoneStatus, Side};
use crate::routes::frameworks::day;

use super::views::stage_label;

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
