//! A real client written by others from TikTok's spec, the PyPI SDK `tiktok-shop-api`, against
//! the `podgate sandbox` command: its calls succeed and its webhook verifier accepts the
//! sandbox's webhooks (`tests/sdk/tiktok_shop_api_check.py` does the calls).

#[tokio::test]
async fn the_tiktok_shop_api_sdk_works_against_podgate_sandbox() {
    let (_sandbox, base) = super::sandbox_command(&[
        "--app-key",
        "sdk-key",
        "--app-secret",
        "sdk-secret",
        "--redirect-url",
        "http://127.0.0.1:9/cb",
        "--seed",
        "5",
        "--orders",
        "12",
    ])
    .await;
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
