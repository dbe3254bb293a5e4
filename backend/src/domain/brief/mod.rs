//! A brief: a challenge-based purchase from a framework's outcomes or specialists lot, after
//! the UK Digital Outcomes and Specialists briefs and 18F's agile purchases judged on a
//! prototype. The buyer describes the problem, not the solution, with a business case; the
//! suppliers on the lot ask questions and respond in sealed responses; a panel scores them
//! blind; an optional paid prototype challenge decides between the best; the award waits a
//! standstill period, during which a supplier may complain, before the contract is made.
//!
//! ```text
//! draft → live → closed → (challenge →) standstill → contracted
//!         live → withdrawn        closed/challenge/standstill → not awarded
//! ```
//!
//! - [`draft`]: the brief as typed ([`draft::Draft`]), and the quality gate that turns it into
//!   a checked [`draft::Brief`] or names each problem where it is.
//! - [`plain`]: the plain-language hints, in English and Spanish.
//! - [`scoring`]: scores 0 to 4, weighted totals, the ranking, and the two stages combined.

pub mod draft;
pub mod plain;
pub mod response;
pub mod scoring;

use std::fmt;

/// Where a brief stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BriefStatus {
    /// Being written; only its organisation sees it.
    Draft,
    /// Published: suppliers ask questions and respond until the closing time.
    Live,
    /// Closed: the responses are open to the panel, which scores them.
    Closed,
    /// The prototype challenge runs with the shortlisted suppliers.
    Challenge,
    /// Awarded; the standstill period runs before the contract is made.
    Standstill,
    /// The contract is made. Final.
    Contracted,
    /// Withdrawn by the buyer, with a reason. Final.
    Withdrawn,
    /// Closed without an award, with a reason. Final.
    NotAwarded,
}

/// A move a brief cannot make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a brief that is {from} cannot become {to}")]
pub struct BriefTransitionError {
    /// Current status.
    pub from: BriefStatus,
    /// Asked for.
    pub to: BriefStatus,
}

impl BriefStatus {
    /// Every status.
    pub const ALL: [BriefStatus; 8] = [
        BriefStatus::Draft,
        BriefStatus::Live,
        BriefStatus::Closed,
        BriefStatus::Challenge,
        BriefStatus::Standstill,
        BriefStatus::Contracted,
        BriefStatus::Withdrawn,
        BriefStatus::NotAwarded,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BriefStatus::Draft => "draft",
            BriefStatus::Live => "live",
            BriefStatus::Closed => "closed",
            BriefStatus::Challenge => "challenge",
            BriefStatus::Standstill => "standstill",
            BriefStatus::Contracted => "contracted",
            BriefStatus::Withdrawn => "withdrawn",
            BriefStatus::NotAwarded => "not_awarded",
        }
    }

    /// The status stored as `raw`.
    pub fn parse(raw: &str) -> Option<BriefStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Nothing changes any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            BriefStatus::Contracted | BriefStatus::Withdrawn | BriefStatus::NotAwarded
        )
    }

    /// Seen in public (`/opportunities`): everything but drafts.
    pub fn is_public(self) -> bool {
        self != BriefStatus::Draft
    }

    /// The responses are sealed: before the closing time nobody may read them or count them.
    pub fn is_sealed(self) -> bool {
        matches!(self, BriefStatus::Draft | BriefStatus::Live)
    }

    /// Whether the brief may move to `to`.
    pub fn check_transition(self, to: BriefStatus) -> Result<(), BriefTransitionError> {
        use BriefStatus::*;
        match (self, to) {
            (Draft, Live)
            | (Draft, Withdrawn)
            | (Live, Closed)
            | (Live, Withdrawn)
            | (Closed, Challenge)
            | (Closed, Standstill)
            | (Closed, NotAwarded)
            | (Challenge, Standstill)
            | (Challenge, NotAwarded)
            | (Standstill, Contracted)
            | (Standstill, NotAwarded) => Ok(()),
            _ => Err(BriefTransitionError { from: self, to }),
        }
    }
}

