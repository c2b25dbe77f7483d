//! Each shop's TikTok budget (50 calls a second per API) shared by every podgate process on the
//! database: TikTok counts a shop's calls whoever sends them, so two nodes with a limiter each
//! would send twice the limit. Each turn is reserved with one upsert ([`rate_slot::reserve`]),
//! then waited for in this process. On SQLite (one machine) a process's own limiter is the
//! default; `tiktok_budget = "database"` shares it there too.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tiktok::{Budget, Pace, ProcessBudget};

use crate::db::DbPool;
use crate::db::models::rate_slot;

/// Where the TikTok budget is kept (`tiktok_budget` in the configuration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BudgetPlace {
    /// In the database on PostgreSQL (where several nodes are deployed), in the process on SQLite.
    #[default]
    Auto,
    /// In this process: right when it is the only one calling TikTok.
    Process,
    /// In the database, shared by every process using it.
    Database,
}

/// The budget this deployment's TikTok client takes its turns from.
pub fn for_deployment(place: BudgetPlace, pool: &DbPool, pace: Pace) -> Arc<dyn Budget> {
    let shared = match place {
        BudgetPlace::Auto => pool.backend() == "postgres",
        BudgetPlace::Process => false,
        BudgetPlace::Database => true,
    };
    if shared {
        Arc::new(SharedBudget::new(pool.clone(), pace))
    } else {
        Arc::new(ProcessBudget::new(pace))
    }
}

/// A budget kept in the database's `rate_slots`.
pub struct SharedBudget {
    pool: DbPool,
    pace: Pace,
    /// Used while the database cannot be reached: this process then keeps at least its own
    /// share of the limit, and the call itself will say what is wrong.
    fallback: ProcessBudget,
}

impl SharedBudget {
    pub fn new(pool: DbPool, pace: Pace) -> SharedBudget {
        SharedBudget {
            pool,
            pace,
            fallback: ProcessBudget::new(pace),
        }
    }
}

#[async_trait::async_trait]
impl Budget for SharedBudget {
    async fn wait_turn(&self, shop: &str, api: &'static str) {
        let bucket = format!("{shop}|{api}");
        let interval = self.pace.interval().as_micros() as i64;
        let reserved = self
            .pool
            .query(move |c| rate_slot::reserve(c, &bucket, interval))
            .await;
        match reserved {
            Ok(r) => {
                let turn = r.next_us - interval - self.pace.tolerance().as_micros() as i64;
                let wait = turn - r.now_us;
                if wait > 0 {
                    tokio::time::sleep(Duration::from_micros(wait as u64)).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, api, "shared TikTok budget unreachable; pacing this process alone");
                self.fallback.wait_turn(shop, api).await;
            }
        }
    }
}
