//! The access-control matrix: every route of the web app and of the factory API, asked by every
//! kind of caller, gets the expected answer: the page (or action) for those allowed, a refusal
//! (sign-in redirect, 401, 403 or 404, never a form error or a page) for everyone else. A route
//! missing from the table fails the test, so a new route cannot ship without a decision.
//!
//! Callers: A anonymous, O the seller's owner, T the seller's staff, S a user of the supplier
//! whose batch it is, Y a user of the seller's other supplier, X another workspace's owner.

use std::collections::{BTreeSet, HashMap};

use rocket::http::{ContentType, Header, Method, Status};

use podgate::db::models::user::Role;

use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::suppliers::{routed_app, supplier_user};
use podgate_testkit::{TestApp, form_body};

/// Who gets the page. `*`: public, or guarded by a token or signature rather than a role (any
/// answer but a server error is right). `-`: nobody with a browser session (machine endpoints).
const MATRIX: &[(&str, &str, &str)] = &[
    ("GET /healthz", "/healthz", "*"),
    ("GET /readyz", "/readyz", "*"),
    ("GET /metrics", "/metrics", "-"),
    ("GET /static/<file..>", "/static/app.css", "*"),
    ("GET /", "/", "*"),
    ("GET /setup", "/setup", "*"),
    ("POST /setup", "/setup", "*"),
    ("GET /login", "/login", "*"),
    ("POST /login", "/login", "*"),
    ("GET /invite/<token>", "/invite/not-a-token", "*"),
    ("POST /invite/<token>", "/invite/not-a-token", "*"),
    ("GET /password/forgot", "/password/forgot", "*"),
    ("POST /password/forgot", "/password/forgot", "*"),
    ("GET /password/reset/<token>", "/password/reset/not-a-token", "*"),
    ("POST /password/reset/<token>", "/password/reset/not-a-token", "*"),
    ("POST /webhooks/tiktok", "/webhooks/tiktok", "-"),
    ("GET /api/v1/batches", "/api/v1/batches", "-"),
    ("GET /api/v1/batches/<seq>", "/api/v1/batches/1", "-"),
    (
        "GET /api/v1/batches/<seq>/<file>",
        "/api/v1/batches/1/batch-1.zip",
        "-",
    ),
    ("POST /api/v1/acks", "/api/v1/acks", "-"),
    ("GET /api/v1/openapi.json", "/api/v1/openapi.json", "*"),
    ("GET /api/docs", "/api/docs", "*"),
    ("GET /account", "/account", "OTSYX"),
    ("POST /account/password", "/account/password", "OTSYX"),
    ("POST /account/time-zone", "/account/time-zone", "OTSYX"),
    ("POST /account/language", "/account/language", "OTSYX"),
    ("GET /team", "/team", "OX"),
    ("POST /team/invite", "/team/invite", "OX"),
    ("GET /shops", "/shops", "OTX"),
    ("POST /shops/connect", "/shops/connect", "OX"),
    ("GET /shops/callback", "/shops/callback?code=x&state=y", "OX"),
    ("GET /shops/authorization", "/shops/authorization", "OX"),
    ("POST /shops/authorization", "/shops/authorization", "OX"),
    ("GET /help/tiktok", "/help/tiktok", "OTX"),
    ("POST /shops/<id>/sync", "/shops/{shop}/sync", "OT"),
    ("GET /shops/sync-status", "/shops/sync-status", "OTX"),
    ("GET /orders", "/orders", "OTX"),
    ("GET /orders.csv", "/orders.csv", "OTX"),
    ("GET /orders/<id>", "/orders/{order}", "OT"),
    ("GET /packages/<id>/reroute", "/packages/{package}/reroute", "OT"),
    ("GET /suppliers", "/suppliers", "OTX"),
    (
        "GET /suppliers/<id>/warehouse",
        "/suppliers/{supplier}/warehouse",
        "OT",
    ),
    (
        "POST /suppliers/<id>/warehouse",
        "/suppliers/{supplier}/warehouse",
        "OT",
    ),
    ("POST /suppliers", "/suppliers", "OTX"),
    ("GET /suppliers/<id>", "/suppliers/{supplier}", "OT"),
    ("POST /suppliers/<id>", "/suppliers/{supplier}", "OT"),
    ("POST /suppliers/<id>/invite", "/suppliers/{supplier}/invite", "O"),
    ("GET /dispatch", "/dispatch", "OTX"),
    ("POST /dispatch/calendar", "/dispatch/calendar", "OTX"),
    ("GET /dispatch/scorecard", "/dispatch/scorecard?days=7", "OTX"),
    (
        "GET /dispatch/scorecard.csv",
        "/dispatch/scorecard.csv?days=7",
        "OTX",
    ),
    ("GET /supplier/scorecard", "/supplier/scorecard?days=7", "SY"),
    ("GET /catalog", "/catalog", "OTX"),
    ("POST /catalog/rules", "/catalog/rules", "OTX"),
    ("POST /catalog/import", "/catalog/import", "OTX"),
    ("GET /catalog.csv", "/catalog.csv", "OTX"),
    ("GET /catalog/routing", "/catalog/routing", "OTX"),
    ("GET /catalog/artwork", "/catalog/artwork", "OTX"),
    ("POST /catalog/artwork", "/catalog/artwork", "OTX"),
    // Before "check again", which forgets the checks the thumbnail is shown by.
    (
        "GET /catalog/artwork/<sha>/thumb.png",
        "/catalog/artwork/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/thumb.png",
        "OT",
    ),
    ("POST /catalog/artwork/recheck", "/catalog/artwork/recheck", "OTX"),
    (
        "POST /orders/<order>/items/<item>/supplier",
        "/orders/{order}/items/{item}/supplier",
        "OT",
    ),
    ("POST /labels/buy", "/labels/buy", "OTX"),
    (
        "GET /labels/buy-matching",
        "/labels/buy-matching?status=AWAITING_SHIPMENT",
        "OTX",
    ),
    (
        "POST /labels/buy-matching",
        "/labels/buy-matching?status=AWAITING_SHIPMENT",
        "OTX",
    ),
    ("GET /labels/jobs/<id>", "/labels/jobs/{job}", "OT"),
    ("GET /labels/jobs/<id>/events", "/labels/jobs/{job}/events", "OT"),
    (
        "GET /packages/<id>/label.pdf",
        "/packages/{package}/label.pdf",
        "OT",
    ),
    (
        "GET /packages/<id>/thumbnail.png",
        "/packages/{package}/thumbnail.png",
        "OT",
    ),
    ("POST /packages/<id>/reprint", "/packages/{package}/reprint", "OT"),
    ("GET /labels", "/labels", "OTX"),
    ("POST /labels/rules", "/labels/rules", "OTX"),
    ("POST /orders/<id>/service", "/orders/{order}/service", "OT"),
    ("POST /labels/jobs/<id>/retry", "/labels/jobs/{job}/retry", "OT"),
    ("POST /labels/jobs/<id>/cancel", "/labels/jobs/{job}/cancel", "OT"),
    ("GET /batches", "/batches", "OTX"),
    ("POST /batches/publish", "/batches/publish", "OT"),
    ("GET /batches/<id>", "/batches/{batch}", "OT"),
    ("GET /batches/<id>/<file>", "/batches/{batch}/batch-1.zip", "OT"),
    ("GET /mail", "/mail", "OX"),
    ("POST /mail/<id>/retry", "/mail/{mail}/retry", "O"),
    ("GET /supplier", "/supplier", "SY"),
    ("GET /supplier/batches/<seq>", "/supplier/batches/1", "S"),
    (
        "GET /supplier/batches/<seq>/<file>",
        "/supplier/batches/1/batch-1.zip",
        "S",
    ),
    ("POST /supplier/batches/<seq>/ack", "/supplier/batches/1/ack", "S"),
    (
        "GET /supplier/batches/<seq>/verify",
        "/supplier/batches/1/verify",
        "S",
    ),
    (
        "POST /supplier/batches/<seq>/verify",
        "/supplier/batches/1/verify",
        "S",
    ),
    (
        "GET /supplier/batches/<seq>/answers.xlsx",
        "/supplier/batches/1/answers.xlsx",
        "S",
    ),
    (
        "GET /supplier/batches/<seq>/answers.csv",
        "/supplier/batches/1/answers.csv",
        "S",
    ),
    (
        "POST /supplier/batches/<seq>/answers",
        "/supplier/batches/1/answers",
        "S",
    ),
    ("GET /supplier/tokens", "/supplier/tokens", "SY"),
    ("POST /supplier/tokens", "/supplier/tokens", "SY"),
    ("GET /supplier/webhooks", "/supplier/webhooks", "SY"),
    ("POST /supplier/webhooks", "/supplier/webhooks", "SY"),
    ("POST /supplier/language", "/supplier/language", "SY"),
    ("GET /supplier/webhooks/<id>", "/supplier/webhooks/{hook}", "S"),
    (
        "GET /supplier/webhooks/deliveries/<id>",
        "/supplier/webhooks/deliveries/{delivery}",
        "S",
    ),
    (
        "POST /supplier/webhooks/deliveries/<id>/send-again",
        "/supplier/webhooks/deliveries/{delivery}/send-again",
        "S",
    ),
    (
        "POST /supplier/webhooks/<id>/test",
        "/supplier/webhooks/{hook}/test",
        "S",
    ),
    (
        "POST /suppliers/<id>/webhooks-private",
        "/suppliers/{supplier}/webhooks-private",
        "O",
    ),
    ("GET /supplier/sftp", "/supplier/sftp", "SY"),
    ("POST /supplier/sftp/logins", "/supplier/sftp/logins", "SY"),
    (
        "POST /supplier/sftp/logins/<id>/keys",
        "/supplier/sftp/logins/{login}/keys",
        "S",
    ),
    // Acting on things last: these change what the rows above look at.
    (
        "POST /supplier/batches/<seq>/accept-all",
        "/supplier/batches/1/accept-all",
        "S",
    ),
    (
        "POST /supplier/sftp/logins/<id>/keys/<key>/delete",
        "/supplier/sftp/logins/{login}/keys/{key}/delete",
        "S",
    ),
    (
        "POST /supplier/sftp/logins/<id>/disable",
        "/supplier/sftp/logins/{login}/disable",
        "S",
    ),
    (
        "POST /supplier/sftp/logins/<id>/enable",
        "/supplier/sftp/logins/{login}/enable",
        "S",
    ),
    (
        "POST /supplier/webhooks/<id>/delete",
        "/supplier/webhooks/{hook}/delete",
        "S",
    ),
    (
        "POST /supplier/tokens/<id>/revoke",
        "/supplier/tokens/{token}/revoke",
        "S",
    ),
    ("POST /packages/<id>/reroute", "/packages/{package}/reroute", "OT"),
    ("POST /packages/<id>/void", "/packages/{package}/void", "OT"),
    ("POST /packages/<id>/rebuy", "/packages/{package}/rebuy", "OT"),
    ("GET /catalog/rules/<id>", "/catalog/rules/{rule}", "OT"),
    ("POST /catalog/rules/<id>", "/catalog/rules/{rule}", "OT"),
    (
        "POST /catalog/rules/<id>/delete",
        "/catalog/rules/{rule}/delete",
        "OT",
    ),
    (
        "POST /team/invites/<id>/revoke",
        "/team/invites/{invite}/revoke",
        "O",
    ),
    ("POST /team/users/<id>/remove", "/team/users/{staff}/remove", "O"),
    (
        "POST /suppliers/<id>/archive",
        "/suppliers/{archive}/archive",
        "OT",
    ),
    ("POST /shops/<id>/disconnect", "/shops/{shop}/disconnect", "O"),
    ("POST /logout", "/logout", "*"),
];

