//! A real client written by others from TikTok's spec, the PyPI SDK `tiktok-shop-api`, against
//! the `podgate sandbox` command: its calls succeed and its webhook verifier accepts the
//! sandbox's webhooks (`tests/sdk/tiktok_shop_api_check.py` does the calls).

use std::time::Duration;

#[tokio::test]
async fn the_tiktok_shop_api_sdk_works_against_podgate_sandbox() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _sandbox = tokio::process::Command::new(env!("CARGO_BIN_EXE_podgate"))
        .args(["sandbox", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--app-key", "sdk-key", "--app-secret", "sdk-secret"])
        .args([
            "--redirect-url",
            "http://127.0.0.1:9/cb",
            "--seed",
            "5",
            "--orders",
            "12",
        ])
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..300 {
        if reqwest::get(format!("{base}/sandbox/api/state")).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "podgate sandbox did not start");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/tiktok_shop_api_check.py");
    let out = tokio::process::Command::new("python3")
        .args([script, &base, "sdk-key", "sdk-secret"])
        .output()
        .await
        .expect("python3 runs (CI installs tiktok-shop-api)");
    let said = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}\n{err}");
    for step in [
        "exchange_code",
        "get_authorized_shops",
        "get_order_list",
        "get_order_detail 3 ids",
        "get_eligible_shipping_services",
        "create_packages",
        "get_package_detail",
        "get_package_shipping_document",
        "refresh authorization period kept",
        "webhooks",
    ] {
        assert!(said.contains(&format!("ok {step}")), "{step} missing:\n{said}");
    }
}
