//! The life of a framework agreement iteration: its states, the one legal order between them,
//! its timetable, and what suppliers and managers may do in each state.

use chrono::{DateTime, Utc};

/// Where a framework is in its life. The only order is coming → open → pending → standstill →
/// live → expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FrameworkStatus {
    /// Announced; suppliers cannot apply yet.
    Coming,
    /// Open for applications until the deadline.
    Open,
    /// Applications closed; evaluation in progress.
    Pending,
    /// Results sent; agreements are signed; the standstill period runs.
    Standstill,
    /// Buyers can find and buy the services.
    Live,
    /// Ended; its services are no longer available.
    Expired,
}

/// Why a transition was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Not the next state in the order.
    #[error("a framework that is {from} cannot become {to}; the next state is {}", next_name(*.from))]
    OutOfOrder {
        /// Current state.
        from: FrameworkStatus,
        /// Requested state.
        to: FrameworkStatus,
    },
    /// Evaluation is unfinished.
    #[error("{0} submitted applications have not been evaluated")]
    Unevaluated(u64),
}

fn next_name(from: FrameworkStatus) -> &'static str {
    from.next().map(FrameworkStatus::as_str).unwrap_or("none")
}

impl std::fmt::Display for FrameworkStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FrameworkStatus {
    /// Every state in order.
    pub const ALL: [FrameworkStatus; 6] = [
        FrameworkStatus::Coming,
        FrameworkStatus::Open,
        FrameworkStatus::Pending,
        FrameworkStatus::Standstill,
        FrameworkStatus::Live,
        FrameworkStatus::Expired,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FrameworkStatus::Coming => "coming",
            FrameworkStatus::Open => "open",
            FrameworkStatus::Pending => "pending",
            FrameworkStatus::Standstill => "standstill",
            FrameworkStatus::Live => "live",
            FrameworkStatus::Expired => "expired",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<FrameworkStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The state after this one, if any.
    pub fn next(self) -> Option<FrameworkStatus> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        Self::ALL.get(i + 1).copied()
    }

    /// Checks that `to` directly follows `self`.
    pub fn check_transition(self, to: FrameworkStatus) -> Result<(), TransitionError> {
        if self.next() == Some(to) {
            Ok(())
        } else {
            Err(TransitionError::OutOfOrder { from: self, to })
        }
    }
}

/// The published timetable of one iteration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timetable {
    /// Clarification questions close.
    pub clarifications_close_at: DateTime<Utc>,
    /// Applications close.
    pub applications_close_at: DateTime<Utc>,
    /// Results are sent and standstill begins.
    pub intention_to_award_at: DateTime<Utc>,
    /// The framework goes live.
    pub goes_live_at: DateTime<Utc>,
    /// The framework expires.
    pub expires_at: DateTime<Utc>,
}

/// A timetable whose dates are out of order: (field, message).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {code}")]
pub struct TimetableError {
    /// The field that is wrong.
    pub field: &'static str,
    /// A stable code for translation.
    pub code: &'static str,
}

impl Timetable {
    /// Checks the dates follow each other strictly.
    pub fn check(&self) -> Result<(), TimetableError> {
        let pairs = [
            (
                self.clarifications_close_at,
                self.applications_close_at,
                "applications_close_at",
            ),
            (
                self.applications_close_at,
                self.intention_to_award_at,
                "intention_to_award_at",
            ),
            (
                self.intention_to_award_at,
                self.goes_live_at,
                "goes_live_at",
            ),
            (self.goes_live_at, self.expires_at, "expires_at"),
        ];
        for (before, after, field) in pairs {
            if after <= before {
                return Err(TimetableError {
                    field,
                    code: "date_order",
                });
            }
        }
        Ok(())
    }

    /// The state the clock moves a framework in `status` to at `now`, if it is due. The clock
    /// never opens a framework (a manager does) and moves one step at a time.
    pub fn due(&self, status: FrameworkStatus, now: DateTime<Utc>) -> Option<FrameworkStatus> {
        let (at, to) = match status {
            FrameworkStatus::Open => (self.applications_close_at, FrameworkStatus::Pending),
            FrameworkStatus::Pending => (self.intention_to_award_at, FrameworkStatus::Standstill),
            FrameworkStatus::Standstill => (self.goes_live_at, FrameworkStatus::Live),
            FrameworkStatus::Live => (self.expires_at, FrameworkStatus::Expired),
            FrameworkStatus::Coming | FrameworkStatus::Expired => return None,
        };
        (now >= at).then_some(to)
    }