/// One form body that every form of the app parses (forms ignore fields they do not have), so a
/// refusal is the route's decision, never a form that failed to parse.
fn every_field(csrf: &str, supplier: i64) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> = vec![
        ("csrf_token", csrf.to_string()),
        ("supplier", supplier.to_string()),
    ];
    for (k, v) in [
        ("reason", "matrix"),
        ("name", "Matrix Co"),
        ("email", "matrix@example.com"),
        ("contacts", ""),
        ("ship_from", ""),
        ("accepted_services", ""),
        ("packaging", ""),
        ("cutoff_times", ""),
        ("time_zone", "UTC"),
        ("ack_deadline_hours", "24"),
        ("service_rule", "cheapest"),
        ("preferred_carrier", ""),
        ("service", ""),
        ("row", "1"),
        ("status", "accepted"),
        ("expected_date", ""),
        ("public_key", PUBLIC_KEY),
        ("username", "matrix-login"),
        ("password", "true"),
        ("allowed_networks", ""),
        ("decision", "discard"),
        ("url", "http://127.0.0.1:9/matrix"),
        ("description", "matrix"),
        ("events", "batch.published"),
        ("allow", "true"),
        ("scopes", "read"),
        ("expires_in_days", "never"),
        ("ticket", ""),
        ("code", "matrix"),
    ] {
        f.push((k, v.to_string()));
    }
    f
}

