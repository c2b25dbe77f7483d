//! SFTP logins for a supplier's factory systems, managed by the supplier's people in the
//! portal: a login has a generated password (shown once; argon2id at rest) and/or public keys
//! pasted from the factory, optional allowed address ranges, and can be disabled.

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor, AuditEvent};
use crate::db::models::sftp::{self, SftpKey, SftpLogin};

use super::{DomainError, passwords};

/// Checks address ranges (`10.0.0.0/8, 203.0.113.7`); returns them normalized.
pub fn parse_networks(s: &str) -> Result<Vec<ipnet::IpNet>, DomainError> {
    s.split([',', '\n', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| {
            x.parse::<ipnet::IpNet>()
                .or_else(|_| x.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    DomainError::invalid(
                        "allowed_networks",
                        crate::i18n::Msg::new("sftp-bad-network").arg("value", x),
                    )
                })
        })
        .collect()
}

/// Whether an address may use a login.
pub fn network_allows(allowed: &str, ip: Option<std::net::IpAddr>) -> bool {
    let nets = parse_networks(allowed).unwrap_or_default();
    nets.is_empty() || ip.is_some_and(|ip| nets.iter().any(|n| n.contains(&ip)))
}

/// A new login; returns its id and, when asked for, the generated password (shown once).
pub async fn create(
    pool: &DbPool,
    actor: &Actor,
    supplier_id: Option<i64>,
    username: &str,
    with_password: bool,
    allowed_networks: &str,
) -> Result<(i64, Option<String>), DomainError> {
    let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
    let username = username.trim().to_ascii_lowercase();
    if !(3..=32).contains(&username.len())
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(DomainError::invalid(
            "username",
            crate::i18n::Msg::new("sftp-bad-username"),
        ));
    }
    let nets: Vec<String> = parse_networks(allowed_networks)?
        .iter()
        .map(ToString::to_string)
        .collect();
    let password = with_password.then(|| crate::crypto::new_token()[..24].to_string());
    let hash = match &password {
        Some(p) => Some(passwords::hash(p).await?),
        None => None,
    };
    let actor = actor.clone();
    let id = pool
        .run(move |c| {
            crate::db::write_tx(c, |c| {
                if sftp::find_login(c, &username)?.is_some() {
                    return Err(DomainError::invalid(
                        "username",
                        crate::i18n::Msg::new("sftp-username-taken"),
                    ));
                }
                let id = sftp::create_login(
                    c,
                    ws,
                    sid,
                    &username,
                    hash.as_deref(),
                    &nets.join(", "),
                    &actor.label,
                )?;
                audit::record(
                    c,
                    &actor,
                    Some(ws),
                    "sftp.login_created",
                    &format!("sftp_login:{id}"),
                    &username,
                )?;
                Ok(id)
            })
        })
        .await?;
    Ok((id, password))
}

/// The actor's supplier's login by id.
async fn own_login(pool: &DbPool, sid: i64, login_id: i64) -> Result<SftpLogin, DomainError> {
    pool.run(move |c| {
        sftp::logins_of(c, sid)?
            .into_iter()
            .find(|l| l.id == login_id)
            .ok_or(DomainError::NotFound)
    })
    .await
}

/// Adds a public key (`ssh-ed25519 AAAA… comment`) to a login.
pub async fn add_key(
    pool: &DbPool,
    actor: &Actor,
    supplier_id: Option<i64>,
    login_id: i64,
    key: &str,
) -> Result<String, DomainError> {
    let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
    let login = own_login(pool, sid, login_id).await?;
    let parsed = russh::keys::PublicKey::from_openssh(key.trim())
        .map_err(|_| DomainError::invalid("public_key", crate::i18n::Msg::new("sftp-bad-key")))?;
    let fp = parsed.fingerprint(russh::keys::HashAlg::Sha256).to_string();
    let comment = parsed.comment().to_string();
    let mut bare = parsed.clone();
    bare.set_comment("");
    let canonical = bare
        .to_openssh()
        .map_err(|e| DomainError::Internal(e.to_string()))?
        .trim()
        .to_string();
    let actor = actor.clone();
    let fp2 = fp.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            if !sftp::add_key(c, login.id, &canonical, &fp2, &comment)? {
                return Err(DomainError::invalid(
                    "public_key",
                    crate::i18n::Msg::new("sftp-key-exists"),
                ));
            }
            audit::record(
                c,
                &actor,
                Some(ws),
                "sftp.key_added",
                &format!("sftp_login:{}", login.id),
                &fp2,
            )?;
            Ok(())
        })
    })
    .await?;
    Ok(fp)
}

