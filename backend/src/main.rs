//! The `marco` command: migrate, seed and serve. All the work happens in the library.

use std::process::ExitCode;

/// mimalloc: feed pages are buffers of hundreds of kilobytes made and dropped per request, and
/// glibc malloc spent 8% of the time of serving them in its large-chunk paths.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    marco::cli::main().await
}
