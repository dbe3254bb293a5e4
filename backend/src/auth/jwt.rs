//! Signed JWTs for browser sessions and API tokens, with keys rotated by key id (`kid`).

use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a token says: who, which server-side session, until when, and with which scopes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The server-side session id, checked on every request so revocation works.
    pub sid: String,
    /// `browser` or `api`.
    pub kind: String,
    /// API scopes, space separated (empty for browser sessions).
    pub scope: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
}

/// The signing key and the keys of earlier secrets, still accepted while rotation completes.
pub struct Keyring {
    current_kid: String,
    encoding: EncodingKey,
    decoding: Vec<(String, DecodingKey)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current_kid", &self.current_kid)
            .finish_non_exhaustive()
    }
}

/// The key id of a secret: the start of its SHA-256, so it reveals nothing.
pub fn key_id(secret: &SecretString) -> String {
    hex::encode(&Sha256::digest(secret.expose_secret().as_bytes())[..6])
}

impl Keyring {
    /// Signs with `current`; verifies tokens signed with it or any of `previous`.
    pub fn new(current: &SecretString, previous: &[SecretString]) -> Keyring {
        let decoding = std::iter::once(current)
            .chain(previous)
            .map(|s| {
                (
                    key_id(s),
                    DecodingKey::from_secret(s.expose_secret().as_bytes()),
                )
            })
            .collect();
        Keyring {
            current_kid: key_id(current),
            encoding: EncodingKey::from_secret(current.expose_secret().as_bytes()),
            decoding,
        }
    }

    /// A signed token for `claims`.
    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.current_kid.clone());
        encode(&header, claims, &self.encoding).map_err(|e| anyhow::anyhow!("signing a token: {e}"))
    }

    /// The claims of a valid, unexpired token signed by a known key; `None` otherwise.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let kid = decode_header(token).ok()?.kid?;
        let (_, key) = self.decoding.iter().find(|(id, _)| *id == kid)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        decode::<Claims>(token, key, &validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp_in: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: "7".into(),
            sid: "s".into(),
            kind: "browser".into(),
            scope: String::new(),
            iat: now,
            exp: now + exp_in,
        }
    }

    #[test]
    fn tokens_verify_and_tampering_or_expiry_fails() {
        let keys = Keyring::new(&SecretString::from("a".repeat(40)), &[]);
        let token = keys.sign(&claims(60)).unwrap();
        assert_eq!(
            keys.verify(&token),
            Some(claims(60)).map(|c| Claims {
                iat: keys.verify(&token).unwrap().iat,
                exp: keys.verify(&token).unwrap().exp,
                ..c
            })
        );
        let mut forged = token.clone();
        forged.pop();
        forged.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(keys.verify(&forged), None);
        assert_eq!(
            keys.verify(&keys.sign(&claims(-60)).unwrap()),
            None,
            "expired"
        );
        assert_eq!(keys.verify("not a token"), None);
    }

    #[test]
    fn rotated_keys_keep_old_tokens_valid_until_removed() {
        let old = SecretString::from("o".repeat(40));
        let new = SecretString::from("n".repeat(40));
        let before = Keyring::new(&old, &[]).sign(&claims(60)).unwrap();
        assert!(
            Keyring::new(&new, std::slice::from_ref(&old))
                .verify(&before)
                .is_some()
        );
        assert!(Keyring::new(&new, &[]).verify(&before).is_none());
        assert_ne!(key_id(&old), key_id(&new));
    }
}
