//! Snapshots of a brief's releases, from fixed inputs.

use chrono::{DateTime, TimeZone, Utc};
use ocds_schema::model::TenderStatus;
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use super::*;
use crate::domain::brief::draft::{Draft, When, gate};
use crate::entities::{brief, brief_response, framework, organisation};

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, 12, 0, 0).unwrap()
}

fn org(id: i64, kind: &str, name: &str, scale: Option<&str>) -> organisation::Model {
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
        scale: scale.map(str::to_owned),
        email_domains: String::new(),
        created_at: at(1),
        suspended_at: None,
        suspended_reason: None,
    }
}

fn framework() -> framework::Model {
    framework::Model {
        id: 2,
        slug: "digital-outcomes-and-specialists-1".into(),
        ocid: "ocds-demo00-fw-digital-outcomes-and-specialists-1".into(),
        name: "Digital Outcomes and Specialists 1".into(),
        family: "Digital Outcomes and Specialists".into(),
        iteration: 1,
        status: "live".into(),
        description: String::new(),
        content: String::new(),
        content_hash: String::new(),
        previous_id: None,
        clarifications_close_at: at(1),
        applications_close_at: at(1),
        intention_to_award_at: at(1),
        goes_live_at: at(1),
        expires_at: at(1),
        created_by: None,
        created_at: at(1),
        updated_at: at(1),
    }
}

fn draft() -> Draft {
    Draft {
        title: "Book a driving test online".into(),
        problem: "People wait weeks to book a test by phone.".into(),
        users: "Learners and their instructors.".into(),
        existing: "A phone line.".into(),
        outcome: "Most tests are booked online in minutes.".into(),
        follows: String::new(),
        budget_min: "20000000".into(),
        budget_max: "60000000".into(),
        currency: "CLP".into(),
        location: "Santiago".into(),
        working: "Two days a week on site.".into(),
        essential: "Built a public booking service".into(),
        nice: "Worked with transport agencies".into(),
        weight_technical: "70".into(),
        weight_cultural: "0".into(),
        weight_price: "30".into(),
        price_basis: "fixed".into(),
        methods: vec!["written_proposal".into()],
        question_deadline: "2026-12-10".into(),
        closing: "2026-12-16".into(),
        shortlist: "2".into(),
        bc_objective: "Shorter waits.".into(),
        bc_options: "Do nothing\nBuild with a supplier".into(),
        bc_tco: "2027: 40000000\n2028: 15000000".into(),
        bc_benefits: "Tests booked online | 0% | 80% | 2028-06-30".into(),
        bc_risks: "Staff are not ready".into(),
        ..Draft::default()
    }
}

fn stored(d: &Draft) -> brief::Model {
    brief::Model {
        id: 3,
        ocid: "ocds-demo00-co-brief-3".into(),
        buyer_org_id: 1,
        created_by: 1,
        framework_id: 2,
        lot: "digital-outcomes".into(),
        status: "live".into(),
        review: "not_needed".into(),
        draft: d.to_json(),
        title: d.title.clone(),
        location: d.location.clone(),
        budget_min: Some(Decimal::from(20_000_000)),
        budget_max: Some(Decimal::from(60_000_000)),
        currency: Some("CLP".into()),
        question_deadline_at: Some(at(10)),
        closing_at: Some(at(16)),
        published_at: Some(at(7)),
        version: 1,
        opened_at: Some(at(17)),
        withdrawn_reason: None,
        moderator_id: Some(1),
        proposal_agreed_at: Some(at(18)),
        challenge_started_at: None,
        challenge_agreed_at: None,
        awarded_response_id: Some(11),
        award_reason: None,
        awarded_by: Some(1),
        awarded_at: Some(at(19)),
        standstill_ends_at: Some(at(29)),
        not_awarded_reason: None,
        created_at: at(6),
        updated_at: at(7),
    }
}

fn response(
    id: i64,
    supplier: i64,
    price: i64,
    result: &str,
    rank: Option<i32>,
) -> brief_response::Model {
    brief_response::Model {
        id,
        brief_id: 3,
        supplier_org_id: supplier,
        created_by: 5,
        status: "submitted".into(),
        answers: "{\"evidence\":[\"sealed evidence\"]}".into(),
        price: Some(Decimal::from(price)),
        currency: Some("CLP".into()),
        available_from: None,
        submitted_at: Some(at(12)),
        result: Some(result.into()),
        fail_reason: None,
        proposal_total: None,
        challenge_total: None,
        final_total: None,
        rank,
        shortlisted: false,
        challenge_repository: None,
        challenge_demo: None,
        challenge_submitted_at: None,
        created_at: at(11),
        updated_at: at(12),
    }
}

fn validator() -> ocds_schema::validate::Validator {
    ocds_schema::validate::Validator::new(
        ocds_schema::schema::MARCO_EXTENSIONS,
        Some("ocds-demo00-"),
    )
    .unwrap()
}

/// What `publish` adds, so the snapshot is a whole release that validates.
fn whole(body: Json, tag: &str) -> Json {
    let mut release = json!({
        "ocid": "ocds-demo00-co-brief-3",
        "id": "ocds-demo00-co-brief-3-00000042",
        "date": "2026-12-07T12:00:00Z",
        "tag": [tag],
        "initiationType": "tender",
    });
    if let (Json::Object(r), Json::Object(b)) = (&mut release, body) {
        r.extend(b);
    }
    release
}

#[test]
fn the_published_brief_and_its_award_are_as_recorded() {
    let d = draft();
    let b = stored(&d);
    let brief = gate(&d, When::Stored).unwrap();
    let buyer = org(1, "buyer", "Dirección de Compras Demo", None);
    let fw = framework();
    let ctx = Context {
        buyer: &buyer,
        framework: &fw,
        framework_ocid: &fw.ocid,
        lot_name: "Digital outcomes",
        public_url: "https://marco.example",
    };
    let tender = whole(
        tender_release(
            &b,
            &brief,
            &ctx,
            TenderStatus::Active,
            1,
            None,
            None,
            Vec::new(),
        ),
        "tender",
    );
    assert_eq!(validator().validate_release(&tender), []);
    insta::assert_json_snapshot!("brief_tender", tender);

    let (small, large, micro) = (
        org(4, "supplier", "Nube Andina", Some("small")),
        org(5, "supplier", "Grande SA", Some("large")),
        org(6, "supplier", "Brightlane Digital", Some("micro")),
    );
    let rows = [
        response(11, 4, 41_000_000, "awarded", Some(1)),
        response(12, 5, 39_000_000, "unsuccessful", Some(2)),
        response(13, 6, 30_000_000, "failed_essential", None),
    ];
    let responders: Vec<Responder<'_>> = rows
        .iter()
        .zip([&small, &large, &micro])
        .map(|(response, supplier)| Responder { response, supplier })
        .collect();
    let award = whole(
        award_release(
            &b,
            &brief,
            &ctx,
            &responders,
            &responders[0],
            false,
            Vec::new(),
        ),
        "award",
    );
    assert_eq!(validator().validate_release(&award), []);
    let text = award.to_string();
    assert!(
        !text.contains("39000000") && !text.contains("30000000"),
        "losing prices stay unpublished"
    );
    assert!(!text.contains("sealed evidence"));
    insta::assert_json_snapshot!("brief_award", award);

    let with_prices = award_release(
        &b,
        &brief,
        &ctx,
        &responders,
        &responders[0],
        true,
        Vec::new(),
    );
    let stats = &with_prices["bids"]["statistics"];
    assert!(stats.to_string().contains("lowestValidBidValue"));
    assert!(with_prices.to_string().contains("39000000"));
}
