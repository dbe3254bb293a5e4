//! Scanning JSON text eight bytes at a time, shared by the line peek and the borrowed reader.

/// The position of the first byte at or after `from` that ends a JSON string's plain run: a
/// quote, a backslash or, with `CONTROL`, a control character (which JSON does not allow
/// there). OCDS strings are short, so the bytes are read eight at a time inline rather than
/// by calling `memchr` for each string.
pub(crate) fn string_stop<const CONTROL: bool>(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0_u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte of `quote` or `slash` is zero where `w` matches; `x - 1 & !x` flags zero bytes
        // (and bytes below 0x20 when `w` itself is taken), and the lowest flag is always exact.
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        let mut found = quote.wrapping_sub(ONES) & !quote | slash.wrapping_sub(ONES) & !slash;
        if CONTROL {
            found |= w.wrapping_sub(ONES * 0x20) & !w;
        }
        found &= HIGH;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || (CONTROL && b < 0x20))
        .map(|at| i + at)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::string_stop;

    fn naive(bytes: &[u8], from: usize, control: bool) -> Option<usize> {
        (from..bytes.len()).find(|&i| {
            let b = bytes[i];
            b == b'"' || b == b'\\' || (control && b < 0x20)
        })
    }

    proptest! {
        #[test]
        fn stops_where_a_byte_by_byte_search_does(
            bytes in prop::collection::vec(
                prop_oneof![Just(b'"'), Just(b'\\'), Just(0x1f_u8), Just(0_u8), Just(b' '), Just(0xe9_u8), any::<u8>()],
                0..40,
            ),
            from in 0..44_usize,
        ) {
            prop_assert_eq!(string_stop::<false>(&bytes, from), naive(&bytes, from, false));
            prop_assert_eq!(string_stop::<true>(&bytes, from), naive(&bytes, from, true));
        }
    }
}
