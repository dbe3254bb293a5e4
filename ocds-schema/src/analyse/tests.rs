//! Each indicator at, just below and just above its threshold, on hand-made compiled releases
//! (the cases of `docs/cardinal-indicators.md`).

use serde_json::{Value, json};

use super::*;

fn run(settings: Settings, releases: &[Value]) -> Report {
    let mut a = Analyser::new(settings);
    for (i, r) in releases.iter().enumerate() {
        a.add_json(i as u64, r.to_string().as_bytes()).unwrap();
    }
    a.finish()
}

fn usd() -> Settings {
    Settings {
        currency: Some("USD".into()),
        ..Settings::default()
    }
}

fn flagged(report: &Report, code: &str) -> Vec<String> {
    report
        .ocid
        .iter()
        .filter(|(_, f)| f.contains_key(code))
        .map(|(o, _)| o.clone())
        .collect()
}

fn period(end: &str) -> Value {
    json!({"ocid": "a", "tender": {"tenderPeriod": {"startDate": "2024-01-01T00:00:00Z", "endDate": end}}})
}

#[test]
fn r003_flags_fewer_whole_days_than_the_threshold() {
    let at = run(usd(), &[period("2024-01-16T00:00:00Z")]);
    assert!(flagged(&at, "R003").is_empty());
    let below = run(usd(), &[period("2024-01-15T23:59:59Z")]);
    assert_eq!(flagged(&below, "R003"), ["a"]);
    let above = run(usd(), &[period("2024-01-16T00:00:01Z")]);
    assert!(flagged(&above, "R003").is_empty());
    let offset = json!({"ocid": "a", "tender": {"tenderPeriod": {"startDate": "2024-01-01T00:00:00+05:00", "endDate": "2024-01-15T19:00:00Z"}}});
    assert!(flagged(&run(usd(), &[offset]), "R003").is_empty());
    assert_eq!(
        flagged(&run(usd(), &[period("2023-12-31T00:00:00Z")]), "R003"),
        ["a"]
    );
    let date_only = json!({"ocid": "a", "tender": {"tenderPeriod": {"startDate": "2024-01-01", "endDate": "2024-01-02"}}});
    assert!(flagged(&run(usd(), &[date_only]), "R003").is_empty());
    let mut cancelled = period("2024-01-02T00:00:00Z");
    cancelled["tender"]["status"] = json!("cancelled");
    let report = run(usd(), &[cancelled]);
    assert!(flagged(&report, "R003").is_empty());
    assert_eq!(report.marco.excluded, 1);
    // A limit by method details, and the method filter.
    let mut s = usd();
    s.r003_by_details.insert("Cotización".into(), 7);
    let mut quote = period("2024-01-08T00:00:00Z");
    quote["tender"]["procurementMethodDetails"] = json!("Cotización");
    assert!(flagged(&run(s.clone(), &[quote.clone()]), "R003").is_empty());
    quote["tender"]["tenderPeriod"]["endDate"] = json!("2024-01-07T23:00:00Z");
    assert_eq!(flagged(&run(s, &[quote]), "R003"), ["a"]);
    let mut s = usd();
    s.r003_methods = vec!["open".into()];
    let mut direct = period("2024-01-02T00:00:00Z");
    direct["tender"]["procurementMethod"] = json!("direct");
    assert!(flagged(&run(s, &[direct]), "R003").is_empty());
}

#[test]
fn r018_flags_exactly_one_tenderer_in_open_and_selective_procedures() {
    let one = |method: &str, n: Value| json!({"ocid": "a", "tender": {"procurementMethod": method, "numberOfTenderers": n}});
    assert_eq!(
        flagged(&run(usd(), &[one("open", json!(1))]), "R018"),
        ["a"]
    );
    assert_eq!(
        flagged(&run(usd(), &[one("selective", json!(1))]), "R018"),
        ["a"]
    );
    for (method, n) in [
        ("limited", json!(1)),
        ("open", json!(2)),
        ("open", json!(0)),
        ("open", json!("1")),
        ("open", json!(1.0)),
    ] {
        assert!(
            flagged(&run(usd(), &[one(method, n.clone())]), "R018").is_empty(),
            "{method} {n}"
        );
    }
}

fn two_bids(loser: Value) -> Value {
    json!({"ocid": "a",
        "bids": {"details": [
            {"status": "valid", "tenderers": [{"id": "W"}], "value": {"amount": 100, "currency": "USD"}},
            {"status": "valid", "tenderers": [{"id": "L"}], "value": {"amount": loser, "currency": "USD"}}]},
        "awards": [{"status": "active", "suppliers": [{"id": "W"}]}]})
}

