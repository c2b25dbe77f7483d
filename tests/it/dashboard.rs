//! The seller's dashboard says what needs doing now, as counts linking to where it is done.

use rocket::http::Status;

use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::suppliers::{routed_app, supplier_user};

/// The dashboard's count for one thing to do, and where it links.
fn to_do(home: &str, what: &str) -> (usize, String) {
    let at = home
        .find(&format!("<span class=\"todo-what\">{what}</span>"))
        .unwrap_or_else(|| panic!("{what:?} on the dashboard: {home}"));
    let item = &home[home[..at].rfind("<li").unwrap()..at];
    let href = item.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
    let count = item
        .split("todo-count\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    let href = href
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&#x3d;", "=");
    (count.parse().unwrap(), href)
}

fn matching(page: &str) -> usize {
    let at = page.split("id=\"orders-matching\"><strong>").nth(1).unwrap();
    at[..at.find('<').unwrap()].parse().unwrap()
}

#[rocket::async_test]
async fn the_dashboard_counts_what_needs_doing_and_links_to_it() {
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    let (_, home) = app.get("/").await;
    assert_eq!(to_do(&home, "Labels waiting to be published").0, 3, "{home}");
    publish(&app, shirts).await;
    // The supplier rejects one package; the buyer cancels another order after the handoff.
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let row = podgate_testkit::labels::batch_rows(&app, 1).await[0].0;
    podgate_testkit::suppliers::answer(&sup, row, "rejected", "Blank out of stock").await;
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[2]).await;

    let (s, home) = app.get("/").await;
    assert_eq!(s, Status::Ok);
    assert_eq!(to_do(&home, "Labels waiting to be published").0, 0);
    assert_eq!(to_do(&home, "Rejected by a supplier"), (1, "/batches".into()));
    let (pulls, link) = to_do(&home, "Pull requests not answered");
    assert_eq!(pulls, 1);
    let (_, listed) = app.get(&link).await;
    assert_eq!(matching(&listed), 1, "the link lists that order");
    // Pressing things come first and stand out.
    let first = home.find("todo-urgent").unwrap();
    assert!(first < home.find("Orders ready for a label").unwrap(), "{home}");
    // Each order count is the orders list's own count behind the link.
    for what in [
        "Orders ready for a label",
        "Orders without a supplier",
        "Orders with some items without a supplier",
        "Orders past TikTok&#x27;s ship-by without a label",
    ] {
        let (n, link) = to_do(&home, what);
        let (_, listed) = app.get(&link).await;
        assert_eq!(matching(&listed), n, "{what}: {link}");
    }
    assert!(to_do(&home, "Orders ready for a label").0 > 0);
}
