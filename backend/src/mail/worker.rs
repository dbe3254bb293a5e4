//! The mail worker: claims due messages under a lease, sends them, marks them sent, and
//! retries failures with exponential back-off. Safe to run in several instances at once.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::store;
use super::transport::{SendError, Transport, TransportError};
use crate::config::MailConfig;
use crate::jobs::lease::new_owner;
use crate::jobs::{Job, Pass, Stopping};

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// How long a claim lasts; a send is abandoned (and retried later) after half of it.
    pub lease: Duration,
    /// Messages claimed per pass.
    pub batch: u64,
    /// Attempts before a message is given up.
    pub max_attempts: i32,
    /// Wait after the first failure; it doubles with each further failure.
    pub backoff_base: Duration,
    /// The longest wait between attempts.
    pub backoff_cap: Duration,
    /// Pause between passes when there is nothing more to do.
    pub poll_interval: Duration,
    /// Tests only: pause between claiming and sending each message.
    pub test_delay: Option<Duration>,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            lease: Duration::from_secs(120),
            batch: 20,
            max_attempts: 10,
            backoff_base: Duration::from_secs(30),
            backoff_cap: Duration::from_secs(3600),
            poll_interval: Duration::from_secs(2),
            test_delay: None,
        }
    }
}

impl WorkerSettings {
    /// The defaults, with the lease, poll interval and test delay from the settings.
    pub fn from_config(mail: &MailConfig) -> WorkerSettings {
        WorkerSettings {
            lease: mail.lease,
            poll_interval: mail.poll_interval,
            test_delay: mail.test_delay,
            ..WorkerSettings::default()
        }
    }
}

/// The wait before the next attempt after `attempts` failed ones: `base · 2^(attempts-1)`,
/// at most `cap`.
pub fn backoff(attempts: i32, base: Duration, cap: Duration) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
    base.saturating_mul(1 << doublings).min(cap)
}

/// One pass with the default settings and a fresh owner: claims due messages, sends them and
/// returns how many were sent. For tests and one-off runs.
pub async fn run_once(db: &DatabaseConnection, transport: &Transport) -> usize {
    run_once_with(db, transport, &WorkerSettings::default()).await
}

/// One pass with `settings` and a fresh owner; returns how many messages were sent.
pub async fn run_once_with(
    db: &DatabaseConnection,
    transport: &Transport,
    settings: &WorkerSettings,
) -> usize {
    pass(db, transport, settings, &new_owner(), &Stopping::never())
        .await
        .1
}

