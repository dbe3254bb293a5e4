//! Tamper evidence of a published release log (Marco's `/ocds/log`), without I/O.
//!
//! Each release is hashed as RFC 8785 (JCS) canonical JSON: `release_hash = sha256(jcs)`. The
//! hashes are chained as `chain_n = sha256(chain_{n-1} || release_hash_n)` over the raw 32-byte
//! digests, with `chain_0` = 32 zero bytes, and shown as lower-case hex. The head (latest
//! sequence and chain hash) is signed with Ed25519 over [`head_message`].
//!
//! [`LogVerifier`] reads a log entry by entry (memory does not grow with its length) and names
//! every bad release: a changed body, a broken chain link, a missing or repeated sequence
//! number, or a head that the log no longer reaches.
//!
//! ```
//! use ocds_schema::release_log::{LogEntry, LogVerifier, canonical_json, next_chain, release_hash, CHAIN_ZERO};
//! use serde_json::json;
//!
//! let release = canonical_json(&json!({"ocid": "ocds-1", "id": "r1", "tag": ["tender"]}))?;
//! let hash = release_hash(release.as_bytes());
//! let entry = LogEntry {
//!     sequence: 1,
//!     ocid: "ocds-1".into(),
//!     release_id: "r1".into(),
//!     release_hash: hex::encode(hash),
//!     chain_hash: hex::encode(next_chain(&CHAIN_ZERO, &hash)),
//! };
//! let mut verifier = LogVerifier::new();
//! verifier.check(&entry, Some(release.as_bytes()));
//! let report = verifier.finish();
//! assert!(report.findings.is_empty());
//! assert_eq!(report.releases, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Digest32 = [u8; 32];

/// The chain value before the first release (`chain_0`).
pub const CHAIN_ZERO: Digest32 = [0; 32];

/// The release as RFC 8785 (JCS) canonical JSON: the text that is hashed, stored and served.
pub fn canonical_json(release: &Value) -> Result<String, serde_json::Error> {
    serde_json_canonicalizer::to_string(release)
}

/// SHA-256 of canonical release JSON.
pub fn release_hash(canonical: &[u8]) -> Digest32 {
    Sha256::digest(canonical).into()
}

/// The chain value after a release: `sha256(previous || release_hash)`.
pub fn next_chain(previous: &Digest32, release_hash: &Digest32) -> Digest32 {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(release_hash);
    hasher.finalize().into()
}

/// Parses 64 lower-case hex digits into a digest (the only form the log uses).
pub fn from_hex(text: &str) -> Option<Digest32> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    hex::decode(text).ok()?.try_into().ok()
}

/// The message the head signature covers: `marco-log-head:v1:{sequence}:{chainHash}`.
pub fn head_message(sequence: i64, chain_hash: &str) -> String {
    format!("marco-log-head:v1:{sequence}:{chain_hash}")
}

/// One entry of the log (`/ocds/log` → `entries`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Publication sequence number, from 1, gap-free.
    pub sequence: i64,
    /// The release's contracting process.
    pub ocid: String,
    /// The release id (fetch it at `/ocds/releases/{id}`).
    pub release_id: String,
    /// Hex SHA-256 of the release's canonical JSON.
    pub release_hash: String,
    /// Hex chain value after this release.
    pub chain_hash: String,
}

/// The signed head of the log (`/ocds/log/head`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedHead {
    /// The latest sequence number (0 for an empty log).
    pub sequence: i64,
    /// The chain value after it.
    pub chain_hash: String,
    /// Hex Ed25519 signature of [`head_message`].
    pub signature: String,
    /// The message the server says it signed; checked against [`head_message`] when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_message: Option<String>,
}

/// Why a signed head is not to be trusted.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum HeadError {
    /// The public key is not 64 hex digits of a valid Ed25519 point.
    #[error("the public key is not a hex Ed25519 public key")]
    Key,
    /// The signature is not 128 hex digits.
    #[error("the head's signature is not 64 bytes of hex")]
    SignatureEncoding,
    /// The server's `signedMessage` differs from the message rebuilt from sequence and hash.
    #[error("the head's signedMessage {found:?} is not {expected:?}")]
    Message {
        /// What the server sent.
        found: String,
        /// What the sequence and chain hash give.
        expected: String,
    },
    /// The signature does not verify.
    #[error("the head's signature does not verify with the public key")]
    Signature,
}

