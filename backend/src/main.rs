//! The `marco` command: migrate, seed and serve. All the work happens in the library.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    marco::cli::main().await
}
