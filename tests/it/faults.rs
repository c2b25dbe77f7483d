//! TikTok misbehaving: with a fifth of the calls failing with every documented retryable class,
//! added latency, hung calls, lost answers, orders on hold and 429 bursts, a sync still reads
//! every order and a label job ends with every package bought exactly once or failed with
//! TikTok's reason; the shop and job pages show the retries and the failures.

use rocket::http::Status;

use tiktok_sandbox::faults::FaultSettings;
use tiktok_sandbox::world::WorldSettings;

use podgate_testkit::labels::{owner_actor, ready_orders};
use podgate_testkit::shops::{app_with_sandbox, connect_shop, sync_status, wait_synced};
use podgate_testkit::suppliers::{CATALOG, add_supplier, import_csv};

fn hostile_tiktok() -> FaultSettings {
    FaultSettings {
        latency_ms: 15,
        error_rate: 0.2,
        timeout_rate: 0.02,
        timeout_ms: 600,
        lost_answer_rate: 0.05,
        // High enough that a job of ~90 packages meets a hold (0.85^90 ≈ 4e-7 that it does not).
        hold_rate: 0.15,
        doc_generating_rate: 0.1,
        ..FaultSettings::default()
    }
}

#[rocket::async_test]
async fn sync_and_purchase_finish_while_a_fifth_of_tiktok_calls_fail() {
    let (app, sb) = app_with_sandbox(WorldSettings {
        // Long form: PODGATE_FAULT_ORDERS=2000 ./scripts/test faults
        initial_orders: std::env::var("PODGATE_FAULT_ORDERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200),
        orders_per_minute: 0.0,
        ..WorldSettings::default()
    })
    .await;
    app.setup_owner().await;
    sb.sandbox.world.lock().unwrap().faults.global = hostile_tiktok();

    // Connecting and the first sync go through the faults.
    let r = connect_shop(&app).await;
    assert_eq!(r.headers().get_one("Location"), Some("/shops"));
    drop(r);
    wait_synced(&app).await;
    let status = sync_status(&app).await;
    let shop = &status["shops"][0];
    assert!(shop["last_sync_error"].is_null(), "{shop}");
    let retries = shop["progress"]["retries"].as_u64().unwrap();
    assert!(retries > 0, "the faults were met and retried: {shop}");
    let in_sandbox: usize = sb
        .sandbox
        .world
        .lock()
        .unwrap()
        .orders
        .values()
        .map(|o| o.len())
        .sum();
    let synced = app.query(|c| podgate::db::models::order::count(c, 1)).await;
    assert_eq!(
        synced, in_sandbox as i64,
        "every order was read despite the faults"
    );
    let (_, shops_page) = app.get("/shops").await;
    assert!(
        shops_page.contains("API calls retried (last: "),
        "the shop page says TikTok needed retries:\n{shops_page}"
    );

    // A label job for every ready order, through the same faults plus a burst of 429s.
    add_supplier(&app, "Shirt Co", "USPS, UPS", "HOOD 700 12x10x3").await;
    add_supplier(&app, "Mug Works", "", "MUG 450 6x6x6").await;
    let (s, body) = import_csv(&app, CATALOG).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let actor = owner_actor(&app).await;
    let ids = ready_orders(&app).await;
    assert!(ids.len() >= 40, "enough ready orders: {}", ids.len());
    let labels = &app.services.labels;
    let started = labels.plan(&actor, ids).await.unwrap();
    sb.sandbox.world.lock().unwrap().faults.global.burst_429 = 8;
    let progress = labels
        .run(started.job_id.expect("a job was planned"), 6)
        .await
        .unwrap();
    assert_eq!(progress.remaining, 0, "{progress:?}");
    assert_eq!(progress.done + progress.failed, started.planned, "{progress:?}");
    assert!(progress.retries > 0, "{progress:?}");

    let job = started.job_id.expect("a job was planned");
    let packages = app
        .query(move |c| podgate::db::models::package::of_job(c, job))
        .await;
    // The only final failures are TikTok's business refusals, each with its reason.
    for p in packages.iter().filter(|p| p.status.as_str() == "failed") {
        assert_eq!(p.error_code, Some(21011044), "{p:?}");
        assert!(p.error_message.as_deref().unwrap().contains("on hold"), "{p:?}");
    }
    assert!(
        progress.failed > 0,
        "some purchases met an order on hold: {progress:?}"
    );
    let bought = packages.iter().filter(|p| p.tiktok_package_id.is_some()).count();
    assert_eq!(bought, progress.done);
    let state = sb.sandbox.state();
    assert_eq!(
        state.purchases as usize, bought,
        "one label per bought package, none for the refused: {:?}",
        state.errors
    );
    assert_eq!(state.duplicate_labels, 0);
    for class in [
        "36009002", "36009003", "36009007", "21001003", "105002", "21011044",
    ] {
        assert!(
            state.errors.get(class).copied().unwrap_or(0) > 0,
            "the sandbox injected {class}: {:?}",
            state.errors
        );
    }

    eprintln!(
        "faults: {synced} orders synced with {retries} retried calls; {} packages: {} bought, {} on hold, {} retried calls; sandbox errors {:?}",
        started.planned, progress.done, progress.failed, progress.retries, state.errors
    );
    let (_, page) = app.get(&format!("/labels/jobs/{job}")).await;
    assert!(
        page.contains("retried call"),
        "the job page counts retries:\n{page}"
    );
    assert!(
        page.contains("on hold"),
        "the job page gives the failures' reasons:\n{page}"
    );
}
