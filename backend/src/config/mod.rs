//! Typed settings from `MARCO_*` environment variables, validated once at start-up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

/// Where Marco runs: development is forgiving and verbose, production is strict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// A developer's machine or the demo started by `make run`.
    Development,
    /// A real deployment: secure cookies, secrets must be given.
    Production,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, coloured lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting Marco reads. Secrets are `SecretString`, so they never reach a log line.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on (`MARCO_ADDR`, default `127.0.0.1:8080`).
    pub addr: SocketAddr,
    /// Folder for the embedded database, search index, mail outbox and keys (`MARCO_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Database URL (`MARCO_DATABASE_URL`); may hold a password, so it is secret.
    pub database_url: SecretString,
    /// The environment (`MARCO_ENV`: development or production).
    pub environment: Environment,
    /// Log format (`MARCO_LOG_FORMAT`: pretty or json).
    pub log_format: LogFormat,
    /// The public base URL used in links, e-mails and OCDS package URIs (`MARCO_PUBLIC_URL`).
    pub public_url: String,
    /// The registered OCDS ocid prefix (`MARCO_OCID_PREFIX`).
    pub ocid_prefix: String,
    /// Largest request body accepted, in bytes (`MARCO_BODY_LIMIT`).
    pub body_limit: usize,
    /// Longest a request may take (`MARCO_REQUEST_TIMEOUT_SECS`).
    pub request_timeout: Duration,
    /// The JWT signing secret (`MARCO_JWT_SECRET`; generated into the data folder when absent
    /// outside production).
    pub jwt_secret: Option<SecretString>,
    /// Earlier JWT secrets still accepted during a key rotation (`MARCO_JWT_PREVIOUS_SECRETS`,
    /// comma separated).
    pub jwt_previous_secrets: Vec<SecretString>,
    /// Hex Ed25519 seed that signs the release log head (`MARCO_LOG_SIGNING_KEY`; generated
    /// into the data folder when absent).
    pub log_signing_key: Option<SecretString>,
    /// The publisher named in OCDS packages (`MARCO_PUBLISHER_NAME`).
    pub publisher_name: String,
    /// The licence URL of the open data (`MARCO_DATA_LICENSE`, CC BY 4.0 by default).
    pub data_license: String,
    /// How e-mail is sent (`MARCO_MAIL_*`, `MARCO_SMTP_*`).
    pub mail: MailConfig,
    /// Requests per minute one client address may make to the keyless `/ocds/` feeds
    /// (`MARCO_FEED_RATE_PER_MINUTE`, default 6000); more get HTTP 429 with `Retry-After`.
    pub feed_rate_per_minute: u32,
    /// How often the bulk files are brought up to date (`MARCO_BULK_REFRESH_SECS`, default 300).
    pub bulk_refresh: Duration,
    /// How often the analytics are recomputed when releases were published since
    /// (`MARCO_ANALYTICS_SECS`, default 300).
    pub analytics_refresh: Duration,
    /// Where the search index lives (`MARCO_MEILI_URL`, `MARCO_MEILI_KEY`, `MARCO_MEILI_INDEX`).
    pub search: crate::search::SearchConfig,
    /// The buying rules (`MARCO_ORDER_ACCEPT_DAYS`, `MARCO_PAYMENT_DAYS`,
    /// `MARCO_LARGE_PURCHASE_*`).
    pub buying: BuyingConfig,
    /// The brief rules (`MARCO_BRIEF_REVIEW_THRESHOLDS`, `MARCO_STANDSTILL_DAYS`,
    /// `MARCO_PUBLISH_BID_PRICES`).
    pub briefs: BriefsConfig,
    /// The delivery rules (`MARCO_ACCEPTANCE_DAYS`, `MARCO_AMENDMENT_APPROVAL_SHARE`).
    pub contracts: ContractsConfig,
}