    /// Moves every date by the same amount (the next iteration keeps the rhythm).
    pub fn shifted(&self, by: chrono::Duration) -> Timetable {
        Timetable {
            clarifications_close_at: self.clarifications_close_at + by,
            applications_close_at: self.applications_close_at + by,
            intention_to_award_at: self.intention_to_award_at + by,
            goes_live_at: self.goes_live_at + by,
            expires_at: self.expires_at + by,
        }
    }
}

/// Whether a supplier may still change or submit its application.
pub fn accepts_applications(
    status: FrameworkStatus,
    timetable: &Timetable,
    now: DateTime<Utc>,
) -> bool {
    status == FrameworkStatus::Open && now < timetable.applications_close_at
}

/// Whether the agreement may be signed (results are out).
pub fn accepts_signatures(status: FrameworkStatus) -> bool {
    matches!(status, FrameworkStatus::Standstill | FrameworkStatus::Live)
}

/// Whether applications may be evaluated.
pub fn accepts_evaluation(status: FrameworkStatus) -> bool {
    status == FrameworkStatus::Pending
}

/// Whether services on it are available to buyers.
pub fn services_available(status: FrameworkStatus) -> bool {
    status == FrameworkStatus::Live
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    fn timetable() -> Timetable {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        Timetable {
            clarifications_close_at: t0,
            applications_close_at: t0 + Duration::days(14),
            intention_to_award_at: t0 + Duration::days(40),
            goes_live_at: t0 + Duration::days(50),
            expires_at: t0 + Duration::days(50 + 365),
        }
    }

    fn status() -> impl Strategy<Value = FrameworkStatus> {
        prop::sample::select(FrameworkStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn only_the_next_state_is_allowed(from in status(), to in status()) {
            let allowed = from.check_transition(to).is_ok();
            let i = FrameworkStatus::ALL.iter().position(|s| *s == from).unwrap();
            let j = FrameworkStatus::ALL.iter().position(|s| *s == to).unwrap();
            prop_assert_eq!(allowed, j == i + 1);
        }

        #[test]
        fn any_walk_of_legal_steps_visits_states_in_order(steps in prop::collection::vec(status(), 0..20)) {
            let mut current = FrameworkStatus::Coming;
            let mut seen = vec![current];
            for to in steps {
                if current.check_transition(to).is_ok() {
                    current = to;
                    seen.push(current);
                }
            }
            prop_assert!(seen.windows(2).all(|w| w[0] < w[1]));
        }

        #[test]
        fn the_clock_moves_one_step_forward_only(from in status(), hours in -2000i64..20000) {
            let t = timetable();
            let now = t.clarifications_close_at + Duration::hours(hours);
            if let Some(to) = t.due(from, now) {
                prop_assert!(from.check_transition(to).is_ok());
                prop_assert_ne!(from, FrameworkStatus::Coming);
            }
        }

        #[test]
        fn names_round_trip(s in status()) {
            prop_assert_eq!(FrameworkStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn the_clock_closes_applications_at_the_deadline_not_before() {
        let t = timetable();
        let deadline = t.applications_close_at;
        assert_eq!(
            t.due(FrameworkStatus::Open, deadline - Duration::seconds(1)),
            None
        );
        assert_eq!(
            t.due(FrameworkStatus::Open, deadline),
            Some(FrameworkStatus::Pending)
        );
        assert!(accepts_applications(
            FrameworkStatus::Open,
            &t,
            deadline - Duration::seconds(1)
        ));
        assert!(!accepts_applications(FrameworkStatus::Open, &t, deadline));
        assert!(!accepts_applications(
            FrameworkStatus::Coming,
            &t,
            deadline - Duration::days(5)
        ));
    }

    #[test]
    fn an_out_of_order_timetable_names_the_field() {
        let mut t = timetable();
        assert!(t.check().is_ok());
        t.goes_live_at = t.intention_to_award_at;
        assert_eq!(t.check().unwrap_err().field, "goes_live_at");
        let shifted = timetable().shifted(Duration::days(182));
        assert!(shifted.check().is_ok());
    }

    #[test]
    fn skipping_a_state_is_refused_with_the_next_one_named() {
        let e = FrameworkStatus::Open
            .check_transition(FrameworkStatus::Live)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a framework that is open cannot become live; the next state is pending"
        );
        assert!(
            FrameworkStatus::Expired
                .check_transition(FrameworkStatus::Coming)
                .is_err()
        );
    }
}
