//! Quartiles and Tukey's fences, as Cardinal computes them: Hyndman and Fan's type 8
//! ("median-unbiased") quartiles, and fences 1.5 interquartile ranges beyond them.

/// Q1 and Q3 of `values` (sorted here); NaN for no values.
pub fn quartiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (quantile(values, 0.25), quantile(values, 0.75))
}

/// The type-8 quantile `p` of sorted `x`.
fn quantile(x: &[f64], p: f64) -> f64 {
    let n = x.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n as f64 + 1.0 / 3.0) * p + 1.0 / 3.0;
    let k = h.floor();
    if k <= 0.0 {
        return x[0];
    }
    let k = k as usize;
    if k >= n {
        return x[n - 1];
    }
    let (low, high) = (x[k - 1], x[k]);
    low + (h - k as f64) * (high - low)
}

/// The lower fence, Q1 − 1.5·IQR.
pub fn lower(q1: f64, q3: f64) -> f64 {
    (q3 - q1).mul_add(-1.5, q1)
}

/// The upper fence, Q3 + 1.5·IQR.
pub fn upper(q1: f64, q3: f64) -> f64 {
    (q3 - q1).mul_add(1.5, q3)
}

/// A statistic rounded to 4 decimals for the `Meta` output (half away from zero).
pub fn meta(v: f64) -> Option<f64> {
    v.is_finite().then(|| (v * 10_000.0).round() / 10_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn type_8_quartiles_match_the_worked_examples() {
        let (q1, q3) = quartiles(&mut [1., 2., 3., 4., 5., 6., 7., 8.]);
        assert!((q1 - 29.0 / 12.0).abs() < 1e-12, "{q1}");
        assert!((q3 - 79.0 / 12.0).abs() < 1e-12, "{q3}");
        let (q1, q3) = quartiles(&mut [0.10, 0.01, 0.10, 0.10, 0.10]);
        assert!((q1 - 0.07).abs() < 1e-12 && (q3 - 0.10).abs() < 1e-12);
        assert!((lower(q1, q3) - 0.025).abs() < 1e-12);
        assert!((upper(q1, q3) - 0.145).abs() < 1e-12);
        assert_eq!(quartiles(&mut [0.5]), (0.5, 0.5));
        assert_eq!(quartiles(&mut [3., 1.]), (1., 3.));
        assert!(quartiles(&mut []).0.is_nan());
        assert_eq!(meta(0.06999999999999999), Some(0.07));
        assert_eq!(meta(f64::NAN), None);
    }

    proptest! {
        #[test]
        fn quartiles_lie_within_the_data_in_order(mut v in prop::collection::vec(-1e6f64..1e6, 1..200)) {
            let (q1, q3) = quartiles(&mut v);
            let (min, max) = (v[0], v[v.len() - 1]);
            prop_assert!(min <= q1 && q1 <= q3 && q3 <= max);
            prop_assert!(lower(q1, q3) <= q1 && upper(q1, q3) >= q3);
        }
    }
}
