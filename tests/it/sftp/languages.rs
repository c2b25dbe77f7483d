//! Result files in the language the supplier chose: the message column is theirs, the columns
//! and the keywords a program reads stay English.

use super::*;

#[rocket::async_test]
async fn a_result_file_explains_itself_in_the_supplier_s_language_with_english_keywords() {
    let d = drop_with_batch(15).await;
    let r = d
        .sup
        .post_form("/supplier", "/supplier/language", &[("language", "vi")])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    let pkgs = package_ids(&d.app).await;
    let bad = format!(
        "package_id,status,reason,expected_date\n{},accepted,,\n999,accepted,,\n{},acepted,,\n",
        pkgs[0], pkgs[1]
    );
    std::fs::write(d.tmp.path().join("trả lời.csv"), bad).unwrap();
    let (ok, out) = sftp_key(
        &d,
        &d.key,
        "shirtco-erp",
        "put \"trả lời.csv\" \"/inbox/trả lời.csv\"\n",
        &[],
    );
    assert!(ok, "{out}");
    let result: String = d
        .app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::sftp_uploads::dsl::*;
            sftp_uploads.select(result_name).first(c)
        })
        .await;
    let (ok, out) = sftp_key(
        &d,
        &d.key,
        "shirtco-erp",
        &format!("get \"/results/{result}\"\n"),
        &[],
    );
    assert!(ok, "{out}");
    let report = std::fs::read_to_string(d.tmp.path().join(&result)).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines[0], "line,result,package_id,order_id,status,message",
        "{report}"
    );
    assert_eq!(
        lines[1], "3,refused,,,,kiện 999 không nằm trong lô nào đã phát hành cho bạn",
        "{report}"
    );
    assert!(
        lines[2].starts_with("4,refused,,,,\"trạng thái “acepted” không phải một trong accepted,"),
        "{report}"
    );
    assert!(
        lines[3].starts_with(",not_applied,,,,1 dòng đúng không được áp dụng"),
        "{report}"
    );
    // The portal's person reads the same reasons, in their own language (English here).
    let (_, page) = d.sup.get("/supplier/sftp").await;
    assert!(page.contains("line 3: kiện 999"), "{page}");
}
