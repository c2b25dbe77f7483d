//! Artwork checked as orders arrive: after a sync or a webhook brings new orders, the files
//! their SKU rules name that no check has seen yet are fetched and checked in the background,
//! so a missing or unusable file shows on the artwork page before anyone tries to buy a label,
//! and a purchase does not wait on fetching it.

use crate::db::models::artwork;
use crate::db::models::supplier::SkuRule;

use super::{Artworks, needs};
use crate::domain::DomainError;

impl Artworks {
    /// Checks the artwork of the workspace's orders awaiting shipment that no check has seen
    /// yet (a file checked before, good or not, is left to the purchase, the order's page and
    /// "Check every file again"). Returns how many files were checked. One process at a time
    /// per workspace; a second caller returns 0 at once.
    pub async fn check_ahead(&self, workspace_id: i64) -> Result<usize, DomainError> {
        let Some(held) =
            crate::domain::leases::take(&self.pool, format!("artwork:{workspace_id}:ahead")).await?
        else {
            return Ok(0);
        };
        let result = self.check_unseen(workspace_id).await;
        held.release().await;
        result
    }

    async fn check_unseen(&self, workspace_id: i64) -> Result<usize, DomainError> {
        let unseen = self
            .pool
            .query(move |c| {
                // A workspace that turned the pre-flight off checks nothing: no need to look.
                if !crate::db::models::workspace::Workspace::find(c, workspace_id)?.artwork_check {
                    return Ok(Vec::new());
                }
                let rules = SkuRule::by_id(c, workspace_id)?;
                let units = artwork::awaiting_units(c, workspace_id)?;
                let all = needs(
                    units
                        .iter()
                        .filter_map(|(sku, rule)| Some((sku.as_str(), rules.get(rule)?))),
                );
                let seen = artwork::of_urls(c, workspace_id, &super::distinct_urls(&all))?;
                Ok::<_, diesel::result::Error>(
                    all.into_iter()
                        .filter(|n| !seen.contains_key(&n.url))
                        .collect::<Vec<_>>(),
                )
            })
            .await?;
        let files = super::distinct_urls(&unseen).len();
        if files > 0 {
            self.problems(workspace_id, &unseen).await?;
            tracing::info!(
                workspace = workspace_id,
                files,
                "artwork of new orders checked ahead"
            );
        }
        Ok(files)
    }

    /// [`check_ahead`](Self::check_ahead) in the background; what goes wrong is logged.
    pub fn spawn_check_ahead(&self, workspace_id: i64) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.check_ahead(workspace_id).await {
                tracing::warn!(workspace = workspace_id, error = %e, "checking new orders' artwork failed");
            }
        });
    }
}
