//! Rate limits on sign-in, sign-up and password reset, per client address and per account.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// The keyed limiters of one instance.
pub struct Limits {
    per_ip: DefaultKeyedRateLimiter<String>,
    per_account: DefaultKeyedRateLimiter<String>,
    feeds: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limits")
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new(30, 10)
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl Limits {
    /// Limits of `ip_per_minute` attempts per address and `account_per_minute` per account.
    pub fn new(ip_per_minute: u32, account_per_minute: u32) -> Limits {
        Limits {
            per_ip: RateLimiter::keyed(per_minute(ip_per_minute)),
            per_account: RateLimiter::keyed(per_minute(account_per_minute)),
            feeds: RateLimiter::keyed(per_minute(6000)),
        }
    }

    /// The same limits with `per_minute` requests per address on the keyless OCDS feeds.
    pub fn with_feed_rate(mut self, feed_per_minute: u32) -> Limits {
        self.feeds = RateLimiter::keyed(per_minute(feed_per_minute));
        self
    }

    /// Counts a request to the OCDS feeds from `ip`; refuses with 429 and a `Retry-After` when
    /// the address is over its rate.
    pub fn check_feed(&self, ip: &ClientIp) -> Result<(), AppError> {
        // The feeds are public: forget addresses whose quota has refilled, so a crowd of
        // clients cannot grow the table without bound.
        if self.feeds.len() > 10_000 {
            self.feeds.retain_recent();
        }
        self.feeds.check_key(&ip.0).map_err(|not_until| {
            // A clock is made only when refusing: making one calibrates it (CPUID), which
            // took 5% of the time of serving a feed page.
            let clock = DefaultClock::default();
            // Round up, so a client that waits exactly Retry-After is let in.
            let wait = not_until.wait_time_from(clock.now());
            AppError::RateLimited(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        })
    }

    /// Counts an attempt of `action` from `ip` (and on `account`, when known); refuses with
    /// 429 and a `Retry-After` when over the limit.
    pub fn check(
        &self,
        action: &str,
        ip: &ClientIp,
        account: Option<&str>,
    ) -> Result<(), AppError> {
        let clock = DefaultClock::default();
        let wait = |limiter: &DefaultKeyedRateLimiter<String>, key: String| {
            limiter.check_key(&key).map_err(|not_until| {
                AppError::RateLimited(not_until.wait_time_from(clock.now()).as_secs().max(1))
            })
        };
        wait(&self.per_ip, format!("{action}:{}", ip.0))?;
        if let Some(account) = account {
            wait(
                &self.per_account,
                format!("{action}:{}", account.to_lowercase()),
            )?;
        }
        Ok(())
    }
}

/// The client's address, when the server knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl ClientIp {
    /// The address for the audit log.
    pub fn audit(&self) -> Option<String> {
        (self.0 != "unknown").then(|| self.0.clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip: Option<IpAddr> = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(
            ip.map(|ip| ip.to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}