#[test]
fn r024_flags_a_second_bid_at_or_within_the_threshold() {
    let s = Settings {
        r024_threshold: Some(0.05),
        ..usd()
    };
    let at = run(s.clone(), &[two_bids(json!(105))]);
    assert_eq!(at.ocid["a"]["R024"], 0.05);
    assert_eq!(at.tenderer["W"]["R024"], 0.0);
    assert_eq!(at.tenderer["L"]["R024"], 0.0);
    assert_eq!(
        flagged(&run(s.clone(), &[two_bids(json!(104))]), "R024"),
        ["a"]
    );
    assert!(flagged(&run(s.clone(), &[two_bids(json!(106))]), "R024").is_empty());
    assert!(
        flagged(&run(s.clone(), &[two_bids(json!(99))]), "R024").is_empty(),
        "the lowest bid lost"
    );
    let zero = Settings {
        r024_threshold: Some(0.0),
        ..usd()
    };
    assert!(flagged(&run(zero, &[two_bids(json!(100))]), "R024").is_empty());
    let mut pending = two_bids(json!(101));
    pending["awards"]
        .as_array_mut()
        .unwrap()
        .push(json!({"status": "pending"}));
    assert!(flagged(&run(s.clone(), &[pending]), "R024").is_empty());
    let mut extra = two_bids(json!(110));
    extra["bids"]["details"].as_array_mut().unwrap().push(
        json!({"status": "valid", "tenderers": [{"id": "M"}], "value": {"amount": 103, "currency": "USD"}}),
    );
    let report = run(s, &[extra]);
    assert!(report.tenderer.contains_key("M") && !report.tenderer.contains_key("L"));
}

#[test]
fn r024_and_r058_use_type_8_fences_of_all_processes() {
    let mut releases: Vec<Value> = [101, 110, 110, 110, 110]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut r = two_bids(json!(l));
            r["ocid"] = json!(format!("p{i}"));
            r
        })
        .collect();
    let report = run(usd(), &releases);
    assert_eq!(flagged(&report, "R024"), ["p0"]);
    assert_eq!(report.meta["R024"]["q1"], Some(0.07));
    assert_eq!(report.meta["R024"]["lower_fence"], Some(0.025));
    // Cardinal's R058 example: one heavy discount among four small ones.
    releases = [10_000, 200, 200, 200, 200]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut r = two_bids(json!(l));
            r["ocid"] = json!(format!("q{i}"));
            r
        })
        .collect();
    let report = run(usd(), &releases);
    assert_eq!(flagged(&report, "R058"), ["q0"]);
    assert_eq!(report.ocid["q0"]["R058"], 99.0);
}

#[test]
fn r058_flags_a_discount_at_or_beyond_the_threshold() {
    let s = Settings {
        r058_threshold: Some(0.5),
        ..usd()
    };
    let at = run(s.clone(), &[two_bids(json!(150))]);
    assert_eq!(at.ocid["a"]["R058"], 0.5);
    assert!(!at.tenderer.get("L").is_some_and(|f| f.contains_key("R058")));
    assert!(flagged(&run(s.clone(), &[two_bids(json!(149))]), "R058").is_empty());
    assert_eq!(flagged(&run(s, &[two_bids(json!(151))]), "R058"), ["a"]);
}

fn bids(list: &[(&str, &str, f64, &str)]) -> Value {
    let details: Vec<Value> = list
        .iter()
        .map(|(id, status, amount, currency)| json!({"status": status, "tenderers": [{"id": id}], "value": {"amount": amount, "currency": currency}}))
        .collect();
    json!({"ocid": "a", "bids": {"details": details}, "awards": [{"status": "active", "suppliers": [{"id": "W"}]}]})
}

