//! The one job runner. Background work (sending queued mail, applying search updates, the
//! framework clock, refreshing the bulk files, and later reminders and closings) implements
//! [`Job`]: a named, idempotent pass, bounded in time. [`spawn`] runs a job's passes in a
//! loop until it is stopped gracefully, and records each pass on the [`Board`] that the
//! operations page and `/metrics` show.
//!
//! Queues that several instances drain share their claim and lease code in [`lease`].
//! Work missed while Marco was down is found again by the pass itself, which reads what is
//! due from the database (queued mail, unprocessed search updates, framework timetables):
//! every job passes once at start-up.

mod board;
pub mod lease;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

pub use board::{Board, JobStatus};

/// What one pass did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// Nothing was due; wait for the job's interval.
    Idle,
    /// Did this much and took everything that was due; wait for the interval.
    Done(u64),
    /// Did a full batch and more may be due: run again at once.
    More(u64),
}

impl Pass {
    /// How many items the pass handled.
    pub fn items(self) -> u64 {
        match self {
            Pass::Idle => 0,
            Pass::Done(n) | Pass::More(n) => n,
        }
    }
}

/// A job's view of the stop request, to end a long pass early.
#[derive(Clone, Debug)]
pub struct Stopping {
    receiver: watch::Receiver<bool>,
    /// For [`Stopping::never`]: the sender nobody uses, kept alive so `wait` stays pending.
    _never: Option<Arc<watch::Sender<bool>>>,
}

impl Stopping {
    fn from(receiver: watch::Receiver<bool>) -> Stopping {
        Stopping {
            receiver,
            _never: None,
        }
    }

    /// A stop that never comes, for running one pass by hand (tests, commands).
    pub fn never() -> Stopping {
        let (sender, receiver) = watch::channel(false);
        Stopping {
            receiver,
            _never: Some(Arc::new(sender)),
        }
    }

    /// Whether the runner asked the job to stop.
    pub fn requested(&self) -> bool {
        *self.receiver.borrow()
    }

    /// Waits until a stop is requested.
    pub async fn wait(&mut self) {
        let _ = self.receiver.wait_for(|stop| *stop).await;
    }
}

/// Background work run by the runner.
#[async_trait::async_trait]
pub trait Job: Send + Sync + 'static {
    /// A stable name for logs, metrics and the operations page, e.g. `mail`.
    fn name(&self) -> &'static str;

    /// The pause between passes when nothing more is due.
    fn interval(&self) -> Duration;

    /// The longest a pass may take; past it the pass is abandoned and counted as failed.
    /// Queued work it had claimed is retried once its leases run out.
    fn time_limit(&self) -> Duration;

    /// One pass. It must be idempotent: after a crash or an abandoned pass, the next one
    /// picks up what is still due, and nothing is done twice.
    async fn pass(&self, stopping: &Stopping) -> anyhow::Result<Pass>;

    /// How far behind the job is: the age of the oldest item waiting, when it can tell.
    async fn lag(&self) -> Option<Duration> {
        None
    }

    /// Called when a stop is requested, before waiting for the pass in hand.
    fn on_stop(&self) {}
}

/// A running job; [`JobHandle::shutdown`] stops it after the pass in hand.
pub struct JobHandle {
    name: &'static str,
    stop: watch::Sender<bool>,
    wake: Arc<Notify>,
    job: Arc<dyn Job>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for JobHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHandle")
            .field("name", &self.name)
            .finish()
    }
}

impl JobHandle {
    /// The job's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Runs the next pass now instead of after the interval.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Asks the job to stop and waits up to `grace` for its pass in hand to end.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop.send(true);
        self.job.on_stop();
        self.wake.notify_one();
        if tokio::time::timeout(grace, self.task).await.is_err() {
            tracing::warn!(
                job = self.name,
                "the job did not stop in time; its claims will be retried"
            );
        }
    }
}

/// Starts running `job`: a pass at once, then one after each interval (at once after a full
/// batch), until [`JobHandle::shutdown`].
pub fn spawn(job: Arc<dyn Job>, board: Arc<Board>) -> JobHandle {
    let (stop, receiver) = watch::channel(false);
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    let name = job.name();
    let runner = job.clone();
    let task = tokio::spawn(async move {
        let job = runner;
        let stopping = Stopping::from(receiver);
        tracing::info!(job = name, "job started");
        while !stopping.requested() {
            let again = run_pass(job.as_ref(), &board, &stopping).await;
            if again || stopping.requested() {
                continue;
            }
            let mut wait_stop = stopping.clone();
            tokio::select! {
                () = tokio::time::sleep(job.interval()) => {}
                () = woken.notified() => {}
                () = wait_stop.wait() => {}
            }
        }
        tracing::info!(job = name, "job stopped");
    });
    JobHandle {
        name,
        stop,
        wake,
        job,
        task,
    }
}

