//! Roles a user holds inside their organisation, and which kind of organisation grants each.

use std::fmt;
use std::str::FromStr;

/// The kind of an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrgKind {
    /// A public body that buys.
    Buyer,
    /// A company that sells.
    Supplier,
    /// The platform operator (framework managers, reviewers, admins).
    Platform,
}

impl OrgKind {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Buyer => "buyer",
            OrgKind::Supplier => "supplier",
            OrgKind::Platform => "platform",
        }
    }

    /// Parses the stored value.
    pub fn parse(raw: &str) -> Option<OrgKind> {
        match raw {
            "buyer" => Some(OrgKind::Buyer),
            "supplier" => Some(OrgKind::Supplier),
            "platform" => Some(OrgKind::Platform),
            _ => None,
        }
    }
}

/// A role or permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Manages a supplier organisation's users and listings.
    SupplierAdmin,
    /// Works on a supplier's applications and listings.
    SupplierUser,
    /// Manages a buyer organisation's users.
    BuyerAdmin,
    /// Buys for a public body.
    BuyerUser,
    /// May publish briefs and challenges.
    CanPublishBriefs,
    /// May award contracts.
    CanAward,
    /// May approve orders, up to an amount.
    CanApproveOrders,
    /// May answer suppliers' clarification questions.
    CanAnswerQuestions,
    /// Runs framework agreements.
    FrameworkManager,
    /// Evaluates applications in a category.
    CategoryReviewer,
    /// Administers the platform: audit log, mail, users.
    PlatformAdmin,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 11] = [
        Role::SupplierAdmin,
        Role::SupplierUser,
        Role::BuyerAdmin,
        Role::BuyerUser,
        Role::CanPublishBriefs,
        Role::CanAward,
        Role::CanApproveOrders,
        Role::CanAnswerQuestions,
        Role::FrameworkManager,
        Role::CategoryReviewer,
        Role::PlatformAdmin,
    ];

    /// The stored snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SupplierAdmin => "supplier_admin",
            Role::SupplierUser => "supplier_user",
            Role::BuyerAdmin => "buyer_admin",
            Role::BuyerUser => "buyer_user",
            Role::CanPublishBriefs => "can_publish_briefs",
            Role::CanAward => "can_award",
            Role::CanApproveOrders => "can_approve_orders",
            Role::CanAnswerQuestions => "can_answer_questions",
            Role::FrameworkManager => "framework_manager",
            Role::CategoryReviewer => "category_reviewer",
            Role::PlatformAdmin => "platform_admin",
        }
    }

    /// The kind of organisation whose members may hold this role.
    pub fn org_kind(self) -> OrgKind {
        match self {
            Role::SupplierAdmin | Role::SupplierUser => OrgKind::Supplier,
            Role::FrameworkManager | Role::CategoryReviewer | Role::PlatformAdmin => {
                OrgKind::Platform
            }
            _ => OrgKind::Buyer,
        }
    }

    /// Whether an organisation's admin may grant it (platform roles are granted by platform admins).
    pub fn grantable_by_org_admin(self) -> bool {
        self.org_kind() != OrgKind::Platform
            && !matches!(self, Role::SupplierAdmin | Role::BuyerAdmin)
    }
}

/// Roles an admin of this kind of organisation may give, base role first.
pub fn grantable(kind: OrgKind) -> Vec<Role> {
    let base = if kind == OrgKind::Buyer {
        Role::BuyerUser
    } else {
        Role::SupplierUser
    };
    std::iter::once(base)
        .chain(
            Role::ALL
                .into_iter()
                .filter(|r| r.org_kind() == kind && r.grantable_by_org_admin() && *r != base),
        )
        .collect()
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ();

    fn from_str(raw: &str) -> Result<Role, ()> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn platform_roles_cannot_be_granted_by_an_organisation() {
        assert!(!Role::FrameworkManager.grantable_by_org_admin());
        assert!(!Role::BuyerAdmin.grantable_by_org_admin());
        assert!(Role::CanAward.grantable_by_org_admin());
        assert_eq!(Role::CanAward.org_kind(), OrgKind::Buyer);
    }
}
