//! The supplier portal, its mail and its messages in each person's language: chosen on the
//! Account page, else the browser's; the supplier's own choice for contacts without an account.
//! Keywords machines read stay English.

use super::*;
use podgate::i18n::{Lang, Msg};
use podgate_testkit::mail::{delivered, mailer_for, smtp_sink};

/// A page as a browser that asks for `accept` gets it.
async fn get_as(app: &TestApp, path: &str, accept: &str) -> (Status, String) {
    let r = app
        .client
        .get(path.to_string())
        .header(Header::new("Accept-Language", accept.to_string()))
        .dispatch()
        .await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

/// What `lang` says for `id`, as a page shows it (minijinja writes `/` as `&#x2f;`).
fn shown(lang: Lang, id: &str) -> String {
    lang.t(id).replace('/', "&#x2f;")
}

#[rocket::async_test]
async fn every_portal_page_reads_in_the_language_each_person_chose() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 2).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;

    // No choice yet: the browser's language, from the sign-in page on.
    let (_, login) = get_as(&TestApp::reuse(&app).await, "/login", "vi-VN,vi;q=0.9").await;
    assert!(
        login.contains("<html lang=\"vi\">") && login.contains("Đăng nhập"),
        "{login}"
    );
    let (_, home) = get_as(&sup, "/supplier", "zh-CN,zh;q=0.9,en;q=0.5").await;
    assert!(
        home.contains("<html lang=\"zh-CN\">") && home.contains("交接批次"),
        "{home}"
    );
    let (_, home) = get_as(&sup, "/supplier", "fr-FR").await;
    assert!(
        home.contains("<html lang=\"en\">") && home.contains("Handoff batches"),
        "{home}"
    );

    let pages = [
        "/supplier",
        "/supplier/batches/1",
        "/supplier/tokens",
        "/supplier/webhooks",
        "/supplier/sftp",
        "/supplier/scorecard",
        "/account",
    ];
    for lang in Lang::ALL {
        // The person's own choice wins over the browser's.
        let r = sup
            .post_form("/account", "/account/language", &[("language", lang.code())])
            .await;
        assert_eq!(r.status(), Status::SeeOther, "{}", lang.code());
        drop(r);
        let (_, account) = get_as(&sup, "/account", "vi").await;
        assert!(
            account.contains(
                &Msg::new("language-saved")
                    .arg("language", lang.native_name())
                    .text(lang)
            ),
            "said in the language chosen: {account}"
        );
        for page in pages {
            let (status, html) = get_as(&sup, page, "vi").await;
            assert_eq!(status, Status::Ok, "{page} in {}", lang.code());
            assert!(
                html.contains(&format!("<html lang=\"{}\">", lang.code())),
                "{page}: {html}"
            );
            assert!(
                !html.contains("Unknown localization"),
                "{page} in {}: {html}",
                lang.code()
            );
            for id in ["nav-batches", "nav-tokens", "layout-sign-out", "layout-footer"] {
                assert!(
                    html.contains(&shown(lang, id)),
                    "{page} in {} lacks {id}",
                    lang.code()
                );
            }
        }
        // The batch page: statuses named in the language, the keywords kept as the values.
        let (_, batch) = get_as(&sup, "/supplier/batches/1", "vi").await;
        assert!(batch.contains(&shown(lang, "batch-sheet")), "{batch}");
        assert!(
            batch.contains(&format!(">{}", shown(lang, "status-pending"))),
            "{batch}"
        );
        assert!(batch.contains("<option value=\"already_shipped\">"), "{batch}");
        if lang != Lang::En {
            assert!(
                batch.contains(&format!("{} (accepted)", shown(lang, "status-accepted"))),
                "the keyword is named beside its translation: {batch}"
            );
        }
        // Times in the language's own way (the script then rewrites them with the browser's Intl
        // in the page's language).
        let written_like = match lang {
            Lang::En => "PST</time>",
            Lang::ZhHans => "年12月",
            Lang::Vi => "/12/2026",
            Lang::Es => " dic 2026, ",
        };
        assert!(batch.contains(written_like), "{}: {batch}", lang.code());
        // A form refused: every field named in the language.
        let r = sup
            .post_form(
                "/supplier/tokens",
                "/supplier/tokens",
                &[("name", ""), ("expires_in_days", "never")],
            )
            .await;
        assert_eq!(r.status(), Status::UnprocessableEntity);
        let html = r.into_string().await.unwrap();
        assert!(html.contains(&shown(lang, "token-bad-name")), "{html}");
        assert!(html.contains(&shown(lang, "token-no-scope")), "{html}");
        // A refused answer, shown beside its form, in the language.
        let r = sup
            .post_form(
                "/supplier/batches/1",
                "/supplier/batches/1/ack",
                &[
                    ("row", "1"),
                    ("status", "backordered"),
                    ("reason", ""),
                    ("expected_date", "soon"),
                ],
            )
            .await;
        assert_eq!(r.status(), Status::SeeOther);
        drop(r);
        let (_, batch) = sup.get("/supplier/batches/1").await;
        assert!(batch.contains(&shown(lang, "ack-bad-date")), "{batch}");
        // Pages that are not there say so in the language.
        let (status, missing) = sup.get("/supplier/batches/99").await;
        assert_eq!(status, Status::NotFound);
        assert!(missing.contains(&shown(lang, "error-404-title")), "{missing}");
    }

    // Back to the browser's: a blank choice.
    let r = sup
        .post_form("/account", "/account/language", &[("language", "")])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    let (_, home) = get_as(&sup, "/supplier", "es-MX").await;
    assert!(
        home.contains("<html lang=\"es\">") && home.contains("Lotes de entrega"),
        "{home}"
    );
    // A made-up language is refused, named beside the field, and nothing changes.
    let r = sup
        .post_form("/account", "/account/language", &[("language", "xx")])
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let html = r.into_string().await.unwrap();
    assert!(html.contains("id=\"e-language\""), "{html}");
    // The seller's side stays English whatever the browser asks.
    let (_, seller) = get_as(&app, "/batches", "zh-CN").await;
    assert!(
        seller.contains("<html lang=\"en\">") && !seller.contains("交接"),
        "{seller}"
    );
}