impl fmt::Display for BriefStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a brief's business case stands with the category reviewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewStatus {
    /// The budget is at or below the review threshold.
    NotNeeded,
    /// Needed, not yet asked for.
    NotRequested,
    /// Asked for; waiting for a reviewer.
    Pending,
    /// Approved: the brief may be published.
    Approved,
    /// Refused, with reasons; the buyer changes the case and asks again.
    Refused,
}

impl ReviewStatus {
    /// Every status.
    pub const ALL: [ReviewStatus; 5] = [
        ReviewStatus::NotNeeded,
        ReviewStatus::NotRequested,
        ReviewStatus::Pending,
        ReviewStatus::Approved,
        ReviewStatus::Refused,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::NotNeeded => "not_needed",
            ReviewStatus::NotRequested => "not_requested",
            ReviewStatus::Pending => "pending",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Refused => "refused",
        }
    }

    /// The status stored as `raw`.
    pub fn parse(raw: &str) -> Option<ReviewStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether a brief in this review state may be published.
    pub fn allows_publishing(self) -> bool {
        matches!(self, ReviewStatus::NotNeeded | ReviewStatus::Approved)
    }

    /// The review state after the business case or budget changed: an approval holds only
    /// for the case it approved, so a change asks for review again.
    pub fn after_change(needed: bool) -> ReviewStatus {
        if needed {
            ReviewStatus::NotRequested
        } else {
            ReviewStatus::NotNeeded
        }
    }
}

/// The scoring stage a score belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The written responses.
    Proposal,
    /// The prototype challenge.
    Challenge,
}

impl Stage {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Proposal => "proposal",
            Stage::Challenge => "challenge",
        }
    }

    /// The stage stored as `raw`.
    pub fn parse(raw: &str) -> Option<Stage> {
        [Stage::Proposal, Stage::Challenge]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Words in a supplier's question: at most 100.
pub const MAX_QUESTION_WORDS: usize = 100;
/// Days an answer must leave before closing; a later answer moves the closing date.
pub const ANSWER_MARGIN_DAYS: i64 = 2;
/// The fewest people on an evaluation panel.
pub const MIN_PANEL: usize = 2;

/// How many words `text` has.
pub fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn status() -> impl Strategy<Value = BriefStatus> {
        proptest::sample::select(BriefStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn final_briefs_never_move(from in status(), to in status()) {
            if from.is_final() {
                prop_assert!(from.check_transition(to).is_err());
            }
        }

        #[test]
        fn a_brief_never_goes_back_to_draft_or_live(from in status()) {
            prop_assert!(from.check_transition(BriefStatus::Draft).is_err());
            if from != BriefStatus::Draft {
                prop_assert!(from.check_transition(BriefStatus::Live).is_err());
            }
        }

        #[test]
        fn statuses_round_trip(s in status()) {
            prop_assert_eq!(BriefStatus::parse(s.as_str()), Some(s));
        }

        #[test]
        fn sealed_briefs_cannot_be_awarded(from in status()) {
            if from.is_sealed() {
                prop_assert!(from.check_transition(BriefStatus::Standstill).is_err());
                prop_assert!(from.check_transition(BriefStatus::Challenge).is_err());
            }
        }
    }

    #[test]
    fn a_contract_needs_an_award_first() {
        for from in BriefStatus::ALL {
            let allowed = from.check_transition(BriefStatus::Contracted).is_ok();
            assert_eq!(allowed, from == BriefStatus::Standstill, "{from}");
        }
    }

    #[test]
    fn an_approval_holds_only_for_what_it_approved() {
        assert_eq!(ReviewStatus::after_change(true), ReviewStatus::NotRequested);
        assert!(!ReviewStatus::NotRequested.allows_publishing());
        assert!(!ReviewStatus::Pending.allows_publishing());
        assert!(!ReviewStatus::Refused.allows_publishing());
        assert!(ReviewStatus::Approved.allows_publishing());
        assert!(ReviewStatus::NotNeeded.allows_publishing());
        for r in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn words_are_counted_by_whitespace() {
        assert_eq!(words("  How  many\nusers are there? "), 5);
        assert_eq!(words(""), 0);
    }
}
