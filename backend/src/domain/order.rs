//! A catalogue order's life, after ChileCompra's convenio marco purchase orders: the states,
//! the actions that move between them, and which side may take each action.
//!
//! ```text
//! draft → submitted → approved → sent → accepted → delivered → received → invoiced → paid
//!            │                    │  │       └───────────────────↗ (receipt without a
//!            ├→ rejected (approver)  ├→ rejected (supplier)          delivery notice)
//!            └→ cancelled (buyer)    └→ cancelled (buyer or supplier)
//! ```
//!
//! `approved` is passed through in the same transaction as `sent`: an approved order goes to
//! its supplier at once. Nothing moves after `paid`, `rejected` or `cancelled`.

use std::fmt;

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrderStatus {
    /// Being put together (a cart); not yet an order anyone else sees.
    Draft,
    /// Placed, waiting for a colleague's approval.
    Submitted,
    /// Approved inside the buyer's organisation.
    Approved,
    /// Sent to the supplier, waiting for acceptance before the deadline.
    Sent,
    /// Accepted by the supplier: a call-off contract exists.
    Accepted,
    /// The supplier says it has delivered.
    Delivered,
    /// The buyer confirmed receipt, in full or in part.
    Received,
    /// The supplier recorded its invoice.
    Invoiced,
    /// The buyer recorded payment. Final.
    Paid,
    /// Refused by the approver or by the supplier, with a reason. Final.
    Rejected,
    /// Withdrawn by either side before acceptance, with a reason. Final.
    Cancelled,
}

/// Who takes an action on an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The buyer who placed it, or a colleague in their organisation.
    Buyer,
    /// A colleague of the buyer with `can_approve_orders` up to the order's value, never the
    /// person who placed it.
    Approver,
    /// The supplier the order is addressed to.
    Supplier,
    /// Marco's clock, acting on deadlines.
    Clock,
}

/// Something a person does to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderAction {
    /// Place the order (draft → submitted).
    Submit,
    /// Approve it inside the buyer's organisation.
    Approve,
    /// Send the approved order to its supplier.
    Send,
    /// Refuse it, with a reason (the approver before sending, the supplier after).
    Reject,
    /// The supplier takes it on.
    Accept,
    /// Withdraw it before acceptance, with a reason.
    Cancel,
    /// The supplier says it has delivered.
    Deliver,
    /// The buyer confirms receipt.
    Receive,
    /// The supplier records its invoice.
    Invoice,
    /// The buyer records payment.
    Pay,
    /// The deadline to accept passed without an answer: the order lapses (the clock only).
    Lapse,
}

/// An action that is not allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an order that is {from} cannot be {action} by the {side}")]
pub struct OrderTransitionError {
    /// The order's status.
    pub from: OrderStatus,
    /// The action asked for.
    pub action: OrderAction,
    /// Who asked.
    pub side: Side,
}

