//! CSRF, sign-in throttling, cookie flags and isolation between workspaces; the attacker's
//! list of the second hardening round in `security/`: listeners under descriptor pressure
//! and forged headers (`listeners`), the SFTP drop (`sftp_attacks`), and the low findings
//! (`files`).

mod files;
mod listeners;
mod sftp_attacks;

use rocket::http::{ContentType, Header, Method, Status};

use podgate::db::models::user::Role;
use podgate::domain::accounts;

use podgate_testkit::{OWNER_PASSWORD, TestApp, form_body};

#[rocket::async_test]
async fn forms_without_a_valid_token_or_from_another_site_are_refused() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let fields = [("email", "x@example.com")];
    // No token.
    let r = app
        .client
        .post("/team/invite")
        .header(ContentType::Form)
        .body(form_body(&fields))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Forbidden);
    // A made-up token.
    let r = app
        .client
        .post("/team/invite")
        .header(ContentType::Form)
        .body(form_body(&[("csrf_token", "forged"), ("email", "x@example.com")]))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Forbidden);
    let body = r.into_string().await.unwrap();
    assert!(body.contains("reload the page"), "{body}");
    // The right token, but posted from another site.
    let token = app.csrf("/team").await;
    for (name, value) in [
        ("Origin", "https://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let r = app
            .client
            .post("/team/invite")
            .header(ContentType::Form)
            .header(Header::new(name, value))
            .body(form_body(&[("csrf_token", &token), ("email", "x@example.com")]))
            .dispatch()
            .await;
        assert_eq!(r.status(), Status::Forbidden, "{name}: {value}");
    }
    // An origin matching the request's own Host header is not enough (an attacker's DNS name
    // pointed at podgate sends one): only public_url's origin counts.
    let r = app
        .client
        .post("/team/invite")
        .header(ContentType::Form)
        .header(Header::new("Origin", "http://rebound.example"))
        .header(Header::new("Host", "rebound.example"))
        .body(form_body(&[("csrf_token", &token), ("email", "x@example.com")]))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Forbidden);
    // Same token from podgate's own origin works.
    let r = app
        .client
        .post("/team/invite")
        .header(ContentType::Form)
        .header(Header::new("Origin", app.config.public_url()))
        .body(form_body(&[("csrf_token", &token), ("email", "x@example.com")]))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    // Nothing was invited by the refused attempts: exactly one open invitation.
    let (_, invites) = accounts::team(&app.pool, 1).await.unwrap();
    assert_eq!(invites.len(), 1);
}

/// Every state-changing route in the table refuses a request without a CSRF token, even from a
/// signed-in owner. New routes are covered automatically.
#[rocket::async_test]
async fn every_unsafe_route_requires_the_csrf_token() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let mut checked = 0;
    for route in podgate::web::routes() {
        if matches!(route.method, Method::Get | Method::Head | Method::Options) {
            continue;
        }
        // Every dynamic segment becomes "1".
        let path = route
            .uri
            .path()
            .split('/')
            .map(|seg| if seg.starts_with('<') { "1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        if path.starts_with("/webhooks/") || path.starts_with("/api/") {
            // Machine endpoints carry no cookies; a signature or a bearer token is the check.
            let r = app
                .client
                .req(route.method, path.clone())
                .body("{}")
                .dispatch()
                .await;
            assert_eq!(
                r.status(),
                Status::Unauthorized,
                "{path} accepted an unsigned or unauthenticated request"
            );
            continue;
        }
        let r = app
            .client
            .req(route.method, path.clone())
            .header(ContentType::Form)
            .body("email=a%40b.example&password=long+enough+pw&name=x")
            .dispatch()
            .await;
        assert_eq!(
            r.status(),
            Status::Forbidden,
            "{} {path} accepted a request without a CSRF token",
            route.method
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} unsafe routes found");
}

#[rocket::async_test]
async fn repeated_failures_lock_that_address_out_of_the_account_not_its_owner() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    app.post_form("/", "/logout", &[]).await;
    for _ in 0..5 {
        let (s, _) = app
            .login_from("198.51.100.7", "owner@example.com", "wrong password!")
            .await;
        assert_eq!(s, Status::Unauthorized);
    }
    // From that address even the right password is refused, and the page says what to do.
    let (s, body) = app
        .login_from("198.51.100.7", "owner@example.com", OWNER_PASSWORD)
        .await;
    assert_eq!(s, Status::TooManyRequests);
    assert!(
        body.contains("Too many failed sign-in attempts") && body.contains("try again in 15 minutes"),
        "{body}"
    );
    // The owner, elsewhere, still gets in (slowed, not locked out).
    let (s, _) = app
        .login_from("198.51.100.8", "owner@example.com", OWNER_PASSWORD)
        .await;
    assert_eq!(s, Status::SeeOther);
}

