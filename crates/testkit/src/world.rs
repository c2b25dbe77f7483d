//! A world built through podgate's domain functions instead of its pages: an owner, a connected
//! sandbox shop, suppliers. Benchmarks use it to set up thousands of orders quickly.

use std::path::Path;

use podgate::db::DbPool;
use podgate::db::models::audit::{Actor, Channel};
use podgate::db::models::batch::{self, Batch};
use podgate::db::models::shop::Shop;
use podgate::db::models::user::{Role, User};
use podgate::domain::{DomainError, accounts, suppliers};
use podgate::services::Services;
use tiktok_sandbox::SandboxHandle;

/// The owner every benchmark world signs in as, and the password of its people.
pub const OWNER_EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "bench password 1";

/// Adds the workspace "Bench Prints" and its owner.
pub async fn owner(pool: &DbPool) -> anyhow::Result<User> {
    let user = pool
        .run(|c| accounts::add_user_blocking(c, "Bench Prints", OWNER_EMAIL, "Bench", Role::Owner, PASSWORD))
        .await?;
    Ok(user)
}

/// Connects the sandbox's shop for `owner`, approving as the seller would (a fresh auth code).
pub async fn connect_shop(
    sb: &SandboxHandle,
    services: &Services,
    owner: &User,
) -> anyhow::Result<Vec<Shop>> {
    let code = sb
        .sandbox
        .world
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .issue_auth_code(i64::MAX);
    let actor = Actor::user(owner, None, Channel::Cli);
    Ok(services.shops.connect(&actor, &code).await?)
}

/// Adds a supplier (UTC, answers due in 24 h); returns its id.
pub async fn supplier(pool: &DbPool, owner: &User, name: &str) -> anyhow::Result<i64> {
    let actor = Actor::user(owner, None, Channel::Cli);
    let input = suppliers::SupplierInput {
        name: name.into(),
        time_zone: "UTC".into(),
        ack_deadline_hours: "24".into(),
        ..Default::default()
    };
    Ok(suppliers::create(pool, &actor, input).await?)
}

/// Writes a sealed batch of random bytes for a supplier (a stand-in for a very large batch).
pub async fn synthetic_batch(
    pool: &DbPool,
    batches: &podgate::domain::batches::Batches,
    workspace_id: i64,
    supplier_id: i64,
    size: u64,
) -> anyhow::Result<Batch> {
    let b = pool
        .run(move |c| {
            Ok::<_, DomainError>(batch::create_sealing(
                c,
                workspace_id,
                supplier_id,
                None,
                "bench",
                &[],
                &|seq| format!("bench-{seq}"),
            )?)
        })
        .await?;
    let path = batches.zip_path(&b);
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let p2 = path.clone();
    let (sha, n) = tokio::task::spawn_blocking(move || -> std::io::Result<(String, u64)> {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p2)?);
        let mut block = [0u8; 1 << 16];
        let mut left = size;
        while left > 0 {
            rand::fill(&mut block[..]);
            let k = left.min(block.len() as u64) as usize;
            f.write_all(&block[..k])?;
            left -= k as u64;
        }
        f.flush()?;
        drop(f);
        podgate::domain::batches::sha256_of(&mut std::fs::File::open(&p2)?)
    })
    .await??;
    let id = b.id;
    pool.run(move |c| {
        let p = batch::Packed {
            zip_sha256: &sha,
            zip_bytes: n as i64,
            labels_pdf_bytes: 0,
            ack_due_at: podgate::db::models::now() + chrono::Duration::hours(24),
        };
        batch::mark_sealed(c, id, &p)?;
        Ok::<_, DomainError>(batch::find(c, id)?)
    })
    .await
    .map_err(anyhow::Error::from)
}
