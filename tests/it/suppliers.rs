//! Suppliers, SKU routing, the catalog CSV, package plans, and supplier isolation over every route.

use rocket::http::{ContentType, Method, Status};

use tiktok_sandbox::world::WorldSettings;

use podgate_testkit::form_body;
use podgate_testkit::shops::connected;
use podgate_testkit::suppliers::{add_supplier, import_csv, routed_app, supplier_user};

#[rocket::async_test]
async fn a_catalog_routes_orders_lists_the_unrouted_and_plans_mixed_orders() {
    let (app, sb, shirts, mugs) = routed_app().await;
    let (_, catalog) = app.get("/catalog").await;
    assert!(catalog.contains("Imported 4 rules"), "{catalog}");
    // Posters and totes have no rule yet: they wait in the unrouted queue.
    assert!(
        catalog.contains("Unrouted SKUs")
            && catalog.contains("POSTER-")
            && catalog.contains("Create a rule from this item")
    );
    let (_, unrouted) = app.get("/orders?routing=unrouted").await;
    assert!(unrouted.contains("<td>unrouted</td>") && !unrouted.contains("<td>routed</td>"));

    // Create a rule from an unrouted item, with the form's check.
    let r = app
        .post_form(
            "/catalog",
            "/catalog/rules",
            &[
                ("pattern", "POSTER-"),
                ("match", "prefix"),
                ("priority", "100"),
                ("supplier", "Nobody Inc"),
                ("product_code", ""),
                ("weight_g", ""),
                ("length_in", ""),
                ("width_in", ""),
                ("height_in", ""),
                ("art[front_print_url]", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    assert!(
        r.into_string()
            .await
            .unwrap()
            .contains("Supplier &quot;Nobody Inc&quot; does not exist")
    );
    for p in ["POSTER-", "TOTE-"] {
        let r = app
            .post_form(
                "/catalog",
                "/catalog/rules",
                &[
                    ("pattern", p),
                    ("match", "prefix"),
                    ("priority", "100"),
                    ("supplier", "Mug Works"),
                    ("product_code", ""),
                    ("weight_g", "200"),
                    ("length_in", "24"),
                    ("width_in", "3"),
                    ("height_in", "3"),
                    ("art[front_print_url]", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), Status::SeeOther);
    }
    let (_, catalog) = app.get("/catalog").await;
    assert!(!catalog.contains("Unrouted SKUs"), "every SKU is routed now");

    // Precedence on real orders: TEE-CATMOM-* (glob, priority 10) beats TEE- (prefix, 100).
    let routed: Vec<(String, Option<i64>)> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::order_items::dsl::*;
            order_items.select((seller_sku, supplier_id)).load(c)
        })
        .await;
    for (sku, sup) in &routed {
        let want = if sku.starts_with("TEE-CATMOM-")
            || sku.starts_with("MUG-")
            || sku.starts_with("POSTER-")
            || sku.starts_with("TOTE-")
        {
            mugs
        } else {
            shirts
        };
        assert_eq!(*sup, Some(want), "{sku}");
    }

    // A mixed order (a tee and a mug) is planned as two packages, one per supplier.
    let mixed = {
        let w = sb.sandbox.world.lock().unwrap();
        w.orders
            .values()
            .next()
            .unwrap()
            .values()
            .find(|o| {
                o.status == "AWAITING_SHIPMENT"
                    && o.line_items
                        .iter()
                        .any(|l| l.seller_sku.starts_with("TEE-") && !l.seller_sku.starts_with("TEE-CATMOM"))
                    && o.line_items.iter().any(|l| l.seller_sku.starts_with("MUG-"))
            })
            .map(|o| o.id.clone())
    };
    {
        let mixed = mixed.expect("the seeded shop has an order with a tee and a mug");
        let (_, page) = app.order_page(&mixed).await;
        assert!(
            page.contains("split into 2 packages") && page.contains("Shirt Co") && page.contains("Mug Works"),
            "{page}"
        );
    }

    // Export and import again: the same catalog.
    let r = app.client.get("/catalog.csv").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert!(
        r.headers()
            .get_one("Content-Disposition")
            .unwrap()
            .contains("attachment")
    );
    let exported = r.into_string().await.unwrap();
    assert!(exported.starts_with("pattern,match,priority,supplier,product_code"));
    assert_eq!(exported.lines().count(), 1 + 6);
    assert!(exported.contains("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
    let (s, _) = import_csv(&app, &exported).await;
    assert_eq!(s, Status::SeeOther);
    let again = app
        .client
        .get("/catalog.csv")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert_eq!(again, exported, "CSV round trip");
}

#[rocket::async_test]
async fn a_bad_catalog_shows_every_bad_row_and_imports_nothing() {
    let (app, _sb) = connected(WorldSettings {
        initial_orders: 5,
        ..WorldSettings::default()
    })
    .await;
    add_supplier(&app, "Shirt Co", "", "").await;
    let bad = "pattern,match,priority,supplier,weight_g,length_in,front_print_url\n\
TEE-,prefix,100,Shirt Co,340,10,https://cdn.example.com/a.png\n\
MUG-,fuzzy,100,Shirt Co,,,\n\
HOOD-,prefix,high,Nobody,-3,,ftp://x/y\n\
TEE-,prefix,5,Shirt Co,,,\n\
GOOD-,exact,1,Shirt Co,100,,\n";
    let (s, page) = import_csv(&app, bad).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("Nothing was imported"));
    for needle in [
        "Row 2: give length_in, width_in and height_in together",
        "Row 3: match is &quot;fuzzy&quot;",
        "Row 4: priority &quot;high&quot; is not a whole number",
        "Row 4: supplier &quot;Nobody&quot; does not exist",
        "Row 4: weight_g &quot;-3&quot;",
        "Row 4: front_print_url &quot;ftp:",
        "Row 5: the prefix pattern &quot;TEE-&quot; is already on row 2",
    ] {
        assert!(page.contains(needle), "missing {needle:?} in:\n{page}");
    }
    assert!(!page.contains("Row 6"), "the good row has no error");
    let exported = app
        .client
        .get("/catalog.csv")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert_eq!(exported.lines().count(), 1, "nothing imported: {exported}");
    let (s, page) = import_csv(&app, "\u{FEFF}pattern,match\nTEE-,prefix\n").await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("lacks the &quot;supplier&quot; column"), "{page}");
}

#[rocket::async_test]
async fn pre_flight_says_what_is_missing_before_any_label() {
    let (app, sb, shirts, _mugs) = routed_app().await;
    // A hoodie rule has no size, but Shirt Co's packaging defaults cover hoodies; tees have sizes.
    // Make Shirt Co accept only DHL: TikTok offers no DHL service, so tee packages cannot ship.
    let r = app
        .post_form(
            &format!("/suppliers/{shirts}"),
            &format!("/suppliers/{shirts}"),
            &[
                ("name", "Shirt Co"),
                ("contacts", ""),
                ("ship_from", ""),
                ("accepted_services", "DHL"),
                ("packaging", "HOOD 700 12x10x3"),
                ("cutoff_times", ""),
                ("time_zone", "UTC"),
                ("ack_deadline_hours", "24"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let tee_order = {
        let w = sb.sandbox.world.lock().unwrap();
        w.orders
            .values()
            .next()
            .unwrap()
            .values()
            .find(|o| {
                o.status == "AWAITING_SHIPMENT"
                    && o.line_items
                        .iter()
                        .all(|l| l.seller_sku.starts_with("TEE-") && !l.seller_sku.starts_with("TEE-CATMOM"))
            })
            .unwrap()
            .id
            .clone()
    };
    let (_, page) = app.order_page(&tee_order).await;
    assert!(
        page.contains("Shirt Co accepts none of the services TikTok offers"),
        "{page}"
    );
    assert!(
        page.contains("USPS Ground Advantage"),
        "the offered services are named"
    );
    // A mug order: Mug Works has packaging defaults for mugs and accepts any service.
    let mug_order = {
        let w = sb.sandbox.world.lock().unwrap();
        w.orders
            .values()
            .next()
            .unwrap()
            .values()
            .find(|o| {
                o.status == "AWAITING_SHIPMENT"
                    && o.line_items.iter().all(|l| l.seller_sku.starts_with("MUG-"))
            })
            .unwrap()
            .id
            .clone()
    };
    let (local, page) = app.order_page(&mug_order).await;
    assert!(page.contains("Ready: every unit has a supplier"), "{page}");
    // Choosing a unit's supplier by hand changes the plan, and is recorded on the order.
    let unit = page
        .split("/items/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let r = app
        .post_form(
            &format!("/orders/{local}"),
            &format!("/orders/{local}/items/{unit}/supplier"),
            &[("supplier", &shirts.to_string())],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, page) = app.get(&format!("/orders/{local}")).await;
    assert!(
        page.contains("(chosen by hand)")
            && page.contains(&format!("A unit was assigned to supplier {shirts}")),
        "{page}"
    );
}

#[rocket::async_test]
async fn suppliers_see_only_their_own_portal_on_every_route() {
    let (app, _sb, shirts, mugs) = routed_app().await;
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let r = sup.client.get("/").dispatch().await;
    assert_eq!(r.headers().get_one("Location"), Some("/supplier"));
    let (s, portal) = sup.get("/supplier").await;
    assert_eq!(s, Status::Ok);
    assert!(portal.contains("Shirt Co") && !portal.contains("Mug Works"));
    assert!(!portal.contains("href=\"/orders\""), "no seller navigation");
    // A seller of the workspace is not a supplier.
    assert_eq!(app.get("/supplier").await.0, Status::Forbidden);

    // Every route, as the supplier user: only the portal, their account and public pages answer.
    let allowed_get = [
        "/",
        "/supplier",
        "/supplier/tokens",
        "/supplier/webhooks",
        "/supplier/sftp",
        "/supplier/scorecard",
        "/account",
        "/healthz",
        "/readyz",
        "/login",
        "/setup",
        "/static/<file..>",
        "/invite/<token>",
        "/password/forgot",
        "/password/reset/<token>",
        "/api/docs",
        "/api/v1/openapi.json",
    ];
    let token = sup.csrf("/account").await;
    for route in podgate::web::routes() {
        let template = route.uri.path().to_string();
        if template == "/logout" {
            continue; // would end this session; signing out is tested elsewhere
        }
        for id in [shirts, mugs, 1, 2] {
            let path = template
                .split('/')
                .map(|seg| {
                    if seg.starts_with('<') {
                        id.to_string()
                    } else {
                        seg.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let r = if route.method == Method::Get {
                sup.client.get(path.clone()).dispatch().await
            } else {
                sup.client
                    .req(route.method, path.clone())
                    .header(ContentType::Form)
                    .body(form_body(&[
                        ("csrf_token", &token),
                        ("supplier", "1"),
                        ("email", "x@y.example"),
                    ]))
                    .dispatch()
                    .await
            };
            let status = r.status();
            let location = r.headers().get_one("Location").unwrap_or_default().to_string();
            let body = r.into_string().await.unwrap_or_default();
            assert!(
                !body.contains("Mug Works"),
                "{} {path} showed another supplier",
                route.method
            );
            let open = route.method == Method::Get && allowed_get.contains(&template.as_str())
                // Their own account, and the anonymous forms (which act on no one's data).
                || ["/logout", "/account/password", "/setup", "/login", "/invite/<token>", "/supplier/tokens", "/supplier/sftp/logins", "/password/forgot", "/password/reset/<token>"].contains(&template.as_str())
                || template.starts_with("/webhooks/");
            // The factory API wants a token, not a browser session (its contract is public);
            // so do the metrics (or a client on the machine itself).
            if (template.starts_with("/api/") || template == "/metrics")
                && !["/api/docs", "/api/v1/openapi.json"].contains(&template.as_str())
            {
                assert_eq!(status, Status::Unauthorized, "{} {path}", route.method);
                continue;
            }
            if !open {
                assert!(
                    // 422: the form did not even parse (nothing was read or changed).
                    matches!(status.code, 403 | 404 | 422),
                    "{} {path} answered {status} {location} to a supplier user",
                    route.method
                );
            }
        }
    }
}

/// A supplier form with several mistakes names every one, beside its field, keeps what was
/// typed, and saves nothing; the time zone is chosen from a list.
#[rocket::async_test]
async fn the_supplier_form_names_every_mistake_at_once_and_keeps_what_was_typed() {
    let (app, _sb) = connected(WorldSettings::default()).await;
    let (_, form) = app.get("/suppliers").await;
    assert!(
        form.contains("<select id=\"f-time_zone\" name=\"time_zone\"")
            && form.contains("<option selected>America&#x2f;Los_Angeles</option>")
            && form.contains("<option>Europe&#x2f;Berlin</option>"),
        "the zone is chosen from a list: {form}"
    );
    let r = app
        .post_form(
            "/suppliers",
            "/suppliers",
            &[
                ("name", "Ink & Thread"),
                ("contacts", "Ops <ops@ink.example>\nnot an address"),
                ("ship_from", ""),
                ("accepted_services", "USPS"),
                ("packaging", "TEE 340 10x8x1\nMUG heavy 6x6x6\nHOOD 700 12x10"),
                ("cutoff_times", "10:00, 25:00"),
                ("time_zone", "Mars/Olympus_Mons"),
                ("ack_deadline_hours", "0"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let page = r.into_string().await.unwrap();
    for said in [
        "not an address",
        "MUG heavy 6x6x6",
        "HOOD 700 12x10",
        "25:00",
        "Mars&#x2f;Olympus_Mons",
        "from 1 to 720",
    ] {
        assert!(page.contains(said), "{said:?} named: {page}");
    }
    assert!(
        page.contains("the weight must be whole grams") && page.contains("three inch values"),
        "both bad packaging lines are named, not only the last: {page}"
    );
    assert!(page.contains("Ink &amp; Thread"), "what was typed is kept");
    let suppliers = app
        .query(|c| podgate::db::models::supplier::Supplier::list(c, 1))
        .await;
    assert!(suppliers.is_empty(), "nothing saved");
}

mod catalog_rules;
mod routing_pass;
mod warehouses;

#[rocket::async_test]
async fn a_suppliers_carriers_are_chosen_from_tiktoks_list_for_the_shops_warehouses() {
    let (app, _sb) = connected(WorldSettings::default()).await;
    // TikTok's carriers for the shop's warehouses (Get Warehouse Delivery Options, then Get
    // Shipping Providers): boxes to tick, not a text field.
    let (_, form) = app.get("/suppliers").await;
    for c in ["USPS", "UPS", "FedEx"] {
        assert!(
            form.contains(&format!("name=\"accepted_services\" value=\"{c}\">")),
            "{c} offered: {form}"
        );
    }
    assert!(!form.contains("id=\"f-accepted_services\""), "no free text");
    let fields = |ticked: &[&'static str]| {
        let mut f: Vec<(&str, &str)> = vec![
            ("name", "Ink & Thread"),
            ("contacts", "Ops <ops@ink.example>"),
            ("ship_from", "1 Main St, Reno, NV 89502"),
            ("packaging", ""),
            ("cutoff_times", "10:00"),
            ("time_zone", "America/Los_Angeles"),
            ("ack_deadline_hours", "24"),
        ];
        f.extend(ticked.iter().map(|c| ("accepted_services", *c)));
        f
    };
    let r = app
        .post_form("/suppliers", "/suppliers", &fields(&["USPS", "FedEx"]))
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let to = r.headers().get_one("Location").unwrap().to_string();
    let saved = app
        .query(|c| podgate::db::models::supplier::Supplier::list(c, 1))
        .await;
    assert_eq!(saved[0].accepted_services, "USPS, FedEx");
    let (_, page) = app.get(&to).await;
    assert!(
        page.contains("value=\"USPS\" checked")
            && page.contains("value=\"FedEx\" checked")
            && page.contains("value=\"UPS\">"),
        "the ticked carriers stay ticked: {page}"
    );
    // A carrier TikTok does not list (typed before carriers came from TikTok) is kept, marked.
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    add_supplier(&app, "Old Co", "DHL, usps", "").await;
    let old = app
        .query(|c| podgate::db::models::supplier::Supplier::list(c, 1))
        .await
        .into_iter()
        .find(|s| s.name == "Old Co")
        .unwrap();
    let (_, page) = app.get(&format!("/suppliers/{}", old.id)).await;
    assert!(
        page.contains("value=\"DHL\" checked> DHL <span class=\"hint\">(not among TikTok")
            && page.contains("value=\"USPS\" checked"),
        "{page}"
    );
    // None ticked: any carrier.
    let r = app
        .post_form(
            &format!("/suppliers/{id}"),
            &format!("/suppliers/{id}"),
            &fields(&[]),
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, list) = app.get("/suppliers").await;
    assert!(list.contains("any service"), "{list}");
}
