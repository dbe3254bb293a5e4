//! The gate's field checks: text in plain language within its limit, lists, amounts,
//! percentages, dates and numbers, and the business case's cost and benefit lines.

use chrono::NaiveDate;

use super::super::plain;
use super::*;
use crate::domain::money::{Money, parse_amount};

pub(super) fn day(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

pub(super) fn percent(raw: &str) -> Option<u32> {
    raw.trim().parse::<u32>().ok().filter(|p| *p <= 100)
}

pub(super) struct Gate<'a> {
    pub(super) draft: &'a Draft,
    pub(super) problems: Vec<Problem>,
}

impl Gate<'_> {
    pub(super) fn add(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// Text that must be there, within `max` characters, in plain language.
    pub(super) fn text(&mut self, field: &'static str, max: usize, required: bool) -> String {
        let value = self.draft.get(field).trim().to_owned();
        if value.is_empty() {
            if required {
                self.add(Problem::new(field, "required"));
            }
            return value;
        }
        self.readable(field, &value, max);
        value
    }

    pub(super) fn readable(&mut self, field: &'static str, value: &str, max: usize) {
        let chars = value.chars().count();
        if chars > max {
            self.add(Problem::new(field, "too_long").with("max", max));
        } else if let Some(hint) = plain::jargon(value) {
            self.add(
                Problem::new(field, "jargon")
                    .with("avoid", hint.avoid)
                    .with("instead", hint.instead),
            );
        } else if let Some(words) = plain::long_sentence(value) {
            self.add(
                Problem::new(field, "long_sentence")
                    .with("words", words)
                    .with("max", plain::MAX_SENTENCE_WORDS),
            );
        }
    }

    /// A list of `min` to 20 entries of at most 300 characters each.
    pub(super) fn list(&mut self, field: &'static str, min: usize) -> Vec<String> {
        let entries = lines(self.draft.get(field));
        if entries.is_empty() && min > 0 {
            self.add(Problem::new(field, "required"));
        } else if entries.len() < min {
            self.add(Problem::new(field, "too_few").with("min", min));
        } else if entries.len() > ENTRIES_MAX {
            self.add(Problem::new(field, "too_many").with("max", ENTRIES_MAX));
        } else {
            let before = self.problems.len();
            for entry in &entries {
                self.readable(field, entry, ENTRY_MAX);
                if self.problems.len() > before {
                    break;
                }
            }
        }
        entries
    }

    pub(super) fn money(&mut self, field: &'static str, currency: Option<&str>) -> Option<Money> {
        let raw = self.draft.get(field).trim();
        if raw.is_empty() {
            self.add(Problem::new(field, "required"));
            return None;
        }
        let amount = parse_amount(raw).ok().filter(|a| !a.is_zero());
        let Some(amount) = amount else {
            self.add(Problem::new(field, "amount"));
            return None;
        };
        Money::parse(&amount.to_string(), currency?).ok()
    }

    pub(super) fn weight(&mut self, field: &'static str) -> Option<u32> {
        let raw = self.draft.get(field).trim();
        if raw.is_empty() {
            self.add(Problem::new(field, "required"));
            return None;
        }
        let p = percent(raw);
        if p.is_none() {
            self.add(Problem::new(field, "percent"));
        }
        p
    }

    pub(super) fn date(&mut self, field: &'static str) -> Option<NaiveDate> {
        let raw = self.draft.get(field).trim();
        if raw.is_empty() {
            self.add(Problem::new(field, "required"));
            return None;
        }
        let d = day(raw);
        if d.is_none() {
            self.add(Problem::new(field, "date"));
        }
        d
    }

    pub(super) fn number(
        &mut self,
        field: &'static str,
        range: std::ops::RangeInclusive<u32>,
    ) -> Option<u32> {
        let n = self
            .draft
            .get(field)
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| range.contains(n));
        if n.is_none() {
            let code = match field {
                "shortlist" => "shortlist",
                "challenge_weeks" => "weeks",
                _ => "challenge_weight",
            };
            self.add(Problem::new(field, code));
        }
        n
    }
}

pub(super) fn tco(gate: &mut Gate<'_>, currency: Option<&str>) -> Vec<YearCost> {
    let mut years = Vec::new();
    let entries = lines(gate.draft.get("bc_tco"));
    if entries.is_empty() {
        gate.add(Problem::new("bc_tco", "required"));
    }
    for (i, entry) in entries.iter().enumerate() {
        let parsed = entry.split_once(':').and_then(|(y, a)| {
            let year = y
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))?;
            let amount = parse_amount(a.trim()).ok()?;
            Some((year, amount))
        });
        match parsed {
            Some((year, _)) if years.iter().any(|c: &YearCost| c.year == year) => {
                gate.add(Problem::new("bc_tco", "tco_year").with("line", i + 1));
                break;
            }
            Some((year, amount)) => {
                if let Some(cost) = currency
                    .and_then(|c| Money::new(amount, crate::domain::money::currency(c).ok()?).ok())
                {
                    years.push(YearCost { year, cost });
                }
            }
            None => {
                gate.add(Problem::new("bc_tco", "tco_line").with("line", i + 1));
                break;
            }
        }
    }
    years
}

pub(super) fn benefits(gate: &mut Gate<'_>) -> Vec<Indicator> {
    let mut found = Vec::new();
    let entries = lines(gate.draft.get("bc_benefits"));
    if entries.is_empty() {
        gate.add(Problem::new("bc_benefits", "required"));
    }
    for (i, entry) in entries.iter().enumerate() {
        let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
        let parsed = match parts.as_slice() {
            [name, baseline, target, by]
                if !name.is_empty() && !baseline.is_empty() && !target.is_empty() =>
            {
                day(by).map(|by| Indicator {
                    name: (*name).to_owned(),
                    baseline: (*baseline).to_owned(),
                    target: (*target).to_owned(),
                    by,
                })
            }
            _ => None,
        };
        match parsed {
            Some(indicator) => {
                gate.readable("bc_benefits", &indicator.name, ENTRY_MAX);
                found.push(indicator);
            }
            None => {
                gate.add(Problem::new("bc_benefits", "benefit_line").with("line", i + 1));
                break;
            }
        }
    }
    if found.len() > ENTRIES_MAX {
        gate.add(Problem::new("bc_benefits", "too_many").with("max", ENTRIES_MAX));
    }
    found
}