const ROLES: [char; 6] = ['A', 'X', 'Y', 'T', 'S', 'O'];

const PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBSLEhLRxP3V5mcyPv8PYFY97SY+G2G0hJtY748GaEFS matrix@test";

async fn login_as(app: &TestApp, email: &str, password: &str) -> TestApp {
    let c = TestApp::reuse(app).await;
    assert_eq!(c.login(email, password).await, Status::SeeOther, "{email}");
    c
}

/// The id of the newest row of a table, for the fixture.
async fn newest(app: &TestApp, sql_table: &'static str) -> i64 {
    app.query(move |c| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        diesel::sql_query(format!("SELECT MAX(id) AS id FROM {sql_table}"))
            .get_result::<Id>(c)
            .map(|r| r.id)
    })
    .await
}

fn fill(path: &str, ids: &HashMap<&str, i64>) -> String {
    let mut p = path.to_string();
    for (k, v) in ids {
        p = p.replace(&format!("{{{k}}}"), &v.to_string());
    }
    assert!(!p.contains('{'), "no id for {p}");
    p
}

/// A refusal: sign in first, unauthorized, forbidden, or "no such thing".
fn refused(status: Status, location: &str) -> bool {
    matches!(status.code, 401 | 403 | 404) || (status == Status::SeeOther && location.starts_with("/login"))
}

