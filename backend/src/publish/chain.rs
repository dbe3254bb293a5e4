//! Tamper evidence: `release_hash = sha256(JCS(release))` and
//! `chain_n = sha256(chain_{n-1} || release_hash_n)` over raw 32-byte digests, `chain_0` = 32
//! zero bytes, shown as lower-case hex so anyone can recompute the chain in a few lines.
//!
//! The definitions live in `ocds_schema::release_log`, so that `ocds verify-log` checks the log
//! with exactly the rules it was written with.

use ocds_schema::release_log;

pub use release_log::{CHAIN_ZERO, Digest32, from_hex, next_chain};

/// The release as RFC 8785 (JCS) canonical JSON: the bytes that are hashed, stored and served.
pub fn canonical_json(release: &serde_json::Value) -> anyhow::Result<String> {
    release_log::canonical_json(release)
        .map_err(|e| anyhow::anyhow!("canonicalising a release: {e}"))
}

/// SHA-256 of canonical release JSON.
pub fn release_hash(canonical: &str) -> Digest32 {
    release_log::release_hash(canonical.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sha2::{Digest, Sha256};

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