/// Decodes a delivered message with Python's own `email` parser: (To, Subject, body).
fn decode(raw: &str) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.eml");
    std::fs::write(&file, raw).unwrap();
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, email\nfrom email import policy\n\
             m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)\n\
             print(m['to']); print(m['subject']); print(m.get_body(('plain',)).get_content(), end='')",
        )
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let mut lines = text.splitn(3, '\n');
    let to = lines.next().unwrap_or_default().to_string();
    let subject = lines.next().unwrap_or_default().to_string();
    (to, subject, lines.next().unwrap_or_default().to_string())
}

#[rocket::async_test]
async fn mail_is_written_in_each_recipients_language() {
    let smtp = smtp_sink();
    let (app, sb, shirts, _) = routed_app().await;
    // Two contacts: one is also a person of the supplier, who reads Spanish; the other has no
    // account and gets the supplier's language, Simplified Chinese.
    let r = app
        .post_form(
            &format!("/suppliers/{shirts}"),
            &format!("/suppliers/{shirts}"),
            &[
                ("name", "Shirt Co"),
                ("contacts", "ops@shirtco.example\nfloor@shirtco.example"),
                ("ship_from", "1 Factory Way\nReno NV 89502"),
                ("accepted_services", "USPS, UPS"),
                ("packaging", "HOOD 700 12x10x3"),
                ("cutoff_times", "10:00, 15:00"),
                ("time_zone", "Asia/Shanghai"),
                ("ack_deadline_hours", "24"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther, "{}", r.into_string().await.unwrap());
    let ops = supplier_user(&app, shirts, "ops@shirtco.example").await;
    let r = ops
        .post_form("/account", "/account/language", &[("language", "es")])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    let r = ops
        .post_form("/supplier", "/supplier/language", &[("language", "zh-CN")])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    let (_, home) = ops.get("/supplier").await;
    assert!(
        home.contains("Los correos a tus contactos"),
        "said in the person's Spanish: {home}"
    );
    assert!(
        home.contains("<option value=\"zh-CN\" lang=\"zh-CN\" selected>"),
        "{home}"
    );

    let ids = orders_for(&app, shirts, 2).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[0]).await;
    let mailer = mailer_for(&smtp);
    podgate::mail::deliver_due(&app.pool, &mailer).await.unwrap();
    let mails: Vec<_> = delivered(&smtp).iter().map(|m| decode(m)).collect();
    let to = |who: &str, subject_has: &str| {
        mails
            .iter()
            .find(|(t, s, _)| t.contains(who) && s.contains(subject_has))
            .unwrap_or_else(|| panic!("no mail to {who} about {subject_has}: {mails:#?}"))
            .clone()
    };
    let (_, subject, body) = to("floor@shirtco.example", "张面单");
    assert_eq!(subject, "Acme Prints：Shirt Co 的第 1 批，2 张面单");
    assert!(body.starts_with("Shirt Co，您好："), "{body}");
    // The deadline in the supplier's zone, written the Chinese way.
    assert!(body.contains("请在 2026年") || body.contains("请在 20"), "{body}");
    assert!(body.contains("CST"), "Asia/Shanghai's zone, named: {body}");
    let (_, _, body) = to("floor@shirtco.example", "请拦截包裹");
    assert!(
        body.contains("pulled 或 already_shipped"),
        "keywords stay English: {body}"
    );
    let (_, subject, body) = to("ops@shirtco.example", "nuevo lote 1");
    assert!(
        subject.starts_with("Acme Prints: nuevo lote 1 para Shirt Co"),
        "{subject}"
    );
    assert!(body.starts_with("Hola, Shirt Co:"), "{body}");
    let (_, _, body) = to("ops@shirtco.example", "retira el paquete");
    assert!(body.contains("(estado pulled o already_shipped)"), "{body}");
    // The seller's owner reads English.
    to(
        "owner@example.com",
        "was cancelled after its label went to Shirt Co",
    );
}
