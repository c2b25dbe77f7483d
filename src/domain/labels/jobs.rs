//! What the seller reads about label jobs and packages: a job's packages with their TikTok
//! order ids, one package of the workspace, and the recorded reprint of a label.

use crate::db::AnyConnection;
use crate::db::models::audit::Actor;
use crate::db::models::order;
use crate::db::models::package::{self, Package};

use super::{Labels, seller_workspace};
use crate::domain::DomainError;

/// A package of the workspace, or NotFound (also for another workspace's: no one learns it exists).
pub fn owned(conn: &mut AnyConnection, workspace_id: i64, id: i64) -> Result<Package, DomainError> {
    package::find_in_workspace(conn, workspace_id, id)?.ok_or(DomainError::NotFound)
}

/// One package of a job, with the order's TikTok id for the page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobPackage {
    pub pkg: Package,
    pub tiktok_order_id: String,
}

impl Labels {
    /// Every package of one of the workspace's jobs, in order (NotFound for another's job).
    pub async fn job_packages(&self, workspace_id: i64, job_id: i64) -> Result<Vec<Package>, DomainError> {
        self.pool
            .run(move |c| {
                if package::job_workspace(c, job_id)? != Some(workspace_id) {
                    return Err(DomainError::NotFound);
                }
                Ok(package::of_job(c, job_id)?)
            })
            .await
    }

    /// These packages with their orders' TikTok ids.
    pub async fn with_order_ids(&self, packages: Vec<Package>) -> Result<Vec<JobPackage>, DomainError> {
        let ids: Vec<i64> = packages.iter().map(|p| p.order_id).collect();
        let names = self.pool.query(move |c| order::tiktok_ids(c, &ids)).await?;
        Ok(packages
            .into_iter()
            .map(|pkg| JobPackage {
                tiktok_order_id: names.get(&pkg.order_id).cloned().unwrap_or_default(),
                pkg,
            })
            .collect())
    }

    /// One package of the workspace.
    pub async fn package(&self, workspace_id: i64, id: i64) -> Result<Package, DomainError> {
        self.pool.run(move |c| owned(c, workspace_id, id)).await
    }

    /// Records that the seller reprinted a package's label, on the order's timeline.
    pub async fn record_reprint(&self, actor: &Actor, id: i64) -> Result<Package, DomainError> {
        let ws = seller_workspace(actor)?;
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let p = owned(c, ws, id)?;
                    package::count_reprint(c, id)?;
                    order::add_event(
                        c,
                        p.order_id,
                        "reprint",
                        &format!(
                            "Label of package {} reprinted",
                            p.tiktok_package_id.clone().unwrap_or_default()
                        ),
                        &actor.label,
                        actor.channel.as_str(),
                    )?;
                    Ok(p)
                })
            })
            .await
    }
}
