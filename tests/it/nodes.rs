//! Several podgate nodes on one database: what they must share so that together they behave as
//! one (issue #20). TikTok counts each shop's calls per API whoever sends them.

use std::sync::Arc;

use podgate::db::{DbPool, DbUrl};
use podgate::domain::budget::SharedBudget;
use podgate_testkit::tiktok::Fixture;
use tiktok::{Budget, Pace, ProcessBudget, SellerApi, TikTokClient};
use tiktok_sandbox::world::WorldSettings;

const LIMIT: u32 = 20;
const BURST: u32 = 5;
const CALLS_PER_NODE: usize = 60;

/// Two nodes (two clients, each with its own connection pool) call one shop's warehouses API as
/// fast as they can; returns the sandbox's busiest second for that API and its 429 answers.
async fn two_nodes_calling(fx: &Fixture, budgets: [Arc<dyn Budget>; 2]) -> (u64, u64) {
    let before = fx.sb.sandbox.state();
    let mut cfg = fx.client.config().clone();
    cfg.rate_limit_per_sec = LIMIT;
    cfg.rate_burst = BURST;
    cfg.max_attempts = 1;
    let clients: Vec<Arc<TikTokClient>> = budgets
        .into_iter()
        .map(|b| Arc::new(TikTokClient::with_budget(cfg.clone(), b)))
        .collect();
    let mut calls = tokio::task::JoinSet::new();
    for client in &clients {
        for _ in 0..CALLS_PER_NODE {
            let (client, store, cipher) = (client.clone(), fx.store.clone(), fx.cipher.clone());
            calls.spawn(async move {
                let seller = SellerApi {
                    client: &client,
                    store: store.as_ref(),
                    key: "seller",
                };
                seller.shop(&cipher).warehouses().await.is_ok()
            });
        }
    }
    let mut ok = 0;
    while let Some(r) = calls.join_next().await {
        ok += usize::from(r.unwrap());
    }
    let after = fx.sb.sandbox.state();
    let refused = after.errors.get("36009002").copied().unwrap_or(0)
        - before.errors.get("36009002").copied().unwrap_or(0);
    assert_eq!(
        ok as u64 + refused,
        2 * CALLS_PER_NODE as u64,
        "every call answered or refused for its rate"
    );
    (after.busiest_second["warehouses"], refused)
}

/// Each node pacing itself alone sends twice the shop's limit and TikTok refuses the excess;
/// nodes sharing the budget through the database stay within the limit plus the burst, and
/// nothing is refused.
#[rocket::async_test]
async fn two_nodes_share_each_shops_tiktok_budget_through_the_database() {
    let fx = Fixture::new(WorldSettings {
        rate_limit_per_sec: LIMIT,
        ..WorldSettings::default()
    })
    .await;
    let pace = Pace {
        per_sec: LIMIT,
        burst: BURST,
    };

    let alone: [Arc<dyn Budget>; 2] = [
        Arc::new(ProcessBudget::new(pace)),
        Arc::new(ProcessBudget::new(pace)),
    ];
    let (_, refused_alone) = two_nodes_calling(&fx, alone).await;
    assert!(
        refused_alone > 0,
        "two nodes pacing alone go over the shop's limit (this test can tell)"
    );
    // The sandbox's limiter and its busiest second start afresh.
    let fx = Fixture::new(WorldSettings {
        rate_limit_per_sec: LIMIT,
        ..WorldSettings::default()
    })
    .await;

    let dir = tempfile::tempdir().unwrap();
    let db = podgate_testkit::TestDb::new(dir.path());
    let url = DbUrl::parse(&db.url).unwrap();
    url.run_migrations().unwrap();
    let node = |_| -> Arc<dyn Budget> { Arc::new(SharedBudget::new(DbPool::open(&url, 4).unwrap(), pace)) };
    let (busiest, refused) = two_nodes_calling(&fx, [node(0), node(1)]).await;
    eprintln!("alone: {refused_alone} refused; shared: busiest second {busiest}, {refused} refused");
    assert_eq!(refused, 0, "nothing refused for its rate");
    assert!(
        busiest <= u64::from(LIMIT + BURST),
        "at most the limit plus the burst in any second, across both nodes: {busiest}"
    );
}
