//! Turns a [`MailKind`] into a subject, a plain-text body and an HTML body: the words come from
//! the Fluent catalogues (`email-*` messages), the layout from `templates/email/` in the
//! frontend crate.

use askama::Template;
use marco_frontend::{Lang, Tr};

use super::MailKind;

/// A message ready to send, as stored in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line, on one line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// The button of a message and the URL behind it.
#[derive(Debug)]
struct Action {
    label: String,
    link: String,
}

/// Display-ready content shared by the HTML and the text template.
#[derive(Debug)]
struct Letter {
    lang: &'static str,
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    action: Option<Action>,
    notes: Vec<String>,
    link_fallback: String,
    signature: String,
    footer: String,
}

/// The HTML body; askama escapes every value, names and links included.
#[derive(Template)]
#[template(path = "email/message.html", config = "src/mail/askama.toml")]
struct HtmlBody<'a> {
    letter: &'a Letter,
}

/// The plain-text body (no escaping: it is not HTML).
#[derive(Template)]
#[template(path = "email/message.txt", config = "src/mail/askama.toml")]
struct TextBody<'a> {
    letter: &'a Letter,
}

/// Renders `kind` in `lang`.
pub fn render(kind: &MailKind, lang: Lang) -> Result<Rendered, askama::Error> {
    let letter = letter(kind, Tr::new(lang), lang);
    Ok(Rendered {
        subject: letter.subject.clone(),
        text: TextBody { letter: &letter }.render()?,
        html: HtmlBody { letter: &letter }.render()?,
    })
}