#[rocket::async_test]
async fn every_route_answers_every_kind_of_caller_as_the_matrix_says() {
    // Every route is in the table, once.
    let routes: BTreeSet<String> = podgate::web::routes()
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri.path()))
        .collect();
    let listed: BTreeSet<String> = MATRIX.iter().map(|m| m.0.to_string()).collect();
    assert_eq!(listed.len(), MATRIX.len(), "a route is listed twice");
    let missing: Vec<_> = routes.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the access matrix: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&routes).collect();
    assert!(
        stale.is_empty(),
        "the matrix lists routes that no longer exist: {stale:?}"
    );

    // The seller's world: a shop, two suppliers, labels, a sealed batch for Shirt Co only.
    let (owner, _sb, shirts, mugs) = routed_app().await;
    let ids_bought = orders_for(&owner, shirts, 3).await;
    buy(&owner, &ids_bought).await;
    publish(&owner, shirts).await;
    owner
        .post_form("/team", "/team/invite", &[("email", "new@example.com")])
        .await;
    let pool = owner.pool.clone();
    let staff_id = pool
        .run(|c| {
            use podgate::domain::accounts::add_user_blocking;
            add_user_blocking(
                c,
                "Acme Prints",
                "staff@example.com",
                "Sam",
                Role::Staff,
                "staff password",
            )?;
            add_user_blocking(
                c,
                "Globex",
                "boss@globex.example",
                "Boss",
                Role::Owner,
                "globex password",
            )
            .map(|_| ())?;
            let s = podgate::db::models::user::User::find_by_email(c, "staff@example.com")?;
            Ok::<_, podgate::domain::DomainError>(s.unwrap().id)
        })
        .await
        .unwrap();
    let s = supplier_user(&owner, shirts, "it@shirtco.example").await;
    let y = supplier_user(&owner, mugs, "it@mugworks.example").await;
    podgate_testkit::suppliers::api_token(&s, "ERP").await;
    s.post_form(
        "/supplier/sftp",
        "/supplier/sftp/logins",
        &[
            ("username", "shirtco-erp"),
            ("password", "true"),
            ("allowed_networks", ""),
            ("decision", "discard"),
        ],
    )
    .await;
    owner
        .post_form(
            &format!("/suppliers/{shirts}"),
            &format!("/suppliers/{shirts}/webhooks-private"),
            &[("allow", "true")],
        )
        .await;
    let r = s
        .post_form(
            "/supplier/webhooks",
            "/supplier/webhooks",
            &[
                ("url", "http://127.0.0.1:9/hook"),
                ("description", ""),
                ("events", "batch.published"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther, "the supplier's endpoint is added");
    drop(r);
    let hook = newest(&owner, "webhook_endpoints").await;
    s.post_form(
        &format!("/supplier/webhooks/{hook}"),
        &format!("/supplier/webhooks/{hook}/test"),
        &[],
    )
    .await;
    let login = newest(&owner, "sftp_logins").await;
    s.post_form(
        "/supplier/sftp",
        &format!("/supplier/sftp/logins/{login}/keys"),
        &[("public_key", PUBLIC_KEY)],
    )
    .await;
    let order = ids_bought[0];
    let mut ids: HashMap<&str, i64> = HashMap::new();
    ids.insert("shop", newest(&owner, "shops").await);
    ids.insert("order", order);
    ids.insert(
        "item",
        owner
            .query(move |c| podgate::db::models::order::items(c, order))
            .await[0]
            .id,
    );
    ids.insert("supplier", shirts);
    ids.insert("job", newest(&owner, "label_jobs").await);
    ids.insert("package", newest(&owner, "packages").await);
    ids.insert("batch", newest(&owner, "batches").await);
    ids.insert("mail", newest(&owner, "mail_outbox").await);
    let rules = (
        newest(&owner, "sku_rules").await - 1,
        newest(&owner, "sku_rules").await,
    );
    ids.insert("invite", newest(&owner, "invites").await);
    ids.insert("staff", staff_id);
    ids.insert("login", login);
    ids.insert("key", newest(&owner, "sftp_keys").await);
    ids.insert("token", newest(&owner, "api_tokens").await);
    ids.insert("hook", hook);
    ids.insert("delivery", newest(&owner, "webhook_deliveries").await);

    // A thumbnail of artwork the seller's pre-flight checked (only its workspace may see it).
    let sha = "a".repeat(64);
    let thumb = owner.services.artwork.store.thumb(&sha);
    std::fs::create_dir_all(thumb.parent().unwrap()).unwrap();
    std::fs::write(&thumb, podgate_testkit::art::png(24, 32)).unwrap();
    owner
        .query(move |c| {
            use podgate::db::models::artwork::{CheckFields, record};
            record(
                c,
                1,
                "https://cdn.example.com/a.png",
                &CheckFields {
                    status: "ok".into(),
                    sha256: sha,
                    checked_at: podgate::db::models::now(),
                    ..CheckFields::default()
                },
            )
        })
        .await;

    let anon = TestApp::reuse(&owner).await;
    let staff = login_as(&owner, "staff@example.com", "staff password").await;
    let other = login_as(&owner, "boss@globex.example", "globex password").await;
    let callers: HashMap<char, &TestApp> = HashMap::from([
        ('A', &anon),
        ('O', &owner),
        ('T', &staff),
        ('S', &s),
        ('Y', &y),
        ('X', &other),
    ]);
    let dump = std::env::var("PODGATE_MATRIX_DUMP").is_ok();
    let mut wrong = Vec::new();
    for role in ROLES {
        let app = callers[&role];
        let csrf = if role == 'A' {
            app.csrf("/login").await
        } else {
            app.csrf("/account").await
        };
        let fields = every_field(&csrf, shirts);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // Staff and the owner each delete a catalog rule of their own.
        ids.insert("rule", if role == 'O' { rules.1 } else { rules.0 });
        // Staff archive the other supplier, so the supplier's own rows still see it active.
        ids.insert("archive", if role == 'O' { shirts } else { mugs });
        // Reading first, then acting, in the table's order.
        for gets in [true, false] {
            for (route, path, allowed) in MATRIX {
                let (method, _) = route.split_once(' ').unwrap();
                if (method == "GET") != gets || (*route == "POST /logout" && role != 'A') {
                    continue;
                }
                let path = fill(path, &ids);
                let r = if gets {
                    app.client.get(path.clone()).dispatch().await
                } else if path.starts_with("/api/") || path.starts_with("/webhooks/") {
                    app.client
                        .post(path.clone())
                        .header(ContentType::JSON)
                        .body("{}")
                        .dispatch()
                        .await
                } else {
                    app.client
                        .req(Method::Post, path.clone())
                        .header(ContentType::Form)
                        .body(form_body(&pairs))
                        .dispatch()
                        .await
                };
                let status = r.status();
                let location = r.headers().get_one("Location").unwrap_or_default().to_string();
                drop(r);
                if dump {
                    println!("MATRIX {route:55} {role} {status} {location}");
                }
                let ok = match *allowed {
                    "*" => status.code < 500,
                    "-" => status == Status::Unauthorized,
                    letters if letters.contains(role) => !refused(status, &location) && status.code < 500,
                    _ => refused(status, &location),
                };
                if !ok {
                    wrong.push(format!("{route} as {role}: {status} {location}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "answers that break the matrix:\n{}",
        wrong.join("\n")
    );
    let in_batch = owner
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::{batch_packages as bp, packages as p};
            p::table
                .inner_join(bp::table)
                .select(p::tiktok_package_id)
                .first::<Option<String>>(c)
        })
        .await
        .unwrap();
    api_tokens_see_only_their_supplier(&owner, shirts, mugs, &in_batch).await;
}

/// The factory API by token: a supplier's token reads its own batch; another supplier's token,
/// or none, gets nothing of it.
async fn api_tokens_see_only_their_supplier(owner: &TestApp, shirts: i64, mugs: i64, package: &str) {
    let token = |sup: i64| {
        let hash_input = format!("pgt_matrix{sup}");
        let hash = podgate::crypto::hash_token(&hash_input);
        (hash_input, hash)
    };
    for sup in [shirts, mugs] {
        let (_, hash) = token(sup);
        owner
            .query(move |c| podgate_testkit::suppliers::store_token(c, 1, sup, "matrix", &hash))
            .await;
    }
    // The matrix archived both suppliers; isolation is between live ones.
    let restore = |sup: i64, archived: bool| {
        move |c: &mut podgate::db::AnyConnection| {
            podgate::db::models::supplier::Supplier::set_archived(c, 1, sup, archived)
        }
    };
    owner.query(restore(shirts, false)).await;
    owner.query(restore(mugs, false)).await;
    let bearer = |sup: i64| Header::new("Authorization", format!("Bearer {}", token(sup).0));
    // The contract (`/api/v1/openapi.json`, `/api/docs`) is public: "*" in the matrix.
    for (route, path, _) in MATRIX.iter().filter(|m| m.0.contains(" /api/") && m.2 == "-") {
        for (who, expect) in [(shirts, true), (mugs, false)] {
            let r = if route.starts_with("GET") {
                owner.client.get(*path).header(bearer(who)).dispatch().await
            } else {
                owner
                    .client
                    .post(*path)
                    .header(bearer(who))
                    .body(format!(
                        r#"{{"acks":[{{"package_id":"{package}","status":"accepted"}}]}}"#
                    ))
                    .dispatch()
                    .await
            };
            let status = r.status();
            let body = r.into_string().await.unwrap_or_default();
            if route.ends_with("/api/v1/batches") {
                assert_eq!(status, Status::Ok);
                assert_eq!(
                    body.contains("-shirt-co-0001-"),
                    expect,
                    "{route} by supplier {who}: {body}"
                );
            } else if route.ends_with("/acks") {
                // Their own packages only: another supplier's package is an unknown line.
                let want = if expect {
                    Status::Ok
                } else {
                    Status::UnprocessableEntity
                };
                assert_eq!(status, want, "{route} by {who}: {body}");
            } else {
                assert_eq!(status.code == 200, expect, "{route} by supplier {who}: {status}");
                if !expect {
                    assert_eq!(status, Status::NotFound, "{route} by supplier {who}");
                }
            }
        }
    }
    // An archived supplier's token is refused, and the answer says why.
    owner.query(restore(mugs, true)).await;
    let r = owner
        .client
        .get("/api/v1/batches")
        .header(bearer(mugs))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Forbidden);
    let body = r.into_string().await.unwrap_or_default();
    assert!(
        body.contains("\"supplier_archived\"") && body.contains("restore"),
        "{body}"
    );
}
