//! Authorizations that start outside podgate and come back without its `state`: Partner
//! Center's "Authorize App" for a test shop and a Seller Center App Store install. The code is
//! exchanged, the owner sees the shops it grants, and they are attached only on confirmation.

use super::*;
use podgate_testkit::OWNER_PASSWORD;

/// Starts at one of the sandbox's outside pages, approves, and returns the callback's query.
async fn authorize_outside(sb: &SandboxHandle, place: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let text = |path: String| {
        let get = http.get(format!("{}{path}", sb.base_url));
        async move { get.send().await.unwrap().text().await.unwrap() }
    };
    let page = text(format!("/sandbox/{place}")).await;
    let href = page
        .split("id=\"start-outside\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(!href.contains("state"), "{href}");
    let authorize = text(href).await;
    assert!(authorize.contains("Authorize this app"));
    let r = http
        .post(format!("{}/open/authorize/decision", sb.base_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("state=&decision=approve")
        .send()
        .await
        .unwrap();
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let query = back.split_once('?').unwrap().1.to_string();
    assert!(query.starts_with("code=") && !query.contains("state"), "{query}");
    query
}

#[rocket::async_test]
async fn a_partner_center_authorization_is_attached_only_when_the_owner_confirms() {
    let (app, sb) = app_with_sandbox(WorldSettings {
        initial_orders: 2,
        ..WorldSettings::default()
    })
    .await;
    app.setup_owner().await;
    let query = authorize_outside(&sb, "partner-center").await;
    let r = app
        .client
        .get(format!("/shops/callback?{query}"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(r.headers().get_one("Location"), Some("/shops/authorization"));
    let shop = sb.sandbox.state().shops[0].clone();
    let (status, review) = app.get("/shops/authorization").await;
    assert_eq!(status, Status::Ok);
    assert!(
        review.contains(&shop.name) && review.contains(&shop.id),
        "{review}"
    );
    assert!(review.contains("Connect 1 shop to this workspace"), "{review}");
    let (_, shops) = app.get("/shops").await;
    assert!(
        shops.contains("No shop is connected yet"),
        "nothing attached before confirming"
    );

    let r = app
        .post_form(
            "/shops/authorization",
            "/shops/authorization",
            &[("decision", "connect")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let page = page_eventually(&app, "/shops", "badge-active").await;
    assert!(page.contains(&shop.name), "{page}");
    let (_, audit) = app.get("/").await;
    assert!(audit.contains("authorized outside podgate, confirmed"), "{audit}");

    // The same code again: refused, and the message says why.
    let r = app
        .client
        .get(format!("/shops/callback?{query}"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, shops) = app.get("/shops").await;
    assert!(shops.contains("works once, for 30 minutes"), "{shops}");
    // Nothing is waiting any more.
    let r = app.client.get("/shops/authorization").dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn an_app_store_install_while_signed_out_resumes_after_sign_in_and_can_be_discarded() {
    let (app, sb) = app_with_sandbox(WorldSettings::default()).await;
    app.setup_owner().await;
    app.post_form("/", "/logout", &[]).await;
    let query = authorize_outside(&sb, "app-store").await;
    let r = app
        .client
        .get(format!("/shops/callback?{query}"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let to_login = r.headers().get_one("Location").unwrap().to_string();
    assert!(to_login.starts_with("/login?next="), "{to_login}");
    let next = url::Url::parse(&format!("http://x{to_login}"))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "next")
        .unwrap()
        .1
        .to_string();
    let r = app
        .post_form(
            &to_login,
            "/login",
            &[
                ("email", "owner@example.com"),
                ("password", OWNER_PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.headers().get_one("Location"), Some(next.as_str()));
    let r = app.client.get(next.clone()).dispatch().await;
    assert_eq!(r.headers().get_one("Location"), Some("/shops/authorization"));
    let (_, review) = app.get("/shops/authorization").await;
    assert!(review.contains("Discard"), "{review}");
    app.post_form(
        "/shops/authorization",
        "/shops/authorization",
        &[("decision", "discard")],
    )
    .await;
    let (_, shops) = app.get("/shops").await;
    assert!(shops.contains("Nothing was connected"), "{shops}");
    assert!(shops.contains("No shop is connected yet"));
}

#[rocket::async_test]
async fn without_an_app_the_shops_page_links_the_guide_to_a_real_shop() {
    let app = podgate_testkit::TestApp::new().await;
    app.setup_owner().await;
    let (_, shops) = app.get("/shops").await;
    assert!(shops.contains("href=\"/help/tiktok\""), "{shops}");
    let (status, guide) = app.get("/help/tiktok").await;
    assert_eq!(status, Status::Ok);
    assert!(
        guide.contains("<table>") && guide.contains("Authorize App"),
        "{guide}"
    );
    assert!(guide.contains("&lt;public_url&gt;/shops/callback"), "{guide}");
}
