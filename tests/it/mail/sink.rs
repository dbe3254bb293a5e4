//! A small SMTP server for tests, on a tokio listener: it accepts what a real relay accepts
//! (EHLO, AUTH PLAIN, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT), keeps every message
//! it is given, and can be told to fail for a while or to be slow.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope sender.
    pub mail_from: String,
    /// The envelope recipients.
    pub rcpt_to: Vec<String>,
    /// The decoded AUTH PLAIN user name, when the client authenticated.
    pub auth_user: Option<String>,
    /// The message as sent, headers and body.
    pub data: Vec<u8>,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    failing: bool,
    rejected: usize,
    delay: Duration,
}

/// The running server; it stops when dropped.
pub struct SmtpSink {
    /// Where it listens.
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    /// Starts a server on a free loopback port.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("free port");
        let addr = listener.local_addr().expect("address");
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = session(stream, state).await;
                });
            }
        });
        SmtpSink { addr, state, task }
    }

    /// A `MARCO_SMTP_URL` for this server (plain SMTP: it has no certificate).
    pub fn url(&self) -> String {
        format!("smtp://{}?tls=none", self.addr)
    }

    /// While `failing`, every message is refused with a transient 451 at MAIL FROM.
    pub fn set_failing(&self, failing: bool) {
        self.state.lock().expect("sink state").failing = failing;
    }

    /// Waits this long before answering each message, so sends take time.
    pub fn set_delay(&self, delay: Duration) {
        self.state.lock().expect("sink state").delay = delay;
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("sink state").received.clone()
    }

    /// How many messages were refused while failing.
    pub fn rejected(&self) -> usize {
        self.state.lock().expect("sink state").rejected
    }
}

async fn session(stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut mail_from = None;
    let mut rcpt_to = Vec::new();
    let mut auth_user = None;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "AUTH" => {
                let token = command.split_whitespace().nth(2).unwrap_or("");
                let decoded = base64_decode(token);
                let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
                auth_user = parts
                    .get(1)
                    .map(|user| String::from_utf8_lossy(user).into_owned());
                b"235 2.7.0 Authentication successful\r\n"
            }
            "MAIL" => {
                let mut state = state.lock().expect("sink state");
                if state.failing {
                    state.rejected += 1;
                    b"451 4.3.0 Mail server temporarily unavailable, try again later\r\n"
                } else {
                    mail_from = Some(envelope_address(&command));
                    b"250 OK\r\n"
                }
            }
            "RCPT" => {
                rcpt_to.push(envelope_address(&command));
                b"250 OK\r\n"
            }
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = Vec::new();
                loop {
                    let mut raw = Vec::new();
                    if lines.read_until(b'\n', &mut raw).await? == 0 {
                        return Ok(());
                    }
                    if raw == b".\r\n" {
                        break;
                    }
                    let unstuffed = raw.strip_prefix(b".").unwrap_or(&raw);
                    data.extend_from_slice(unstuffed);
                }
                // The message is complete once the final dot arrives, as on a real relay: a
                // client that dies before reading the reply has still delivered it.
                let delay = {
                    let mut state = state.lock().expect("sink state");
                    state.received.push(Received {
                        mail_from: mail_from.take().unwrap_or_default(),
                        rcpt_to: std::mem::take(&mut rcpt_to),
                        auth_user: auth_user.clone(),
                        data,
                    });
                    state.delay
                };
                tokio::time::sleep(delay).await;
                b"250 2.0.0 OK: queued\r\n"
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                b"250 OK\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not recognised\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The `<address>` of `MAIL FROM:<…>` or `RCPT TO:<…>`, parameters dropped.
fn envelope_address(command: &str) -> String {
    let after = command.split_once(':').map_or("", |(_, rest)| rest).trim();
    after.split_whitespace().next().unwrap_or("").to_owned()
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes().filter(|b| *b != b'=') {
        let Some(value) = ALPHABET.iter().position(|c| *c == byte) else {
            continue;
        };
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}
