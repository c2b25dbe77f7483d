//! Moving a package its supplier rejected to another supplier. The label was bought for the
//! first supplier's ship-from address, so it can only go to a supplier that makes every item of
//! the package (a catalog rule matches each SKU) and ships from that same address; any other
//! supplier needs the label voided and a new one bought, which the choices say, with the cost.

use crate::db::AnyConnection;
use crate::db::models::audit::{self, Actor};
use crate::db::models::package::{self, Package};
use crate::db::models::status::AckStatus;
use crate::db::models::supplier::Supplier;
use crate::db::models::{batch, order};

use super::Batches;
use crate::domain::factory_webhooks::WebhookEvent;
use crate::domain::routing::Router;
use crate::domain::{DomainError, seller_workspace};

/// A supplier the package could go to.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RerouteChoice {
    pub supplier_id: i64,
    pub name: String,
    /// Ships from the address on the label: the label goes with the package.
    pub ships_with_label: bool,
}

/// What the re-route page offers for one rejected package.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RerouteOptions {
    pub package: Package,
    pub tiktok_order_id: String,
    /// The supplier that rejected it.
    pub supplier: String,
    pub rejection: Option<String>,
    /// Whether the package is rejected and still in its batch (only then can it move).
    pub movable: bool,
    /// Suppliers that make every item and ship from the label's address.
    pub with_label: Vec<RerouteChoice>,
    /// Suppliers that make every item but ship from elsewhere: a new label is needed.
    pub new_label: Vec<RerouteChoice>,
    /// The seller SKUs of the package's units.
    pub skus: Vec<String>,
    /// What the label cost (a new one costs about as much).
    pub label_cost: String,
}

/// Ship-from addresses compared as people write them: case, spacing and punctuation aside.
fn same_address(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split(|c: char| c.is_whitespace() || matches!(c, ',' | '.'))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    norm(a) == norm(b)
}

fn options(c: &mut AnyConnection, ws: i64, package_id: i64) -> Result<RerouteOptions, DomainError> {
    let p = crate::domain::labels::jobs::owned(c, ws, package_id)?;
    let o = order::find_in_workspace(c, ws, p.order_id)?.ok_or(DomainError::NotFound)?;
    let current = Supplier::find_in_workspace(c, ws, p.supplier_id)?.ok_or(DomainError::NotFound)?;
    let units: Vec<i64> = p.unit_ids().collect();
    let skus: Vec<String> = order::items(c, o.id)?
        .into_iter()
        .filter(|i| units.contains(&i.id))
        .map(|i| i.seller_sku)
        .collect();
    let router = Router::load(c, ws)?;
    let bp = batch::active_of_package(c, p.id)?;
    let (mut with_label, mut new_label) = (Vec::new(), Vec::new());
    for s in Supplier::list(c, ws)?
        .into_iter()
        .filter(|s| !s.archived && s.id != current.id)
    {
        if !skus.iter().all(|sku| router.makers(sku).contains(&s.id)) {
            continue;
        }
        // The label's sender is the order's TikTok warehouse: a supplier linked to another
        // warehouse needs a new label even at a similar-looking address.
        let ships_with_label = same_address(&s.ship_from, &current.ship_from)
            && crate::domain::shops::warehouses::fit(&s, &o)
                != crate::domain::shops::warehouses::Fit::Elsewhere;
        let choice = RerouteChoice {
            supplier_id: s.id,
            name: s.name,
            ships_with_label,
        };
        if ships_with_label {
            with_label.push(choice);
        } else {
            new_label.push(choice);
        }
    }
    Ok(RerouteOptions {
        label_cost: format!(
            "{} {}",
            p.price.clone().unwrap_or_default(),
            p.currency.clone().unwrap_or_default()
        )
        .trim()
        .to_string(),
        movable: bp.as_ref().is_some_and(|b| b.ack_status == AckStatus::Rejected),
        rejection: bp.and_then(|b| b.ack_reason),
        tiktok_order_id: o.tiktok_order_id,
        supplier: current.name,
        package: p,
        with_label,
        new_label,
        skus,
    })
}

impl Batches {
    /// The suppliers a rejected package can move to, and those that would need a new label.
    pub async fn reroute_options(
        &self,
        actor: &Actor,
        package_id: i64,
    ) -> Result<RerouteOptions, DomainError> {
        let ws = seller_workspace(actor)?;
        self.pool.run(move |c| options(c, ws, package_id)).await
    }

    /// Moves a package a supplier rejected to another supplier that makes it and ships from the
    /// label's address: its label leaves the batch and joins that supplier's next one. Returns
    /// the new supplier's name.
    pub async fn reroute_package(
        &self,
        actor: &Actor,
        package_id: i64,
        supplier_id: i64,
    ) -> Result<String, DomainError> {
        let ws = seller_workspace(actor)?;
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let opts = options(c, ws, package_id)?;
                    let p = &opts.package;
                    let to = Supplier::find_in_workspace(c, ws, supplier_id)?
                        .filter(|s| !s.archived)
                        .ok_or_else(|| DomainError::invalid("supplier", "Choose an active supplier."))?;
                    if !opts.movable || to.id == p.supplier_id {
                        return Err(DomainError::Conflict(
                            "Only a package its supplier rejected can be moved to another supplier.".into(),
                        ));
                    }
                    if opts.new_label.iter().any(|s| s.supplier_id == to.id) {
                        return Err(DomainError::Conflict(format!(
                            "{} ships from another address or TikTok warehouse than this label's: void this label and buy a new one for {} (this one cost {}).",
                            to.name, to.name, opts.label_cost
                        )));
                    }
                    if !opts.with_label.iter().any(|s| s.supplier_id == to.id) {
                        return Err(DomainError::Conflict(format!(
                            "{} has no catalog rule for {}: add one on the Catalog page first.",
                            to.name,
                            opts.skus.join(", ")
                        )));
                    }
                    if let Some(bp) = batch::active_of_package(c, p.id)? {
                        batch::deactivate(c, bp.id)?;
                        // The supplier that rejected it: its systems can close the job.
                        let b = batch::find(c, bp.batch_id)?;
                        super::handoff::tell_systems(
                            c,
                            p.supplier_id,
                            WebhookEvent::PackageRerouted,
                            &b,
                            &opts.tiktok_order_id,
                            p,
                            "moved_to_another_supplier",
                        )?;
                    }
                    package::move_to_supplier(c, p.id, to.id, &p.unit_ids().collect::<Vec<_>>())?;
                    let tt = p.tiktok_package_id.clone().unwrap_or_default();
                    order::add_event(
                        c,
                        p.order_id,
                        "routing",
                        &format!(
                            "Package {tt} moved from {} to {} by {} after a rejection; its label goes in {}'s next batch",
                            opts.supplier, to.name, actor.label, to.name
                        ),
                        &actor.label,
                        actor.channel.as_str(),
                    )?;
                    audit::record(c, &actor, Some(ws), "package.reroute", &format!("package:{package_id}"), &to.name)?;
                    Ok(to.name)
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::same_address;

    #[test]
    fn addresses_match_as_people_write_them() {
        assert!(same_address(
            "1 Factory Way\nReno NV 89502",
            "1 factory way, Reno  NV 89502."
        ));
        assert!(!same_address(
            "1 Factory Way\nReno NV 89502",
            "9 Mill Road\nAustin TX 78701"
        ));
    }
}
