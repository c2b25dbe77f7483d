//! The operators' endpoints (issue #20): `/readyz` names what keeps a node from taking
//! traffic, `/metrics` is valid OpenMetrics text (read back by the Prometheus project's own
//! Python parser) and is shown only to this machine or to the bearer of `metrics_token`.

use std::net::SocketAddr;

use diesel_migrations::MigrationHarness;
use podgate_testkit::TestApp;
use rocket::figment::providers::Serialized;
use rocket::http::{Header, Status};

fn local() -> SocketAddr {
    "127.0.0.1:40000".parse().unwrap()
}

fn stranger() -> SocketAddr {
    "203.0.113.9:40000".parse().unwrap()
}

async fn readyz(app: &TestApp) -> (Status, serde_json::Value) {
    let r = app.client.get("/readyz").dispatch().await;
    let status = r.status();
    (status, r.into_json().await.unwrap())
}

fn problem(body: &serde_json::Value, check: &str) -> String {
    body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == check)
        .map(|c| c["problem"].as_str().unwrap().to_string())
        .unwrap()
}

/// Ready when everything is; a migration not applied and a store that refuses writes each
/// make it 503 with the reason, and it is ready again once they are put right.
#[rocket::async_test]
async fn readyz_names_a_missing_migration_and_a_store_that_refuses_writes() {
    let app = TestApp::new().await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["ready"], true);
    let names: Vec<_> = body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, ["database", "migrations", "store"]);

    let url = app.pool.url().clone();
    let reverted = {
        let mut c = url.connect().unwrap();
        c.revert_last_migration(url.migrations()).unwrap().to_string()
    };
    let (status, body) = readyz(&app).await;
    assert_eq!(status, Status::ServiceUnavailable, "{body}");
    let why = problem(&body, "migrations");
    assert!(
        why.contains("1 migration(s) not applied") && why.contains("podgate migrate"),
        "{why} (reverted {reverted})"
    );
    url.run_migrations().unwrap();
    assert_eq!(readyz(&app).await.0, Status::Ok);

    // Where the probe writes, something that cannot be written as a file.
    let blocker = app
        .config
        .data_dir()
        .join(format!(".readyz-{}", std::process::id()));
    std::fs::create_dir_all(&blocker).unwrap();
    let (status, body) = readyz(&app).await;
    assert_eq!(status, Status::ServiceUnavailable, "{body}");
    assert!(problem(&body, "store").contains("cannot write to"), "{body}");
    assert_eq!(problem(&body, "database"), "");
    std::fs::remove_dir(&blocker).unwrap();
    assert_eq!(readyz(&app).await.0, Status::Ok);
}

/// Parses OpenMetrics text with the `prometheus_client` Python package's strict parser;
/// returns "name{labels} value" lines of the samples it read.
pub(crate) fn parse_openmetrics(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("metrics.txt");
    std::fs::write(&path, text).unwrap();
    let script = r#"
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
        print(f"{s.name}{{{labels}}} {s.value:g}")
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the OpenMetrics parser refused /metrics: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// `/metrics` shows the leases each node holds (here: this process's), the shared counts and
/// this node's SFTP connections, in text a Prometheus parser reads; strangers get 401.
#[rocket::async_test]
async fn metrics_are_openmetrics_for_this_machine_only_and_show_who_holds_which_lease() {
    let app = TestApp::new().await;
    let r = app.client.get("/metrics").remote(stranger()).dispatch().await;
    assert_eq!(
        r.status(),
        Status::Unauthorized,
        "not for strangers without a token"
    );
    let body: serde_json::Value = r.into_json().await.unwrap();
    assert_eq!(body["error"]["code"], "metrics_unauthorized", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("metrics_token")
    );

    let held = podgate::domain::leases::take(&app.pool, "shop:7:sync".into())
        .await
        .unwrap()
        .expect("free");
    let r = app.client.get("/metrics").remote(local()).dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    let content_type = r.content_type().unwrap().to_string();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let samples = parse_openmetrics(&r.into_string().await.unwrap());
    let me = podgate::domain::leases::worker_id();
    assert!(
        samples.contains(&format!("podgate_leases{{holder=\"{me}\"}} 1")),
        "{samples:#?}"
    );
    for name in ["podgate_shops_active{} 0", "podgate_sync_lag_max_seconds{} 0"] {
        assert!(samples.iter().any(|s| s == name), "{name} in {samples:#?}");
    }
    assert!(
        samples.contains(&format!("podgate_sftp_connections{{node=\"{me}\"}} 0")),
        "{samples:#?}"
    );
    held.release().await;
    let r = app.client.get("/metrics").remote(local()).dispatch().await;
    let samples = parse_openmetrics(&r.into_string().await.unwrap());
    assert!(
        !samples.iter().any(|s| s.starts_with("podgate_leases{")),
        "{samples:#?}"
    );
}

/// With `metrics_token` set, even this machine needs it.
#[rocket::async_test]
async fn with_a_metrics_token_only_its_bearer_reads_metrics() {
    let app = TestApp::with(|f| f.merge(Serialized::default("metrics_token", "s3cret-scrape"))).await;
    let r = app.client.get("/metrics").remote(local()).dispatch().await;
    assert_eq!(r.status(), Status::Unauthorized);
    let r = app
        .client
        .get("/metrics")
        .remote(stranger())
        .header(Header::new("Authorization", "Bearer wrong"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Unauthorized);
    let r = app
        .client
        .get("/metrics")
        .remote(stranger())
        .header(Header::new("Authorization", "Bearer s3cret-scrape"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    parse_openmetrics(&r.into_string().await.unwrap());
}
