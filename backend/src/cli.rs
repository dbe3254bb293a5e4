//! The `marco` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::server::{self, StartupError};
use crate::state::AppState;

/// Marco: framework agreements for public buying, published as OCDS open data.
///
/// Settings come from MARCO_* environment variables; see README.md for the table.
#[derive(Debug, Parser)]
#[command(name = "marco", version, about, long_about)]
pub struct Cli {
    /// What to do; `run` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, load the demo data and serve: what `make run` does.
    Run,
    /// Bring the database schema up to date.
    Migrate,
    /// Load the demo data (idempotent).
    Seed,
    /// Serve on MARCO_ADDR without migrating or seeding.
    Serve,
    /// Empty the search index and rebuild it from the services in the database.
    Reindex,
    /// Benchmark helper: publish COUNT generated releases (bench/feeds.sh).
    #[command(hide = true)]
    BenchSeed {
        /// How many releases to publish.
        count: u64,
    },
    /// Benchmark helper: export the bulk files from scratch and print the timings.
    #[command(hide = true)]
    BenchExport,
    /// Benchmark helper: a live framework with COUNT generated services (bench/search.sh);
    /// run `marco reindex` afterwards.
    #[command(hide = true)]
    BenchCatalogue {
        /// How many services to create.
        count: usize,
    },
}

/// Runs the command line; start-up problems print one line and exit with code 2.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Run)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("marco: {err}");
            ExitCode::from(2)
        }
    }
}

async fn run(command: Command) -> Result<(), StartupError> {
    let mut config = Config::from_env().map_err(|e| StartupError(e.to_string()))?;
    crate::telemetry::init(config.log_format);
    server::prepare_data_dir(&config.data_dir)?;
    let db = server::open_database(&config).await?;
    match command {
        Command::Migrate => {
            server::migrate(&db).await?;
            println!(
                "marco: database is up to date ({})",
                config.database_url_redacted()
            );
            Ok(())
        }
        Command::Seed => {
            server::migrate(&db).await?;
            let accounts = seed(&db).await?;
            let state = server::state(db, config)?;
            let services = seed_frameworks(&state).await?;
            println!(
                "marco: demo data loaded ({} demo accounts, {services} new services)",
                accounts.len()
            );
            Ok(())
        }
        Command::BenchSeed { count } => {
            server::migrate(&db).await?;
            let state = server::state(db, config)?;
            crate::publish::bench::seed(&state, count)
                .await
                .map_err(|e| StartupError(format!("seeding releases failed: {e:#}")))
        }
        Command::BenchExport => {
            let state = server::state(db, config)?;
            crate::publish::bench::export(&state)
                .await
                .map_err(|e| StartupError(format!("bulk export failed: {e:#}")))
        }
        Command::BenchCatalogue { count } => {
            server::migrate(&db).await?;
            let state = server::state(db, config)?;
            crate::frameworks::bench::seed_catalogue(&state, count)
                .await
                .map_err(|e| StartupError(format!("seeding services failed: {e:#}")))
        }
        Command::Reindex => {
            let state = server::state(db, config)?;
            reindex(&state).await
        }
        Command::Serve => {
            server::ensure_jwt_secret(&mut config)?;
            server::ensure_log_key(&mut config)?;
            let listener = server::bind(&config).await?;
            serve_with_mail(listener, db, config, None).await
        }
        Command::Run => {
            server::ensure_jwt_secret(&mut config)?;
            server::ensure_log_key(&mut config)?;
            let listener = server::bind(&config).await?;
            server::migrate(&db).await?;
            let accounts = seed(&db).await?;
            serve_with_mail(listener, db, config, Some(accounts)).await
        }
    }
}

