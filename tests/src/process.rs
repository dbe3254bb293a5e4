//! The real `marco` binary as a process of its own, for tests of start-up, shutdown and
//! restarts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The `marco` binary built beside the test binary (`cargo build --bins`; `make test` does).
pub fn marco_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target folder");
    let bin = dir.join("marco");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build --bins` (make test does)",
        bin.display()
    );
    bin
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("address")
        .port()
}

/// Starts `marco serve` with `env`; its output goes to `log`.
pub fn serve(env: &[(&str, String)], log: &Path) -> Child {
    let output = std::fs::File::create(log).expect("log file");
    Command::new(marco_binary())
        .arg("serve")
        .env("RUST_LOG", "info")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(output.try_clone().expect("log file"))
        .stderr(output)
        .spawn()
        .expect("start marco serve")
}

/// Stops `child` with SIGTERM and waits for it; panics with `log` unless it exits cleanly.
pub fn stop_gracefully(mut child: Child, log: &Path) {
    let pid = child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let exit = child.wait().expect("wait");
    assert!(
        exit.success(),
        "graceful stop: {exit:?}\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}