impl SignedHead {
    /// Checks the signature with the hex Ed25519 `public_key`.
    pub fn verify(&self, public_key: &str) -> Result<(), HeadError> {
        let key: [u8; 32] = hex::decode(public_key.trim())
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or(HeadError::Key)?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| HeadError::Key)?;
        let signature: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|s| s.try_into().ok())
            .ok_or(HeadError::SignatureEncoding)?;
        let message = head_message(self.sequence, &self.chain_hash);
        if let Some(found) = &self.signed_message
            && *found != message
        {
            return Err(HeadError::Message {
                found: found.clone(),
                expected: message,
            });
        }
        key.verify(message.as_bytes(), &Signature::from_bytes(&signature))
            .map_err(|_| HeadError::Signature)
    }
}

/// What is wrong at one place in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// No entry has these sequence numbers (from the finding's sequence to `through`): releases
    /// were removed from the log.
    Missing {
        /// The last missing sequence number.
        through: i64,
    },
    /// The sequence number repeats or goes backwards after `after`.
    OutOfOrder {
        /// The sequence number of the entry before.
        after: i64,
    },
    /// The release could not be found.
    ReleaseNotFound,
    /// The release is not JSON.
    NotJson(String),
    /// The release's `id` or `ocid` is not the one its log entry names.
    WrongRelease {
        /// The release's `id`.
        id: Option<String>,
        /// The release's `ocid`.
        ocid: Option<String>,
    },
    /// The release's canonical JSON does not hash to its `releaseHash`: it was changed.
    Changed {
        /// The hash in the log.
        logged: String,
        /// The hash of the release as found.
        actual: String,
    },
    /// `releaseHash` or `chainHash` is not 64 lower-case hex digits.
    MalformedHash,
    /// `chainHash` is not `sha256(previous chainHash || releaseHash)`.
    ChainBroken {
        /// What the chain gives.
        expected: String,
        /// What the log says.
        logged: String,
    },
    /// A trusted head (signed, or saved earlier) disagrees with the log at its sequence.
    HeadMismatch {
        /// Which head.
        head: String,
        /// The head's chain hash.
        expected: String,
        /// The log's chain hash at that sequence.
        logged: String,
    },
    /// The log ends before a trusted head's sequence: releases were removed from its end.
    Truncated {
        /// Which head.
        head: String,
        /// The last sequence number in the log (0 when empty).
        last: i64,
    },
}

/// One bad place in the log, named by sequence and, when known, release id and ocid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The sequence number.
    pub sequence: i64,
    /// The release id of the log entry.
    pub release_id: Option<String>,
    /// The ocid of the log entry.
    pub ocid: Option<String>,
    /// What is wrong.
    pub fault: Fault,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fault {
            Fault::Missing { through } if *through > self.sequence => {
                write!(f, "sequences {} to {through}", self.sequence)?
            }
            _ => write!(f, "sequence {}", self.sequence)?,
        }
        if let Some(id) = &self.release_id {
            write!(f, " release {id}")?;
        }
        if let Some(ocid) = &self.ocid {
            write!(f, " ocid {ocid}")?;
        }
        f.write_str(": ")?;
        match &self.fault {
            Fault::Missing { .. } => f.write_str("missing from the log (removed)"),
            Fault::OutOfOrder { after } => {
                write!(f, "out of order or repeated after sequence {after}")
            }
            Fault::ReleaseNotFound => f.write_str("the release is missing (removed)"),
            Fault::NotJson(error) => write!(f, "the release is not JSON ({error})"),
            Fault::WrongRelease { id, ocid } => write!(
                f,
                "the release found has id {} and ocid {}",
                id.as_deref().unwrap_or("(none)"),
                ocid.as_deref().unwrap_or("(none)")
            ),
            Fault::Changed { logged, actual } => write!(
                f,
                "the release was changed: it hashes to {actual}, the log says {logged}"
            ),
            Fault::MalformedHash => f.write_str("releaseHash or chainHash is not lower-case hex"),
            Fault::ChainBroken { expected, logged } => write!(
                f,
                "the chain is broken: chainHash should be {expected}, the log says {logged}"
            ),
            Fault::HeadMismatch {
                head,
                expected,
                logged,
            } => write!(
                f,
                "the {head} has chain hash {expected}, the log says {logged} (history was rewritten)"
            ),
            Fault::Truncated { head, last } => write!(
                f,
                "the {head} is at this sequence but the log ends at {last} (releases were removed)"
            ),
        }
    }
}

