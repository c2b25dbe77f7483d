//! Setup, sign-in, sign-out, invitations and password changes, as a browser would do them.

use rocket::http::Status;

use podgate_testkit::{OWNER_PASSWORD, TestApp};

#[rocket::async_test]
async fn first_run_setup_creates_owner_and_signs_in() {
    let app = TestApp::new().await;
    let r = app.client.get("/").dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(r.headers().get_one("Location"), Some("/setup"));
    app.setup_owner().await;
    let (s, body) = app.get("/").await;
    assert_eq!(s, Status::Ok);
    assert!(body.contains("Acme Prints"), "{body}");
    assert!(body.contains("Welcome, Olive Owner"), "flash shown once: {body}");
    let (_, again) = app.get("/").await;
    assert!(!again.contains("Welcome, Olive Owner"), "flash must not repeat");
    // Setup is closed now.
    let r = app.client.get("/setup").dispatch().await;
    assert_eq!(r.headers().get_one("Location"), Some("/login"));
    let r = app
        .post_form(
            "/account",
            "/setup",
            &[
                ("workspace_name", "Evil"),
                ("name", "E"),
                ("email", "e@example.com"),
                ("password", "long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::Conflict);
}

#[rocket::async_test]
async fn setup_form_shows_every_problem_and_keeps_values() {
    let app = TestApp::new().await;
    let r = app
        .post_form(
            "/setup",
            "/setup",
            &[
                ("workspace_name", ""),
                ("name", "Olive"),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let body = r.into_string().await.unwrap();
    assert!(
        body.contains("Enter your company&#x27;s name.") || body.contains("Enter your company's name."),
        "{body}"
    );
    assert!(body.contains("Enter an email address like name@example.com."));
    assert!(body.contains("Use at least 10 characters"));
    assert!(body.contains("value=\"Olive\""), "keeps typed values");
    assert!(body.contains("aria-invalid=\"true\""));
}

#[rocket::async_test]
async fn logout_then_login_again_and_wrong_password_is_refused() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let r = app.post_form("/", "/logout", &[]).await;
    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(r.headers().get_one("Location"), Some("/login"));
    let r = app.client.get("/").dispatch().await;
    assert_eq!(
        r.headers().get_one("Location"),
        Some("/login"),
        "signed out: / goes to login"
    );

    let r = app
        .post_form(
            "/login",
            "/login",
            &[("email", "owner@example.com"), ("password", "wrong password!")],
        )
        .await;
    assert_eq!(r.status(), Status::Unauthorized);
    let body = r.into_string().await.unwrap();
    assert!(body.contains("That email and password do not match"), "{body}");
    assert!(body.contains("value=\"owner@example.com\""), "email kept");

    assert_eq!(
        app.login("Owner@Example.com ", OWNER_PASSWORD).await,
        Status::SeeOther,
        "email is case-insensitive"
    );
    let (s, body) = app.get("/").await;
    assert_eq!(s, Status::Ok);
    assert!(body.contains("Sign out"));
}

#[rocket::async_test]
async fn logout_revokes_the_session_on_the_server() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let stolen = app
        .client
        .cookies()
        .iter()
        .map(|c| c.clone().into_owned())
        .collect::<Vec<_>>();
    app.post_form("/", "/logout", &[]).await;
    // Replaying the old (still validly encrypted) cookie must not get back in.
    let mut req = app.client.get("/account");
    for c in stolen {
        req = req.cookie(c);
    }
    let r = req.dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    assert!(r.headers().get_one("Location").unwrap().starts_with("/login"));
}

#[rocket::async_test]
async fn login_redirects_back_but_never_off_site() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    app.post_form("/", "/logout", &[]).await;
    let r = app.client.get("/account").dispatch().await;
    assert_eq!(r.headers().get_one("Location"), Some("/login?next=%2Faccount"));
    let r = app
        .post_form(
            "/login",
            "/login",
            &[
                ("email", "owner@example.com"),
                ("password", OWNER_PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(r.headers().get_one("Location"), Some("/account"));
    app.post_form("/", "/logout", &[]).await;
    let r = app
        .post_form(
            "/login",
            "/login",
            &[
                ("email", "owner@example.com"),
                ("password", OWNER_PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(r.headers().get_one("Location"), Some("/"));
}

#[rocket::async_test]
async fn owner_invites_staff_who_joins_and_can_be_removed() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let r = app
        .post_form("/team", "/team/invite", &[("email", "Sam@Example.com")])
        .await;
    assert_eq!(r.status(), Status::Ok);
    let body = r.into_string().await.unwrap().replace("&#x2f;", "/");
    let start = body
        .find("/invite/")
        .unwrap_or_else(|| panic!("invite link shown: {body}"));
    let link: String = body[start..].chars().take_while(|c| *c != '"').collect();
    assert!(body.contains("sam@example.com"), "open invitation listed");

    // Inviting an existing account is refused with a clear message.
    let r = app
        .post_form("/team", "/team/invite", &[("email", "owner@example.com")])
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    assert!(r.into_string().await.unwrap().contains("already has an account"));

    // The invitee, in a fresh browser.
    let guest = TestApp::reuse(&app).await;
    let (s, page) = guest.get(&link).await;
    assert_eq!(s, Status::Ok, "{page}");
    assert!(page.contains("Join Acme Prints"));
    let r = guest
        .post_form(
            &link,
            &link,
            &[
                ("name", "Sam Staff"),
                ("password", "staff password 1"),
                ("confirm", "staff password 1"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (s, home) = guest.get("/").await;
    assert_eq!(s, Status::Ok);
    assert!(home.contains("Sam Staff"));
    assert!(
        !home.contains("href=\"/team\""),
        "staff do not see Team in navigation"
    );
    assert_eq!(guest.get("/team").await.0, Status::Forbidden);
    // The link worked once.
    assert_eq!(guest.get(&link).await.0, Status::NotFound);

    // The owner removes Sam; Sam's session ends at once.
    let (_, team) = app.get("/team").await;
    let i = team.find("/team/users/").unwrap() + "/team/users/".len();
    let id: String = team[i..].chars().take_while(|c| c.is_ascii_digit()).collect();
    let r = app
        .post_form("/team", &format!("/team/users/{id}/remove"), &[])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let r = guest.client.get("/").dispatch().await;
    assert_eq!(r.headers().get_one("Location"), Some("/login"));
}

#[rocket::async_test]
async fn password_change_signs_out_other_sessions() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let other = TestApp::reuse(&app).await;
    assert_eq!(
        other.login("owner@example.com", OWNER_PASSWORD).await,
        Status::SeeOther
    );
    assert_eq!(other.get("/account").await.0, Status::Ok);

    let r = app
        .post_form(
            "/account",
            "/account/password",
            &[
                ("current_password", "nope nope nope"),
                ("new_password", "brand new password"),
                ("confirm", "brand new password"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    assert!(
        r.into_string()
            .await
            .unwrap()
            .contains("not your current password")
    );

    let r = app
        .post_form(
            "/account",
            "/account/password",
            &[
                ("current_password", OWNER_PASSWORD),
                ("new_password", "brand new password"),
                ("confirm", "brand new password"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(app.get("/account").await.0, Status::Ok, "this session stays");
    assert_eq!(
        other.client.get("/account").dispatch().await.status(),
        Status::SeeOther,
        "the other one is gone"
    );
    assert_eq!(
        other.login("owner@example.com", OWNER_PASSWORD).await,
        Status::Unauthorized
    );
    assert_eq!(
        other.login("owner@example.com", "brand new password").await,
        Status::SeeOther
    );
}

#[rocket::async_test]
async fn health_and_error_pages() {
    let app = TestApp::new().await;
    let r = app.client.get("/healthz").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    let v: serde_json::Value = r.into_json().await.unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["database"], podgate_testkit::backend());

    let r = app.client.get("/no/such/page").dispatch().await;
    assert_eq!(r.status(), Status::NotFound);
    assert!(r.headers().get_one("X-Request-Id").is_some());
    let body = r.into_string().await.unwrap();
    assert!(
        body.contains("Page not found") && body.contains("<html"),
        "{body}"
    );

    let r = app.client.get("/api/v1/nothing").dispatch().await;
    assert_eq!(r.status(), Status::NotFound);
    let v: serde_json::Value = r.into_json().await.unwrap();
    assert_eq!(v["error"]["code"], "not_found");
    assert!(v["error"]["request_id"].as_str().is_some_and(|s| !s.is_empty()));
}

#[rocket::async_test]
async fn a_forgotten_password_is_reset_once_through_a_mailed_link() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let outsider = TestApp::reuse(&app).await;
    for email in ["owner@example.com", "nobody@example.com"] {
        let r = outsider
            .post_form("/password/forgot", "/password/forgot", &[("email", email)])
            .await;
        assert_eq!(r.status(), Status::SeeOther);
        let (_, page) = outsider.get("/login").await;
        assert!(
            page.contains("If an account uses that address"),
            "the same answer either way"
        );
    }
    let mails = outbox(&app, "reset").await;
    assert_eq!(mails.len(), 1, "only a real account gets a link");
    assert_eq!(mails[0].0, "owner@example.com");
    // The owner reading the outbox (or the Mail page) never sees the link.
    assert!(!mails[0].1.contains("/password/reset/"), "{}", mails[0].1);
    let (_, mail_page) = app.get("/mail").await;
    assert!(
        mail_page.contains("Reset your podgate password") && !mail_page.contains("/password/reset/"),
        "{mail_page}"
    );
    // Only the copy delivered to the recipient has it, and then it is gone from the outbox.
    let link = deliver_and_find_link(&app, "/password/reset/").await;
    // A second link asked for before the first is used stops working with it.
    outsider
        .post_form(
            "/password/forgot",
            "/password/forgot",
            &[("email", "owner@example.com")],
        )
        .await;
    let second = deliver_and_find_link(&app, "/password/reset/").await;
    assert_ne!(link, second);
    let r = outsider
        .post_form(
            &link,
            &link,
            &[
                ("password", "a brand new password"),
                ("confirm", "a different one!!"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let r = outsider
        .post_form(
            &link,
            &link,
            &[
                ("password", "a brand new password"),
                ("confirm", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    // The owner's old session is gone; the new password works, the old one does not.
    assert_eq!(
        app.client.get("/account").dispatch().await.status(),
        Status::SeeOther
    );
    let fresh = TestApp::reuse(&app).await;
    assert_ne!(
        fresh.login("owner@example.com", OWNER_PASSWORD).await,
        Status::SeeOther
    );
    assert_eq!(
        fresh.login("owner@example.com", "a brand new password").await,
        Status::SeeOther
    );
    // The link works once, and the other open link was voided with it.
    let (_, page) = outsider.get(&link).await;
    assert!(page.contains("used already or has expired"));
    let (_, page) = outsider.get(&second).await;
    assert!(
        page.contains("used already or has expired"),
        "the second link is void"
    );
}

/// The outbox's (recipient, body) of one kind, as stored.
async fn outbox(app: &TestApp, what: &'static str) -> Vec<(String, String)> {
    app.query(move |c| {
        use diesel::prelude::*;
        use podgate::db::schema::mail_outbox::dsl::*;
        mail_outbox
            .filter(kind.eq(what))
            .order(id)
            .select((to_addr, body))
            .load(c)
    })
    .await
}

/// Delivers the queued mail through a real SMTP server; returns the path of the link (which
/// starts with `prefix`) in the newest delivered message, and checks no stored copy keeps it.
async fn deliver_and_find_link(app: &TestApp, prefix: &str) -> String {
    let smtp = podgate_testkit::mail::smtp_sink();
    let mailer = podgate_testkit::mail::mailer_for(&smtp);
    assert_eq!(podgate::mail::deliver_due(&app.pool, &mailer).await.unwrap(), 1);
    let mails = podgate_testkit::mail::delivered(&smtp);
    let text = mails
        .last()
        .expect("a delivered message")
        .replace("=\n", "")
        .replace("=3D", "=");
    let at = text.find(prefix).unwrap_or_else(|| panic!("no link in {text}"));
    let link: String = text[at..].chars().take_while(|c| !c.is_whitespace()).collect();
    let kept: Vec<Option<String>> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::mail_outbox::dsl::*;
            mail_outbox.select(secret_link).load(c)
        })
        .await;
    assert!(kept.iter().all(Option::is_none), "no link is kept once sent");
    link
}

#[rocket::async_test]
async fn an_invitation_is_also_mailed() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    app.post_form("/team", "/team/invite", &[("email", "sam@example.com")])
        .await;
    let mails = outbox(&app, "invite").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "sam@example.com");
    assert!(!mails[0].1.contains("/invite/"), "the stored copy has no link");
    let link = deliver_and_find_link(&app, "/invite/").await;
    let (_, page) = TestApp::reuse(&app).await.get(&link).await;
    assert!(
        page.contains("sam@example.com"),
        "the delivered link opens the invitation: {page}"
    );
}
