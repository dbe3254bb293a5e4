//! E-mail settings: an SMTP relay (`MARCO_SMTP_URL` or its parts) or `.eml` files in the
//! data folder, the sender, and the mail worker's lease and pace.

use std::time::Duration;

use secrecy::SecretString;

use super::{ConfigError, Environment, parse_number, redact_url};

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
mod mail_tests {
    use super::*;
    use secrecy::ExposeSecret;
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
