//! The load benchmark's short form: a small world served by a real `podgate serve` process,
//! the orders list and the supplier portal under 64 wrk connections, concurrent OpenSSH sftp
//! downloads. Timings are reported, not asserted; every answer must have been a good one.

use std::process::Command;

use podgate_testkit::TestDb;

#[test]
fn the_load_benchmark_serves_every_request_and_download() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_podgate-bench"))
        .args(["load", "--orders", "1500", "--suppliers", "3", "--seconds", "2"])
        .args(["--downloads", "4", "--batch-mib", "1", "--database-url", &db.url])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let figures: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(figures["bad_answers"], 0, "every page answered 2xx/3xx: {stderr}");
    assert!(figures["orders"].as_i64().unwrap() >= 1500, "{figures}");
    assert_eq!(figures["downloads"], 4);
    for f in [
        "orders_p99_ms",
        "portal_p99_ms",
        "download_p99_s",
        "server_peak_rss_mib",
    ] {
        assert!(figures[f].as_f64().unwrap() > 0.0, "{f} measured: {figures}");
    }
    assert!(
        stderr.contains("/orders: p50") && stderr.contains("/supplier: p50"),
        "{stderr}"
    );
}