/// The outcome of [`LogVerifier::finish`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// How many log entries were checked.
    pub releases: u64,
    /// The last entry's sequence number and chain hash (`None` for an empty log).
    pub last: Option<(i64, String)>,
    /// Everything wrong, in log order; empty when the log verifies.
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug)]
struct Checkpoint {
    label: String,
    sequence: i64,
    chain_hash: String,
    seen: bool,
}

/// Checks a log entry by entry, in the order served (see the module documentation).
#[derive(Clone, Debug)]
pub struct LogVerifier {
    next_sequence: i64,
    /// The previous entry's chain value, or `None` after a gap or a malformed entry, where a
    /// link cannot be checked (the gap itself is the finding).
    previous_chain: Option<Digest32>,
    checkpoints: Vec<Checkpoint>,
    last: Option<(i64, String)>,
    releases: u64,
    findings: Vec<Finding>,
}

impl Default for LogVerifier {
    fn default() -> Self {
        LogVerifier::new()
    }
}

#[derive(Deserialize)]
struct Ids {
    id: Option<Value>,
    ocid: Option<Value>,
}

impl LogVerifier {
    /// A verifier expecting the log to start at sequence 1 from `chain_0`.
    pub fn new() -> LogVerifier {
        LogVerifier {
            next_sequence: 1,
            previous_chain: Some(CHAIN_ZERO),
            checkpoints: Vec::new(),
            last: None,
            releases: 0,
            findings: Vec::new(),
        }
    }

    /// Requires the log to reach `sequence` with `chain_hash` there: the signed head, or a
    /// head saved earlier (which detects removals from the end and rewritten history).
    pub fn expect_head(&mut self, label: impl Into<String>, sequence: i64, chain_hash: &str) {
        self.checkpoints.push(Checkpoint {
            label: label.into(),
            sequence,
            chain_hash: chain_hash.to_owned(),
            seen: false,
        });
    }

    /// The sequence number the next entry should have.
    pub fn next_sequence(&self) -> i64 {
        self.next_sequence
    }