/// Runs one pass within the job's time limit and records it; returns whether to run again at
/// once.
#[tracing::instrument(skip_all, fields(job = job.name()))]
pub async fn run_pass(job: &dyn Job, board: &Board, stopping: &Stopping) -> bool {
    let started = Instant::now();
    let outcome = match tokio::time::timeout(job.time_limit(), job.pass(stopping)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(anyhow::anyhow!(
            "the pass took longer than its limit of {:?}",
            job.time_limit()
        )),
    };
    let lag = job.lag().await;
    match outcome {
        Ok(pass) => {
            board.record_success(job.name(), pass.items(), started.elapsed(), lag);
            matches!(pass, Pass::More(_))
        }
        Err(err) => {
            tracing::warn!(
                error = format!("{err:#}"),
                "job pass failed; it will run again"
            );
            board.record_failure(job.name(), &format!("{err:#}"), started.elapsed(), lag);
            false
        }
    }
}

/// The jobs of one server, stopped together.
#[derive(Debug, Default)]
pub struct JobSet {
    handles: Vec<JobHandle>,
}

impl JobSet {
    /// Starts `job` and keeps its handle.
    pub fn start(&mut self, job: Arc<dyn Job>, board: Arc<Board>) {
        self.handles.push(spawn(job, board));
    }

    /// Asks every job to stop at once, then waits up to `grace` for each.
    pub async fn shutdown(self, grace: Duration) {
        let stops = self.handles.into_iter().map(|h| h.shutdown(grace));
        futures_util::future::join_all(stops).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    struct Counting {
        passes: AtomicU64,
        batches: u64,
    }

    #[async_trait::async_trait]
    impl Job for Counting {
        fn name(&self) -> &'static str {
            "counting"
        }
        fn interval(&self) -> Duration {
            Duration::from_secs(3600)
        }
        fn time_limit(&self) -> Duration {
            Duration::from_secs(5)
        }
        async fn pass(&self, _: &Stopping) -> anyhow::Result<Pass> {
            let n = self.passes.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(if n < self.batches {
                Pass::More(10)
            } else {
                Pass::Idle
            })
        }
    }

    #[tokio::test]
    async fn a_job_runs_at_once_drains_its_batches_then_waits_and_stops_gracefully() {
        let board = Arc::new(Board::default());
        let job = Arc::new(Counting {
            passes: AtomicU64::new(0),
            batches: 3,
        });
        let handle = spawn(job.clone(), board.clone());
        for _ in 0..100 {
            if job.passes.load(Ordering::SeqCst) >= 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            job.passes.load(Ordering::SeqCst),
            3,
            "two full batches, then idle"
        );
        handle.wake();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(job.passes.load(Ordering::SeqCst), 4, "woken once");
        let started = Instant::now();
        handle.shutdown(Duration::from_secs(5)).await;
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "an idle job stops at once"
        );
        let status = board.status("counting").unwrap();
        assert_eq!((status.runs, status.failures, status.items), (4, 0, 20));
    }

    struct Slow;

    #[async_trait::async_trait]
    impl Job for Slow {
        fn name(&self) -> &'static str {
            "slow"
        }
        fn interval(&self) -> Duration {
            Duration::from_secs(3600)
        }
        fn time_limit(&self) -> Duration {
            Duration::from_millis(20)
        }
        async fn pass(&self, _: &Stopping) -> anyhow::Result<Pass> {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok(Pass::Done(1))
        }
    }

    #[tokio::test]
    async fn a_pass_past_its_time_limit_is_abandoned_and_counted_as_a_failure() {
        let board = Board::default();
        let again = run_pass(&Slow, &board, &Stopping::never()).await;
        assert!(!again);
        let status = board.status("slow").unwrap();
        assert_eq!((status.runs, status.failures), (1, 1));
        assert!(status.last_error.unwrap().contains("longer than its limit"));
    }
}
