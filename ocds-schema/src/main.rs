//! The `ocds` command: compile, validate, summarise and merge OCDS data.

mod cli;

/// mimalloc: the merge allocates many small maps, and glibc malloc dominated the profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
