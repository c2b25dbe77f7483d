//! Answers in the spreadsheets factories keep: the batch's answer sheet downloaded from the
//! portal, filled in by another program (openpyxl, the library most tools use to write .xlsx)
//! and uploaded back; Excel's other outputs (UTF-16 "Unicode text", Windows-1252 CSV with
//! semicolons) read right; bad rows named by the spreadsheet's own row numbers, nothing applied.

use std::process::Command;

use super::*;

/// Runs a Python snippet (openpyxl) with `args` as `sys.argv[1:]`.
fn python(script: &str, args: &[&str]) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 with openpyxl (pip install openpyxl)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Uploads an answers file on the batch page, as the portal's form does; returns the page after.
async fn upload(sup: &TestApp, name: &str, bytes: &[u8]) -> String {
    let csrf = sup.csrf("/supplier/batches/1").await;
    let boundary = "podgate-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = sup
        .client
        .post("/supplier/batches/1/answers")
        .header(rocket::http::ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(body)
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther, "{name}");
    drop(r);
    sup.get("/supplier/batches/1").await.1
}

/// Each package of batch 1: (TikTok package id, answer, reason, expected date).
async fn answers(app: &TestApp) -> Vec<(String, String, Option<String>, Option<String>)> {
    app.query(|c| {
        Ok(podgate::db::models::batch::members(c, 1)?
            .into_iter()
            .map(|(bp, p)| {
                (
                    p.tiktok_package_id.unwrap_or_default(),
                    bp.ack_status.as_str().to_string(),
                    bp.ack_reason,
                    bp.ack_expected_date,
                )
            })
            .collect())
    })
    .await
}

#[rocket::async_test]
async fn the_answer_sheet_filled_in_by_another_program_is_applied_whole() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "it@shirtco.example").await;
    let dir = tempfile::tempdir().unwrap();

    // The sheet: every package, ids kept as text (a 19-digit id in a number cell is rounded).
    let r = sup
        .client
        .get("/supplier/batches/1/answers.xlsx")
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    let disposition = r.headers().get_one("Content-Disposition").unwrap().to_string();
    assert!(
        disposition.contains("-0001-") && disposition.ends_with("-answers.xlsx\""),
        "{disposition}"
    );
    let sheet = dir.path().join("sheet.xlsx");
    std::fs::write(&sheet, r.into_bytes().await.unwrap()).unwrap();
    let listed = dir.path().join("listed.txt");
    python(
        "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).active\nopen(sys.argv[2], 'w').write('\\n'.join(','.join('' if c is None else str(c) for c in r) for r in ws.iter_rows(values_only=True)))",
        &[sheet.to_str().unwrap(), listed.to_str().unwrap()],
    );
    let listed = std::fs::read_to_string(&listed).unwrap();
    let before = answers(&app).await;
    assert!(
        listed.starts_with("package_id,order_id,tracking_number,status,reason,expected_date"),
        "{listed}"
    );
    for (pkg, ..) in &before {
        assert!(listed.contains(pkg.as_str()), "{pkg} in {listed}");
    }

    // Filled in a row at a time: rows without a status yet are left unanswered, not refused.
    let first = dir.path().join("first.xlsx");
    python(
        "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1]); ws = wb.active\nws['D2'] = 'accepted'\nwb.save(sys.argv[2])",
        &[sheet.to_str().unwrap(), first.to_str().unwrap()],
    );
    let page = upload(&sup, "first.xlsx", &std::fs::read(&first).unwrap()).await;
    assert!(
        page.contains("Applied 1 line(s) of first.xlsx: 1 answer(s) recorded")
            && page.contains("2 row(s) without a status left unanswered (rows 3, 4)"),
        "{page}"
    );

    // Then the rest, the way a person does: a real date cell for the backorder.
    let filled = dir.path().join("filled.xlsx");
    python(
        "import sys, datetime, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1]); ws = wb.active\nws['D2'] = 'accepted'\nws['D3'] = 'Rejected'; ws['E3'] = 'Müller artwork is 72 dpi'\nws['D4'] = 'backordered'; ws['F4'] = datetime.datetime(2026, 12, 24)\nwb.save(sys.argv[2])",
        &[sheet.to_str().unwrap(), filled.to_str().unwrap()],
    );
    let page = upload(&sup, "filled.xlsx", &std::fs::read(&filled).unwrap()).await;
    assert!(
        page.contains("Applied 3 line(s) of filled.xlsx: 2 answer(s) recorded, 1 already recorded."),
        "{page}"
    );
    let after = answers(&app).await;
    let by_row = |row: usize| {
        let pkg = listed.lines().nth(row - 1).unwrap().split(',').next().unwrap();
        after.iter().find(|a| a.0 == pkg).unwrap().clone()
    };
    assert_eq!(by_row(2).1, "accepted");
    assert_eq!(
        (by_row(3).1.as_str(), by_row(3).2.as_deref()),
        ("rejected", Some("Müller artwork is 72 dpi"))
    );
    assert_eq!(
        (by_row(4).1.as_str(), by_row(4).3.as_deref()),
        ("backordered", Some("2026-12-24"))
    );
}

