//! A call-off contract's delivery, after the OECD's advice to buy technology in small modules:
//! each milestone's life (delivered with evidence, accepted or rejected by the buyer, paid),
//! changes to the contract and when they need a second approver, the buyer's ratings of the
//! supplier and when they become public, and the six-monthly benefit reports against a
//! business case. Pure rules: no database, no HTTP.
//!
//! ```text
//! planned → delivered → accepted → paid
//!    ↑          │
//!    └─ rejected ←┘ (the supplier delivers again)
//! ```

mod benefit;
mod change;
mod rating;

pub use benefit::{IndicatorResult, REPORT_MONTHS, REPORT_YEARS_AFTER, report_schedule};
pub use change::{ChangeKind, ChangeStatus, needs_second_approver};
pub use rating::{Averages, COMMENT_MAX, RATING_PUBLIC_DAYS, Rating, RatingError, public_at};

use chrono::{DateTime, Duration, Utc};

/// Who acts on a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The buying organisation.
    Buyer,
    /// The supplier the contract is with.
    Supplier,
}

impl Side {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buyer => "buyer",
            Side::Supplier => "supplier",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> Option<Side> {
        match raw {
            "buyer" => Some(Side::Buyer),
            "supplier" => Some(Side::Supplier),
            _ => None,
        }
    }
}

/// Where a milestone stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MilestoneStatus {
    /// Planned, not yet delivered.
    Planned,
    /// Delivered, waiting for the buyer's decision.
    Delivered,
    /// The last delivery was rejected; the supplier delivers again.
    Rejected,
    /// Accepted: the payment falls due.
    Accepted,
    /// Paid. Final.
    Paid,
}

/// Something done to a milestone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MilestoneAction {
    /// The supplier delivers, with evidence.
    Deliver,
    /// The buyer accepts the delivery.
    Accept,
    /// The buyer rejects the delivery, with a reason.
    Reject,
    /// The buyer records the payment.
    Pay,
}

/// Why a milestone action was refused: a stable code for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MilestoneRefusal {
    /// The other side takes this action.
    #[error("wrong_side")]
    WrongSide,
    /// Not from this state.
    #[error("not_allowed_now")]
    NotNow,
}

impl MilestoneRefusal {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            MilestoneRefusal::WrongSide => "wrong_side",
            MilestoneRefusal::NotNow => "milestone_not_ready",
        }
    }
}