    /// Checks the next entry and its release text as served (`None` when it could not be found).
    pub fn check(&mut self, entry: &LogEntry, release: Option<&[u8]>) {
        let mut fault = |fault: Fault| {
            self.findings.push(Finding {
                sequence: entry.sequence,
                release_id: Some(entry.release_id.clone()),
                ocid: Some(entry.ocid.clone()),
                fault,
            })
        };
        if entry.sequence < self.next_sequence {
            fault(Fault::OutOfOrder {
                after: self.next_sequence - 1,
            });
            return;
        }
        let gap = entry.sequence > self.next_sequence;
        let logged_hash = from_hex(&entry.release_hash);
        let logged_chain = from_hex(&entry.chain_hash);
        if logged_hash.is_none() || logged_chain.is_none() {
            fault(Fault::MalformedHash);
        }
        match release {
            None => fault(Fault::ReleaseNotFound),
            Some(text) => {
                for problem in check_release(entry, logged_hash.as_ref(), text) {
                    fault(problem);
                }
            }
        }
        if let (Some(previous), Some(hash), Some(chain)) =
            (self.previous_chain, logged_hash, logged_chain)
            && !gap
        {
            let expected = next_chain(&previous, &hash);
            if expected != chain {
                fault(Fault::ChainBroken {
                    expected: hex::encode(expected),
                    logged: entry.chain_hash.clone(),
                });
            }
        }
        for checkpoint in &mut self.checkpoints {
            if checkpoint.sequence == entry.sequence {
                checkpoint.seen = true;
                if checkpoint.chain_hash != entry.chain_hash {
                    self.findings.push(Finding {
                        sequence: entry.sequence,
                        release_id: Some(entry.release_id.clone()),
                        ocid: Some(entry.ocid.clone()),
                        fault: Fault::HeadMismatch {
                            head: checkpoint.label.clone(),
                            expected: checkpoint.chain_hash.clone(),
                            logged: entry.chain_hash.clone(),
                        },
                    });
                }
            }
        }
        if gap {
            // Sort the gap before the entry's own findings: it comes first in the log.
            let at = self
                .findings
                .iter()
                .rposition(|f| f.sequence < entry.sequence)
                .map_or(0, |i| i + 1);
            self.findings.insert(
                at,
                Finding {
                    sequence: self.next_sequence,
                    release_id: None,
                    ocid: None,
                    fault: Fault::Missing {
                        through: entry.sequence - 1,
                    },
                },
            );
        }
        self.previous_chain = logged_chain;
        self.last = Some((entry.sequence, entry.chain_hash.clone()));
        self.next_sequence = entry.sequence + 1;
        self.releases += 1;
    }

    /// Ends the log: checks that every expected head was reached.
    pub fn finish(mut self) -> Report {
        let last = self.last.as_ref().map_or(0, |(s, _)| *s);
        for checkpoint in self.checkpoints.iter().filter(|c| !c.seen) {
            let fault = if checkpoint.sequence == 0 {
                // The empty log's head: only chain_0 matches it.
                if checkpoint.chain_hash == hex::encode(CHAIN_ZERO) {
                    continue;
                }
                Fault::HeadMismatch {
                    head: checkpoint.label.clone(),
                    expected: checkpoint.chain_hash.clone(),
                    logged: hex::encode(CHAIN_ZERO),
                }
            } else if checkpoint.sequence > last {
                Fault::Truncated {
                    head: checkpoint.label.clone(),
                    last,
                }
            } else {
                // Inside a gap, already reported as missing; say which head it breaks.
                Fault::HeadMismatch {
                    head: checkpoint.label.clone(),
                    expected: checkpoint.chain_hash.clone(),
                    logged: "(no entry)".into(),
                }
            };
            self.findings.push(Finding {
                sequence: checkpoint.sequence,
                release_id: None,
                ocid: None,
                fault,
            });
        }
        Report {
            releases: self.releases,
            last: self.last,
            findings: self.findings,
        }
    }
}

/// Checks one release's text against its entry: hash, and that it is the release named.
fn check_release(entry: &LogEntry, logged: Option<&Digest32>, text: &[u8]) -> Vec<Fault> {
    let mut faults = Vec::new();
    let value: Value = match serde_json::from_slice(text) {
        Ok(value) => value,
        Err(error) => return vec![Fault::NotJson(error.to_string())],
    };
    if let Some(logged) = logged {
        // Served bytes that hash to the logged value are the hashed bytes themselves. Only
        // other text (reformatted, or changed) is re-canonicalised; this also avoids a false
        // alarm if parsing a float were ever off by one unit in the last place.
        let raw = release_hash(text);
        if raw != *logged {
            match serde_json_canonicalizer::to_vec(&value) {
                Ok(canonical) => {
                    let actual = release_hash(&canonical);
                    if actual != *logged {
                        faults.push(Fault::Changed {
                            logged: entry.release_hash.clone(),
                            actual: hex::encode(actual),
                        });
                    }
                }
                Err(error) => faults.push(Fault::NotJson(error.to_string())),
            }
        }
    }
    let ids: Option<Ids> = serde_json::from_value(value).ok();
    let (id, ocid) = ids.map_or((None, None), |ids| (text_of(ids.id), text_of(ids.ocid)));
    if id.as_deref() != Some(&entry.release_id) || ocid.as_deref() != Some(&entry.ocid) {
        faults.push(Fault::WrongRelease { id, ocid });
    }
    faults
}

