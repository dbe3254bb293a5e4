//! The period, framework, lot, buyer and supplier filters as a query string: parsed with a
//! message for each bad field, shown back in the form, and written out again for downloads.

use chrono::NaiveDate;
use marco_frontend::analytics::ScopeForm;
use marco_frontend::i18n::Tr;
use serde::Deserialize;

use crate::analytics::scope::Scope;
use crate::frameworks::directory::Named;

/// The filters as sent.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
pub(crate) struct ScopeQuery {
    /// On or after this day (YYYY-MM-DD), by award date or else the tender's start.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub(crate) from: Option<String>,
    /// On or before this day (YYYY-MM-DD).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub(crate) to: Option<String>,
    /// The framework's ocid.
    pub(crate) framework: Option<String>,
    /// A lot id of that framework.
    pub(crate) lot: Option<String>,
    /// A buyer's party id.
    pub(crate) buyer: Option<String>,
    /// A supplier's party id.
    pub(crate) supplier: Option<String>,
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl ScopeQuery {
    /// The scope, and a (field, message) for each filter that could not be read; a bad filter
    /// is left out rather than guessed. Forms send empty fields for "any"; `strict` (the API
    /// and downloads) refuses an empty date as any other value that is not a date.
    pub(crate) fn parse(&self, tr: &Tr, strict: bool) -> (Scope, Vec<(String, String)>) {
        let mut errors = Vec::new();
        let mut date = |field: &str, v: &Option<String>| {
            let raw = match (given(v), v) {
                (Some(raw), _) => raw,
                (None, Some(_)) if strict => {
                    let label = tr.t(&format!("an-{field}"));
                    errors.push((field.to_owned(), tr.ta("an-err-date", &[("field", label)])));
                    return None;
                }
                (None, _) => return None,
            };
            match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    let label = tr.t(&format!("an-{field}"));
                    errors.push((field.to_owned(), tr.ta("an-err-date", &[("field", label)])));
                    None
                }
            }
        };
        let from = date("from", &self.from);
        let to = date("to", &self.to);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            errors.push(("from".to_owned(), tr.t("an-err-order")));
        }
        (
            Scope {
                from,
                to,
                framework: given(&self.framework),
                lot: given(&self.lot),
                buyer: given(&self.buyer),
                supplier: given(&self.supplier),
            },
            errors,
        )
    }

    /// `?from=…&…` with the given filters, or nothing.
    pub(crate) fn query_string(&self, extra: &[(&str, &Option<String>)]) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        for (k, v) in extra.iter().copied().chain([
            ("from", &self.from),
            ("to", &self.to),
            ("framework", &self.framework),
            ("lot", &self.lot),
            ("buyer", &self.buyer),
            ("supplier", &self.supplier),
        ]) {
            if let Some(v) = given(v) {
                parts.push((k, v));
            }
        }
        match serde_urlencoded::to_string(&parts) {
            Ok(q) if !q.is_empty() => format!("?{q}"),
            _ => String::new(),
        }
    }

    /// The form showing these filters, with `frameworks` to choose from (empty: no choice)
    /// and the lots of the chosen one.
    pub(crate) fn form(
        &self,
        action: &str,
        errors: Vec<(String, String)>,
        frameworks: &[Named],
        choose_framework: bool,
        supplier: bool,
    ) -> ScopeForm {
        let chosen_fw = given(&self.framework);
        let chosen_lot = given(&self.lot);
        let lots = frameworks
            .iter()
            .find(|f| Some(&f.ocid) == chosen_fw.as_ref())
            .map(|f| {
                f.lots
                    .iter()
                    .map(|(slug, name)| {
                        (
                            slug.clone(),
                            name.clone(),
                            Some(slug) == chosen_lot.as_ref(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        ScopeForm {
            action: action.to_owned(),
            from: self.from.clone().unwrap_or_default(),
            to: self.to.clone().unwrap_or_default(),
            frameworks: if choose_framework {
                frameworks
                    .iter()
                    .map(|f| {
                        (
                            f.ocid.clone(),
                            f.name.clone(),
                            Some(&f.ocid) == chosen_fw.as_ref(),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
            lots,
            buyer: self.buyer.clone().unwrap_or_default(),
            supplier: supplier.then(|| self.supplier.clone().unwrap_or_default()),
            errors,
            hidden: Vec::new(),
        }
    }
}