#[test]
fn r028_flags_the_same_price_from_different_tenderers() {
    let r = run(
        usd(),
        &[bids(&[
            ("A", "pending", 100.0, "USD"),
            ("B", "disqualified", 100.0, "USD"),
        ])],
    );
    assert_eq!(flagged(&r, "R028"), ["a"]);
    assert!(r.tenderer["A"].contains_key("R028") && r.tenderer["B"].contains_key("R028"));
    for case in [
        bids(&[("A", "valid", 100.0, "USD"), ("A", "valid", 100.0, "USD")]),
        bids(&[("A", "valid", 100.0, "USD"), ("B", "valid", 100.01, "USD")]),
        bids(&[("A", "valid", 100.0, "USD"), ("B", "valid", 100.0, "EUR")]),
        bids(&[
            ("A", "valid", 100.0, "USD"),
            ("B", "withdrawn", 100.0, "USD"),
        ]),
    ] {
        assert!(
            flagged(&run(usd(), std::slice::from_ref(&case)), "R028").is_empty(),
            "{case}"
        );
    }
    let r = run(
        usd(),
        &[bids(&[
            ("A", "valid", 100.0, "USD"),
            ("B", "valid", 100.0, "USD"),
            ("C", "valid", 200.0, "USD"),
        ])],
    );
    assert!(!r.tenderer.contains_key("C"));
}

#[test]
fn r035_flags_a_sole_valid_winner_with_others_disqualified() {
    let r = run(
        usd(),
        &[bids(&[
            ("W", "valid", 1.0, "USD"),
            ("D", "disqualified", 2.0, "USD"),
        ])],
    );
    assert_eq!(r.ocid["a"]["R035"], 1.0);
    assert_eq!(r.tenderer["W"]["R035"], 0.0);
    assert!(flagged(&run(usd(), &[bids(&[("W", "valid", 1.0, "USD")])]), "R035").is_empty());
    let two = bids(&[
        ("W", "valid", 1.0, "USD"),
        ("D1", "disqualified", 2.0, "USD"),
        ("D2", "disqualified", 3.0, "USD"),
    ]);
    let s2 = Settings {
        r035_threshold: 2,
        ..usd()
    };
    assert_eq!(run(s2, std::slice::from_ref(&two)).ocid["a"]["R035"], 2.0);
    let s3 = Settings {
        r035_threshold: 3,
        ..usd()
    };
    assert!(flagged(&run(s3, &[two]), "R035").is_empty());
    assert!(
        flagged(
            &run(
                usd(),
                &[bids(&[
                    ("W", "valid", 1.0, "USD"),
                    ("D", "valid", 2.0, "USD")
                ])]
            ),
            "R035"
        )
        .is_empty()
    );
}

#[test]
fn r036_flags_a_disqualified_lowest_bid_first_in_a_tie() {
    assert_eq!(
        flagged(
            &run(
                usd(),
                &[bids(&[
                    ("D", "disqualified", 90.0, "USD"),
                    ("V", "valid", 100.0, "USD")
                ])]
            ),
            "R036"
        ),
        ["a"]
    );
    assert_eq!(
        flagged(
            &run(
                usd(),
                &[bids(&[
                    ("D", "disqualified", 100.0, "USD"),
                    ("V", "valid", 100.0, "USD")
                ])]
            ),
            "R036"
        ),
        ["a"]
    );
    for case in [
        bids(&[
            ("V", "valid", 100.0, "USD"),
            ("D", "disqualified", 100.0, "USD"),
        ]),
        bids(&[
            ("D", "disqualified", 110.0, "USD"),
            ("V", "valid", 100.0, "USD"),
        ]),
        bids(&[
            ("D", "disqualified", 90.0, "USD"),
            ("P", "pending", 100.0, "USD"),
        ]),
        bids(&[
            ("D", "disqualified", 90.0, "EUR"),
            ("V", "valid", 100.0, "USD"),
        ]),
    ] {
        assert!(
            flagged(&run(usd(), std::slice::from_ref(&case)), "R036").is_empty(),
            "{case}"
        );
    }
}

#[test]
fn r038_flags_a_pooled_disqualified_share_at_the_threshold() {
    let s = Settings {
        r038_threshold: Some(0.5),
        ..usd()
    };
    let release = |ocid: &str, statuses: &[&str]| {
        let details: Vec<Value> = statuses
            .iter()
            .enumerate()
            .map(|(i, st)| json!({"status": st, "tenderers": [{"id": format!("T{ocid}{i}")}]}))
            .collect();
        json!({"ocid": ocid, "buyer": {"id": "B"}, "bids": {"details": details}})
    };
    let at = run(s.clone(), &[release("1", &["valid", "disqualified"])]);
    assert_eq!(at.buyer["B"]["R038"], 0.5);
    assert!(at.tenderer.is_empty(), "one bid each is under the minimum");
    assert!(
        run(
            s.clone(),
            &[release("1", &["valid", "valid", "disqualified"])]
        )
        .buyer
        .is_empty()
    );
    let above = run(
        s.clone(),
        &[release("1", &["valid", "disqualified", "disqualified"])],
    );
    assert!((above.buyer["B"]["R038"] - 2.0 / 3.0).abs() < 1e-12);
    assert!(
        run(s, &[release("1", &["disqualified"])]).buyer.is_empty(),
        "under the minimum"
    );
}

