//! Processing an acknowledgement file that arrived in a supplier's inbox: parse it (CSV, text,
//! xlsx or JSON), apply every line through the same domain function as the web portal — or none when
//! any line is bad — write a result file listing each line as applied or refused, and move the
//! file from `/inbox` to `/archive` (so the inbox holds only what is still to come).

use sha2::{Digest, Sha256};

use crate::db::models::audit::{self, Actor};
use crate::db::models::sftp::{self, NewUpload, SftpLogin};
use crate::db::models::supplier::Supplier;
use crate::domain::DomainError;
use crate::domain::batches::ackfile;
use crate::domain::batches::acks::{AckError, LineError};
use crate::i18n::{Lang, Msg};

use super::Gateway;

/// Processes `/inbox/<name>` (already stored complete under its final name).
pub async fn process(gw: &Gateway, login: &SftpLogin, actor: &Actor, name: &str) {
    let path = gw.inbox_path(login.supplier_id, name);
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, file = name, "SFTP upload vanished before processing");
            return;
        }
    };
    let sha = hex::encode(Sha256::digest(&bytes));
    // The result file is written in the language the supplier chose for its files.
    let (ws, sid) = (login.workspace_id, login.supplier_id);
    let lang = gw
        .pool
        .query(move |c| Supplier::find_in_workspace(c, ws, sid))
        .await
        .ok()
        .flatten()
        .map_or(Lang::En, |s| s.lang());
    let (outcome, result) = match gw
        .batches
        .acknowledge_file(actor, login.supplier_id, name, &bytes)
        .await
    {
        Ok(done) => (
            "applied",
            ackfile::result_csv(lang, &done.applied, &[], 0, &done.unanswered),
        ),
        Err(AckError::Refused(r)) => (
            "refused",
            ackfile::result_csv(lang, &[], &r.lines, r.not_applied, &[]),
        ),
        Err(e @ AckError::CountChanged { .. }) => {
            tracing::error!(error = %e, file = name, "a file is never an accept-all");
            ("refused", String::new())
        }
        Err(AckError::Domain(e)) => {
            tracing::error!(error = %e, file = name, "SFTP acknowledgement file could not be applied");
            (
                "refused",
                ackfile::result_csv(
                    lang,
                    &[],
                    &[LineError {
                        line: 0,
                        message: Msg::new("result-try-again"),
                    }],
                    0,
                    &[],
                ),
            )
        }
    };
    let (supplier, login_name, file) = (login.supplier_id, login.username.clone(), name.to_string());
    let len = bytes.len() as i64;
    let actor = actor.clone();
    let r = gw
        .pool
        .run(move |c| {
            let u = sftp::record_upload(
                c,
                &NewUpload {
                    supplier_id: supplier,
                    login: &login_name,
                    name: &file,
                    bytes: len,
                    sha256: &sha,
                    outcome,
                    result: &result,
                },
            )?;
            audit::record(
                c,
                &actor,
                None,
                "sftp.upload",
                &format!("sftp_upload:{}", u.id),
                &format!(
                    "{file} ({len} bytes): {outcome}; result in /results/{}; file in /archive/{}",
                    u.result_name,
                    sftp::archived_name(u.id, &file)
                ),
            )?;
            Ok::<_, DomainError>(u.id)
        })
        .await;
    match r {
        Ok(id) => {
            let archived = sftp::archived_name(id, name);
            if archive(gw, login.supplier_id, &path, &archived)
                && let Err(e) = gw.commit_archived(login.supplier_id, &archived).await
            {
                tracing::warn!(error = %e, file = archived, "a processed SFTP upload is on this node only");
            }
        }
        Err(e) => tracing::error!(error = %e, "could not record an SFTP upload"),
    }
}

/// Moves a processed upload into the supplier's archive; false when it could not (it then
/// stays in the inbox: processed, recorded, not processed again; logged).
fn archive(gw: &Gateway, supplier_id: i64, from: &std::path::Path, archived: &str) -> bool {
    let moved = std::fs::create_dir_all(gw.archive_dir(supplier_id))
        .and_then(|_| std::fs::rename(from, gw.archive_path(supplier_id, archived)));
    if let Err(e) = &moved {
        tracing::warn!(error = %e, file = archived, "a processed SFTP upload stayed in the inbox");
    }
    moved.is_ok()
}
