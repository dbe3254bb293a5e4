//! Where mail goes: an SMTP relay (STARTTLS or implicit TLS, rustls), or `.eml` files in a
//! folder, lettre's file transport, for the embedded default.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{MailConfig, SmtpConfig, SmtpTls};
use crate::entities::mail_outbox;

/// How long one SMTP conversation may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends outbox messages from one sender, over SMTP or into a folder.
#[derive(Clone)]
pub struct Transport {
    inner: Inner,
    from: Mailbox,
}

#[derive(Clone)]
enum Inner {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        description: String,
    },
    File {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

/// A transport that cannot be set up, with a message for the operator.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// Why one message was not sent. `kind` is safe to log; `detail` may quote the server, which
/// can echo the recipient's address, so it is only stored in the outbox row.
#[derive(Debug)]
pub struct SendError {
    /// A short class: `address`, `connection`, `tls`, `timeout`, `transient`, `permanent`,
    /// `file` or `message`.
    pub kind: &'static str,
    /// The full error, for `last_error`.
    pub detail: String,
    /// Whether trying again cannot help (the message itself is unusable).
    pub permanent: bool,
}

impl Transport {
    /// The transport the settings ask for: SMTP when configured, otherwise `.eml` files in
    /// `$MARCO_DATA_DIR/outbox/`.
    pub fn from_config(mail: &MailConfig, data_dir: &Path) -> Result<Transport, TransportError> {
        match &mail.smtp {
            Some(smtp) => Transport::smtp(smtp, mail.from.clone()),
            None => Transport::file(&data_dir.join("outbox"), mail.from.clone()),
        }
    }

    /// An SMTP transport for `smtp`, sending as `from`.
    pub fn smtp(smtp: &SmtpConfig, from: Mailbox) -> Result<Transport, TransportError> {
        let parameters = || {
            TlsParameters::new(smtp.host.clone())
                .map_err(|e| TransportError(format!("cannot set up TLS for {}: {e}", smtp.host)))
        };
        let (tls, mode) = match smtp.tls {
            SmtpTls::StartTls => (Tls::Required(parameters()?), "STARTTLS"),
            SmtpTls::Implicit => (Tls::Wrapper(parameters()?), "TLS"),
            SmtpTls::None => (Tls::None, "no TLS"),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Transport {
            inner: Inner::Smtp {
                transport: builder.build(),
                description: format!("SMTP {}:{} ({mode})", smtp.host, smtp.port),
            },
            from,
        })
    }

    /// A transport that writes each message as an `.eml` file into `dir`, created if missing.
    pub fn file(dir: &Path, from: Mailbox) -> Result<Transport, TransportError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            TransportError(format!(
                "cannot create the mail outbox folder {}: {e}",
                dir.display()
            ))
        })?;
        Ok(Transport {
            inner: Inner::File {
                transport: AsyncFileTransport::<Tokio1Executor>::new(dir),
                dir: dir.to_owned(),
            },
            from,
        })
    }

    /// Where mail goes, for the start-up log: no credentials.
    pub fn describe(&self) -> String {
        match &self.inner {
            Inner::Smtp { description, .. } => description.clone(),
            Inner::File { dir, .. } => format!(".eml files in {}", dir.display()),
        }
    }

    /// Sends one outbox message; its Message-ID is the same on every attempt.
    pub async fn send(&self, message: &mail_outbox::Model) -> Result<(), SendError> {
        let email = self.build(message)?;
        match &self.inner {
            Inner::Smtp { transport, .. } => transport.send(email).await.map(drop).map_err(|e| {
                let kind = if e.is_transient() {
                    "transient"
                } else if e.is_permanent() {
                    "permanent"
                } else if e.is_timeout() {
                    "timeout"
                } else if e.is_tls() {
                    "tls"
                } else {
                    "connection"
                };
                SendError {
                    kind,
                    detail: error_chain(&e),
                    permanent: false,
                }
            }),
            Inner::File { transport, .. } => {
                transport
                    .send(email)
                    .await
                    .map(drop)
                    .map_err(|e| SendError {
                        kind: "file",
                        detail: error_chain(&e),
                        permanent: false,
                    })
            }
        }
    }

    fn build(&self, message: &mail_outbox::Model) -> Result<Message, SendError> {
        let unusable = |kind, e: &dyn std::error::Error| SendError {
            kind,
            detail: e.to_string(),
            permanent: true,
        };
        let to: Mailbox = message
            .to_address
            .parse()
            .map_err(|e| unusable("address", &e))?;
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", message.message_id)))
            .date(message.created_at.into())
            .multipart(MultiPart::alternative_plain_html(
                message.text_body.clone(),
                message.html_body.clone(),
            ))
            .map_err(|e| unusable("message", &e))
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