impl OrderStatus {
    /// Every status, in the order of a normal life, then the two branches.
    pub const ALL: [OrderStatus; 11] = [
        OrderStatus::Draft,
        OrderStatus::Submitted,
        OrderStatus::Approved,
        OrderStatus::Sent,
        OrderStatus::Accepted,
        OrderStatus::Delivered,
        OrderStatus::Received,
        OrderStatus::Invoiced,
        OrderStatus::Paid,
        OrderStatus::Rejected,
        OrderStatus::Cancelled,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Submitted => "submitted",
            OrderStatus::Approved => "approved",
            OrderStatus::Sent => "sent",
            OrderStatus::Accepted => "accepted",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Received => "received",
            OrderStatus::Invoiced => "invoiced",
            OrderStatus::Paid => "paid",
            OrderStatus::Rejected => "rejected",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// The status stored as `raw`.
    pub fn parse(raw: &str) -> Option<OrderStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Nothing happens to the order any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::Rejected | OrderStatus::Cancelled
        )
    }

    /// The supplier has taken the order on, so a contract exists.
    pub fn has_contract(self) -> bool {
        matches!(
            self,
            OrderStatus::Accepted
                | OrderStatus::Delivered
                | OrderStatus::Received
                | OrderStatus::Invoiced
                | OrderStatus::Paid
        )
    }

    /// Where `action` by `side` takes an order that is `self`, if it may.
    pub fn apply(
        self,
        action: OrderAction,
        side: Side,
    ) -> Result<OrderStatus, OrderTransitionError> {
        use OrderAction as A;
        use OrderStatus as S;
        let to = match (self, action, side) {
            (S::Draft, A::Submit, Side::Buyer) => Some(S::Submitted),
            (S::Submitted, A::Approve, Side::Approver) => Some(S::Approved),
            (S::Submitted, A::Reject, Side::Approver) => Some(S::Rejected),
            (S::Approved, A::Send, Side::Buyer | Side::Approver) => Some(S::Sent),
            (S::Submitted | S::Approved, A::Cancel, Side::Buyer) => Some(S::Cancelled),
            (S::Sent, A::Cancel, Side::Buyer | Side::Supplier) => Some(S::Cancelled),
            (S::Sent, A::Accept, Side::Supplier) => Some(S::Accepted),
            (S::Sent, A::Reject, Side::Supplier) => Some(S::Rejected),
            (S::Accepted, A::Deliver, Side::Supplier) => Some(S::Delivered),
            (S::Accepted | S::Delivered, A::Receive, Side::Buyer) => Some(S::Received),
            (S::Received, A::Invoice, Side::Supplier) => Some(S::Invoiced),
            (S::Invoiced, A::Pay, Side::Buyer) => Some(S::Paid),
            (S::Sent, A::Lapse, Side::Clock) => Some(S::Cancelled),
            _ => None,
        };
        to.ok_or(OrderTransitionError {
            from: self,
            action,
            side,
        })
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl OrderAction {
    /// Every action.
    pub const ALL: [OrderAction; 11] = [
        OrderAction::Submit,
        OrderAction::Approve,
        OrderAction::Send,
        OrderAction::Reject,
        OrderAction::Accept,
        OrderAction::Cancel,
        OrderAction::Deliver,
        OrderAction::Receive,
        OrderAction::Invoice,
        OrderAction::Pay,
        OrderAction::Lapse,
    ];

    /// The name used in URLs and the API (`/orders/7/accept`).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::Submit => "submit",
            OrderAction::Approve => "approve",
            OrderAction::Send => "send",
            OrderAction::Reject => "reject",
            OrderAction::Accept => "accept",
            OrderAction::Cancel => "cancel",
            OrderAction::Deliver => "deliver",
            OrderAction::Receive => "receive",
            OrderAction::Invoice => "invoice",
            OrderAction::Pay => "pay",
            OrderAction::Lapse => "lapse",
        }
    }

    /// The action named `raw`.
    pub fn parse(raw: &str) -> Option<OrderAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    /// Whether the person acting must say why (a refusal or a withdrawal).
    pub fn needs_reason(self) -> bool {
        matches!(self, OrderAction::Reject | OrderAction::Cancel)
    }

    /// Whether people may take this action through a page or the API (the others are taken
    /// by the checkout or the clock).
    pub fn by_people(self) -> bool {
        !matches!(
            self,
            OrderAction::Submit | OrderAction::Send | OrderAction::Lapse
        )
    }
}

