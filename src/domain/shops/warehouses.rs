//! Where a label ships from. A TikTok label's sender is the order's warehouse (`warehouse_id`
//! on the order); with several POD suppliers each shipping from its own facility, a supplier is
//! linked to the TikTok warehouse registered for its address, and a label is bought for a
//! supplier only when the order's warehouse is one of its own — otherwise the label shows
//! another ship-from, returns go to the wrong place and postage is rated from the wrong ZIP.
//! A supplier not linked yet is not checked (podgate cannot know); the page suggests a link.

use crate::db::models::audit::{self, Actor};
use crate::db::models::order::Order;
use crate::db::models::shop::Shop;
use crate::db::models::supplier::Supplier;
use tiktok::types::Warehouse;

use super::Shops;
use crate::domain::DomainError;

/// How a supplier fits an order's warehouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// The order ships from one of the supplier's warehouses.
    Linked,
    /// The supplier is linked to no warehouse yet, or the order names none.
    Unknown,
    /// The supplier's warehouses are others: its label would show another sender.
    Elsewhere,
}

/// How `supplier` fits `order`'s warehouse.
pub fn fit(supplier: &Supplier, order: &Order) -> Fit {
    let ids = supplier.warehouse_ids();
    if ids.is_empty() || order.warehouse_id.is_empty() {
        Fit::Unknown
    } else if ids.contains(&order.warehouse_id.as_str()) {
        Fit::Linked
    } else {
        Fit::Elsewhere
    }
}

/// Why a label must not be bought for `supplier`, if it must not.
pub fn refusal(supplier: &Supplier, order: &Order) -> Option<String> {
    (fit(supplier, order) == Fit::Elsewhere).then(|| {
        format!(
            "This order ships from TikTok warehouse {}, but {} is linked to warehouse {}: its label would show another ship-from address. Route the units to the supplier of warehouse {}, or link {} to it on its page.",
            order.warehouse_id,
            supplier.name,
            supplier.warehouse_ids().join(", "),
            order.warehouse_id,
            supplier.name
        )
    })
}

/// Whether a warehouse looks like the supplier's facility (its ZIP code is in the address).
pub fn suggested(supplier: &Supplier, w: &Warehouse) -> bool {
    let zip = w.address.postal_code.trim();
    !zip.is_empty() && supplier.ship_from.contains(zip)
}

/// One shop's warehouses, or why they could not be read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShopWarehouses {
    pub shop: String,
    pub warehouses: Vec<Warehouse>,
    pub error: Option<String>,
}

impl Shops {
    /// The sales warehouses of every connected shop of the workspace, read from TikTok.
    pub async fn warehouses(&self, workspace_id: i64) -> Result<Vec<ShopWarehouses>, DomainError> {
        let shops = self.pool.query(move |c| Shop::list(c, workspace_id)).await?;
        let mut out = Vec::new();
        for s in shops
            .into_iter()
            .filter(|s| s.status != crate::db::models::shop::ShopStatus::Disconnected)
        {
            let key = s.connection_id.to_string();
            let read = self.tiktok.seller(&key).shop(&s.cipher).warehouses().await;
            out.push(match read {
                Ok(list) => ShopWarehouses {
                    shop: s.name,
                    warehouses: list
                        .into_iter()
                        .filter(|w| w.kind != "RETURN_WAREHOUSE")
                        .collect(),
                    error: None,
                },
                Err(e) => ShopWarehouses {
                    shop: s.name,
                    warehouses: Vec::new(),
                    error: Some(format!("{} (code {}). {}", e.message, e.code, e.advice())),
                },
            });
        }
        Ok(out)
    }

    /// Links a supplier to these TikTok warehouses (replacing its links); audited.
    pub async fn link_warehouses(
        &self,
        actor: &Actor,
        supplier_id: i64,
        ids: Vec<String>,
    ) -> Result<(), DomainError> {
        let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
        if let Some(bad) = ids
            .iter()
            .find(|id| id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(DomainError::invalid(
                "warehouse",
                format!("{bad:?} is not a TikTok warehouse id: choose from the list."),
            ));
        }
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let s = Supplier::find_in_workspace(c, ws, supplier_id)?.ok_or(DomainError::NotFound)?;
                    Supplier::set_warehouses(c, s.id, &ids)?;
                    let what = if ids.is_empty() {
                        "none".to_string()
                    } else {
                        ids.join(", ")
                    };
                    audit::record(
                        c,
                        &actor,
                        Some(ws),
                        "supplier.warehouses",
                        &format!("supplier:{}", s.id),
                        &format!("linked {} to TikTok warehouse(s) {what}", s.name),
                    )?;
                    Ok(())
                })
            })
            .await
    }
}
