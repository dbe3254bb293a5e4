//! Command-line interface of `ocds` (binary only: the library does no I/O).

mod analyse;
mod compile;
mod input;
mod merge;
mod mergers;
mod output;
mod spill;
mod stats;
mod validate;
mod verify_log;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "ocds",
    version,
    about = "Compile, validate and summarise OCDS 1.1 data, offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Merge releases into records, compiled releases or versioned releases, streaming.
    Compile(compile::CompileArgs),
    /// Validate packages, releases or records against the schema and extra checks.
    Validate(validate::ValidateArgs),
    /// Count ocids, releases, tags, parties, awards and award value by currency.
    Stats(stats::StatsArgs),
    /// Red flags (Cardinal's indicators and Marco's) and supplier and buyer figures, as JSON and CSV.
    Analyse(analyse::AnalyseArgs),
    /// Read a JSON array of releases on stdin and print the merged release (conformance runner).
    Merge(merge::MergeArgs),
    /// Prove that nothing in a publisher's release log was changed or removed (exit 1 names each bad release).
    VerifyLog(verify_log::VerifyLogArgs),
}

/// Input files shared by the subcommands that read OCDS data.
#[derive(Debug, clap::Args)]
struct Inputs {
    /// Files to read: release/record packages, releases, JSON arrays or JSON Lines, optionally gzipped; `-` or none = stdin.
    files: Vec<PathBuf>,
    /// Never show a progress bar (it is shown only when stderr is a terminal).
    #[arg(long)]
    no_progress: bool,
}

/// Runs the command and maps its outcome to an exit status (0 ok, 1 invalid data, 2 usage or I/O error).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compile(args) => compile::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Stats(args) => stats::run(&args),
        Command::Analyse(args) => analyse::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::VerifyLog(args) => verify_log::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("ocds: {error:#}");
            ExitCode::from(2)
        }
    }
}