fn letter(kind: &MailKind, tr: Tr, lang: Lang) -> Letter {
    let greet = |name: &str| tr.t1("email-greeting", "name", one_line(name));
    let action = |id: &str, link: &str| {
        Some(Action {
            label: tr.t(id),
            link: link.trim().to_owned(),
        })
    };
    let (subject, greeting, paragraphs, action, notes) = match kind {
        MailKind::VerifyEmail { name, link } => (
            tr.t("email-verify-subject"),
            greet(name),
            vec![tr.t("email-verify-body")],
            action("email-verify-action", link),
            vec![tr.t("email-verify-single-use"), tr.t("email-verify-ignore")],
        ),
        MailKind::PasswordReset { name, link } => (
            tr.t("email-reset-subject"),
            greet(name),
            vec![tr.t("email-reset-body")],
            action("email-reset-action", link),
            vec![tr.t("email-reset-expiry"), tr.t("email-reset-ignore")],
        ),
        MailKind::Invitation {
            organisation,
            inviter,
            link,
        } => {
            let args = [
                ("organisation", one_line(organisation)),
                ("inviter", one_line(inviter)),
            ];
            (
                tr.ta("email-invitation-subject", &args),
                tr.t("email-invitation-greeting"),
                vec![tr.ta("email-invitation-body", &args)],
                action("email-invitation-action", link),
                vec![
                    tr.t("email-invitation-expiry"),
                    tr.t("email-invitation-ignore"),
                ],
            )
        }
        MailKind::AccountLocked { name, minutes } => (
            tr.t("email-locked-subject"),
            greet(name),
            vec![tr.t1("email-locked-body", "minutes", minutes)],
            None,
            vec![tr.t("email-locked-advice")],
        ),
        MailKind::PasswordChanged { name } => (
            tr.t("email-changed-subject"),
            greet(name),
            vec![tr.t("email-changed-body")],
            None,
            vec![tr.t("email-changed-advice")],
        ),
        MailKind::ApplicationResult {
            framework,
            passed,
            passed_services,
            reason,
            link,
        } => {
            let args = [("framework", one_line(framework))];
            let mut paragraphs = vec![if *passed {
                tr.ta("email-result-passed", &args)
            } else {
                tr.ta("email-result-failed", &args)
            }];
            if *passed {
                paragraphs.push(tr.t1("email-result-services", "count", passed_services));
            }
            if !reason.trim().is_empty() {
                paragraphs.push(tr.t1("email-result-reason", "reason", reason.trim()));
            }
            (
                tr.ta("email-result-subject", &args),
                tr.t("email-invitation-greeting"),
                paragraphs,
                action("email-result-action", link),
                vec![if *passed {
                    tr.t("email-result-next-passed")
                } else {
                    tr.t("email-result-next-failed")
                }],
            )
        }
        MailKind::OrderToApprove {
            number,
            placed_by,
            supplier,
            total,
            link,
        } => {
            let args = [
                ("number", number.to_string()),
                ("placed_by", one_line(placed_by)),
                ("supplier", one_line(supplier)),
                ("total", one_line(total)),
            ];
            (
                tr.ta("email-approve-subject", &args),
                tr.t("email-invitation-greeting"),
                vec![tr.ta("email-approve-body", &args)],
                action("email-order-action", link),
                vec![tr.t("email-approve-note")],
            )
        }
        MailKind::OrderReceived {
            number,
            buyer,
            total,
            accept_by,
            link,
        } => {
            let args = [
                ("number", number.to_string()),
                ("buyer", one_line(buyer)),
                ("total", one_line(total)),
                ("deadline", one_line(accept_by)),
            ];
            (
                tr.ta("email-order-subject", &args),
                tr.t("email-invitation-greeting"),
                vec![tr.ta("email-order-body", &args)],
                action("email-order-action", link),
                vec![tr.ta("email-order-deadline", &args)],
            )
        }
        MailKind::DirectAward {
            buyer,
            service,
            value,
            link,
        } => {
            let args = [
                ("buyer", one_line(buyer)),
                ("service", one_line(service)),
                ("value", one_line(value)),
            ];
            (
                tr.ta("email-award-subject", &args),
                tr.t("email-invitation-greeting"),
                vec![tr.ta("email-award-body", &args)],
                action("email-award-action", link),
                vec![tr.t("email-award-next")],
            )
        }
        MailKind::ProjectReminder {
            project,
            days,
            link,
        } => {
            let args = [("project", one_line(project)), ("days", days.to_string())];
            (
                tr.ta("email-reminder-subject", &args),
                tr.t("email-invitation-greeting"),
                vec![tr.ta("email-reminder-body", &args)],
                action("email-reminder-action", link),
                Vec::new(),
            )
        }
        MailKind::Brief {
            event,
            brief,
            detail,
            link,
        } => {
            let key = event.name().replacen('_', "-", 1);
            let args = [
                ("brief", one_line(brief)),
                ("detail", detail.trim().to_owned()),
            ];
            let mut paragraphs = vec![tr.ta(&format!("email-{key}-body"), &args)];
            if *event == super::BriefEvent::Digest {
                paragraphs.extend(detail.lines().map(one_line).filter(|l| !l.is_empty()));
            }
            (
                tr.ta(&format!("email-{key}-subject"), &args),
                tr.t("email-invitation-greeting"),
                paragraphs,
                action("email-brief-action", link),
                Vec::new(),
            )
        }
        MailKind::Contract {
            event,
            contract,
            detail,
            link,
        } => {
            let key = event.name().replace('_', "-");
            let args = [
                ("contract", one_line(contract)),
                ("detail", one_line(detail)),
            ];
            (
                tr.ta(&format!("email-{key}-subject"), &args),
                tr.t("email-invitation-greeting"),
                vec![tr.ta(&format!("email-{key}-body"), &args)],
                action("email-contract-action", link),
                Vec::new(),
            )
        }
        MailKind::Debrief {
            brief,
            responses,
            rank,
            failed,
            rows,
            reason,
            standstill_ends,
            link,
        } => {
            let args = [
                ("brief", one_line(brief)),
                ("responses", responses.to_string()),
            ];
            let mut paragraphs = vec![tr.ta("email-debrief-body", &args)];
            if let Some(criterion) = failed {
                paragraphs.push(tr.t1("email-debrief-failed", "criterion", one_line(criterion)));
            }
            if let Some(rank) = rank {
                paragraphs.push(tr.t1("email-debrief-rank", "rank", rank));
            }
            for (stage, criterion, own, winner) in rows {
                paragraphs.push(tr.ta(
                    "email-debrief-row",
                    &[
                        ("stage", tr.t(&format!("brief-stage-{}", one_line(stage)))),
                        ("criterion", one_line(criterion)),
                        ("own", own.to_string()),
                        (
                            "winner",
                            winner.map_or_else(|| "—".to_owned(), |w| w.to_string()),
                        ),
                    ],
                ));
            }
            if let Some(reason) = reason {
                paragraphs.push(tr.t1("email-debrief-reason", "reason", one_line(reason)));
            }
            let mut notes = Vec::new();
            if !standstill_ends.is_empty() {
                notes.push(tr.t1("email-debrief-complain", "ends", one_line(standstill_ends)));
            }
            (
                tr.ta("email-debrief-subject", &args),
                tr.t("email-invitation-greeting"),
                paragraphs,
                action("email-debrief-action", link),
                notes,
            )
        }
        MailKind::OrderChanged {
            number,
            status,
            link,
        } => {
            let args = [
                ("number", number.to_string()),
                (
                    "status",
                    tr.t(&format!("order-status-{}", one_line(status))),
                ),
            ];
            (
                tr.ta("email-changed-order-subject", &args),
                tr.t("email-invitation-greeting"),
                vec![tr.ta("email-changed-order-body", &args)],
                action("email-order-action", link),
                Vec::new(),
            )
        }
    };
    Letter {
        lang: lang.code(),
        subject: one_line(&subject),
        greeting,
        paragraphs,
        action,
        notes,
        link_fallback: tr.t("email-link-fallback"),
        signature: tr.t("email-signature"),
        footer: tr.t("email-footer"),
    }
}

