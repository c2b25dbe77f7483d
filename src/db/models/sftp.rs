//! SFTP logins (per supplier), their authorized public keys, and processed inbox uploads.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{sftp_keys, sftp_logins, sftp_uploads};

/// A factory system's login to its supplier's drop.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = sftp_logins)]
pub struct SftpLogin {
    pub id: i64,
    pub workspace_id: i64,
    pub supplier_id: i64,
    pub username: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Address ranges allowed to log in (CIDR, comma-separated; empty = any).
    pub allowed_networks: String,
    pub disabled: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

/// An authorized public key.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = sftp_keys)]
pub struct SftpKey {
    pub id: i64,
    pub login_id: i64,
    /// The key in OpenSSH form (`ssh-ed25519 AAAA…`), without the comment.
    pub public_key: String,
    /// `SHA256:…`, as `ssh-keygen -lf` prints it.
    pub fingerprint: String,
    pub comment: String,
    pub created_at: NaiveDateTime,
}

/// A processed upload and its result file.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = sftp_uploads)]
pub struct SftpUpload {
    pub id: i64,
    pub supplier_id: i64,
    pub login: String,
    pub name: String,
    pub bytes: i64,
    pub sha256: String,
    /// `applied` or `refused`.
    pub outcome: String,
    pub result_name: String,
    pub result: String,
    pub created_at: NaiveDateTime,
}

/// Creates a login.
pub fn create_login(
    conn: &mut AnyConnection,
    workspace_id: i64,
    supplier_id: i64,
    username: &str,
    password_hash: Option<&str>,
    allowed_networks: &str,
    created_by: &str,
) -> QueryResult<i64> {
    diesel::insert_into(sftp_logins::table)
        .values((
            sftp_logins::workspace_id.eq(workspace_id),
            sftp_logins::supplier_id.eq(supplier_id),
            sftp_logins::username.eq(username),
            sftp_logins::password_hash.eq(password_hash),
            sftp_logins::allowed_networks.eq(allowed_networks),
            sftp_logins::created_by.eq(created_by),
            sftp_logins::created_at.eq(super::now()),
        ))
        .returning(sftp_logins::id)
        .get_result(conn)
}

/// A login by user name.
pub fn find_login(conn: &mut AnyConnection, username: &str) -> QueryResult<Option<SftpLogin>> {
    sftp_logins::table
        .filter(sftp_logins::username.eq(username))
        .select(SftpLogin::as_select())
        .first(conn)
        .optional()
}

/// Whether a login may still act: it exists, is enabled, and its supplier is not archived.
pub fn login_active(conn: &mut AnyConnection, login_id: i64) -> QueryResult<bool> {
    use crate::db::schema::suppliers;
    let row: Option<(bool, bool)> = sftp_logins::table
        .inner_join(suppliers::table.on(suppliers::id.eq(sftp_logins::supplier_id)))
        .filter(sftp_logins::id.eq(login_id))
        .select((sftp_logins::disabled, suppliers::archived))
        .first(conn)
        .optional()?;
    Ok(matches!(row, Some((false, false))))
}

/// The result file's name for upload `id` of `name`: always a name the drop serves back
/// (letters, digits, `.`, `_`, `-`; at most 128 characters), however long or odd the upload's.
pub fn result_name(id: i64, name: &str) -> String {
    const SUFFIX: &str = ".result.csv";
    let prefix = format!("{id:06}-");
    let room = 128 - prefix.len() - SUFFIX.len();
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(room)
        .collect();
    format!("{prefix}{stem}{SUFFIX}")
}

/// A processed upload's name in `/archive`: its upload number first, so a file sent every day
/// as `acks.csv` is kept once per day; shortened to 255 bytes (a file name's limit).
pub fn archived_name(upload_id: i64, name: &str) -> String {
    let mut n = format!("{upload_id:06}-{name}");
    while n.len() > 255 {
        n.pop();
    }
    n
}

/// A supplier's logins.
pub fn logins_of(conn: &mut AnyConnection, supplier_id: i64) -> QueryResult<Vec<SftpLogin>> {
    sftp_logins::table
        .filter(sftp_logins::supplier_id.eq(supplier_id))
        .order(sftp_logins::id)
        .select(SftpLogin::as_select())
        .load(conn)
}

/// A login's keys.
pub fn keys_of(conn: &mut AnyConnection, login_id: i64) -> QueryResult<Vec<SftpKey>> {
    sftp_keys::table
        .filter(sftp_keys::login_id.eq(login_id))
        .order(sftp_keys::id)
        .select(SftpKey::as_select())
        .load(conn)
}

/// Adds a key to a login (false when it is there already).
pub fn add_key(
    conn: &mut AnyConnection,
    login_id: i64,
    public_key: &str,
    fingerprint: &str,
    comment: &str,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        sftp_keys::table
            .filter(sftp_keys::login_id.eq(login_id))
            .filter(sftp_keys::fingerprint.eq(fingerprint)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(sftp_keys::table)
        .values((
            sftp_keys::login_id.eq(login_id),
            sftp_keys::public_key.eq(public_key),
            sftp_keys::fingerprint.eq(fingerprint),
            sftp_keys::comment.eq(comment),
            sftp_keys::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Removes a key of a login.
pub fn remove_key(conn: &mut AnyConnection, login_id: i64, key_id: i64) -> QueryResult<usize> {
    diesel::delete(
        sftp_keys::table
            .filter(sftp_keys::id.eq(key_id))
            .filter(sftp_keys::login_id.eq(login_id)),
    )
    .execute(conn)
}

/// Turns a login on or off.
pub fn set_disabled(conn: &mut AnyConnection, login_id: i64, disabled: bool) -> QueryResult<usize> {
    diesel::update(sftp_logins::table.find(login_id))
        .set(sftp_logins::disabled.eq(disabled))
        .execute(conn)
}

/// Sets a login's password hash.
pub fn set_password(conn: &mut AnyConnection, login_id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(sftp_logins::table.find(login_id))
        .set(sftp_logins::password_hash.eq(Some(hash)))
        .execute(conn)
}

/// Records a successful login.
pub fn touch_login(conn: &mut AnyConnection, login_id: i64) -> QueryResult<usize> {
    diesel::update(sftp_logins::table.find(login_id))
        .set(sftp_logins::last_login_at.eq(Some(super::now())))
        .execute(conn)
}

/// A processed upload to record.
pub struct NewUpload<'a> {
    pub supplier_id: i64,
    pub login: &'a str,
    pub name: &'a str,
    pub bytes: i64,
    pub sha256: &'a str,
    pub outcome: &'a str,
    pub result: &'a str,
}

/// Records a processed upload; returns its id (the result file's name is derived from it).
pub fn record_upload(conn: &mut AnyConnection, u: &NewUpload<'_>) -> QueryResult<SftpUpload> {
    let id: i64 = diesel::insert_into(sftp_uploads::table)
        .values((
            sftp_uploads::supplier_id.eq(u.supplier_id),
            sftp_uploads::login.eq(u.login),
            sftp_uploads::name.eq(u.name),
            sftp_uploads::bytes.eq(u.bytes),
            sftp_uploads::sha256.eq(u.sha256),
            sftp_uploads::outcome.eq(u.outcome),
            sftp_uploads::result_name.eq(""),
            sftp_uploads::result.eq(u.result),
            sftp_uploads::created_at.eq(super::now()),
        ))
        .returning(sftp_uploads::id)
        .get_result(conn)?;
    let result_name = result_name(id, u.name);
    diesel::update(sftp_uploads::table.find(id))
        .set(sftp_uploads::result_name.eq(&result_name))
        .execute(conn)?;
    sftp_uploads::table
        .find(id)
        .select(SftpUpload::as_select())
        .first(conn)
}

/// A supplier's processed uploads, newest first.
pub fn uploads_of(conn: &mut AnyConnection, supplier_id: i64, limit: i64) -> QueryResult<Vec<SftpUpload>> {
    sftp_uploads::table
        .filter(sftp_uploads::supplier_id.eq(supplier_id))
        .order(sftp_uploads::id.desc())
        .limit(limit)
        .select(SftpUpload::as_select())
        .load(conn)
}

/// A supplier's result file by name.
pub fn result_by_name(
    conn: &mut AnyConnection,
    supplier_id: i64,
    name: &str,
) -> QueryResult<Option<SftpUpload>> {
    sftp_uploads::table
        .filter(sftp_uploads::supplier_id.eq(supplier_id))
        .filter(sftp_uploads::result_name.eq(name))
        .select(SftpUpload::as_select())
        .first(conn)
        .optional()
}

/// The latest upload of a supplier under a name, processed since `since`.
pub fn latest_named(
    conn: &mut AnyConnection,
    supplier_id: i64,
    name: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<SftpUpload>> {
    sftp_uploads::table
        .filter(sftp_uploads::supplier_id.eq(supplier_id))
        .filter(sftp_uploads::name.eq(name))
        .filter(sftp_uploads::created_at.ge(since))
        .order(sftp_uploads::id.desc())
        .select(SftpUpload::as_select())
        .first(conn)
        .optional()
}