fn text_of(value: Option<Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};
    use proptest::prelude::*;
    use serde_json::json;

    /// A log of `releases` (JSON values) as a server would publish it: canonical texts and entries.
    fn publish(releases: &[Value]) -> (Vec<LogEntry>, Vec<Vec<u8>>) {
        let mut chain = CHAIN_ZERO;
        let mut entries = Vec::new();
        let mut texts = Vec::new();
        for (i, release) in releases.iter().enumerate() {
            let text = canonical_json(release).unwrap().into_bytes();
            let hash = release_hash(&text);
            chain = next_chain(&chain, &hash);
            entries.push(LogEntry {
                sequence: i as i64 + 1,
                ocid: release["ocid"].as_str().unwrap().to_owned(),
                release_id: release["id"].as_str().unwrap().to_owned(),
                release_hash: hex::encode(hash),
                chain_hash: hex::encode(chain),
            });
            texts.push(text);
        }
        (entries, texts)
    }

    fn sample(n: usize) -> Vec<Value> {
        (1..=n)
            .map(|i| {
                json!({"ocid": format!("ocds-1-{}", i % 3), "id": format!("r{i}"), "tag": ["tender"],
                       "tender": {"title": format!("Título {i}"), "value": {"amount": i * 10}}})
            })
            .collect()
    }

    fn verify(entries: &[LogEntry], texts: &[Option<&[u8]>], head: Option<(i64, &str)>) -> Report {
        let mut verifier = LogVerifier::new();
        if let Some((sequence, chain)) = head {
            verifier.expect_head("signed head", sequence, chain);
        }
        for (entry, text) in entries.iter().zip(texts) {
            verifier.check(entry, *text);
        }
        verifier.finish()
    }

    fn all(texts: &[Vec<u8>]) -> Vec<Option<&[u8]>> {
        texts.iter().map(|t| Some(t.as_slice())).collect()
    }

    #[test]
    fn the_chain_matches_an_independent_computation() {
        let h1 = release_hash(b"{}");
        assert_eq!(
            hex::encode(h1),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        let mut joined = vec![0u8; 32];
        joined.extend_from_slice(&h1);
        assert_eq!(
            next_chain(&CHAIN_ZERO, &h1),
            <[u8; 32]>::from(Sha256::digest(&joined))
        );
        assert_eq!(from_hex(&hex::encode(h1)), Some(h1));
        assert_eq!(from_hex(&hex::encode(h1).to_uppercase()), None);
        assert_eq!(from_hex("zz"), None);
    }

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let a = canonical_json(&json!({"b": 1, "a": {"d": [1, 2], "c": "é"}})).unwrap();
        assert_eq!(a, r#"{"a":{"c":"é","d":[1,2]},"b":1}"#);
    }

    #[test]
    fn an_untouched_log_verifies_and_reports_its_head() {
        let (entries, texts) = publish(&sample(5));
        let head = entries[4].chain_hash.clone();
        let report = verify(&entries, &all(&texts), Some((5, &head)));
        assert_eq!(report.findings, []);
        assert_eq!(report.releases, 5);
        assert_eq!(report.last, Some((5, head)));
    }

    #[test]
    fn reformatted_release_text_is_re_canonicalised_and_accepted() {
        let (entries, _) = publish(&sample(2));
        let pretty: Vec<Vec<u8>> = sample(2)
            .iter()
            .map(|r| serde_json::to_vec_pretty(r).unwrap())
            .collect();
        assert_eq!(verify(&entries, &all(&pretty), None).findings, []);
    }

    #[test]
    fn a_changed_release_is_named_with_its_sequence_id_and_ocid() {
        let (entries, mut texts) = publish(&sample(4));
        texts[2] = String::from_utf8(texts[2].clone())
            .unwrap()
            .replace("Título 3", "Título 9")
            .into_bytes();
        let report = verify(&entries, &all(&texts), None);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        let finding = &report.findings[0];
        assert!(matches!(finding.fault, Fault::Changed { .. }));
        let line = finding.to_string();
        assert!(
            line.starts_with("sequence 3 release r3 ocid ocds-1-0: the release was changed"),
            "{line}"
        );
    }

    #[test]
    fn a_removed_entry_in_the_middle_is_a_named_gap() {
        let (mut entries, mut texts) = publish(&sample(6));
        entries.drain(2..4);
        texts.drain(2..4);
        let report = verify(&entries, &all(&texts), None);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(report.findings[0].fault, Fault::Missing { through: 4 });
        assert_eq!(
            report.findings[0].to_string(),
            "sequences 3 to 4: missing from the log (removed)"
        );
    }

    #[test]
    fn renumbering_after_a_removal_breaks_the_chain() {
        let (mut entries, mut texts) = publish(&sample(4));
        entries.remove(1);
        texts.remove(1);
        for (i, entry) in entries.iter_mut().enumerate() {
            entry.sequence = i as i64 + 1;
        }
        let report = verify(&entries, &all(&texts), None);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.sequence == 2 && matches!(f.fault, Fault::ChainBroken { .. })),
            "{:?}",
            report.findings
        );
    }

    #[test]
    fn a_removed_tail_is_caught_by_a_saved_head_only() {
        let (entries, texts) = publish(&sample(5));
        let saved = entries[4].chain_hash.clone();
        let report = verify(&entries[..3], &all(&texts[..3]), None);
        assert_eq!(report.findings, [], "a shorter log is self-consistent");
        let report = verify(&entries[..3], &all(&texts[..3]), Some((5, &saved)));
        assert_eq!(
            report.findings[0].fault,
            Fault::Truncated {
                head: "signed head".into(),
                last: 3
            }
        );
    }

    #[test]
    fn a_rewritten_history_disagrees_with_a_saved_head() {
        let (entries, _) = publish(&sample(3));
        let saved = entries[2].chain_hash.clone();
        let mut forged = sample(3);
        forged[1]["tender"]["title"] = json!("Forged");
        let (entries, texts) = publish(&forged);
        let report = verify(&entries, &all(&texts), Some((3, &saved)));
        assert!(matches!(
            report.findings.as_slice(),
            [Finding {
                sequence: 3,
                fault: Fault::HeadMismatch { .. },
                ..
            }]
        ));
    }

    #[test]
    fn duplicates_missing_releases_and_wrong_releases_are_named() {
        let (entries, texts) = publish(&sample(3));
        let twice = [entries[0].clone(), entries[1].clone(), entries[1].clone()];
        let report = verify(
            &twice,
            &[
                Some(&texts[0][..]),
                Some(&texts[1][..]),
                Some(&texts[1][..]),
            ],
            None,
        );
        assert_eq!(report.findings[0].fault, Fault::OutOfOrder { after: 2 });
        let report = verify(
            &entries,
            &[Some(&texts[0][..]), None, Some(&texts[0][..])],
            None,
        );
        assert_eq!(report.findings[0].fault, Fault::ReleaseNotFound);
        assert_eq!(report.findings[0].sequence, 2);
        assert!(report.findings[1..].iter().all(|f| f.sequence == 3
            && matches!(f.fault, Fault::Changed { .. } | Fault::WrongRelease { .. })));
    }

    #[test]
    fn the_empty_log_matches_the_zero_head() {
        let report = verify(&[], &[], Some((0, &"0".repeat(64))));
        assert_eq!(report.findings, []);
        assert_eq!(report.releases, 0);
        let report = verify(&[], &[], Some((1, &"a".repeat(64))));
        assert!(matches!(report.findings[0].fault, Fault::Truncated { .. }));
    }

    #[test]
    fn a_head_signature_verifies_only_with_its_key_and_message() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let public = hex::encode(key.verifying_key().to_bytes());
        let chain = "ab".repeat(32);
        let message = head_message(9, &chain);
        assert_eq!(message, format!("marco-log-head:v1:9:{chain}"));
        let mut head = SignedHead {
            sequence: 9,
            chain_hash: chain.clone(),
            signature: hex::encode(key.sign(message.as_bytes()).to_bytes()),
            signed_message: Some(message),
        };
        assert_eq!(head.verify(&public), Ok(()));
        let other = hex::encode(SigningKey::from_bytes(&[8; 32]).verifying_key().to_bytes());
        assert_eq!(head.verify(&other), Err(HeadError::Signature));
        assert_eq!(head.verify("beef"), Err(HeadError::Key));
        head.signed_message = None;
        head.sequence = 10;
        assert_eq!(head.verify(&public), Err(HeadError::Signature));
        head.signed_message = Some("something else".into());
        assert!(matches!(
            head.verify(&public),
            Err(HeadError::Message { .. })
        ));
    }

    /// Releases whose canonical text has no neutral one-byte edit: integers and text without
    /// control characters (JCS writes those as `\u001f`, and `\u001F` means the same), no
    /// exponents (`1e+21` and `1e021` are the same number).
    fn release_strategy() -> impl Strategy<Value = Value> {
        let text = "[a-zA-Z0-9 éñ€\"\\\\/.,:{}]{0,10}";
        (
            text,
            text,
            any::<i32>(),
            prop::collection::vec(any::<i16>(), 0..4),
            any::<bool>(),
        )
            .prop_map(|(title, note, amount, numbers, flag)| {
                json!({"tag": ["tender"], "tender": {"title": title, "value": {"amount": amount}},
                       "notes": [note, numbers, flag, null]})
            })
    }

    fn log_strategy() -> impl Strategy<Value = Vec<Value>> {
        prop::collection::vec(release_strategy(), 1..8).prop_map(|bodies| {
            bodies
                .into_iter()
                .enumerate()
                .map(|(i, mut body)| {
                    body["ocid"] = json!(format!("ocds-x-{}", i % 2));
                    body["id"] = json!(format!("ocds-x-{i:08}"));
                    body
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn any_changed_byte_in_any_release_is_detected_and_named(
            releases in log_strategy(),
            pick in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
            replacement in any::<u8>(),
        ) {
            let (entries, mut texts) = publish(&releases);
            let victim = pick.index(texts.len());
            let position = at.index(texts[victim].len());
            prop_assume!(texts[victim][position] != replacement);
            texts[victim][position] = replacement;
            let head = entries.last().map(|e| (e.sequence, e.chain_hash.clone())).unwrap();
            let report = verify(&entries, &all(&texts), Some((head.0, &head.1)));
            prop_assert!(!report.findings.is_empty(), "undetected change in release {}", victim + 1);
            prop_assert!(report.findings.iter().all(|f| f.sequence == victim as i64 + 1),
                "only the changed release is named: {:?}", report.findings);
        }

        #[test]
        fn any_removed_entry_is_detected(
            releases in log_strategy(),
            pick in any::<prop::sample::Index>(),
        ) {
            let (mut entries, mut texts) = publish(&releases);
            let head = entries.last().map(|e| (e.sequence, e.chain_hash.clone())).unwrap();
            let victim = pick.index(entries.len());
            entries.remove(victim);
            texts.remove(victim);
            let report = verify(&entries, &all(&texts), Some((head.0, &head.1)));
            prop_assert!(report.findings.iter().any(|f| f.sequence == victim as i64 + 1
                && matches!(f.fault, Fault::Missing { .. } | Fault::Truncated { .. })),
                "removal of {} not named: {:?}", victim + 1, report.findings);
        }

        #[test]
        fn an_untouched_log_always_verifies(releases in log_strategy()) {
            let (entries, texts) = publish(&releases);
            let head = entries.last().map(|e| (e.sequence, e.chain_hash.clone())).unwrap();
            let report = verify(&entries, &all(&texts), Some((head.0, &head.1)));
            prop_assert_eq!(report.findings, vec![]);
        }
    }
}
