//! The states of applications, evaluations and services, typed: each is stored as its
//! name and read back through `parse`, and no code compares a status as a string.

/// Where a supplier's application to a framework stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationStatus {
    /// Registered interest; drafting.
    Interested,
    /// Submitted before the deadline; no more changes.
    Submitted,
}

impl ApplicationStatus {
    /// Every status.
    pub const ALL: [ApplicationStatus; 2] =
        [ApplicationStatus::Interested, ApplicationStatus::Submitted];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Interested => "interested",
            ApplicationStatus::Submitted => "submitted",
        }
    }

    /// The status stored as `raw`.
    pub fn parse(raw: &str) -> Option<ApplicationStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// An evaluator's decision on an application or a service: admitted or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Admitted.
    Pass,
    /// Not admitted.
    Fail,
}

impl Verdict {
    /// Parses `pass` or `fail`.
    pub fn parse(raw: &str) -> Option<Verdict> {
        match raw {
            "pass" => Some(Verdict::Pass),
            "fail" => Some(Verdict::Fail),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
        }
    }

    /// Whether a stored result (`None` while unevaluated) is a pass.
    pub fn passed(stored: Option<&str>) -> bool {
        stored.and_then(Verdict::parse) == Some(Verdict::Pass)
    }
}

/// Where a service in the catalogue stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceStatus {
    /// Buyers can find and buy it.
    Live,
    /// A manager suspended it, with a reason; it can come back.
    Suspended,
    /// Its supplier removed it; for good.
    Removed,
    /// Its framework expired; for good.
    Expired,
}

/// A service status change that is not allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a service cannot go from {from} to {to}")]
pub struct ServiceTransitionError {
    /// The current status.
    pub from: &'static str,
    /// The one asked for.
    pub to: &'static str,
}

impl ServiceStatus {
    /// Every status.
    pub const ALL: [ServiceStatus; 4] = [
        ServiceStatus::Live,
        ServiceStatus::Suspended,
        ServiceStatus::Removed,
        ServiceStatus::Expired,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Live => "live",
            ServiceStatus::Suspended => "suspended",
            ServiceStatus::Removed => "removed",
            ServiceStatus::Expired => "expired",
        }
    }

    /// The status stored as `raw`.
    pub fn parse(raw: &str) -> Option<ServiceStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether a supplier or a manager may move a service from `self` to `to`: a live service
    /// may be removed or suspended, and a suspended one may go live again. Expiry comes only
    /// with its framework's.
    pub fn check_transition(self, to: ServiceStatus) -> Result<(), ServiceTransitionError> {
        use ServiceStatus::{Live, Removed, Suspended};
        match (self, to) {
            (Live, Removed) | (Live, Suspended) | (Suspended, Live) => Ok(()),
            _ => Err(ServiceTransitionError {
                from: self.as_str(),
                to: to.as_str(),
            }),
        }
    }
}

impl std::fmt::Display for ServiceStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a service stored with status `raw` is live.
pub fn is_live(raw: &str) -> bool {
    ServiceStatus::parse(raw) == Some(ServiceStatus::Live)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn service_status() -> impl Strategy<Value = ServiceStatus> {
        proptest::sample::select(ServiceStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn every_status_reads_back_as_itself(s in service_status(), a in proptest::sample::select(ApplicationStatus::ALL.to_vec())) {
            prop_assert_eq!(ServiceStatus::parse(s.as_str()), Some(s));
            prop_assert_eq!(ApplicationStatus::parse(a.as_str()), Some(a));
        }

        #[test]
        fn removed_and_expired_services_never_come_back(from in service_status(), to in service_status()) {
            let allowed = from.check_transition(to).is_ok();
            if matches!(from, ServiceStatus::Removed | ServiceStatus::Expired) || to == ServiceStatus::Expired {
                prop_assert!(!allowed);
            }
            if allowed {
                prop_assert_ne!(from, to);
            }
        }

        #[test]
        fn unknown_names_are_no_status(raw in "[a-z]{0,12}") {
            let known = ["live", "suspended", "removed", "expired"].contains(&raw.as_str());
            prop_assert_eq!(ServiceStatus::parse(&raw).is_some(), known);
        }
    }

    #[test]
    fn only_a_stored_pass_is_a_pass() {
        assert!(Verdict::passed(Some("pass")));
        assert!(!Verdict::passed(Some("fail")));
        assert!(!Verdict::passed(Some("PASS")));
        assert!(!Verdict::passed(None));
    }
}
