//! `ocds validate`: a report of schema errors and extra checks; exit status 1 on errors.

use std::path::PathBuf;
use std::process::ExitCode;

use ocds_schema::validate::{Report, Validator};

use super::input;

/// Arguments of `ocds validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files holding packages, releases or records (JSON, concatenated JSON or JSON Lines; gzip ok); none = stdin.
    files: Vec<PathBuf>,
    /// Extension ids or URLs to apply besides those each package declares.
    #[arg(long = "extension")]
    extensions: Vec<String>,
    /// Require every ocid to start with this prefix (e.g. `ocds-213czf-`).
    #[arg(long)]
    ocid_prefix: Option<String>,
    /// Print the report as JSON (one object per document).
    #[arg(long)]
    json: bool,
    /// Do not print warnings.
    #[arg(long)]
    quiet: bool,
}

/// Runs `ocds validate`.
pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let validator = Validator::new(&args.extensions, args.ocid_prefix.as_deref())?;
    let stdin = [PathBuf::from("-")];
    let files = if args.files.is_empty() {
        &stdin[..]
    } else {
        &args.files[..]
    };
    let (mut errors, mut warnings, mut documents) = (0_usize, 0_usize, 0_usize);
    for path in files {
        let mut index = 0_usize;
        let mut stream = validator.stream();
        input::documents(path, true, &mut |document| {
            let is_release = document.get("ocid").is_some() && document.get("releases").is_none();
            let report = if is_release {
                stream.check(&document)
            } else {
                validator.check(&document)
            };
            let name = format!("{}#{index}", path.display());
            index += 1;
            documents += 1;
            errors += report.errors.len();
            warnings += report.warnings.len();
            print(&name, &report, args);
            Ok(())
        })?;
    }
    if !args.json {
        println!("{documents} documents: {errors} errors, {warnings} warnings");
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print(name: &str, report: &Report, args: &ValidateArgs) {
    if args.json {
        let value = serde_json::json!({"document": name, "valid": report.errors.is_empty(), "errors": report.errors, "warnings": report.warnings});
        println!("{value}");
        return;
    }
    for error in &report.errors {
        println!(
            "ERROR   {name} {} [{}] {}",
            pointer(&error.pointer),
            error.rule,
            error.message
        );
    }
    if !args.quiet {
        for warning in &report.warnings {
            println!(
                "WARNING {name} {} [{}] {}",
                pointer(&warning.pointer),
                warning.rule,
                warning.message
            );
        }
    }
}

fn pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}
