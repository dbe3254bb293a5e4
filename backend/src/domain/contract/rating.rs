//! The buyer's ratings of a supplier: three scores from 1 to 5 with a comment, public once the
//! contract ends or 90 days after they were given, whichever comes first.

use chrono::{DateTime, Duration, Utc};

/// Days after which a rating becomes public even while the contract runs.
pub const RATING_PUBLIC_DAYS: i64 = 90;

/// The longest comment or reply.
pub const COMMENT_MAX: usize = 2000;

/// A checked rating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    /// Quality of the work, 1 to 5.
    pub quality: u8,
    /// Timeliness, 1 to 5.
    pub timeliness: u8,
    /// Communication, 1 to 5.
    pub communication: u8,
    /// The buyer's comment.
    pub comment: String,
}

/// Why a rating was refused, with the field it concerns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    /// A score that is not a whole number from 1 to 5.
    #[error("{0}: choose a score from 1 to 5")]
    Score(&'static str),
    /// No comment.
    #[error("comment: say why you gave these scores")]
    NoComment,
    /// Too long.
    #[error("comment: write at most {COMMENT_MAX} characters")]
    TooLong,
}

impl RatingError {
    /// The form field concerned.
    pub fn field(&self) -> &'static str {
        match self {
            RatingError::Score(f) => f,
            RatingError::NoComment | RatingError::TooLong => "comment",
        }
    }
}

fn score(field: &'static str, raw: &str) -> Result<u8, RatingError> {
    match raw.trim().parse::<u8>() {
        Ok(v @ 1..=5) => Ok(v),
        _ => Err(RatingError::Score(field)),
    }
}

impl Rating {
    /// A rating from the form's text, each score 1 to 5 and a comment.
    pub fn parse(
        quality: &str,
        timeliness: &str,
        communication: &str,
        comment: &str,
    ) -> Result<Rating, RatingError> {
        let comment = comment.trim();
        let rating = Rating {
            quality: score("quality", quality)?,
            timeliness: score("timeliness", timeliness)?,
            communication: score("communication", communication)?,
            comment: comment.to_owned(),
        };
        if comment.is_empty() {
            return Err(RatingError::NoComment);
        }
        if comment.chars().count() > COMMENT_MAX {
            return Err(RatingError::TooLong);
        }
        Ok(rating)
    }
}

/// When a rating given at `rated_at` becomes public: 90 days later, or when the contract
/// ended if that is sooner (a rating given after the end is public at once).
pub fn public_at(rated_at: DateTime<Utc>, contract_ended: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let later = rated_at + Duration::days(RATING_PUBLIC_DAYS);
    match contract_ended {
        Some(end) => later.min(end.max(rated_at)),
        None => later,
    }
}

/// The averages of a set of ratings, each dimension with the count behind it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Averages {
    /// How many ratings.
    pub count: usize,
    /// Mean quality.
    pub quality: f64,
    /// Mean timeliness.
    pub timeliness: f64,
    /// Mean communication.
    pub communication: f64,
}

impl Averages {
    /// The means of `(quality, timeliness, communication)` triples; all zero when empty.
    pub fn of(scores: impl IntoIterator<Item = (u8, u8, u8)>) -> Averages {
        let mut sum = (0u64, 0u64, 0u64);
        let mut count = 0usize;
        for (q, t, c) in scores {
            sum.0 += u64::from(q);
            sum.1 += u64::from(t);
            sum.2 += u64::from(c);
            count += 1;
        }
        if count == 0 {
            return Averages::default();
        }
        let n = count as f64;
        Averages {
            count,
            quality: sum.0 as f64 / n,
            timeliness: sum.1 as f64 / n,
            communication: sum.2 as f64 / n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn scores_must_be_one_to_five_with_a_comment() {
        assert!(Rating::parse("5", "4", "3", "Good work").is_ok());
        assert_eq!(
            Rating::parse("0", "4", "3", "x"),
            Err(RatingError::Score("quality"))
        );
        assert_eq!(
            Rating::parse("5", "6", "3", "x"),
            Err(RatingError::Score("timeliness"))
        );
        assert_eq!(
            Rating::parse("5", "4", "three", "x"),
            Err(RatingError::Score("communication"))
        );
        assert_eq!(
            Rating::parse("5", "4", "3", "  "),
            Err(RatingError::NoComment)
        );
        assert_eq!(
            Rating::parse("5", "4", "3", &"x".repeat(COMMENT_MAX + 1)),
            Err(RatingError::TooLong)
        );
    }

    #[test]
    fn public_after_ninety_days_or_at_the_end() {
        let given = at("2026-01-10T10:00:00Z");
        assert_eq!(public_at(given, None), at("2026-04-10T10:00:00Z"));
        assert_eq!(
            public_at(given, Some(at("2026-02-01T00:00:00Z"))),
            at("2026-02-01T00:00:00Z")
        );
        assert_eq!(
            public_at(given, Some(at("2027-01-01T00:00:00Z"))),
            at("2026-04-10T10:00:00Z")
        );
        // Given after the end: public at once.
        assert_eq!(public_at(given, Some(at("2025-12-01T00:00:00Z"))), given);
    }

    #[test]
    fn averages_with_their_count() {
        let a = Averages::of([(5, 4, 3), (3, 4, 5)]);
        assert_eq!(a.count, 2);
        assert_eq!((a.quality, a.timeliness, a.communication), (4.0, 4.0, 4.0));
        assert_eq!(Averages::of([]).count, 0);
    }

    proptest! {
        #[test]
        fn any_score_outside_one_to_five_is_refused(raw in "\\PC{0,6}") {
            let ok = matches!(raw.trim().parse::<u8>(), Ok(1..=5));
            prop_assert_eq!(Rating::parse(&raw, "3", "3", "fine").is_ok(), ok);
        }

        #[test]
        fn never_public_later_than_ninety_days(days in 0i64..1000, end in proptest::option::of(-100i64..1000)) {
            let given = at("2026-01-01T00:00:00Z") + Duration::days(days);
            let ended = end.map(|e| at("2026-01-01T00:00:00Z") + Duration::days(e));
            let public = public_at(given, ended);
            prop_assert!(public >= given);
            prop_assert!(public <= given + Duration::days(RATING_PUBLIC_DAYS));
        }
    }
}
