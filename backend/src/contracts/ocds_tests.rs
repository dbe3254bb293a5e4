//! Snapshots of a contract's delivery release, from a fixed timeline: modules, a milestone
//! rejected once then accepted and paid, one planned, an approved module change and a refused
//! variation, a published rating with its reply and one not yet public, and a benefit report.
//! What is withheld (evidence, notes, reasons, refused changes, private ratings) is absent.

use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use super::ocds::release;
use super::store::Timeline;
use crate::entities::{
    benefit_report, contract, contract_change, contract_delivery, contract_milestone,
    contract_module, contract_rating, organisation,
};

fn at(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 12, 0, 0).unwrap()
}

fn org(id: i64, kind: &str, name: &str) -> organisation::Model {
    organisation::Model {
        id,
        kind: kind.into(),
        name: name.into(),
        legal_name: format!("{name} (legal)"),
        identifier_scheme: "CL-RUT".into(),
        identifier_id: format!("7600000{id}-1"),
        street_address: None,
        locality: Some("Santiago".into()),
        region: None,
        postal_code: None,
        country_code: "CL".into(),
        scale: Some("sme".into()),
        email_domains: String::new(),
        created_at: at(1, 1),
        suspended_at: None,
        suspended_reason: None,
    }
}

fn milestone(
    id: i64,
    number: i32,
    status: &str,
    accepted: Option<DateTime<Utc>>,
    paid: Option<DateTime<Utc>>,
) -> contract_milestone::Model {
    contract_milestone::Model {
        id,
        contract_id: 4,
        module_id: 1,
        number,
        title: format!("Milestone {number}"),
        due_at: at(3, 1 + number as u32),
        amount: Decimal::from(1_000_000 * i64::from(number)),
        currency: "CLP".into(),
        status: status.into(),
        accepted_at: accepted,
        invoice_date: paid.map(|_| at(3, 10)),
        payment_due_at: paid.map(|_| at(4, 9)),
        paid_at: paid,
        ended_unmet_at: None,
        created_at: at(1, 5),
        updated_at: paid.or(accepted).unwrap_or(at(1, 5)),
    }
}

fn delivery(
    id: i64,
    milestone_id: i64,
    number: i32,
    decision: &str,
    day: u32,
) -> contract_delivery::Model {
    contract_delivery::Model {
        id,
        milestone_id,
        number,
        delivered_at: at(3, day),
        decide_by: at(3, day + 10),
        evidence_url: Some("https://secret.example/evidence".into()),
        evidence_file: Some("abc.pdf".into()),
        evidence_name: Some("evidence.pdf".into()),
        note: Some("PRIVATE NOTE".into()),
        delivered_by: 9,
        decision: decision.into(),
        decided_at: (decision != "pending").then(|| at(3, day + 2)),
        decided_by: Some(3),
        reason: (decision == "rejected").then(|| "PRIVATE REASON".to_owned()),
    }
}