#[test]
fn r048_flags_suppliers_across_many_categories() {
    let award = |ocid: &str, supplier: &str, codes: &[&str]| {
        let items: Vec<Value> = codes
            .iter()
            .map(|c| json!({"classification": {"id": c}}))
            .collect();
        json!({"ocid": ocid, "awards": [{"status": "active", "suppliers": [{"id": supplier}], "items": items}]})
    };
    let s = |t: f64| Settings {
        r048_threshold: Some(t),
        r048_minimum_processes: 1,
        ..usd()
    };
    assert_eq!(
        run(s(2.0), &[award("a", "S", &["10101501", "11101501"])]).tenderer["S"]["R048"],
        2.0
    );
    assert!(
        run(s(2.0), &[award("a", "S", &["10101501", "10201501"])])
            .tenderer
            .is_empty()
    );
    assert_eq!(
        run(s(1.0), &[award("a", "S", &["10101501", "10201501"])]).tenderer["S"]["R048"],
        1.0
    );
    let digits = Settings {
        r048_digits: 3,
        ..s(2.0)
    };
    assert!(
        run(digits, &[award("a", "S", &["10101501", "10201501"])])
            .tenderer
            .contains_key("S")
    );
    // The default minimum of 20 processes.
    let many: Vec<Value> = (0..19)
        .map(|i| award(&format!("p{i}"), "S", &["10", "20", "30"]))
        .collect();
    let t = Settings {
        r048_threshold: Some(2.0),
        ..usd()
    };
    assert!(run(t.clone(), &many).tenderer.is_empty());
    let mut twenty = many;
    twenty.push(award("p19", "S", &["10"]));
    assert!(run(t, &twenty).tenderer.contains_key("S"));
    // Computed fence: F has two categories, four others one.
    let mut releases = vec![award("f", "F", &["10", "11"])];
    for i in 0..4 {
        releases.push(award(&format!("o{i}"), &format!("O{i}"), &["10"]));
    }
    let computed = Settings {
        r048_minimum_processes: 1,
        ..usd()
    };
    let r = run(computed, &releases);
    assert_eq!(r.tenderer.keys().collect::<Vec<_>>(), ["F"]);
}

#[test]
fn marco_counts_suppliers_and_buyers_and_raises_its_flags() {
    let release = |ocid: &str, supplier: &str, amount: f64| {
        json!({"ocid": ocid, "buyer": {"id": "B"}, "tender": {"procurementMethod": "limited"},
            "parties": [{"id": supplier, "details": {"scale": "sme"}}],
            "bids": {"details": [{"status": "valid", "tenderers": [{"id": supplier}]}]},
            "awards": [{"id": "1", "status": "active", "suppliers": [{"id": supplier}], "value": {"amount": amount, "currency": "CLP"}}],
            "contracts": [{"awardID": "1", "status": "active", "value": {"amount": amount * 1.25, "currency": "CLP"}}]})
    };
    let releases: Vec<Value> = (0..5)
        .map(|i| release(&format!("p{i}"), if i < 4 { "S" } else { "T" }, 1000.0))
        .collect();
    let r = run(Settings::default(), &releases);
    let s = &r.marco.suppliers["S"];
    assert_eq!((s.awards, s.buyers_served, s.win_rate), (4, 1, Some(1.0)));
    assert_eq!(s.award_value["CLP"], 4000.0);
    let b = &r.marco.buyers["B"];
    assert_eq!(
        (b.awards, b.sme_awards, b.single_bid_share),
        (5, 5, Some(1.0))
    );
    let codes: Vec<&str> = r.marco.pair_flags.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["M001", "M002"]);
    assert_eq!(r.marco.pair_flags[0].value, 0.8);
    assert_eq!(r.ocid["p0"]["M003"], 0.25);
    let lower = Settings {
        m003_rise: 0.25,
        ..Settings::default()
    };
    assert!(
        !run(lower, &releases).ocid.contains_key("p0"),
        "a rise at the limit is not over it"
    );
}

#[test]
fn odd_types_are_ignored_not_fatal() {
    let odd = json!({"ocid": 5, "tender": [], "awards": {}, "bids": {"details": "x"}});
    let r = run(
        usd(),
        &[
            odd,
            json!({"ocid": "b", "awards": [1, {"status": 2}], "bids": {"details": [{"value": {"amount": "9"}}]}}),
        ],
    );
    assert_eq!((r.marco.releases, r.marco.excluded), (2, 1));
}

