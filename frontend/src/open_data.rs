//! The open data page for watchdogs, and the publication-health page for managers.

use askama::Template;
use askama_web::WebTemplate;

use crate::pages::Shell;

/// How to get Marco's OCDS data, under which licence and policy.
#[derive(Template, WebTemplate)]
#[template(path = "open_data.html")]
pub struct OpenDataPage {
    /// The layout.
    pub shell: Shell,
    /// The public base URL, for copy-paste examples.
    pub base: String,
    /// The ocid prefix.
    pub ocid_prefix: String,
    /// Whether the prefix is the unregistered demo one.
    pub demo_prefix: bool,
    /// The data licence URL.
    pub license: String,
    /// The OCDS extensions declared in every package.
    pub extensions: Vec<String>,
    /// Releases published so far.
    pub releases: u64,
    /// Contracting processes so far.
    pub processes: u64,
    /// The bulk files, as listed at `/ocds/bulk/`.
    pub bulk_files: Vec<BulkFileRow>,
}

/// One bulk file on the open data page.
#[derive(Clone, Debug)]
pub struct BulkFileRow {
    /// The file name.
    pub name: String,
    /// Its download URL.
    pub url: String,
    /// Its size, human readable.
    pub size: String,
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// When it was last written (UTC).
    pub last_modified: String,
    /// Releases it holds or was built from.
    pub releases: u64,
}

impl OpenDataPage {
    /// How much has been published, in words.
    pub fn counts(&self) -> String {
        self.shell.tr.ta(
            "od-counts",
            &[
                ("releases", self.releases.to_string()),
                ("processes", self.processes.to_string()),
            ],
        )
    }
}

/// Releases published on one day.
#[derive(Clone, Debug)]
pub struct DayCount {
    /// The day (UTC), `YYYY-MM-DD`.
    pub day: String,
    /// Releases published.
    pub releases: u64,
}

/// A release that failed validation.
#[derive(Clone, Debug)]
pub struct FailureRow {
    /// Its sequence number.
    pub sequence: i64,
    /// Its id.
    pub release_id: String,
    /// When it was recorded.
    pub at: String,
    /// How many errors, and the first.
    pub summary: String,
}

/// The health of the publication pipeline.
#[derive(Template, WebTemplate)]
#[template(path = "admin/publication.html")]
pub struct PublicationHealthPage {
    /// The layout.
    pub shell: Shell,
    /// Releases in the log.
    pub releases: u64,
    /// Contracting processes.
    pub processes: u64,
    /// Total size of the stored releases, human readable.
    pub log_size: String,
    /// The latest sequence number and chain hash.
    pub head: String,
    /// Releases per day, the latest 30 days with any.
    pub per_day: Vec<DayCount>,
    /// Validation failures in total.
    pub failures: u64,
    /// The latest failures.
    pub latest_failures: Vec<FailureRow>,
    /// The background jobs of this instance.
    pub jobs: Vec<JobRow>,
}

/// A background job's record since this instance started.
#[derive(Clone, Debug)]
pub struct JobRow {
    /// The job's name, e.g. `mail`.
    pub name: String,
    /// When its last pass ended (UTC), or "".
    pub last_run: String,
    /// When its last successful pass ended (UTC), or "".
    pub last_success: String,
    /// Passes run.
    pub runs: u64,
    /// Passes failed.
    pub failures: u64,
    /// Items handled.
    pub items: u64,
    /// Age of the oldest item waiting, in seconds, when the job can tell.
    pub lag_seconds: Option<u64>,
    /// The last failure, until a pass succeeds.
    pub last_error: String,
}