impl fmt::Display for OrderAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Buyer => "buyer",
            Side::Approver => "approver",
            Side::Supplier => "supplier",
            Side::Clock => "clock",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn status() -> impl Strategy<Value = OrderStatus> {
        proptest::sample::select(OrderStatus::ALL.to_vec())
    }
    fn action() -> impl Strategy<Value = OrderAction> {
        proptest::sample::select(OrderAction::ALL.to_vec())
    }
    fn side() -> impl Strategy<Value = Side> {
        proptest::sample::select(vec![
            Side::Buyer,
            Side::Approver,
            Side::Supplier,
            Side::Clock,
        ])
    }

    #[test]
    fn the_happy_path_runs_from_draft_to_paid() {
        use OrderAction as A;
        let steps = [
            (A::Submit, Side::Buyer, OrderStatus::Submitted),
            (A::Approve, Side::Approver, OrderStatus::Approved),
            (A::Send, Side::Approver, OrderStatus::Sent),
            (A::Accept, Side::Supplier, OrderStatus::Accepted),
            (A::Deliver, Side::Supplier, OrderStatus::Delivered),
            (A::Receive, Side::Buyer, OrderStatus::Received),
            (A::Invoice, Side::Supplier, OrderStatus::Invoiced),
            (A::Pay, Side::Buyer, OrderStatus::Paid),
        ];
        let mut at = OrderStatus::Draft;
        for (action, side, expected) in steps {
            at = at.apply(action, side).unwrap();
            assert_eq!(at, expected);
        }
        assert!(at.is_final());
    }

    #[test]
    fn nobody_but_the_supplier_accepts_and_nobody_but_an_approver_approves() {
        for side in [Side::Buyer, Side::Approver] {
            assert!(OrderStatus::Sent.apply(OrderAction::Accept, side).is_err());
        }
        for side in [Side::Buyer, Side::Supplier] {
            assert!(
                OrderStatus::Submitted
                    .apply(OrderAction::Approve, side)
                    .is_err()
            );
        }
        // Once accepted, neither side can cancel: a contract exists.
        for side in [Side::Buyer, Side::Supplier, Side::Approver] {
            assert!(
                OrderStatus::Accepted
                    .apply(OrderAction::Cancel, side)
                    .is_err()
            );
        }
    }

    proptest! {
        #[test]
        fn stored_names_round_trip(s in status(), a in action()) {
            prop_assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            prop_assert_eq!(OrderAction::parse(a.as_str()), Some(a));
        }

        #[test]
        fn final_states_never_move(s in status(), a in action(), who in side()) {
            if s.is_final() {
                prop_assert!(s.apply(a, who).is_err());
            }
        }

        #[test]
        fn every_move_goes_forward_and_contracts_never_disappear(
            s in status(), a in action(), who in side()
        ) {
            if let Ok(to) = s.apply(a, who) {
                prop_assert_ne!(to, s);
                prop_assert_ne!(to, OrderStatus::Draft);
                // An order with a contract keeps it to the end.
                if s.has_contract() {
                    prop_assert!(to.has_contract(), "{} → {}", s, to);
                }
                // Refusals, withdrawals and lapses happen only before a contract exists, and
                // people say why.
                if matches!(to, OrderStatus::Rejected | OrderStatus::Cancelled) {
                    prop_assert!(!s.has_contract());
                    prop_assert!(a.needs_reason() || a == OrderAction::Lapse);
                }
                // Only the clock lets an order lapse, and the clock does nothing else.
                prop_assert_eq!(a == OrderAction::Lapse, who == Side::Clock);
                prop_assert_eq!(a.by_people(), !matches!(a, OrderAction::Submit | OrderAction::Send | OrderAction::Lapse));
            }
        }

        #[test]
        fn any_sequence_of_actions_ends_in_a_reachable_state(
            moves in proptest::collection::vec((action(), side()), 0..30)
        ) {
            let mut at = OrderStatus::Draft;
            let mut seen = vec![at];
            for (a, who) in moves {
                if let Ok(to) = at.apply(a, who) {
                    prop_assert!(!seen.contains(&to), "revisited {}", to);
                    seen.push(to);
                    at = to;
                }
            }
            // The walk never skips approval: sent implies approved was passed.
            if seen.contains(&OrderStatus::Sent) {
                prop_assert!(seen.contains(&OrderStatus::Approved));
            }
        }
    }
}
