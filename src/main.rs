//! The medborger command line: serve the API, migrate, and administer.

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};

use medborger::clock::SystemClock;
use medborger::config::{Environment, Settings};
use medborger::domain::DepartmentCode;
use medborger::startup::Application;
use medborger::{db, openapi, seed, telemetry};

#[derive(Parser)]
#[command(name = "medborger", version, about = "Case management for Copenhagen's integration work")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (refuses while migrations are pending, unless --migrate).
    Serve {
        /// Apply pending migrations first (as MEDBORGER_MIGRATION_DATABASE_URL).
        #[arg(long)]
        migrate: bool,
    },
    /// Apply pending migrations as the schema owner.
    Migrate,
    /// Create an administrator; the password is read from standard input or a prompt.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "Administrator")]
        full_name: String,
        #[arg(long, default_value = "okf")]
        department: String,
    },
    /// Load data sets.
    Seed {
        /// The same as `seed demo`.
        #[arg(long)]
        demo: bool,
        #[command(subcommand)]
        what: Option<SeedCommand>,
    },
    /// Seal or verify the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// Import data from a legacy system.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Anonymise citizens past retention and remove old audit entries.
    Retention {
        #[command(subcommand)]
        what: RetentionCommand,
    },
    /// Print fresh development keys as environment lines (refused in production).
    DevKeys,
    /// Print the OpenAPI document (regenerate openapi/openapi.json with this).
    Openapi,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Seal every closed window now (what `serve` does every few seconds).
    Seal,
    /// Check every seal and sealed entry; exits 1 naming the first bad entry.
    Verify {
        /// A head published earlier (log line, metric, `audit head`): fails
        /// unless the chain still passes through it.
        #[arg(long)]
        head: Option<String>,
    },
    /// Print the chain's head (the last seal's id and hash), to keep elsewhere.
    Head,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Citizens from a CSV file (columns: see `medborger::import`, or the README).
    Citizens {
        file: std::path::PathBuf,
        /// The department that becomes involved with every imported citizen.
        #[arg(long, default_value = "bif")]
        department: String,
        /// Validate and count; write the report; import nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where refused rows are listed (default: FILE.report.csv).
        #[arg(long)]
        report: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Anonymise (or with --dry-run list) what is past its retention period.
    Run {
        /// List what would go and why; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Judge as of this date (YYYY-MM-DD) instead of today.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum SeedCommand {
    /// The demo teams, users (password from MEDBORGER_DEMO_PASSWORD) and case data.
    Demo,
    /// A whole synthetic municipality, deterministic from --seed (with the
    /// demo users, who get caseloads in it). Into a database without citizens.
    Synthetic {
        #[arg(long)]
        citizens: u64,
        #[arg(long)]
        notes: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u32,
        /// Audit entries of the history (default: one per note plus two per citizen).
        #[arg(long)]
        audit_entries: Option<u64>,
        /// The day the city is built for (YYYY-MM-DD, default today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
}

fn migration_url(settings: &Settings) -> String {
    settings.database.migration_url.as_ref().unwrap_or(&settings.database.url).expose_secret().to_string()
}

/// One line from standard input, or a hidden prompt (twice) on a terminal.
fn read_password() -> anyhow::Result<SecretString> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (12+ characters): ")?;
        let second = rpassword::prompt_password("Again: ")?;
        if first != second {
            bail!("the passwords differ");
        }
        Ok(first.into())
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string().into())
    }
}