fn timeline() -> Timeline {
    let c = contract::Model {
        id: 4,
        ocid: "ocds-demo00-co-brief-6".into(),
        route: "brief".into(),
        order_id: None,
        project_id: None,
        brief_id: Some(6),
        buyer_org_id: 1,
        supplier_org_id: 2,
        framework_id: 2,
        lots: "digital-outcomes".into(),
        title: "Discovery for the school meals service".into(),
        value: Decimal::from(14_000_000),
        currency: "CLP".into(),
        start_at: at(1, 1),
        end_at: at(12, 31),
        status: "active".into(),
        signed_at: at(1, 1),
        updated_at: at(6, 1),
        original_value: Some(Decimal::from(10_000_000)),
        ended_at: None,
        end_kind: None,
    };
    let module = |id: i64, number: i32, value: i64, change: Option<i64>| contract_module::Model {
        id,
        contract_id: 4,
        number,
        scope: format!("Scope of module {number}"),
        value: Decimal::from(value),
        currency: "CLP".into(),
        start_at: at(1, 1),
        end_at: at(12, 31),
        change_id: change,
        created_at: at(1, 1),
    };
    let change = |id: i64, kind: &str, status: &str, reason: &str| contract_change::Model {
        id,
        contract_id: 4,
        kind: kind.into(),
        side: "buyer".into(),
        status: status.into(),
        reason: reason.into(),
        value_before: Decimal::from(10_000_000),
        end_before: at(12, 31),
        new_value: Some(Decimal::from(14_000_000)),
        new_end_at: Some(at(12, 31)),
        module_scope: Some("Scope of module 2".into()),
        module_start_at: Some(at(1, 1)),
        requested_by: 3,
        requested_at: at(5, 1),
        endorsed_by: None,
        decided_by: Some(5),
        decided_at: Some(at(5, 2)),
        decision_reason: (status == "refused").then(|| "PRIVATE REFUSAL".to_owned()),
    };
    let rating = |id: i64, published: bool, comment: &str| contract_rating::Model {
        id,
        contract_id: 4,
        milestone_id: Some(if published { 11 } else { 12 }),
        stage: format!("milestone-{id}"),
        quality: 5,
        timeliness: 3,
        communication: 4,
        comment: comment.into(),
        rated_by: 3,
        rated_at: at(3, 20),
        public_at: at(6, 18),
        published_at: published.then(|| at(6, 18)),
        reply: published.then(|| "Thank you".to_owned()),
        replied_at: published.then(|| at(6, 20)),
        replied_by: Some(9),
    };
    Timeline {
        contract: c,
        modules: vec![
            module(1, 1, 10_000_000, None),
            module(2, 2, 4_000_000, Some(7)),
        ],
        milestones: vec![
            milestone(11, 1, "paid", Some(at(3, 15)), Some(at(4, 20))),
            milestone(12, 2, "accepted", Some(at(3, 25)), None),
            milestone(13, 3, "planned", None, None),
        ],
        deliveries: vec![
            delivery(21, 11, 1, "rejected", 3),
            delivery(22, 11, 2, "accepted", 12),
            delivery(23, 12, 1, "accepted", 20),
        ],
        changes: vec![
            change(
                7,
                "module",
                "approved",
                "Families need to apply by phone too.",
            ),
            change(8, "variation", "refused", "A refused rise"),
        ],
        ratings: vec![
            rating(1, true, "Clear and complete."),
            rating(2, false, "PRIVATE RATING"),
        ],
        reports: vec![benefit_report::Model {
            id: 1,
            contract_id: 4,
            period: 1,
            due_at: at(7, 1),
            indicators: serde_json::to_string(&vec![crate::domain::contract::IndicatorResult {
                id: "1".into(),
                name: "Eligible families who apply".into(),
                baseline: "55%".into(),
                target: "80%".into(),
                value: "61%".into(),
                met: false,
            }])
            .unwrap(),
            notes: "From the records.".into(),
            filed_by: 3,
            filed_at: at(7, 2),
        }],
    }
}

#[test]
fn a_delivery_release_is_as_recorded_and_withholds_what_is_private() {
    let t = timeline();
    let body = release(
        &t,
        &org(1, "buyer", "Dirección de Compras Demo"),
        &org(2, "supplier", "Nube Andina"),
    );
    let mut whole = json!({
        "ocid": "ocds-demo00-co-brief-6",
        "id": "ocds-demo00-co-brief-6-00000042",
        "date": "2026-07-02T12:00:00Z",
        "tag": ["implementationUpdate"],
        "initiationType": "tender",
    });
    if let (Json::Object(r), Json::Object(b)) = (&mut whole, body) {
        r.extend(b);
    }
    let text = whole.to_string();
    for private in [
        "PRIVATE",
        "secret.example",
        "evidence.pdf",
        "A refused rise",
    ] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    let validator = ocds_schema::validate::Validator::new(
        ocds_schema::schema::MARCO_EXTENSIONS,
        Some("ocds-demo00-"),
    )
    .unwrap();
    let errors = validator.validate_release(&whole);
    assert!(errors.is_empty(), "{errors:?}");
    insta::assert_json_snapshot!("contract_delivery", whole);
}