#[rocket::async_test]
async fn bad_rows_are_named_by_the_spreadsheets_row_numbers_and_excels_encodings_are_read() {
    let (app, _sb, shirts, mugs) = routed_app().await;
    let ids = orders_for(&app, shirts, 2).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "it@shirtco.example").await;
    let pkgs: Vec<String> = answers(&app).await.into_iter().map(|a| a.0).collect();
    let dir = tempfile::tempdir().unwrap();

    // A workbook typed by hand: a blank row, an id typed into a number cell (rounded by the
    // spreadsheet), an unknown answer; the good row is held back too.
    let bad = dir.path().join("bad.xlsx");
    python(
        "import sys, openpyxl\nwb = openpyxl.Workbook(); ws = wb.active\nws.append(['package_id', 'status', 'reason'])\nws.append([])\nws.append([sys.argv[2], 'accepted'])\nws.append([int(sys.argv[3]), 'accepted'])\nws.append([sys.argv[3], 'maybe'])\nwb.save(sys.argv[1])",
        &[bad.to_str().unwrap(), &pkgs[0], &pkgs[1]],
    );
    let page = upload(&sup, "bad.xlsx", &std::fs::read(&bad).unwrap()).await;
    assert!(
        page.contains("Nothing was applied from bad.xlsx (1 good line(s) held back)"),
        "{page}"
    );
    assert!(
        page.contains("row 4: package_id:") && page.contains("format the column as Text"),
        "{page}"
    );
    assert!(page.contains("row 5: status"), "{page}");
    assert!(
        answers(&app).await.iter().all(|a| a.1 == "pending"),
        "nothing applied"
    );

    // Excel's "Unicode text": UTF-16 with a byte order mark, tab-separated.
    let text = format!("package_id\tstatus\treason\n{}\trejected\tGröße fehlt\n", pkgs[0]);
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let page = upload(&sup, "answers.txt", &utf16).await;
    assert!(page.contains("Applied 1 line(s) of answers.txt"), "{page}");
    // Excel's "CSV" on a European Windows: Windows-1252, semicolons.
    let csv = format!(
        "package_id;status;reason\r\n{};rejected;Café au lait stain\r\n",
        pkgs[1]
    );
    let (cp1252, _, lossy) = encoding_rs::WINDOWS_1252.encode(&csv);
    assert!(!lossy);
    let page = upload(&sup, "answers.csv", &cp1252).await;
    assert!(page.contains("Applied 1 line(s) of answers.csv"), "{page}");
    let now = answers(&app).await;
    let reason = |p: &str| {
        now.iter()
            .find(|a| a.0 == p)
            .unwrap()
            .2
            .clone()
            .unwrap_or_default()
    };
    assert_eq!(reason(&pkgs[0]), "Größe fehlt");
    assert_eq!(reason(&pkgs[1]), "Café au lait stain");

    // The CSV sheet opens right in Excel (UTF-8 with a byte order mark) and lists the packages.
    let r = sup.client.get("/supplier/batches/1/answers.csv").dispatch().await;
    let bytes = r.into_bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFpackage_id,order_id,tracking_number,status"));
    assert!(String::from_utf8_lossy(&bytes).contains(pkgs[0].as_str()));
    // Another supplier's people cannot fetch it.
    let other = supplier_user(&app, mugs, "it@mugworks.example").await;
    assert_eq!(
        other
            .client
            .get("/supplier/batches/1/answers.csv")
            .dispatch()
            .await
            .status(),
        Status::NotFound
    );
}

#[rocket::async_test]
async fn the_answer_sheet_explains_its_keywords_in_the_readers_language() {
    use podgate::i18n::Lang;
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 2).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "lin@shirtco.example").await;
    let r = sup
        .post_form("/account", "/account/language", &[("language", "zh-CN")])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    let dir = tempfile::tempdir().unwrap();
    let bytes = sup
        .client
        .get("/supplier/batches/1/answers.xlsx")
        .dispatch()
        .await
        .into_bytes()
        .await
        .unwrap();
    let sheet = dir.path().join("sheet.xlsx");
    std::fs::write(&sheet, bytes).unwrap();
    // Read by openpyxl: the help sheet in Chinese, the keywords English, the drop-down's
    // prompt in Chinese; then the first row answered with the keyword.
    let seen = dir.path().join("seen.txt");
    let filled = dir.path().join("filled.xlsx");
    python(
        "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nhelp = wb.worksheets[1]\nrows = [r for r in help.iter_rows(values_only=True) if r[0]]\ndv = wb.worksheets[0].data_validations.dataValidation[0]\nopen(sys.argv[2], 'w').write('\\n'.join([','.join(wb.sheetnames), dv.promptTitle, dv.prompt] + ['|'.join(str(c) for c in r if c) for r in rows]))\nwb.worksheets[0]['D2'] = 'accepted'\nwb.save(sys.argv[3])",
        &[
            sheet.to_str().unwrap(),
            seen.to_str().unwrap(),
            filled.to_str().unwrap(),
        ],
    );
    let seen = std::fs::read_to_string(&seen).unwrap();
    let zh = Lang::ZhHans;
    let lines: Vec<&str> = seen.lines().collect();
    assert_eq!(lines[0], format!("answers,{}", zh.t("sheet-help-name")), "{seen}");
    assert_eq!(lines[1], zh.t("sheet-input-title"), "{seen}");
    assert_eq!(lines[2], zh.t("sheet-input-message"), "{seen}");
    assert!(
        lines.contains(&format!("accepted|{}", zh.t("sheet-help-accepted")).as_str()),
        "{seen}"
    );
    assert!(
        lines.contains(&format!("already_shipped|{}", zh.t("sheet-help-already_shipped")).as_str()),
        "{seen}"
    );
    // Sent back, the English keyword is read whatever the language; the answer is said in it.
    let page = upload(&sup, "filled.xlsx", &std::fs::read(&filled).unwrap()).await;
    assert!(page.contains("已应用 filled.xlsx 中的 1 行"), "{page}");
    assert_eq!(
        answers(&app).await.iter().filter(|a| a.1 == "accepted").count(),
        1
    );
}