/// Each password check (argon2) takes a 19 MiB block. glibc serves a block
/// that large with mmap at first, but after the first one is freed it raises
/// its mmap threshold (up to 32 MiB) and serves the next ones from the
/// arena of whichever blocking thread runs the check; arenas are not given
/// back, and there is one per thread, so memory grew by about 19 MiB for
/// every thread that ever checked a password (RSS 162 MB after warm-up,
/// 373 MB after a 10-minute soak). A fixed threshold keeps such blocks
/// mapped, and returned to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_large_blocks_mapped() {
    // SAFETY: mallopt only sets a parameter of the allocator; it takes the
    // allocator's own lock.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_large_blocks_mapped() {}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    keep_large_blocks_mapped();
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi => {
            print!("{}", openapi::document_json());
            return Ok(());
        }
        Command::DevKeys => {
            if std::env::var("MEDBORGER_ENV").as_deref() == Ok("production") {
                bail!("development keys are refused in production");
            }
            for (name, value) in medborger::config::generate_dev_keys()? {
                println!("{name}={value}");
            }
            return Ok(());
        }
        _ => {}
    }

    telemetry::init("info", std::io::stdout);
    let settings = Settings::from_env()?;
    match cli.command {
        Command::Serve { migrate } => serve(settings, migrate).await,
        Command::Migrate => {
            let applied = db::run_migrations(&migration_url(&settings)).await?;
            tracing::info!(count = applied.len(), "migrations applied");
            println!("applied {} migration(s)", applied.len());
            Ok(())
        }
        Command::CreateAdmin { username, full_name, department } => {
            let department: DepartmentCode = department
                .parse()
                .map_err(|_| anyhow::anyhow!("--department must be one of bif buf kff sof suf tmf okf"))?;
            let password = read_password()?;
            let pool = db::pool(&settings.database)?;
            let id = seed::create_admin(&pool, &username, &full_name, department, password).await?;
            println!("created administrator {username} ({id})");
            Ok(())
        }
        Command::Seed { demo, what } => {
            if !demo && what.is_none() {
                bail!("say what to seed: `medborger seed demo` (or `seed --demo`)");
            }
            if settings.environment == Environment::Production {
                bail!("demo data is refused in production");
            }
            let password =
                std::env::var("MEDBORGER_DEMO_PASSWORD").unwrap_or_else(|_| seed::DEFAULT_DEMO_PASSWORD.into());
            let pool = db::pool(&settings.database)?;
            seed::seed_demo(&pool, password.into()).await?;
            println!("demo users: {}", seed::demo_usernames().join(", "));
            let vault = medborger::cpr::CprVault::new(&settings.cpr)?;
            if let Some(SeedCommand::Synthetic { citizens, notes, seed, audit_entries, as_of }) = what {
                let options = medborger::synthetic::Options {
                    citizens,
                    notes,
                    audit_entries,
                    seed,
                    as_of: as_of.unwrap_or_else(|| medborger::clock::local_date(chrono::Utc::now())),
                };
                return seed_synthetic(&settings, &vault, &options).await;
            }
            // The case data is written as the schema owner, who sees past
            // row-level security by role (never by a setting).
            let owner = db::owner_pool(&settings.database, &migration_url(&settings))?;
            let created = medborger::demo_cases::seed_demo_cases(&owner, &vault, chrono::Utc::now()).await?;
            if created == 0 {
                println!("demo citizens: already present, left as they are");
            } else {
                println!("demo citizens: {created} created");
            }
            Ok(())
        }
        Command::Audit { what } => audit(settings, what).await,
        Command::Import { what: ImportCommand::Citizens { file, department, dry_run, report } } => {
            import_citizens(settings, file, department, dry_run, report).await
        }
        Command::Retention { what: RetentionCommand::Run { dry_run, as_of } } => {
            let now = chrono::Utc::now();
            let as_of = as_of.unwrap_or(medborger::clock::local_date(now));
            let periods = medborger::retention::Periods {
                citizen_years: settings.retention.citizen_years,
                audit_years: settings.audit.retention_years,
            };
            let report = medborger::retention::run(&migration_url(&settings), as_of, periods, dry_run, now).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::Openapi | Command::DevKeys => Ok(()),
    }
}

/// `seed synthetic`, with a progress line per batch on standard error.
async fn seed_synthetic(
    settings: &Settings, vault: &medborger::cpr::CprVault, options: &medborger::synthetic::Options,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let phases = std::sync::Mutex::new(std::collections::HashMap::<String, std::time::Instant>::new());
    let report = |p: medborger::synthetic::Progress| {
        let since =
            *phases.lock().expect("not poisoned").entry(p.phase.to_string()).or_insert_with(std::time::Instant::now);
        if p.done == 0 {
            return;
        }
        let seconds = since.elapsed().as_secs_f64().max(1e-3);
        let rate = p.done as f64 / seconds;
        let eta = p.total.saturating_sub(p.done) as f64 / rate.max(1e-9);
        eprintln!(
            "seed synthetic: {} {}/{} ({:.0}/s, ETA {:.0} s; {:.0} s in all)",
            p.phase,
            p.done,
            p.total,
            rate,
            eta,
            started.elapsed().as_secs_f64()
        );
    };
    let summary = medborger::synthetic::seed_city(&migration_url(settings), vault, options, &report).await?;
    println!(
        "synthetic city (seed {}, as of {}): {} citizens, {} enrolments, {} milestones, {} outcomes, \
         {} notes, {} staff, {} audit entries in {} seals; {:.1} s",
        options.seed,
        options.as_of,
        summary.citizens,
        summary.enrolments,
        summary.milestones,
        summary.outcomes,
        summary.notes,
        summary.staff,
        summary.audit_entries,
        summary.seals,
        summary.seconds
    );
    Ok(())
}

