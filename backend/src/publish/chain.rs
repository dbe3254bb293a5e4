//! Tamper evidence: `release_hash = sha256(JCS(release))` and
//! `chain_n = sha256(chain_{n-1} || release_hash_n)` over raw 32-byte digests, `chain_0` = 32
//! zero bytes, shown as lower-case hex so anyone can recompute the chain in a few lines.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Digest32 = [u8; 32];

/// The chain value before the first release.
pub const CHAIN_ZERO: Digest32 = [0; 32];

/// The release as RFC 8785 (JCS) canonical JSON: the bytes that are hashed, stored and served.
pub fn canonical_json(release: &serde_json::Value) -> anyhow::Result<String> {
    serde_json_canonicalizer::to_string(release)
        .map_err(|e| anyhow::anyhow!("canonicalising a release: {e}"))
}

/// SHA-256 of canonical release JSON.
pub fn release_hash(canonical: &str) -> Digest32 {
    Sha256::digest(canonical.as_bytes()).into()
}

/// The next chain value.
pub fn next_chain(previous: &Digest32, release_hash: &Digest32) -> Digest32 {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(release_hash);
    hasher.finalize().into()
}

/// Parses lower-case hex into a digest.
pub fn from_hex(text: &str) -> Option<Digest32> {
    hex::decode(text).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let a = canonical_json(&json!({"b": 1, "a": {"d": [1, 2], "c": "é"}})).unwrap();
        assert_eq!(a, r#"{"a":{"c":"é","d":[1,2]},"b":1}"#);
        let b = canonical_json(&json!({"a": {"c": "é", "d": [1, 2]}, "b": 1.0})).unwrap();
        assert_eq!(a, b, "1.0 and 1 are the same number in JCS");
    }

    #[test]
    fn the_chain_matches_an_independent_computation() {
        let h1 = release_hash("{}");
        assert_eq!(
            hex::encode(h1),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        let c1 = next_chain(&CHAIN_ZERO, &h1);
        let mut joined = vec![0u8; 32];
        joined.extend_from_slice(&h1);
        assert_eq!(c1, <[u8; 32]>::from(Sha256::digest(&joined)));
        assert_eq!(from_hex(&hex::encode(c1)), Some(c1));
        assert_eq!(from_hex("zz"), None);
    }
}
