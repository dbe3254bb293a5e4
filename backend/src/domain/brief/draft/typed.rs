//! The parts of a brief that passed the quality gate, typed: methods, pricing, weights, the
//! challenge, the business case.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain::money::Money;

/// An assessment method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// A written proposal.
    WrittenProposal,
    /// A case study.
    CaseStudy,
    /// References from earlier clients.
    Reference,
    /// A presentation to the panel.
    Presentation,
    /// A paid prototype challenge for the shortlisted suppliers.
    PrototypeChallenge,
}

impl Method {
    /// Every method, in form order.
    pub const ALL: [Method; 5] = [
        Method::WrittenProposal,
        Method::CaseStudy,
        Method::Reference,
        Method::Presentation,
        Method::PrototypeChallenge,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::WrittenProposal => "written_proposal",
            Method::CaseStudy => "case_study",
            Method::Reference => "reference",
            Method::Presentation => "presentation",
            Method::PrototypeChallenge => "prototype_challenge",
        }
    }

    /// The method stored as `raw`.
    pub fn parse(raw: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// How suppliers price their responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceBasis {
    /// A total price for the work.
    Fixed,
    /// A day rate.
    DayRate,
}

impl PriceBasis {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceBasis::Fixed => "fixed",
            PriceBasis::DayRate => "day_rate",
        }
    }

    /// The basis stored as `raw`.
    pub fn parse(raw: &str) -> Option<PriceBasis> {
        match raw.trim() {
            "fixed" => Some(PriceBasis::Fixed),
            "day_rate" => Some(PriceBasis::DayRate),
            _ => None,
        }
    }
}

/// The evaluation weights, percent, summing to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights {
    /// Technical competence.
    pub technical: u32,
    /// Cultural fit.
    pub cultural: u32,
    /// Price.
    pub price: u32,
}

/// The optional prototype challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// Paid to each shortlisted supplier.
    pub stipend: Money,
    /// How long it runs.
    pub weeks: u32,
    /// What must be delivered (an open repository link, a demo).
    pub deliverables: String,
    /// The challenge's own rubric.
    pub rubric: Vec<String>,
    /// Its share of the final score, percent.
    pub weight: u32,
}

/// One year of the total cost of ownership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearCost {
    /// The year.
    pub year: i32,
    /// The cost.
    pub cost: Money,
}

/// An expected benefit with a measurable indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator {
    /// What is measured.
    pub name: String,
    /// Its value today.
    pub baseline: String,
    /// The value aimed at.
    pub target: String,
    /// By when.
    pub by: NaiveDate,
}

/// The business case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessCase {
    /// The strategic objective served.
    pub objective: String,
    /// Options considered.
    pub options: Vec<String>,
    /// Total cost of ownership, per year.
    pub tco: Vec<YearCost>,
    /// Expected benefits.
    pub benefits: Vec<Indicator>,
    /// Main risks.
    pub risks: Vec<String>,
}

impl BusinessCase {
    /// The total cost of ownership over every year.
    pub fn total_cost(&self) -> Decimal {
        self.tco.iter().map(|y| y.cost.amount()).sum()
    }
}

/// A brief that passed the quality gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brief {
    /// Title.
    pub title: String,
    /// The problem.
    pub problem: String,
    /// Users and their needs.
    pub users: String,
    /// What exists today.
    pub existing: String,
    /// The outcome wanted.
    pub outcome: String,
    /// Lowest budget.
    pub budget_min: Money,
    /// Highest budget.
    pub budget_max: Money,
    /// Where.
    pub location: String,
    /// Working arrangements.
    pub working: String,
    /// Essential criteria.
    pub essential: Vec<String>,
    /// Nice-to-have criteria.
    pub nice: Vec<String>,
    /// Cultural-fit criteria.
    pub cultural: Vec<String>,
    /// Weights.
    pub weights: Weights,
    /// How suppliers price.
    pub price_basis: PriceBasis,
    /// Assessment methods.
    pub methods: Vec<Method>,
    /// End of the last day for questions (23:59:59 UTC).
    pub question_deadline: DateTime<Utc>,
    /// End of the closing day (23:59:59 UTC).
    pub closing: DateTime<Utc>,
    /// Suppliers to shortlist.
    pub shortlist: u32,
    /// The prototype challenge, when the methods include one.
    pub challenge: Option<Challenge>,
    /// The business case.
    pub business_case: BusinessCase,
}

impl Brief {
    /// The criteria the panel scores on written responses: essential, nice-to-have, cultural.
    pub fn criteria(&self) -> Vec<(CriterionKind, &str)> {
        self.essential
            .iter()
            .map(|c| (CriterionKind::Essential, c.as_str()))
            .chain(self.nice.iter().map(|c| (CriterionKind::Nice, c.as_str())))
            .chain(
                self.cultural
                    .iter()
                    .map(|c| (CriterionKind::Cultural, c.as_str())),
            )
            .collect()
    }
}

/// What a criterion counts towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CriterionKind {
    /// Essential: failing it fails the response; scored as technical.
    Essential,
    /// Nice to have; scored as technical.
    Nice,
    /// Cultural fit.
    Cultural,
}
