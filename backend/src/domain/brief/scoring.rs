//! Scores and ranking. Each criterion is scored 0 to 4, as on the UK Digital Marketplace:
//! 0 no evidence, 1 falls short, 2 meets, 3 exceeds in part, 4 exceeds. A group of criteria
//! scores its share of the maximum, as a percentage; price scores the lowest price over this
//! price. The weighted total ranks the responses; with a prototype challenge, the final score
//! combines the written total and the challenge's as the brief stated.

use rust_decimal::Decimal;

use super::draft::Weights;

/// The highest score of one criterion.
pub const MAX_SCORE: u8 = 4;

/// A score as typed: a whole number from 0 to 4.
pub fn parse_score(raw: &str) -> Option<u8> {
    raw.trim().parse::<u8>().ok().filter(|s| *s <= MAX_SCORE)
}

fn hundred() -> Decimal {
    Decimal::from(100)
}

/// The share of the maximum that `scores` reach, as a percentage (100 when there is nothing
/// to score, so an empty group neither helps nor harms when its weight is 0).
pub fn percent(scores: &[u8]) -> Decimal {
    if scores.is_empty() {
        return hundred();
    }
    let got: u32 = scores.iter().map(|s| u32::from((*s).min(MAX_SCORE))).sum();
    let max = u32::from(MAX_SCORE) * scores.len() as u32;
    (Decimal::from(got) * hundred() / Decimal::from(max)).round_dp(2)
}

/// The price score: the lowest price among the responses over this one, as a percentage.
pub fn price_score(price: Decimal, lowest: Decimal) -> Decimal {
    if price <= Decimal::ZERO {
        return hundred();
    }
    (lowest.min(price) * hundred() / price).round_dp(2)
}

/// The weighted total of a written response, 0 to 100.
pub fn proposal_total(
    weights: Weights,
    technical: &[u8],
    cultural: &[u8],
    price: Decimal,
    lowest: Decimal,
) -> Decimal {
    let total = percent(technical) * Decimal::from(weights.technical)
        + percent(cultural) * Decimal::from(weights.cultural)
        + price_score(price, lowest) * Decimal::from(weights.price);
    (total / hundred()).round_dp(2)
}

/// The final score: the written total and the challenge's score, the challenge weighing
/// `challenge_weight` percent.
pub fn combined(proposal: Decimal, challenge: Decimal, challenge_weight: u32) -> Decimal {
    let w = Decimal::from(challenge_weight.min(100));
    ((proposal * (hundred() - w) + challenge * w) / hundred()).round_dp(2)
}

/// One response to rank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked {
    /// The response.
    pub id: i64,
    /// Its score.
    pub total: Decimal,
    /// Its price (the lower wins a tie).
    pub price: Decimal,
}

/// The responses best first: the higher total, then the lower price, then the earlier
/// response (the lower id).
pub fn rank(mut entries: Vec<Ranked>) -> Vec<Ranked> {
    entries.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.price.cmp(&b.price))
            .then(a.id.cmp(&b.id))
    });
    entries
}

/// The agreed score the moderator starts from: the panel's mean, rounded half up.
pub fn mean(scores: &[u8]) -> u8 {
    if scores.is_empty() {
        return 0;
    }
    let sum: u32 = scores.iter().map(|s| u32::from(*s)).sum();
    let n = scores.len() as u32;
    ((sum * 2 + n) / (2 * n)).min(u32::from(MAX_SCORE)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const W: Weights = Weights {
        technical: 60,
        cultural: 20,
        price: 20,
    };

    #[test]
    fn a_perfect_cheapest_response_scores_100() {
        let total = proposal_total(W, &[4, 4], &[4], Decimal::from(10), Decimal::from(10));
        assert_eq!(total, Decimal::from(100));
    }

    #[test]
    fn a_worked_example() {
        // technical 6/8 = 75, cultural 2/4 = 50, price 80/100 = 80:
        // 0.6 × 75 + 0.2 × 50 + 0.2 × 80 = 45 + 10 + 16 = 71
        let total = proposal_total(W, &[3, 3], &[2], Decimal::from(100), Decimal::from(80));
        assert_eq!(total, Decimal::from(71));
        assert_eq!(
            combined(Decimal::from(71), Decimal::from(90), 50),
            Decimal::new(805, 1)
        );
    }

    #[test]
    fn ties_go_to_the_lower_price_then_the_earlier_response() {
        let ranked = rank(vec![
            Ranked {
                id: 3,
                total: Decimal::from(70),
                price: Decimal::from(5),
            },
            Ranked {
                id: 1,
                total: Decimal::from(70),
                price: Decimal::from(9),
            },
            Ranked {
                id: 2,
                total: Decimal::from(70),
                price: Decimal::from(5),
            },
            Ranked {
                id: 4,
                total: Decimal::from(71),
                price: Decimal::from(99),
            },
        ]);
        let ids: Vec<i64> = ranked.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![4, 2, 3, 1]);
    }

    #[test]
    fn scores_past_4_are_refused_as_typed() {
        assert_eq!(parse_score("4"), Some(4));
        assert_eq!(parse_score(" 0 "), Some(0));
        assert_eq!(parse_score("5"), None);
        assert_eq!(parse_score("-1"), None);
        assert_eq!(parse_score("three"), None);
    }

    proptest! {
        #[test]
        fn totals_stay_between_0_and_100(
            t in proptest::collection::vec(0u8..=4, 0..8),
            c in proptest::collection::vec(0u8..=4, 0..4),
            price in 1u32..1_000_000,
            lowest in 1u32..1_000_000,
            tw in 0u32..=100,
        ) {
            let cw = (100 - tw) / 2;
            let w = Weights { technical: tw, cultural: cw, price: 100 - tw - cw };
            let total = proposal_total(w, &t, &c, Decimal::from(price), Decimal::from(lowest));
            prop_assert!(total >= Decimal::ZERO && total <= Decimal::from(100));
        }

        #[test]
        fn a_higher_score_never_lowers_the_total(
            t in proptest::collection::vec(0u8..=3, 1..8),
            at in 0usize..8,
        ) {
            let mut better = t.clone();
            let i = at % t.len();
            better[i] += 1;
            let p = Decimal::from(100);
            prop_assert!(proposal_total(W, &better, &[2], p, p) >= proposal_total(W, &t, &[2], p, p));
        }

        #[test]
        fn the_mean_lies_between_the_lowest_and_highest(s in proptest::collection::vec(0u8..=4, 1..6)) {
            let m = mean(&s);
            prop_assert!(m >= *s.iter().min().unwrap() && m <= *s.iter().max().unwrap());
        }

        #[test]
        fn ranking_keeps_every_response_once(totals in proptest::collection::vec(0i64..100, 0..12)) {
            let entries: Vec<Ranked> = totals.iter().enumerate().map(|(i, t)| Ranked {
                id: i as i64, total: Decimal::from(*t), price: Decimal::from(1),
            }).collect();
            let ranked = rank(entries.clone());
            prop_assert_eq!(ranked.len(), entries.len());
            for pair in ranked.windows(2) {
                prop_assert!(pair[0].total >= pair[1].total);
            }
        }
    }
}