impl MilestoneStatus {
    /// Every state.
    pub const ALL: [MilestoneStatus; 5] = [
        MilestoneStatus::Planned,
        MilestoneStatus::Delivered,
        MilestoneStatus::Rejected,
        MilestoneStatus::Accepted,
        MilestoneStatus::Paid,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneStatus::Planned => "planned",
            MilestoneStatus::Delivered => "delivered",
            MilestoneStatus::Rejected => "rejected",
            MilestoneStatus::Accepted => "accepted",
            MilestoneStatus::Paid => "paid",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> Option<MilestoneStatus> {
        MilestoneStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The side that takes `action`.
    pub fn side_of(action: MilestoneAction) -> Side {
        match action {
            MilestoneAction::Deliver => Side::Supplier,
            MilestoneAction::Accept | MilestoneAction::Reject | MilestoneAction::Pay => Side::Buyer,
        }
    }

    /// The state after `side` takes `action`, or why not.
    pub fn apply(
        self,
        action: MilestoneAction,
        side: Side,
    ) -> Result<MilestoneStatus, MilestoneRefusal> {
        if MilestoneStatus::side_of(action) != side {
            return Err(MilestoneRefusal::WrongSide);
        }
        use MilestoneAction as A;
        use MilestoneStatus as S;
        match (self, action) {
            (S::Planned | S::Rejected, A::Deliver) => Ok(S::Delivered),
            (S::Delivered, A::Accept) => Ok(S::Accepted),
            (S::Delivered, A::Reject) => Ok(S::Rejected),
            (S::Accepted, A::Pay) => Ok(S::Paid),
            _ => Err(MilestoneRefusal::NotNow),
        }
    }

    /// Whether the milestone is met (accepted, and perhaps paid).
    pub fn met(self) -> bool {
        matches!(self, MilestoneStatus::Accepted | MilestoneStatus::Paid)
    }
}

/// By when the buyer must decide on a delivery made at `delivered_at`.
pub fn decide_by(delivered_at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    delivered_at + Duration::days(i64::from(days))
}

/// Whether a payment due at `due` is late at `now` (unpaid) or was paid late.
pub fn payment_late(
    due: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    match paid_at {
        Some(paid) => paid > due,
        None => now > due,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn action() -> impl Strategy<Value = (MilestoneAction, Side)> {
        (
            prop::sample::select(vec![
                MilestoneAction::Deliver,
                MilestoneAction::Accept,
                MilestoneAction::Reject,
                MilestoneAction::Pay,
            ]),
            prop::sample::select(vec![Side::Buyer, Side::Supplier]),
        )
    }

    #[test]
    fn the_happy_path_and_a_rejection() {
        use MilestoneAction as A;
        let s = MilestoneStatus::Planned;
        let s = s.apply(A::Deliver, Side::Supplier).unwrap();
        let s = s.apply(A::Reject, Side::Buyer).unwrap();
        assert_eq!(s, MilestoneStatus::Rejected);
        let s = s.apply(A::Deliver, Side::Supplier).unwrap();
        let s = s.apply(A::Accept, Side::Buyer).unwrap();
        assert_eq!(
            s.apply(A::Accept, Side::Buyer),
            Err(MilestoneRefusal::NotNow)
        );
        let s = s.apply(A::Pay, Side::Buyer).unwrap();
        assert_eq!(s, MilestoneStatus::Paid);
    }

    #[test]
    fn paying_before_acceptance_and_the_wrong_side_are_refused() {
        use MilestoneAction as A;
        for s in [
            MilestoneStatus::Planned,
            MilestoneStatus::Delivered,
            MilestoneStatus::Rejected,
        ] {
            assert_eq!(s.apply(A::Pay, Side::Buyer), Err(MilestoneRefusal::NotNow));
        }
        assert_eq!(
            MilestoneStatus::Delivered.apply(A::Accept, Side::Supplier),
            Err(MilestoneRefusal::WrongSide)
        );
        assert_eq!(
            MilestoneStatus::Planned.apply(A::Deliver, Side::Buyer),
            Err(MilestoneRefusal::WrongSide)
        );
    }

    #[test]
    fn stored_values_round_trip() {
        for s in MilestoneStatus::ALL {
            assert_eq!(MilestoneStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(MilestoneStatus::parse("done"), None);
        assert_eq!(Side::parse("buyer"), Some(Side::Buyer));
    }

    #[test]
    fn late_payments() {
        let due = DateTime::parse_from_rfc3339("2026-06-30T00:00:00Z")
            .unwrap()
            .to_utc();
        assert!(!payment_late(due, Some(due), due + Duration::days(9)));
        assert!(payment_late(due, Some(due + Duration::days(1)), due));
        assert!(payment_late(due, None, due + Duration::seconds(1)));
        assert!(!payment_late(due, None, due));
    }

    proptest! {
        /// Whatever is tried in whatever order, a milestone is only paid after it was
        /// accepted, only accepted after a delivery, and each side only takes its own actions.
        #[test]
        fn no_sequence_pays_without_acceptance(steps in prop::collection::vec(action(), 0..40)) {
            let mut s = MilestoneStatus::Planned;
            let mut accepted = false;
            for (a, side) in steps {
                let before = s;
                match s.apply(a, side) {
                    Ok(next) => {
                        prop_assert_eq!(MilestoneStatus::side_of(a), side);
                        if next == MilestoneStatus::Paid {
                            prop_assert!(accepted && before == MilestoneStatus::Accepted);
                        }
                        if next == MilestoneStatus::Accepted {
                            prop_assert_eq!(before, MilestoneStatus::Delivered);
                            accepted = true;
                        }
                        s = next;
                    }
                    Err(_) => prop_assert_eq!(s, before),
                }
            }
            if s == MilestoneStatus::Paid {
                prop_assert!(s.apply(MilestoneAction::Pay, Side::Buyer).is_err());
            }
        }
    }
}
