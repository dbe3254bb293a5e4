//! Changes to a contract: what they are, where they stand, and when a second person at the
//! buyer must approve one.

use rust_decimal::Decimal;

/// What a change does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A later end date.
    Extension,
    /// A new value or end date, or both, with a reason.
    Variation,
    /// The contract ends early, with a reason.
    Termination,
    /// A new module with the same supplier: scope, price, period and milestones.
    Module,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [ChangeKind; 4] = [
        ChangeKind::Extension,
        ChangeKind::Variation,
        ChangeKind::Termination,
        ChangeKind::Module,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Extension => "extension",
            ChangeKind::Variation => "variation",
            ChangeKind::Termination => "termination",
            ChangeKind::Module => "module",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Whether the supplier may ask for it (the buyer decides). New modules are the buyer's.
    pub fn supplier_may_ask(self) -> bool {
        !matches!(self, ChangeKind::Module)
    }
}

/// Where a change stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeStatus {
    /// The supplier asked; the buyer decides.
    AwaitingBuyer,
    /// Asked by the buyer and above the approval threshold: a colleague with `can_award`
    /// other than the one who asked must approve it.
    AwaitingApproval,
    /// Made. Final.
    Approved,
    /// Refused, with a reason. Final.
    Refused,
}

impl ChangeStatus {
    /// Every state.
    pub const ALL: [ChangeStatus; 4] = [
        ChangeStatus::AwaitingBuyer,
        ChangeStatus::AwaitingApproval,
        ChangeStatus::Approved,
        ChangeStatus::Refused,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::AwaitingBuyer => "awaiting_buyer",
            ChangeStatus::AwaitingApproval => "awaiting_approval",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Refused => "refused",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> Option<ChangeStatus> {
        ChangeStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether a decision is still to be taken.
    pub fn open(self) -> bool {
        matches!(
            self,
            ChangeStatus::AwaitingBuyer | ChangeStatus::AwaitingApproval
        )
    }
}

/// Whether a change that takes the contract's value to `new_value` needs a second approver:
/// when the value would rise above the original by more than `share` of the original (0.20
/// is 20 %). Changes that keep or lower the value never do.
pub fn needs_second_approver(
    original: Decimal,
    current: Decimal,
    new_value: Decimal,
    share: Decimal,
) -> bool {
    if new_value <= current {
        return false;
    }
    let limit = original + original * share;
    new_value > limit
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_threshold_is_a_share_of_the_original() {
        let share = dec("0.20");
        assert!(!needs_second_approver(
            dec("100"),
            dec("100"),
            dec("120"),
            share
        ));
        assert!(needs_second_approver(
            dec("100"),
            dec("100"),
            dec("120.01"),
            share
        ));
        // Small steps that add up still cross it.
        assert!(needs_second_approver(
            dec("100"),
            dec("115"),
            dec("125"),
            share
        ));
        // Lowering never needs it.
        assert!(!needs_second_approver(
            dec("100"),
            dec("150"),
            dec("140"),
            share
        ));
        assert!(!needs_second_approver(
            dec("100"),
            dec("100"),
            dec("100"),
            dec("0")
        ));
    }

    #[test]
    fn stored_values_round_trip() {
        for k in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(k.as_str()), Some(k));
        }
        for s in ChangeStatus::ALL {
            assert_eq!(ChangeStatus::parse(s.as_str()), Some(s));
        }
        assert!(!ChangeKind::Module.supplier_may_ask());
        assert!(ChangeStatus::AwaitingApproval.open());
        assert!(!ChangeStatus::Refused.open());
    }

    proptest! {
        /// Approval is needed exactly when the new value passes original × (1 + share) and
        /// rises; the rule never depends on how the rise was split into steps.
        #[test]
        fn approval_follows_the_limit(
            original in 1u64..10_000_000,
            current_pct in 50u64..200,
            new_pct in 0u64..300,
            share_pct in 0u64..100,
        ) {
            let original = Decimal::from(original);
            let current = original * Decimal::from(current_pct) / dec("100");
            let new_value = original * Decimal::from(new_pct) / dec("100");
            let share = Decimal::from(share_pct) / dec("100");
            let needed = needs_second_approver(original, current, new_value, share);
            prop_assert_eq!(needed, new_value > current && new_value > original * (Decimal::ONE + share));
        }
    }
}