/// One wrong password from each of many addresses used to lock the account for everyone.
#[rocket::async_test]
async fn failures_from_many_addresses_never_lock_the_owner_out() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    app.post_form("/", "/logout", &[]).await;
    for i in 1..=8 {
        let (s, _) = app
            .login_from(&format!("203.0.113.{i}"), "owner@example.com", "wrong password!")
            .await;
        assert_eq!(s, Status::Unauthorized, "address {i}");
    }
    let (s, _) = app
        .login_from("192.0.2.50", "owner@example.com", OWNER_PASSWORD)
        .await;
    assert_eq!(s, Status::SeeOther);
}

/// 24 wrong passwords at once against a limit of 5: the limit is checked and the attempt
/// recorded in one step, so no more than 5 are ever checked.
#[rocket::async_test]
async fn parallel_wrong_passwords_cannot_race_the_limit() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    app.post_form("/", "/logout", &[]).await;
    let policy = podgate::web::auth::sign_in::login_policy(&app.config);
    let actor = podgate::db::models::audit::Actor::anonymous(
        Some("198.51.100.99".into()),
        podgate::db::models::audit::Channel::Web,
    );
    let tries = (0..24).map(|_| {
        let (pool, actor) = (app.pool.clone(), actor.clone());
        tokio::spawn(async move {
            podgate::domain::sessions::sign_in(&pool, policy, &actor, "owner@example.com", "wrong password!")
                .await
        })
    });
    let mut checked = 0;
    for t in tries {
        match t.await.unwrap() {
            Err(podgate::domain::DomainError::BadCredentials) => checked += 1,
            Err(podgate::domain::DomainError::Throttled { .. }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(checked, 5, "exactly the limit's worth of passwords were checked");
}

#[rocket::async_test]
async fn one_address_trying_many_accounts_is_locked() {
    let app = TestApp::with(|f| f.merge(("login_max_failures_per_ip", 3))).await;
    app.setup_owner().await;
    app.post_form("/", "/logout", &[]).await;
    for i in 0..3 {
        let (s, _) = app
            .login_from("203.0.113.9", &format!("user{i}@example.com"), "whatever pw 1")
            .await;
        assert_eq!(s, Status::Unauthorized);
    }
    let (s, _) = app
        .login_from("203.0.113.9", "owner@example.com", OWNER_PASSWORD)
        .await;
    assert_eq!(s, Status::TooManyRequests, "address is locked");
    let (s, _) = app
        .login_from("203.0.113.10", "owner@example.com", OWNER_PASSWORD)
        .await;
    assert_eq!(s, Status::SeeOther, "another address is not");
}

#[rocket::async_test]
async fn session_cookie_is_private_httponly_and_secure_behind_https() {
    let app = TestApp::with(|f| f.merge(("public_url", "https://podgate.example.com"))).await;
    let token = app.csrf("/setup").await;
    let r = app
        .client
        .post("/setup")
        .header(ContentType::Form)
        .body(form_body(&[
            ("csrf_token", &token),
            ("workspace_name", "Acme"),
            ("name", "O"),
            ("email", "o@example.com"),
            ("password", OWNER_PASSWORD),
        ]))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let set: Vec<&str> = r.headers().get("Set-Cookie").collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("podgate_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("Secure") && session.contains("SameSite=Lax"),
        "{session}"
    );
    // Encrypted: the raw token never appears in a form a script could reuse.
    assert!(session.len() > 60);
}

#[rocket::async_test]
async fn workspaces_are_isolated() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    // A second seller company on the same deployment, with its own owner and staff.
    let pool = app.pool.clone();
    let other_staff_id = pool
        .run(|conn| {
            accounts::add_user_blocking(
                conn,
                "Globex",
                "boss@globex.example",
                "Boss",
                Role::Owner,
                "globex password",
            )?;
            let s = accounts::add_user_blocking(
                conn,
                "Globex",
                "staff@globex.example",
                "Gina",
                Role::Staff,
                "globex password",
            )?;
            Ok::<_, podgate::domain::DomainError>(s.id)
        })
        .await
        .unwrap();
    let (_, team) = app.get("/team").await;
    assert!(!team.contains("globex"), "other workspace's people are invisible");
    // Removing another workspace's user by id is "not found", and changes nothing.
    let r = app
        .post_form("/team", &format!("/team/users/{other_staff_id}/remove"), &[])
        .await;
    assert_eq!(r.status(), Status::NotFound);
    let globex = TestApp::reuse(&app).await;
    assert_eq!(
        globex.login("staff@globex.example", "globex password").await,
        Status::SeeOther
    );
    let (_, home) = globex.get("/").await;
    assert!(home.contains("Globex") && !home.contains("Acme Prints"), "{home}");
    assert!(
        !home.contains("owner@example.com"),
        "no activity of the other workspace"
    );
}
