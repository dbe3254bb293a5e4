//! `ocds merge`: one merge of a JSON array of releases read on stdin.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use ocds_schema::merge::Merger;
use serde_json::Value;

/// Which merged form to print.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// The compiled release.
    Compiled,
    /// The versioned release.
    Versioned,
}

/// Arguments of `ocds merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Release schema to take the merge rules from (default: embedded 1.1.5).
    #[arg(long)]
    schema: Option<PathBuf>,
    /// Extension ids or URLs to patch the embedded schema with (ignored with --schema).
    #[arg(long = "extension")]
    extensions: Vec<String>,
    /// Output kind.
    #[arg(long, value_enum, default_value = "compiled")]
    kind: Kind,
}

/// Runs `ocds merge`.
pub fn run(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let merger = merger(args.schema.as_ref(), &args.extensions)?;
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading stdin")?;
    let releases: Vec<Value> =
        serde_json::from_str(&text).context("stdin must hold a JSON array of releases")?;
    let merged = match args.kind {
        Kind::Compiled => merger.compile(&releases),
        Kind::Versioned => merger.versioned(&releases),
    }?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &merged)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

/// A merger from a schema file, or from the embedded schema and extensions.
pub fn merger(schema: Option<&PathBuf>, extensions: &[String]) -> anyhow::Result<Merger> {
    match schema {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Ok(Merger::from_schema(&serde_json::from_str(&text)?))
        }
        None => Ok(Merger::for_extensions(extensions)?),
    }
}
