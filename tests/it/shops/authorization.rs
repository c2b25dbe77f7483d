//! When TikTok stops accepting a shop's tokens, the seller is told the right thing: the end of
//! the authorization period or a revoked app means "reconnect the shop"; a wrong app secret is
//! podgate's settings, and the shop is not marked broken for it.

use super::*;

#[rocket::async_test]
async fn an_authorization_period_that_ended_marks_the_shop_for_reconnecting() {
    let (app, sb) = connected(WorldSettings {
        initial_orders: 3,
        ..WorldSettings::default()
    })
    .await;
    let url = format!("{}/sandbox/api/tokens/end_authorization", sb.base_url);
    assert!(
        reqwest::Client::new()
            .post(url)
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    app.post_form("/shops", "/shops/1/sync", &[]).await;
    let page = page_eventually(&app, "/shops", "badge-broken").await;
    assert!(page.contains("code 36004001"), "{page}");
    assert!(
        page.contains("authorization has ended: reconnect the shop") && page.contains("Reconnect"),
        "{page}"
    );
}

#[rocket::async_test]
async fn a_rotated_app_secret_is_a_settings_problem_not_a_broken_shop() {
    let (app, sb) = connected(WorldSettings {
        initial_orders: 3,
        ..WorldSettings::default()
    })
    .await;
    // The app secret was rotated in Partner Center and podgate still has the old one.
    sb.sandbox.world.lock().unwrap().app_secret = "rotated-in-partner-center".into();
    app.post_form("/shops", "/shops/1/sync", &[]).await;
    let page = page_eventually(&app, "/shops", "code 106001").await;
    assert!(page.contains("The app secret is wrong"), "{page}");
    assert!(
        page.contains("badge-active") && !page.contains("badge-broken"),
        "{page}"
    );
}
