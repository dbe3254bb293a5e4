//! `ocds stats`: counts of ocids, releases, tags, parties and awards, and award value by currency.
//!
//! Awards and parties are counted once per (ocid, id), whichever releases repeat them; an
//! award's value is its latest one (by input order), so update releases are not double counted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::ExitCode;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::Inputs;
use super::input::{self, Event};

/// Arguments of `ocds stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Default)]
struct Stats {
    releases: u64,
    ocids: HashSet<String>,
    tags: BTreeMap<String, u64>,
    parties: HashSet<(String, String)>,
    roles: BTreeMap<String, u64>,
    awards: HashMap<(String, String), Option<(String, Decimal)>>,
    linked_only: u64,
}

/// Runs `ocds stats`.
pub fn run(args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let mut stats = Stats::default();
    input::read(
        &args.inputs.files,
        !args.inputs.no_progress,
        false,
        &mut |event| {
            match event {
                Event::Release(release) => stats.add(&release),
                Event::LinkedOnly(_) => stats.linked_only += 1,
                Event::Package(_) | Event::RawRelease { .. } | Event::RawLines { .. } => {}
            }
            Ok(())
        },
    )?;
    let report = stats.report();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_text(&report);
    }
    Ok(ExitCode::SUCCESS)
}

impl Stats {
    fn add(&mut self, release: &Value) {
        self.releases += 1;
        let ocid = release
            .get("ocid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        for tag in release
            .get("tag")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            *self.tags.entry(tag.to_owned()).or_default() += 1;
        }
        for party in release
            .get("parties")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(id) = party.get("id").and_then(Value::as_str) else {
                continue;
            };
            if self.parties.insert((ocid.clone(), id.to_owned())) {
                for role in party
                    .get("roles")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    *self.roles.entry(role.to_owned()).or_default() += 1;
                }
            }
        }
        for award in release
            .get("awards")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(id) = award.get("id").map(id_string) else {
                continue;
            };
            let entry = self.awards.entry((ocid.clone(), id)).or_default();
            if let Some(value) = award.get("value").and_then(money) {
                *entry = Some(value);
            }
        }
        self.ocids.insert(ocid);
    }

    fn report(&self) -> Value {
        let mut by_currency: BTreeMap<String, Decimal> = BTreeMap::new();
        for (currency, amount) in self.awards.values().flatten() {
            *by_currency.entry(currency.clone()).or_default() += *amount;
        }
        let values: serde_json::Map<String, Value> = by_currency
            .into_iter()
            .map(|(c, a)| (c, Value::from(a.to_string())))
            .collect();
        json!({
            "ocids": self.ocids.len(),
            "releases": self.releases,
            "tags": self.tags,
            "parties": self.parties.len(),
            "partyRoles": self.roles,
            "awards": self.awards.len(),
            "awardValueByCurrency": values,
            "linkedOnlyRecords": self.linked_only,
        })
    }
}

fn id_string(id: &Value) -> String {
    id.as_str().map_or_else(|| id.to_string(), str::to_owned)
}

/// A `Value` object's currency and exact decimal amount.
fn money(value: &Value) -> Option<(String, Decimal)> {
    let currency = value.get("currency").and_then(Value::as_str)?.to_owned();
    let amount = value.get("amount").filter(|a| a.is_number())?.to_string();
    let amount = Decimal::from_str(&amount)
        .or_else(|_| Decimal::from_scientific(&amount))
        .ok()?;
    Some((currency, amount))
}

fn print_text(report: &Value) {
    for key in [
        "ocids",
        "releases",
        "parties",
        "awards",
        "linkedOnlyRecords",
    ] {
        println!("{key:<20} {}", report[key]);
    }
    for (title, key) in [
        ("tags", "tags"),
        ("party roles", "partyRoles"),
        ("award value", "awardValueByCurrency"),
    ] {
        println!("{title}:");
        for (name, count) in report[key].as_object().into_iter().flatten() {
            println!(
                "  {name:<28} {}",
                count
                    .as_str()
                    .map_or_else(|| count.to_string(), str::to_owned)
            );
        }
    }
}