/// A setting that cannot be used, with a message naming the variable and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The demo ocid prefix: not registered, so data published with it must not be relied on.
pub const DEMO_OCID_PREFIX: &str = "ocds-demo00";

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `var`, so tests can supply their own environment.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let addr_raw = get("MARCO_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let addr = addr_raw.parse().map_err(|_| {
            ConfigError(format!(
                "MARCO_ADDR={addr_raw:?} is not a listen address; use host:port, e.g. 127.0.0.1:8080"
            ))
        })?;

        let data_dir = PathBuf::from(get("MARCO_DATA_DIR").unwrap_or_else(|| "./data".into()));

        let environment = match get("MARCO_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(ConfigError(format!(
                    "MARCO_ENV={other:?} is not known; use development or production"
                )));
            }
        };

        let log_format = match get("MARCO_LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError(format!(
                    "MARCO_LOG_FORMAT={other:?} is not known; use pretty or json"
                )));
            }
        };

        let database_url = match get("MARCO_DATABASE_URL") {
            Some(url) => {
                check_database_url(&url)?;
                url
            }
            None => sqlite_url_in(&data_dir),
        };

        let public_url = get("MARCO_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        let parsed = url::Url::parse(&public_url).map_err(|e| {
            ConfigError(format!("MARCO_PUBLIC_URL={public_url:?} is not a URL: {e}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ConfigError(format!(
                "MARCO_PUBLIC_URL={public_url:?} must be http or https"
            )));
        }
        let public_url = public_url.trim_end_matches('/').to_owned();

        let ocid_prefix = get("MARCO_OCID_PREFIX").unwrap_or_else(|| DEMO_OCID_PREFIX.into());
        if !is_ocid_prefix(&ocid_prefix) {
            return Err(ConfigError(format!(
                "MARCO_OCID_PREFIX={ocid_prefix:?} is not an ocid prefix; it looks like ocds-abc123, issued by the Open Contracting Partnership"
            )));
        }

        let body_limit = parse_number(&get, "MARCO_BODY_LIMIT", 2 * 1024 * 1024, 1024, 1 << 30)?;
        let timeout_secs = parse_number(&get, "MARCO_REQUEST_TIMEOUT_SECS", 30, 1, 3600)?;

        let jwt_secret = get("MARCO_JWT_SECRET").map(SecretString::from);
        if let Some(secret) = &jwt_secret {
            if secret.expose_secret().len() < 32 {
                return Err(ConfigError(
                    "MARCO_JWT_SECRET must be at least 32 characters".into(),
                ));
            }
        } else if environment == Environment::Production {
            return Err(ConfigError(
                "MARCO_JWT_SECRET is required when MARCO_ENV=production (at least 32 random characters)".into(),
            ));
        }

        let log_signing_key = get("MARCO_LOG_SIGNING_KEY").map(SecretString::from);
        if let Some(key) = &log_signing_key
            && hex::decode(key.expose_secret()).map(|b| b.len()) != Ok(32)
        {
            return Err(ConfigError(
                "MARCO_LOG_SIGNING_KEY must be 64 hex characters (an Ed25519 seed)".into(),
            ));
        }
        let publisher_name =
            get("MARCO_PUBLISHER_NAME").unwrap_or_else(|| "Marco demo marketplace".into());
        let data_license = get("MARCO_DATA_LICENSE")
            .unwrap_or_else(|| "https://creativecommons.org/licenses/by/4.0/".into());
        url::Url::parse(&data_license).map_err(|e| {
            ConfigError(format!(
                "MARCO_DATA_LICENSE={data_license:?} is not a URL: {e}"
            ))
        })?;

        let jwt_previous_secrets = get("MARCO_JWT_PREVIOUS_SECRETS")
            .map(|all| {
                all.split(',')
                    .map(|s| SecretString::from(s.trim().to_owned()))
                    .collect()
            })
            .unwrap_or_default();

        let mail = MailConfig::from_lookup(&get, environment)?;
        let feed_rate_per_minute =
            parse_number(&get, "MARCO_FEED_RATE_PER_MINUTE", 6000, 1, 100_000_000)? as u32;
        let bulk_refresh_secs = parse_number(&get, "MARCO_BULK_REFRESH_SECS", 300, 1, 86_400)?;
        let analytics_secs = parse_number(&get, "MARCO_ANALYTICS_SECS", 300, 1, 86_400)?;

        let search = crate::search::SearchConfig::from_lookup(&get).map_err(ConfigError)?;

        let buying = BuyingConfig::from_lookup(&get)?;
        let briefs = BriefsConfig::from_lookup(&get)?;
        let contracts = ContractsConfig::from_lookup(&get)?;
        Ok(Config {
            contracts,
            mail,
            search,
            buying,
            briefs,
            feed_rate_per_minute,
            bulk_refresh: Duration::from_secs(bulk_refresh_secs as u64),
            analytics_refresh: Duration::from_secs(analytics_secs as u64),
            jwt_previous_secrets,
            log_signing_key,
            publisher_name,
            data_license,
            addr,
            data_dir,
            database_url: SecretString::from(database_url),
            environment,
            log_format,
            public_url,
            ocid_prefix,
            body_limit,
            request_timeout: Duration::from_secs(timeout_secs as u64),
            jwt_secret,
        })
    }

    /// The database URL with any password replaced, safe to print.
    pub fn database_url_redacted(&self) -> String {
        redact_url(self.database_url.expose_secret())
    }

    /// Whether the database is the embedded SQLite one.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose_secret().starts_with("sqlite:")
    }
}

fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ConfigError> {
    let Some(raw) = get(name) else {
        return Ok(default);
    };
    match raw.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError(format!(
            "{name}={raw:?} must be a whole number from {min} to {max}"
        ))),
    }
}

/// The SQLite URL for `marco.db` inside the data folder, created when missing.
pub fn sqlite_url_in(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("marco.db").display())
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    if url.starts_with("sqlite:") {
        return Ok(());
    }
    let redacted = redact_url(url);
    let parsed = url::Url::parse(url).map_err(|e| {
        ConfigError(format!(
            "MARCO_DATABASE_URL={redacted:?} cannot be parsed: {e}"
        ))
    })?;
    match parsed.scheme() {
        "postgres" | "postgresql" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        "postgres" | "postgresql" => Err(ConfigError(format!(
            "MARCO_DATABASE_URL={redacted:?} has no host"
        ))),
        other => Err(ConfigError(format!(
            "MARCO_DATABASE_URL uses {other:?}; Marco supports postgres:// and sqlite: URLs"
        ))),
    }
}

fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("********"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) if url.contains('@') => {
            "(unparseable URL, hidden because it may hold a password)".into()
        }
        Err(_) => url.to_owned(),
    }
}

/// Whether `prefix` has the shape of an OCP-issued ocid prefix, `ocds-` plus 6 characters.
pub fn is_ocid_prefix(prefix: &str) -> bool {
    prefix.strip_prefix("ocds-").is_some_and(|rest| {
        rest.len() == 6
            && rest
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

mod briefs;
mod buying;
mod contracts;
mod mail;
pub use briefs::BriefsConfig;
pub use buying::{BuyingConfig, LargePurchaseRule};
pub use contracts::ContractsConfig;
pub use mail::{DEMO_MAIL_FROM, MIN_PRODUCTION_LEASE_SECS, MailConfig, SmtpConfig, SmtpTls};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_give_an_embedded_sqlite_demo_on_localhost() {
        let config = load(&[]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert!(config.is_sqlite());
        assert_eq!(
            config.database_url.expose_secret(),
            "sqlite://./data/marco.db?mode=rwc"
        );
        assert_eq!(config.ocid_prefix, DEMO_OCID_PREFIX);
        assert_eq!(config.environment, Environment::Development);
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (vars, needle) in [
            (vec![("MARCO_ADDR", "localhost")], "MARCO_ADDR"),
            (
                vec![("MARCO_DATABASE_URL", "postgres://")],
                "MARCO_DATABASE_URL",
            ),
            (vec![("MARCO_DATABASE_URL", "mysql://x/y")], "postgres://"),
            (
                vec![("MARCO_DATABASE_URL", "::not a url::")],
                "cannot be parsed",
            ),
            (vec![("MARCO_LOG_FORMAT", "xml")], "MARCO_LOG_FORMAT"),
            (vec![("MARCO_OCID_PREFIX", "OCDS-ABC")], "MARCO_OCID_PREFIX"),
            (vec![("MARCO_BODY_LIMIT", "lots")], "MARCO_BODY_LIMIT"),
            (
                vec![("MARCO_FEED_RATE_PER_MINUTE", "0")],
                "MARCO_FEED_RATE_PER_MINUTE",
            ),
            (
                vec![("MARCO_BULK_REFRESH_SECS", "x")],
                "MARCO_BULK_REFRESH_SECS",
            ),
            (vec![("MARCO_ENV", "production")], "MARCO_JWT_SECRET"),
            (vec![("MARCO_JWT_SECRET", "short")], "32 characters"),
        ] {
            let err = load(&vars).unwrap_err().to_string();
            assert!(err.contains(needle), "{vars:?} gave {err:?}");
        }
    }

    #[test]
    fn database_passwords_never_appear_in_messages() {
        let err = load(&[("MARCO_DATABASE_URL", "postgres://u:hunter2-canary@/db")])
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2-canary"), "{err}");
        let config = load(&[(
            "MARCO_DATABASE_URL",
            "postgres://u:hunter2-canary@db.example/marco",
        )])
        .unwrap();
        assert!(!config.database_url_redacted().contains("hunter2-canary"));
        assert!(!format!("{config:?}").contains("hunter2-canary"));
    }

    #[test]
    fn postgres_urls_are_accepted() {
        let config = load(&[(
            "MARCO_DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/marco",
        )])
        .unwrap();
        assert!(!config.is_sqlite());
    }
}