/// Loads the demo frameworks and services (once), through the real flows.
async fn seed_frameworks(state: &AppState) -> Result<u64, StartupError> {
    let started = std::time::Instant::now();
    let services = crate::frameworks::demo::load(state)
        .await
        .map_err(|e| StartupError(format!("loading demo frameworks failed: {e:#}")))?;
    if services > 0 {
        println!(
            "marco: demo frameworks loaded: {services} services in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let orders = crate::buying::demo::load(state)
        .await
        .map_err(|e| StartupError(format!("loading demo orders failed: {e:#}")))?;
    if orders > 0 {
        println!(
            "marco: demo orders and direct awards placed: {orders} orders in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let briefs = crate::briefs::demo::load(state)
        .await
        .map_err(|e| StartupError(format!("loading demo briefs failed: {e:#}")))?;
    if briefs > 0 {
        println!(
            "marco: demo briefs made: {briefs} briefs in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let contracts = crate::contracts::demo::load(state)
        .await
        .map_err(|e| StartupError(format!("loading demo contract delivery failed: {e:#}")))?;
    if contracts > 0 {
        println!(
            "marco: demo contract delivery played: {contracts} contracts in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(services)
}

async fn seed(
    db: &sea_orm::DatabaseConnection,
) -> Result<Vec<crate::seed::DemoAccount>, StartupError> {
    crate::seed::load(db)
        .await
        .map_err(|e| StartupError(format!("loading demo data failed: {e:#}")))
}

/// Serves with the background jobs (mail, search, framework clock, bulk files) beside the
/// server; on SIGTERM the server finishes its requests, then each job its pass in hand.
async fn serve_with_mail(
    listener: tokio::net::TcpListener,
    db: sea_orm::DatabaseConnection,
    config: Config,
    demo: Option<Vec<crate::seed::DemoAccount>>,
) -> Result<(), StartupError> {
    let mail = crate::mail::worker::MailJob::new(db.clone(), &config.mail, &config.data_dir)
        .map_err(|e| StartupError(format!("cannot start the mail worker: {e}")))?;
    let state = server::state(db, config)?;
    if demo.is_some() {
        seed_frameworks(&state).await?;
    }
    // Said last, once the demo data is in, so that the address is what a newcomer sees.
    announce(&state.config, demo.as_deref().unwrap_or_default());
    let mut jobs = crate::jobs::JobSet::default();
    let board = state.jobs.clone();
    jobs.start(std::sync::Arc::new(mail), board.clone());
    jobs.start(
        std::sync::Arc::new(crate::search::outbox::SearchJob::new(
            state.db.clone(),
            state.search.clone(),
            crate::search::outbox::OutboxSettings::default(),
        )),
        board.clone(),
    );
    jobs.start(
        std::sync::Arc::new(crate::frameworks::lifecycle::ClockJob::new(state.clone())),
        board.clone(),
    );
    jobs.start(
        std::sync::Arc::new(crate::buying::projects::ReminderJob::new(state.clone())),
        board.clone(),
    );
    jobs.start(
        std::sync::Arc::new(crate::buying::deadlines::DeadlineJob::new(state.clone())),
        board.clone(),
    );
    jobs.start(
        std::sync::Arc::new(crate::briefs::clock::BriefClockJob::new(state.clone())),
        board.clone(),
    );
    jobs.start(
        std::sync::Arc::new(crate::contracts::clock::ContractClockJob::new(
            state.clone(),
        )),
        board.clone(),
    );
    jobs.start(
        std::sync::Arc::new(crate::publish::bulk::BulkJob::new(state.clone())),
        board.clone(),
    );
    jobs.start(
        std::sync::Arc::new(crate::publish::segment::SegmentJob::new(state.clone())),
        board.clone(),
    );
    jobs.start(
        std::sync::Arc::new(crate::analytics::AnalyticsJob::new(state.clone())),
        board,
    );
    let served = serve(listener, state).await;
    // Requests are finished; each job ends its pass in hand (a mail send, a search batch).
    jobs.shutdown(std::time::Duration::from_secs(30)).await;
    served
}

async fn serve(listener: tokio::net::TcpListener, state: AppState) -> Result<(), StartupError> {
    server::serve(listener, state)
        .await
        .map_err(|e| StartupError(format!("server error: {e}")))
}

/// `marco reindex`: rebuilds the index from the database with a progress bar.
async fn reindex(state: &AppState) -> Result<(), StartupError> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let fail = |e: &dyn std::fmt::Display| StartupError(format!("reindexing failed: {e}"));
    let total = crate::entities::service::Entity::find()
        .count(&state.db)
        .await
        .map_err(|e| fail(&e))?;
    let progress = crate::search::reindex_progress_bar(Some(total));
    let docs = crate::search::database_documents(&state.db);
    let indexed = crate::search::reindex(state.search.as_ref(), docs, &progress)
        .await
        .map_err(|e| fail(&e))?;
    println!(
        "marco: indexed {indexed} services into {}",
        state.search.backend()
    );
    Ok(())
}

fn announce(config: &Config, accounts: &[crate::seed::DemoAccount]) {
    println!();
    println!("  Marco is running at {}", config.public_url);
    println!("  Database: {}", config.database_url_redacted());
    if !accounts.is_empty() {
        println!();
        println!(
            "  Demo accounts (password: {}):",
            crate::seed::DEMO_PASSWORD
        );
        for account in accounts {
            println!("    {:<32} {}", account.email, account.what);
        }
    }
    println!();
    println!("  Stop with Ctrl-C.");
    println!();
}