/// One pass: returns (messages claimed, messages sent).
#[tracing::instrument(skip_all, fields(mail.worker = %owner))]
async fn pass(
    db: &DatabaseConnection,
    transport: &Transport,
    settings: &WorkerSettings,
    owner: &str,
    stopping: &Stopping,
) -> (usize, usize) {
    let claimed = match store::claim(db, owner, settings.lease, settings.batch).await {
        Ok(claimed) => claimed,
        Err(e) => {
            tracing::warn!(error = %e, "could not claim queued mail; will try again");
            return (0, 0);
        }
    };
    let mut sent = 0;
    for (index, message) in claimed.iter().enumerate() {
        if let Some(delay) = settings.test_delay {
            tracing::info!(
                outbox.id = message.id,
                "mail claimed; pausing before sending (MARCO_MAIL_TEST_DELAY_MS)"
            );
            let mut stop = stopping.clone();
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = stop.wait() => {}
            }
        }
        // Earlier sends in this batch may have used up much of the lease; a send must never
        // start unless the lease outlasts it, or another worker could send the message too.
        let lease_left = message
            .lease_until
            .and_then(|until| (until - store::now()).to_std().ok())
            .unwrap_or_default();
        if stopping.requested() || lease_left < settings.lease / 2 {
            let untried: Vec<i64> = claimed[index..].iter().map(|m| m.id).collect();
            if let Err(e) = store::release(db, &untried, owner).await {
                tracing::warn!(error = %e, "could not hand back claimed mail; its lease will run out");
            }
            break;
        }
        // A send may take at most half the lease, so the lease cannot run out while the
        // message is on its way and let another worker send it too.
        let sending = tokio::time::timeout(settings.lease / 2, transport.send(message));
        let outcome = sending.await.unwrap_or_else(|_| {
            Err(SendError {
                kind: "timeout",
                detail: format!("sending took longer than {:?}", settings.lease / 2),
                permanent: false,
            })
        });
        match outcome {
            Ok(()) => match store::mark_sent(db, message.id).await {
                Ok(()) => {
                    sent += 1;
                    // One line per message is for debugging; the job's pass reports the count.
                    tracing::debug!(
                        outbox.id = message.id,
                        mail.attempt = message.attempts,
                        "mail sent"
                    );
                }
                // The message went out but the record did not: when the lease ends it may be
                // sent again, with the same Message-ID so the receiver can drop the copy.
                Err(e) => {
                    tracing::error!(outbox.id = message.id, error = %e, "mail sent but not marked as sent")
                }
            },
            Err(failure) => {
                let give_up = failure.permanent || message.attempts >= settings.max_attempts;
                let retry_at = (!give_up).then(|| {
                    let wait = backoff(
                        message.attempts,
                        settings.backoff_base,
                        settings.backoff_cap,
                    );
                    store::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
                });
                tracing::warn!(
                    outbox.id = message.id,
                    mail.attempt = message.attempts,
                    error.kind = failure.kind,
                    given_up = give_up,
                    "sending mail failed",
                );
                if let Err(e) =
                    store::mark_failed(db, message.id, owner, &failure.detail, retry_at).await
                {
                    tracing::error!(outbox.id = message.id, error = %e, "could not record a mail failure");
                }
            }
        }
    }
    (claimed.len(), sent)
}

/// The job that sends queued mail. Several instances may run it at once: each message is
/// leased to one of them.
pub struct MailJob {
    db: DatabaseConnection,
    transport: Transport,
    settings: WorkerSettings,
    owner: String,
}

impl MailJob {
    /// The job on the transport the settings ask for.
    pub fn new(
        db: DatabaseConnection,
        mail: &MailConfig,
        data_dir: &std::path::Path,
    ) -> Result<MailJob, TransportError> {
        let transport = Transport::from_config(mail, data_dir)?;
        Ok(MailJob::with(
            db,
            transport,
            WorkerSettings::from_config(mail),
        ))
    }

    /// The job with `transport` and `settings`.
    pub fn with(db: DatabaseConnection, transport: Transport, settings: WorkerSettings) -> MailJob {
        let owner = new_owner();
        tracing::info!(mail.worker = %owner, mail.transport = %transport.describe(), "mail job ready");
        MailJob {
            db,
            transport,
            settings,
            owner,
        }
    }
}

#[async_trait::async_trait]
impl Job for MailJob {
    fn name(&self) -> &'static str {
        "mail"
    }

    fn interval(&self) -> Duration {
        self.settings.poll_interval
    }

    /// A pass starts no send its lease does not cover, and each send takes at most half the
    /// lease, so a pass ends within about one and a half leases.
    fn time_limit(&self) -> Duration {
        self.settings.lease + self.settings.lease / 2
    }

    async fn pass(&self, stopping: &Stopping) -> anyhow::Result<Pass> {
        let (claimed, sent) = pass(
            &self.db,
            &self.transport,
            &self.settings,
            &self.owner,
            stopping,
        )
        .await;
        Ok(match claimed as u64 {
            0 => Pass::Idle,
            n if n >= self.settings.batch => Pass::More(sent as u64),
            _ => Pass::Done(sent as u64),
        })
    }

    async fn lag(&self) -> Option<Duration> {
        store::oldest_due(&self.db)
            .await
            .ok()
            .flatten()
            .and_then(|due| (store::now() - due).to_std().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap() {
        let base = Duration::from_secs(30);
        let cap = Duration::from_secs(3600);
        let waits: Vec<u64> = (1..=9).map(|n| backoff(n, base, cap).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(0, base, cap), base);
        assert_eq!(backoff(i32::MAX, base, cap), cap);
    }

    #[test]
    fn owners_differ_between_workers() {
        assert_ne!(new_owner(), new_owner());
    }
}