/// Removes a key from a login.
pub async fn remove_key(
    pool: &DbPool,
    actor: &Actor,
    supplier_id: Option<i64>,
    login_id: i64,
    key_id: i64,
) -> Result<(), DomainError> {
    let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
    let login = own_login(pool, sid, login_id).await?;
    let actor = actor.clone();
    pool.run(move |c| {
        if sftp::remove_key(c, login.id, key_id)? == 0 {
            return Err(DomainError::NotFound);
        }
        audit::record(
            c,
            &actor,
            Some(ws),
            "sftp.key_removed",
            &format!("sftp_login:{}", login.id),
            "",
        )?;
        Ok(())
    })
    .await
}

/// Disables or enables a login.
pub async fn set_disabled(
    pool: &DbPool,
    actor: &Actor,
    supplier_id: Option<i64>,
    login_id: i64,
    disabled: bool,
) -> Result<(), DomainError> {
    let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
    let login = own_login(pool, sid, login_id).await?;
    let actor = actor.clone();
    pool.run(move |c| {
        sftp::set_disabled(c, login.id, disabled)?;
        let what = if disabled {
            "sftp.login_disabled"
        } else {
            "sftp.login_enabled"
        };
        audit::record(
            c,
            &actor,
            Some(ws),
            what,
            &format!("sftp_login:{}", login.id),
            &login.username,
        )?;
        Ok(())
    })
    .await
}

/// A supplier's logins with their keys.
pub async fn list(pool: &DbPool, supplier_id: i64) -> Result<Vec<(SftpLogin, Vec<SftpKey>)>, DomainError> {
    pool.run(move |c| {
        let mut out = Vec::new();
        for l in sftp::logins_of(c, supplier_id)? {
            let k = sftp::keys_of(c, l.id)?;
            out.push((l, k));
        }
        Ok(out)
    })
    .await
}

/// The last week's failed sign-ins to a supplier's SFTP logins and its people's web accounts
/// (newest first, at most 50): so a factory sees someone trying its doors.
pub async fn recent_failures(pool: &DbPool, supplier_id: i64) -> Result<Vec<AuditEvent>, DomainError> {
    pool.run(move |c| {
        let mut subjects: Vec<String> = sftp::logins_of(c, supplier_id)?
            .into_iter()
            .map(|l| format!("sftp_user:{}", l.username))
            .collect();
        let emails = crate::db::models::user::User::emails_of_supplier(c, supplier_id)?;
        subjects.extend(emails.into_iter().map(|e| format!("account:{e}")));
        let since = crate::db::models::now() - chrono::Duration::days(7);
        Ok(audit::failed_sign_ins(c, &subjects, since, 50)?)
    })
    .await
}

/// A processed upload as the supplier's SFTP page shows it: what happened and, when refused,
/// why (each refused line with its number), without opening the result file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UploadOutcome {
    #[serde(flatten)]
    pub upload: sftp::SftpUpload,
    /// Where the file went once processed.
    pub archived_as: String,
    /// Lines applied (for an applied file).
    pub applied: usize,
    /// "line 3: …" for every refused line, then how many good lines were not applied.
    pub reasons: Vec<String>,
}

/// A supplier's latest processed uploads with their outcome and reasons, newest first.
pub async fn recent_uploads(
    pool: &DbPool,
    supplier_id: i64,
    limit: i64,
    lang: crate::i18n::Lang,
) -> Result<Vec<UploadOutcome>, DomainError> {
    let uploads = pool
        .query(move |c| sftp::uploads_of(c, supplier_id, limit))
        .await?;
    Ok(uploads
        .into_iter()
        .map(|u| {
            let (applied, reasons) = crate::domain::batches::ackfile::read_result(lang, &u.result);
            UploadOutcome {
                archived_as: sftp::archived_name(u.id, &u.name),
                applied,
                reasons,
                upload: u,
            }
        })
        .collect())
}
