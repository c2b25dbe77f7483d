//! The command line: `serve`, `migrate`, `user add|passwd|list`.

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::config::{self, AppConfig};
use crate::db::models::user::{Role, User};
use crate::db::models::workspace::Workspace;
use crate::db::{DbPool, DbUrl};
use crate::domain::accounts;

/// podgate: hand TikTok Shop labels and print files to print-on-demand suppliers.
#[derive(Debug, Parser)]
#[command(name = "podgate", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web portal and background jobs.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage people from the command line.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user (creates the workspace when it does not exist yet).
    Add(AddUser),
    /// Set a user's password and sign them out everywhere.
    Passwd {
        /// The user's email.
        email: String,
        /// The new password (read from PODGATE_PASSWORD when omitted).
        #[arg(long, env = "PODGATE_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// List every user.
    List,
}

#[derive(Debug, Args)]
struct AddUser {
    /// The user's email, used to sign in.
    email: String,
    /// Workspace (seller company) name.
    #[arg(long)]
    workspace: String,
    /// Display name.
    #[arg(long)]
    name: String,
    /// `owner` or `staff`.
    #[arg(long, default_value = "staff")]
    role: String,
    /// The password (read from PODGATE_PASSWORD when omitted).
    #[arg(long, env = "PODGATE_PASSWORD", hide_env_values = true)]
    password: String,
}

/// Parses the command line and runs the command.
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let figment = config::figment();
    match cli.command {
        Command::Serve => {
            let cfg = AppConfig::from_figment(&figment)?;
            crate::app::init_logging(cfg.log_format);
            let prepared = crate::app::prepare(figment)?;
            rocket::execute(crate::app::serve(prepared))
        }
        Command::Migrate => {
            let cfg = AppConfig::from_figment(&figment)?;
            let url = DbUrl::parse(&cfg.database_url())?;
            let applied = url.run_migrations()?;
            if applied.is_empty() {
                println!("{} database is up to date", url.backend());
            } else {
                println!(
                    "applied {} migration(s) to the {} database: {}",
                    applied.len(),
                    url.backend(),
                    applied.join(", ")
                );
            }
            Ok(())
        }
        Command::User(cmd) => user_command(&figment, cmd),
    }
}

fn open_pool(figment: &rocket::figment::Figment) -> anyhow::Result<DbPool> {
    let cfg = AppConfig::from_figment(figment)?;
    let url = DbUrl::parse(&cfg.database_url())?;
    DbPool::open(&url, 1).context("opening the database")
}

fn user_command(figment: &rocket::figment::Figment, cmd: UserCommand) -> anyhow::Result<()> {
    let pool = open_pool(figment)?;
    let mut conn = pool.get()?;
    match cmd {
        UserCommand::Add(a) => {
            let role =
                Role::parse(&a.role).with_context(|| format!("--role {:?}: use owner or staff", a.role))?;
            let user =
                accounts::add_user_blocking(&mut conn, &a.workspace, &a.email, &a.name, role, &a.password)?;
            println!(
                "added {} ({}) to workspace {:?}",
                user.email, user.role, a.workspace
            );
        }
        UserCommand::Passwd { email, password } => {
            let user = accounts::set_password_blocking(&mut conn, &email, &password)?;
            println!("password set for {}; their sessions were signed out", user.email);
        }
        UserCommand::List => {
            println!(
                "{:<6} {:<32} {:<8} {:<24} workspace",
                "id", "email", "role", "name"
            );
            for u in User::list_all(&mut conn)? {
                let ws = Workspace::find(&mut conn, u.workspace_id)?;
                println!(
                    "{:<6} {:<32} {:<8} {:<24} {}",
                    u.id, u.email, u.role, u.name, ws.name
                );
            }
        }
    }
    Ok(())
}