#[test]
fn delivery_spend_and_admissions_through_the_analyser() {
    let framework = json!({"ocid": "ocds-a-fw-cloud",
        "tender": {"techniques": {"hasFrameworkAgreement": true}},
        "awards": [{"status": "active", "suppliers": [{"id": "s"}], "relatedLots": ["iaas"]}]});
    let link = json!([{"id": "framework", "relationship": ["framework"], "scheme": "ocid",
        "identifier": "ocds-a-fw-cloud"}]);
    let brief = json!({"ocid": "ocds-a-co-brief-1", "date": "2026-09-01T00:00:00Z",
        "buyer": {"id": "b"}, "relatedProcesses": link,
        "tender": {"tenderPeriod": {"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-02-01T00:00:00Z"}},
        "awards": [{"id": "a1", "status": "active", "date": "2026-02-11T09:00:00Z", "relatedLots": ["iaas"],
            "value": {"amount": 1000, "currency": "CLP"}, "suppliers": [{"id": "s"}]}],
        "contracts": [{"awardID": "a1", "value": {"amount": 1250, "currency": "CLP"},
            "amendments": [{"id": "1"}],
            "implementation": {
                "milestones": [
                    {"id": "m1", "type": "delivery", "status": "met", "dueDate": "2026-03-01T00:00:00Z",
                     "dateMet": "2026-02-28T00:00:00Z", "paymentDueDate": "2026-04-01T00:00:00Z",
                     "deliveries": [{"status": "rejected"}, {"status": "accepted"}]},
                    {"id": "m2", "type": "delivery", "status": "scheduled", "dueDate": "2026-05-01T00:00:00Z"}],
                "transactions": [{"id": "payment-m1", "date": "2026-04-03T00:00:00Z"}],
                "ratings": [{"quality": 4, "timeliness": 2, "communication": 3}],
                "benefitReports": [{"indicators": [{"met": true}, {"met": false}]}]}}]});
    let order = json!({"ocid": "ocds-a-co-order-2", "buyer": {"id": "b"}, "relatedProcesses": link,
        "awards": [{"id": "o", "status": "active", "date": "2026-03-01T00:00:00Z",
            "value": {"amount": 500, "currency": "CLP"}, "suppliers": [{"id": "s"}]}]});
    let report = run(Settings::default(), &[framework, brief, order]);
    let s = &report.marco.suppliers["s"];
    // The admission is not an award.
    assert_eq!((s.framework_admissions, s.awards), (1, 2));
    assert_eq!(s.contracts, 1);
    assert_eq!(s.amendment_value["CLP"], 250.0);
    assert_eq!(s.amendment_share["CLP"], 0.2);
    // m1 met a day early; m2 unmet past due on the release date.
    assert_eq!((s.milestones_on_time, s.milestones_late), (1, 1));
    assert_eq!((s.deliveries_accepted, s.deliveries_rejected), (1, 1));
    assert_eq!((s.ratings, s.rating_average), (1, Some(3.0)));
    assert_eq!((s.indicators_reported, s.indicators_met), (2, 1));
    let b = &report.marco.buyers["b"];
    // The framework's own process is not a purchase of its manager.
    assert_eq!(b.processes, 2);
    assert_eq!(b.spend_by_route["brief"]["CLP"], 1000.0);
    assert_eq!(b.spend_by_route["order"]["CLP"], 500.0);
    assert_eq!(b.spend_by_framework["ocds-a-fw-cloud"]["CLP"], 1500.0);
    assert_eq!(b.spend_by_lot["ocds-a-fw-cloud"]["iaas"]["CLP"], 1000.0);
    assert_eq!(b.spend_by_lot["ocds-a-fw-cloud"][""]["CLP"], 500.0);
    // Closed 1 February, awarded 11 February.
    assert_eq!((b.awards_timed, b.average_days_to_award), (1, Some(10.0)));
    // Paid two days after it fell due.
    assert_eq!((b.payments_on_time, b.payments_late), (0, 1));
    let whole = report
        .marco
        .markets
        .iter()
        .find(|m| m.framework.as_deref() == Some("ocds-a-fw-cloud") && m.lot.is_none())
        .unwrap();
    assert_eq!(
        (
            whole.awards,
            whole.active_suppliers,
            whole.admitted_suppliers
        ),
        (2, 1, Some(1))
    );
    assert_eq!(whole.hhi, Some(10_000.0));
}
