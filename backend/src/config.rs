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
    /// Where the search index lives (`MARCO_MEILI_URL`, `MARCO_MEILI_KEY`, `MARCO_MEILI_INDEX`).
    pub search: crate::search::SearchConfig,
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

        let search = crate::search::SearchConfig::from_lookup(&get).map_err(ConfigError)?;

        Ok(Config {
            mail,
            search,
            feed_rate_per_minute,
            bulk_refresh: Duration::from_secs(bulk_refresh_secs as u64),
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

/// How outgoing e-mail is sent: an SMTP relay, or `.eml` files in the embedded default.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// The sender of every message (`MARCO_MAIL_FROM`).
    pub from: lettre::message::Mailbox,
    /// The SMTP relay (`MARCO_SMTP_URL` or `MARCO_SMTP_HOST`…); `None` writes `.eml` files
    /// under `$MARCO_DATA_DIR/outbox/`.
    pub smtp: Option<SmtpConfig>,
    /// How long a worker may hold a claimed message before another may take it over
    /// (`MARCO_MAIL_LEASE_SECS`); longer than any single send can take.
    pub lease: Duration,
    /// How often the worker looks for due mail (`MARCO_MAIL_POLL_MS`).
    pub poll_interval: Duration,
    /// Tests only: a pause between claiming and sending, so a test can kill the worker there
    /// (`MARCO_MAIL_TEST_DELAY_MS`; refused in production).
    pub test_delay: Option<Duration>,
}

/// An SMTP relay and how to reach it.
#[derive(Clone, Debug)]
pub struct SmtpConfig {
    /// Host name (also the name checked against the TLS certificate).
    pub host: String,
    /// Port: 587 for STARTTLS, 465 for implicit TLS by default.
    pub port: u16,
    /// How the connection is protected.
    pub tls: SmtpTls,
    /// User name for SMTP AUTH, if the relay wants one.
    pub username: Option<String>,
    /// Password for SMTP AUTH (never logged).
    pub password: Option<SecretString>,
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which must succeed (`smtp://`, `starttls`).
    StartTls,
    /// TLS from the first byte (`smtps://`, `tls`).
    Implicit,
    /// No TLS at all: only for a local test server, refused in production (`none`).
    None,
}

impl SmtpTls {
    fn parse(raw: &str, variable: &str) -> Result<SmtpTls, ConfigError> {
        match raw.to_ascii_lowercase().as_str() {
            "starttls" | "required" => Ok(SmtpTls::StartTls),
            "tls" | "implicit" | "wrapper" => Ok(SmtpTls::Implicit),
            "none" | "off" => Ok(SmtpTls::None),
            _ => Err(ConfigError(format!(
                "{variable}={raw:?} is not known; use starttls, tls or none"
            ))),
        }
    }

    fn default_port(self) -> u16 {
        match self {
            SmtpTls::StartTls => 587,
            SmtpTls::Implicit => 465,
            SmtpTls::None => 25,
        }
    }
}

/// The shortest mail lease allowed in production; the worker gives a send half the lease.
pub const MIN_PRODUCTION_LEASE_SECS: usize = 60;

/// The sender used when `MARCO_MAIL_FROM` is not set (development only).
pub const DEMO_MAIL_FROM: &str = "Marco <no-reply@marco.localhost>";

impl MailConfig {
    /// Reads the mail settings through `get`; production needs an SMTP relay with TLS.
    pub fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        environment: Environment,
    ) -> Result<MailConfig, ConfigError> {
        let production = environment == Environment::Production;
        let from_raw = match get("MARCO_MAIL_FROM") {
            Some(from) => from,
            None if production => {
                return Err(ConfigError(
                    "MARCO_MAIL_FROM is required when MARCO_ENV=production, e.g. \"Marco <no-reply@marco.example>\"".into(),
                ));
            }
            None => DEMO_MAIL_FROM.into(),
        };
        let from = from_raw.parse().map_err(|e| {
            ConfigError(format!(
                "MARCO_MAIL_FROM={from_raw:?} is not an e-mail address: {e}"
            ))
        })?;

        let smtp = match (get("MARCO_SMTP_URL"), get("MARCO_SMTP_HOST")) {
            (Some(_), Some(_)) => {
                return Err(ConfigError(
                    "set either MARCO_SMTP_URL or MARCO_SMTP_HOST, not both".into(),
                ));
            }
            (Some(url), None) => Some(smtp_from_url(&url)?),
            (None, Some(host)) => Some(smtp_from_parts(get, host)?),
            (None, None) => None,
        };
        match &smtp {
            None if production => {
                return Err(ConfigError(
                    "MARCO_SMTP_URL (or MARCO_SMTP_HOST) is required when MARCO_ENV=production; the .eml file outbox is for development".into(),
                ));
            }
            Some(smtp) if production && smtp.tls == SmtpTls::None => {
                return Err(ConfigError(
                    "MARCO_SMTP_TLS=none is refused when MARCO_ENV=production; use starttls or tls"
                        .into(),
                ));
            }
            _ => {}
        }

        let lease_secs = parse_number(get, "MARCO_MAIL_LEASE_SECS", 120, 1, 86_400)?;
        // A lease that can end during a send lets a second instance send the same message.
        if production && lease_secs < MIN_PRODUCTION_LEASE_SECS {
            return Err(ConfigError(format!(
                "MARCO_MAIL_LEASE_SECS must be at least {MIN_PRODUCTION_LEASE_SECS} when MARCO_ENV=production, longer than an SMTP conversation may take"
            )));
        }
        let poll_ms = parse_number(get, "MARCO_MAIL_POLL_MS", 2_000, 10, 3_600_000)?;
        let test_delay = match get("MARCO_MAIL_TEST_DELAY_MS") {
            Some(_) if production => {
                return Err(ConfigError(
                    "MARCO_MAIL_TEST_DELAY_MS is for tests only and is refused when MARCO_ENV=production".into(),
                ));
            }
            Some(_) => Some(Duration::from_millis(parse_number(
                get,
                "MARCO_MAIL_TEST_DELAY_MS",
                0,
                0,
                3_600_000,
            )? as u64)),
            None => None,
        };
        Ok(MailConfig {
            from,
            smtp,
            lease: Duration::from_secs(lease_secs as u64),
            poll_interval: Duration::from_millis(poll_ms as u64),
            test_delay,
        })
    }
}

