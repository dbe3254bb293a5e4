//! The `marco` command as an operator meets it: help, clear start-up errors with exit code 2,
//! and a full `marco run` that serves, then shuts down cleanly on SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use marco_tests::database::TestDatabase;
use marco_tests::process::marco_binary;

fn marco(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(marco_binary());
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run marco")
}

fn assert_one_clear_line(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit code 2; stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("marco:")).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].contains(needle), "{needle:?} in {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
}

#[test]
fn help_lists_the_subcommands() {
    let out = marco(&["--help"], &[]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["run", "migrate", "seed", "serve"] {
        assert!(text.contains(sub), "{sub} in {text}");
    }
}

#[test]
fn an_unparseable_database_url_is_one_clear_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = marco(
        &["migrate"],
        &[
            ("MARCO_DATA_DIR", data),
            ("MARCO_DATABASE_URL", "postgres://user:s3cret-canary@"),
        ],
    );
    assert_one_clear_line(&out, "MARCO_DATABASE_URL");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("s3cret-canary"),
        "password hidden"
    );
}

#[test]
fn a_port_in_use_is_one_clear_line_and_exit_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = marco(
        &["serve"],
        &[
            ("MARCO_DATA_DIR", dir.path().to_str().unwrap()),
            ("MARCO_ADDR", &addr),
        ],
    );
    assert_one_clear_line(&out, "cannot listen on");
}

#[test]
fn an_unwritable_data_folder_is_one_clear_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let data = file.join("data");
    let out = marco(&["run"], &[("MARCO_DATA_DIR", data.to_str().unwrap())]);
    assert_one_clear_line(&out, "data folder");
}

#[test]
fn bad_settings_name_the_variable() {
    let out = marco(&["serve"], &[("MARCO_ADDR", "port-eighty")]);
    assert_one_clear_line(&out, "MARCO_ADDR");
}

fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, text))
}

#[tokio::test]
async fn marco_run_migrates_seeds_serves_and_stops_cleanly_on_sigterm() {
    let database = TestDatabase::new().await;
    let data = database.dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(marco_binary())
        .arg("run")
        .env("MARCO_DATA_DIR", &data)
        .env("MARCO_ADDR", &addr)
        .env("MARCO_DATABASE_URL", &database.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read the output as it comes: the demo's log lines fill a pipe left unread, and the
    // process would block writing to it.
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        out.read_to_string(&mut text).map(|_| text)
    });
    let started = Instant::now();
    let mut ready = None;
    while started.elapsed() < Duration::from_secs(60) {
        if let Some(answer) = http_get(&addr, "/readyz") {
            ready = Some(answer);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, _) = ready.expect("marco run answers /readyz within a minute");
    assert_eq!(status, 200);
    let (status, page) = http_get(&addr, "/").unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("Marco"));

    let secret = data.join("jwt-secret");
    assert!(std::fs::read_to_string(&secret).unwrap().trim().len() >= 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let exit = child.wait().unwrap();
    let stdout = reader.join().unwrap().unwrap();
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    assert!(
        stdout.contains(&format!("http://{addr}")),
        "prints the URL: {stdout}"
    );
    assert!(
        stdout.contains("manager@marco.example") && stdout.contains(marco::seed::DEMO_PASSWORD),
        "prints the demo accounts: {stdout}"
    );
}