async fn import_citizens(
    settings: Settings, file: std::path::PathBuf, department: String, dry_run: bool, report: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let department: DepartmentCode =
        department.parse().map_err(|_| anyhow::anyhow!("--department must be one of bif buf kff sof suf tmf okf"))?;
    let input = std::fs::File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
    // The audit entries name the file and who ran the command (the
    // command line has no signed-in user).
    let source = format!(
        "{} (run by {})",
        file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::env::var("USER").unwrap_or_else(|_| "an unknown system user".into())
    );
    // As the schema owner: finding the CPRs on file reads past row-level security.
    let pool = db::owner_pool(&settings.database, &migration_url(&settings))?;
    let vault = medborger::cpr::CprVault::new(&settings.cpr)?;
    // A bar with rate and ETA on a terminal; plain lines otherwise (logs, CI).
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  ETA {eta}")
                .expect("a valid template"),
        );
        bar
    });
    let started = std::time::Instant::now();
    let summary = medborger::import::import_citizens(
        &pool,
        &vault,
        std::io::BufReader::new(input),
        &source,
        department.as_str(),
        dry_run,
        chrono::Utc::now(),
        |done, total| match &bar {
            Some(bar) => {
                bar.set_length(total);
                bar.set_position(done);
            }
            None => {
                let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-3);
                let eta = (total - done) as f64 / rate.max(1.0);
                eprintln!("import: {done}/{total} valid rows, {rate:.0} rows/s, ETA {eta:.0} s");
            }
        },
    )
    .await?;
    if let Some(bar) = bar {
        bar.finish();
    }
    let report = report.unwrap_or_else(|| {
        let mut name = file.clone().into_os_string();
        name.push(".report.csv");
        name.into()
    });
    medborger::import::write_report(&report, &summary.rejected)?;
    println!(
        "{}: {} rows, {} imported, {} already registered, {} refused (listed in {}), {:.1} s, {:.0} rows/s",
        if dry_run { "dry run" } else { "imported" },
        summary.rows,
        summary.imported,
        summary.existing,
        summary.rejected.len(),
        report.display(),
        summary.seconds,
        summary.rows_per_second
    );
    Ok(())
}

async fn audit(settings: Settings, what: AuditCommand) -> anyhow::Result<()> {
    use medborger::audit::seal::{self, Verdict};
    let pool = db::pool(&settings.database)?;
    match what {
        AuditCommand::Seal => {
            let lag = chrono::Duration::from_std(settings.audit.seal_lag)?;
            let mut total = 0;
            loop {
                let n = seal::seal_once(&pool, lag).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                if n == 0 {
                    break;
                }
                total += n;
            }
            println!("sealed {total} audit entries");
            Ok(())
        }
        AuditCommand::Head => {
            match seal::head(&pool).await.map_err(|e| anyhow::anyhow!("{e}"))? {
                Some((id, hash)) => println!("seal {id} head {hash}"),
                None => println!("no seal yet"),
            }
            Ok(())
        }
        AuditCommand::Verify { head } => match seal::verify_all(&pool).await.map_err(|e| anyhow::anyhow!("{e}"))? {
            Verdict::Intact { seals, entries, head: current } => {
                if let Some(published) = head {
                    if !seal::leads_to(&pool, &published).await.map_err(|e| anyhow::anyhow!("{e}"))? {
                        eprintln!(
                            "audit log TAMPERED: the chain (head {current}) no longer leads to the published head {published}"
                        );
                        std::process::exit(1);
                    }
                }
                println!("audit log intact: {seals} seals, {entries} entries, head {current}");
                Ok(())
            }
            Verdict::Broken { seal, entry, problem } => {
                eprintln!(
                    "audit log TAMPERED: seal {seal}{}: {problem}",
                    entry.map(|e| format!(", entry {e}")).unwrap_or_default()
                );
                std::process::exit(1);
            }
        },
    }
}

async fn serve(settings: Settings, migrate: bool) -> anyhow::Result<()> {
    if migrate {
        let applied = db::run_migrations(&migration_url(&settings)).await?;
        tracing::info!(count = applied.len(), "migrations applied");
    } else {
        let pool = db::pool(&settings.database)?;
        let mut conn = pool.get().await.context("connecting to the database")?;
        let pending = db::pending_migrations(&mut conn).await?;
        if !pending.is_empty() {
            bail!(
                "{} migration(s) pending ({}); run `medborger migrate` or `medborger serve --migrate`",
                pending.len(),
                pending.join(", ")
            );
        }
    }
    let audit = settings.audit.clone();
    let app = Application::build(settings, Arc::new(SystemClock))?;
    if !audit.seal_interval.is_zero() {
        let state = app.state();
        medborger::audit::seal::spawn_sealer(
            state.pool.clone(),
            audit.seal_interval,
            chrono::Duration::from_std(audit.seal_lag)?,
        );
    }
    medborger::reports::rollups::spawn_folder(app.state().pool.clone());
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}