/// Collapses line breaks and other control characters, which have no place in a subject or a
/// greeting and could otherwise smuggle extra lines into headers.
fn one_line(text: &str) -> String {
    text.split(char::is_control)
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<MailKind> {
        let link = "https://marco.example/link?token=abc&x=1".to_owned();
        vec![
            MailKind::VerifyEmail {
                name: "Ana".into(),
                link: link.clone(),
            },
            MailKind::PasswordReset {
                name: "Ana".into(),
                link: link.clone(),
            },
            MailKind::Invitation {
                organisation: "Nube Andina SpA".into(),
                inviter: "Bea".into(),
                link,
            },
            MailKind::AccountLocked {
                name: "Ana".into(),
                minutes: 15,
            },
            MailKind::PasswordChanged { name: "Ana".into() },
            MailKind::ApplicationResult {
                framework: "Cloud Services 3".into(),
                passed: true,
                passed_services: 2,
                reason: "All services met the requirements.".into(),
                link: "https://marco.example/frameworks/cloud-services-3/application".into(),
            },
            MailKind::OrderToApprove {
                number: 12,
                placed_by: "Ana Pérez".into(),
                supplier: "Nube Andina".into(),
                total: "CLP 4,700,000".into(),
                link: "https://marco.example/orders/12".into(),
            },
            MailKind::OrderReceived {
                number: 12,
                buyer: "Dirección de Compras Demo".into(),
                total: "CLP 4,700,000".into(),
                accept_by: "2026-12-07 12:00 UTC".into(),
                link: "https://marco.example/orders/12".into(),
            },
            MailKind::DirectAward {
                buyer: "Department for Digital Demo".into(),
                service: "Managed backup".into(),
                value: "GBP 250,000.00".into(),
                link: "https://marco.example/direct-awards/3".into(),
            },
            MailKind::ProjectReminder {
                project: "Backup for the regional offices".into(),
                days: 15,
                link: "https://marco.example/direct-awards/projects/3".into(),
            },
            MailKind::OrderChanged {
                number: 12,
                status: "accepted".into(),
                link: "https://marco.example/orders/12".into(),
            },
        ]
        .into_iter()
        .chain(std::iter::once(MailKind::Debrief {
            brief: "Book a driving test online".into(),
            responses: 3,
            rank: Some(2),
            failed: None,
            rows: vec![(
                "proposal".into(),
                "Built a public booking service".into(),
                3,
                Some(4),
            )],
            reason: Some("The winner's prototype needed no help.".into()),
            standstill_ends: "2026-12-20 12:00 UTC".into(),
            link: "https://marco.example/opportunities/3/debrief".into(),
        }))
        .chain(
            super::super::ContractEvent::ALL
                .into_iter()
                .map(|event| MailKind::Contract {
                    event,
                    contract: "Discovery for the school meals service".into(),
                    detail: "Milestone 2: user research report".into(),
                    link: "https://marco.example/contracts/4/manage".into(),
                }),
        )
        .chain(
            super::super::BriefEvent::ALL
                .into_iter()
                .map(|event| MailKind::Brief {
                    event,
                    brief: "Book a driving test online".into(),
                    detail: "2026-12-20 23:59 UTC".into(),
                    link: "https://marco.example/opportunities/3".into(),
                }),
        )
        .collect()
    }

    #[test]
    fn every_kind_renders_in_both_languages_without_missing_messages() {
        for kind in every_kind() {
            for lang in Lang::ALL {
                let mail = render(&kind, lang).unwrap();
                for part in [&mail.subject, &mail.text, &mail.html] {
                    assert!(!part.contains("email-"), "{kind:?} {lang:?}: {part}");
                }
                assert!(mail.html.contains(&format!("lang=\"{}\"", lang.code())));
                assert!(!mail.subject.contains('\n'));
            }
        }
    }

    #[test]
    fn links_appear_in_both_bodies_and_are_escaped_in_html() {
        let mail = render(&every_kind()[0], Lang::En).unwrap();
        assert!(
            mail.text
                .contains("https://marco.example/link?token=abc&x=1")
        );
        assert!(
            mail.html
                .contains("href=\"https://marco.example/link?token=abc&#38;x=1\"")
                || mail
                    .html
                    .contains("href=\"https://marco.example/link?token=abc&amp;x=1\"")
        );
    }

    #[test]
    fn the_reset_link_says_it_lasts_one_hour_and_the_invitation_seven_days() {
        let kinds = every_kind();
        let reset_en = render(&kinds[1], Lang::En).unwrap();
        let reset_es = render(&kinds[1], Lang::Es).unwrap();
        assert!(reset_en.text.contains("1 hour"), "{}", reset_en.text);
        assert!(reset_es.text.contains("1 hora"), "{}", reset_es.text);
        let invite_en = render(&kinds[2], Lang::En).unwrap();
        let invite_es = render(&kinds[2], Lang::Es).unwrap();
        assert!(invite_en.text.contains("7 days"), "{}", invite_en.text);
        assert!(invite_es.text.contains("7 días"), "{}", invite_es.text);
        assert!(invite_es.subject.contains("Nube Andina SpA"));
        let locked = render(&kinds[3], Lang::Es).unwrap();
        assert!(locked.text.contains("15 minutos"), "{}", locked.text);
    }

    #[test]
    fn names_cannot_inject_markup_or_header_lines() {
        let kind = MailKind::Invitation {
            organisation: "Evil <script>alert(1)</script>".into(),
            inviter: "Mallory\r\nBcc: victim@example.com".into(),
            link: "https://marco.example/i".into(),
        };
        let mail = render(&kind, Lang::En).unwrap();
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(mail.html.contains("&#60;script&#62;") || mail.html.contains("&lt;script&gt;"));
        assert!(!mail.subject.contains(['\r', '\n']), "{}", mail.subject);
    }

    #[test]
    fn the_text_body_reads_well_alone() {
        let mail = render(&every_kind()[1], Lang::En).unwrap();
        assert!(mail.text.starts_with("Hello Ana,\n\n"), "{}", mail.text);
        assert!(!mail.text.contains("\n\n\n"), "{}", mail.text);
        assert!(!mail.text.contains('<'), "{}", mail.text);
    }
}
