//! A direct-award project, after the UK G-Cloud buying process: the buyer saves searches of
//! the catalogue (and refines them), ends the search with a short list of 1 to 30 services,
//! assesses them and records one final outcome.
//!
//! ```text
//! searching → search ended → awarded
//!                          → cancelled (with a reason)
//!                          → none suitable (with a reason)
//! searching → cancelled (with a reason)
//! ```

use std::fmt;

/// The fewest results a search may end with.
pub const MIN_SHORTLIST: u64 = 1;
/// The most results a search may end with (G-Cloud's rule).
pub const MAX_SHORTLIST: u64 = 30;

/// Where a project stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProjectStatus {
    /// Saving and refining searches.
    Searching,
    /// The short list is frozen; the buyer assesses it.
    SearchEnded,
    /// A service on the short list was awarded. Final.
    Awarded,
    /// Stopped, with a reason. Final.
    Cancelled,
    /// None of the short list met the need, with a reason. Final.
    NoneSuitable,
}

/// A move a project cannot make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    /// Not allowed from the current status.
    #[error("a project that is {from} cannot become {to}")]
    Transition {
        /// Current status.
        from: ProjectStatus,
        /// Asked for.
        to: ProjectStatus,
    },
    /// The search has too few or too many results to end.
    #[error("a search ends with 1 to 30 results; this one has {0}")]
    ShortlistSize(u64),
}

impl ProjectStatus {
    /// Every status.
    pub const ALL: [ProjectStatus; 5] = [
        ProjectStatus::Searching,
        ProjectStatus::SearchEnded,
        ProjectStatus::Awarded,
        ProjectStatus::Cancelled,
        ProjectStatus::NoneSuitable,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Searching => "searching",
            ProjectStatus::SearchEnded => "search_ended",
            ProjectStatus::Awarded => "awarded",
            ProjectStatus::Cancelled => "cancelled",
            ProjectStatus::NoneSuitable => "none_suitable",
        }
    }

    /// The status stored as `raw`.
    pub fn parse(raw: &str) -> Option<ProjectStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The outcome is recorded; nothing changes any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ProjectStatus::Awarded | ProjectStatus::Cancelled | ProjectStatus::NoneSuitable
        )
    }

    /// Whether the project may move to `to`.
    pub fn check_transition(self, to: ProjectStatus) -> Result<(), ProjectError> {
        use ProjectStatus::*;
        match (self, to) {
            (Searching, SearchEnded)
            | (Searching, Cancelled)
            | (SearchEnded, Awarded)
            | (SearchEnded, Cancelled)
            | (SearchEnded, NoneSuitable) => Ok(()),
            _ => Err(ProjectError::Transition { from: self, to }),
        }
    }

    /// Ending the search with `results`: allowed from `searching` with 1 to 30 results.
    pub fn end_search(self, results: u64) -> Result<ProjectStatus, ProjectError> {
        self.check_transition(ProjectStatus::SearchEnded)?;
        if !(MIN_SHORTLIST..=MAX_SHORTLIST).contains(&results) {
            return Err(ProjectError::ShortlistSize(results));
        }
        Ok(ProjectStatus::SearchEnded)
    }
}

impl fmt::Display for ProjectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn status() -> impl Strategy<Value = ProjectStatus> {
        proptest::sample::select(ProjectStatus::ALL.to_vec())
    }

    #[test]
    fn a_search_ends_with_one_to_thirty_results() {
        let s = ProjectStatus::Searching;
        assert_eq!(s.end_search(0), Err(ProjectError::ShortlistSize(0)));
        assert_eq!(s.end_search(1), Ok(ProjectStatus::SearchEnded));
        assert_eq!(s.end_search(30), Ok(ProjectStatus::SearchEnded));
        assert_eq!(s.end_search(31), Err(ProjectError::ShortlistSize(31)));
        assert!(ProjectStatus::SearchEnded.end_search(5).is_err());
    }

    proptest! {
        #[test]
        fn outcomes_are_final_and_need_an_ended_search(from in status(), to in status(), n in 0u64..100) {
            prop_assert_eq!(ProjectStatus::parse(from.as_str()), Some(from));
            if from.is_final() {
                prop_assert!(from.check_transition(to).is_err());
                prop_assert!(from.end_search(n).is_err());
            }
            if from.check_transition(to).is_ok() && to == ProjectStatus::Awarded {
                prop_assert_eq!(from, ProjectStatus::SearchEnded);
            }
            if let Ok(next) = from.end_search(n) {
                prop_assert!((MIN_SHORTLIST..=MAX_SHORTLIST).contains(&n));
                prop_assert_eq!(next, ProjectStatus::SearchEnded);
            }
        }
    }
}