/// `smtp://user:pass@host:587` (STARTTLS), `smtps://…:465` (implicit TLS), or
/// `smtp://host:25?tls=none` (no TLS). The URL may hold a password, so messages never show it.
fn smtp_from_url(raw: &str) -> Result<SmtpConfig, ConfigError> {
    let redacted = redact_url(raw);
    let url = url::Url::parse(raw)
        .map_err(|e| ConfigError(format!("MARCO_SMTP_URL={redacted:?} cannot be parsed: {e}")))?;
    let mut tls = match url.scheme() {
        "smtp" => SmtpTls::StartTls,
        "smtps" => SmtpTls::Implicit,
        other => {
            return Err(ConfigError(format!(
                "MARCO_SMTP_URL uses {other:?}; use smtp:// (STARTTLS) or smtps:// (TLS)"
            )));
        }
    };
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "tls" => tls = SmtpTls::parse(&value, "MARCO_SMTP_URL tls")?,
            other => {
                return Err(ConfigError(format!(
                    "MARCO_SMTP_URL has an unknown parameter {other:?}; only tls= is understood"
                )));
            }
        }
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| ConfigError(format!("MARCO_SMTP_URL={redacted:?} has no host")))?
        .to_owned();
    let decode = |part: &str| {
        url::form_urlencoded::parse(format!("x={}", part.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let username = Some(decode(url.username())).filter(|u| !u.is_empty());
    let password = url.password().map(|p| SecretString::from(decode(p)));
    if username.is_some() != password.is_some() {
        return Err(ConfigError(format!(
            "MARCO_SMTP_URL={redacted:?} needs both a user name and a password, or neither"
        )));
    }
    Ok(SmtpConfig {
        port: url.port().unwrap_or(tls.default_port()),
        host,
        tls,
        username,
        password,
    })
}

fn smtp_from_parts(
    get: &impl Fn(&str) -> Option<String>,
    host: String,
) -> Result<SmtpConfig, ConfigError> {
    let tls = match get("MARCO_SMTP_TLS") {
        Some(raw) => SmtpTls::parse(&raw, "MARCO_SMTP_TLS")?,
        None => SmtpTls::StartTls,
    };
    let port = parse_number(
        get,
        "MARCO_SMTP_PORT",
        tls.default_port().into(),
        1,
        u16::MAX.into(),
    )?;
    let username = get("MARCO_SMTP_USERNAME");
    let password = get("MARCO_SMTP_PASSWORD").map(SecretString::from);
    if username.is_some() != password.is_some() {
        return Err(ConfigError(
            "set both MARCO_SMTP_USERNAME and MARCO_SMTP_PASSWORD, or neither".into(),
        ));
    }
    Ok(SmtpConfig {
        host,
        port: u16::try_from(port).unwrap_or(u16::MAX),
        tls,
        username,
        password,
    })
}

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

#[cfg(test)]
mod mail_tests {
    use super::*;
    use std::collections::HashMap;

    fn mail(vars: &[(&str, &str)]) -> Result<MailConfig, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let environment = match map.get("MARCO_ENV").map(String::as_str) {
            Some("production") => Environment::Production,
            _ => Environment::Development,
        };
        MailConfig::from_lookup(&|name: &str| map.get(name).cloned(), environment)
    }

    #[test]
    fn without_smtp_settings_mail_goes_to_files_in_development() {
        let config = mail(&[]).unwrap();
        assert!(config.smtp.is_none());
        assert_eq!(config.from.to_string(), DEMO_MAIL_FROM);
        assert!(config.test_delay.is_none());
    }

    #[test]
    fn smtp_urls_choose_tls_port_and_credentials() {
        let smtp = mail(&[("MARCO_SMTP_URL", "smtp://mailer:p%40ss@relay.example")])
            .unwrap()
            .smtp
            .unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port), ("relay.example", 587));
        assert_eq!(smtp.tls, SmtpTls::StartTls);
        assert_eq!(smtp.username.as_deref(), Some("mailer"));
        assert_eq!(smtp.password.unwrap().expose_secret(), "p@ss");

        let smtp = mail(&[("MARCO_SMTP_URL", "smtps://relay.example")])
            .unwrap()
            .smtp
            .unwrap();
        assert_eq!((smtp.port, smtp.tls), (465, SmtpTls::Implicit));

        let smtp = mail(&[("MARCO_SMTP_URL", "smtp://127.0.0.1:2525?tls=none")])
            .unwrap()
            .smtp
            .unwrap();
        assert_eq!((smtp.port, smtp.tls), (2525, SmtpTls::None));
    }

    #[test]
    fn smtp_parts_are_read_when_there_is_no_url() {
        let smtp = mail(&[
            ("MARCO_SMTP_HOST", "relay.example"),
            ("MARCO_SMTP_TLS", "tls"),
            ("MARCO_SMTP_USERNAME", "mailer"),
            ("MARCO_SMTP_PASSWORD", "secret"),
        ])
        .unwrap()
        .smtp
        .unwrap();
        assert_eq!((smtp.port, smtp.tls), (465, SmtpTls::Implicit));
        assert_eq!(smtp.username.as_deref(), Some("mailer"));
    }

    #[test]
    fn bad_mail_settings_name_the_variable() {
        let production = [
            ("MARCO_ENV", "production"),
            ("MARCO_MAIL_FROM", "no-reply@marco.example"),
        ];
        for (vars, needle) in [
            (
                vec![("MARCO_MAIL_FROM", "not an address")],
                "MARCO_MAIL_FROM",
            ),
            (vec![("MARCO_SMTP_URL", "http://relay")], "smtps://"),
            (
                vec![("MARCO_SMTP_URL", "smtp://relay?tls=maybe")],
                "starttls",
            ),
            (vec![("MARCO_SMTP_URL", "smtp://u@relay")], "password"),
            (
                vec![("MARCO_SMTP_URL", "smtp://r"), ("MARCO_SMTP_HOST", "r")],
                "not both",
            ),
            (
                vec![("MARCO_SMTP_HOST", "r"), ("MARCO_SMTP_PORT", "99999")],
                "MARCO_SMTP_PORT",
            ),
            (
                vec![("MARCO_SMTP_HOST", "r"), ("MARCO_SMTP_TLS", "ssl3")],
                "MARCO_SMTP_TLS",
            ),
            (
                vec![("MARCO_MAIL_LEASE_SECS", "0")],
                "MARCO_MAIL_LEASE_SECS",
            ),
            (vec![("MARCO_ENV", "production")], "MARCO_MAIL_FROM"),
            (production.to_vec(), "MARCO_SMTP_URL"),
            (
                [&production[..], &[("MARCO_SMTP_URL", "smtp://r?tls=none")]].concat(),
                "MARCO_SMTP_TLS=none",
            ),
            (
                [
                    &production[..],
                    &[
                        ("MARCO_SMTP_URL", "smtps://r"),
                        ("MARCO_MAIL_TEST_DELAY_MS", "10"),
                    ],
                ]
                .concat(),
                "MARCO_MAIL_TEST_DELAY_MS",
            ),
            (
                [
                    &production[..],
                    &[
                        ("MARCO_SMTP_URL", "smtps://r"),
                        ("MARCO_MAIL_LEASE_SECS", "5"),
                    ],
                ]
                .concat(),
                "MARCO_MAIL_LEASE_SECS",
            ),
        ] {
            let err = mail(&vars).unwrap_err().to_string();
            assert!(err.contains(needle), "{vars:?} gave {err:?}");
        }
    }

    #[test]
    fn smtp_passwords_never_appear_in_messages_or_debug_output() {
        let err = mail(&[("MARCO_SMTP_URL", "ftp://u:hunter2-canary@relay")])
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2-canary"), "{err}");
        let err = mail(&[("MARCO_SMTP_URL", "smtp://u:hunter2-canary@")])
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2-canary"), "{err}");
        let config = mail(&[("MARCO_SMTP_URL", "smtp://u:hunter2-canary@relay")]).unwrap();
        assert!(!format!("{config:?}").contains("hunter2-canary"));
    }
}
