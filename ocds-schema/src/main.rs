//! The `ocds` command: compile, validate, summarise and merge OCDS data.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
