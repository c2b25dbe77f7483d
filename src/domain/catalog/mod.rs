//! The SKU catalog: rules that route seller SKUs to suppliers with what to print. One rule's
//! fields and check live in [`rule`](mod@rule) (the form and the CSV share them), the CSV file in
//! [`file`](mod@file); here are the actions: save or edit one rule, import, export, delete, the queue of
//! unrouted SKUs and choosing a unit's supplier by hand. Every change routes orders again: the
//! first slice before it answers, the rest in the background (see [`routing::pass`](super::routing::pass)).

pub mod file;
pub mod rule;

use std::collections::HashMap;

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::package;
use crate::db::models::supplier::{SkuRule, Supplier};

pub use file::{header, parse};
pub use rule::{Artwork, Naming, PLACEMENTS, RuleInput};

use super::routing::pass;
use super::{DomainError, FieldError};

/// What a catalog change did, and whether every order follows it already (else its routing
/// pass goes on in the background and the catalog page shows how far it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed<T> {
    pub value: T,
    pub routed: bool,
}

/// Routes the first slice of the pass a change started, then hands the rest to the background.
async fn routed_after<T>(pool: &DbPool, workspace_id: i64, value: T) -> Result<Changed<T>, DomainError> {
    let routed = pass::after_change(pool, workspace_id).await?;
    Ok(Changed { value, routed })
}

/// Imports a catalog: all rows or none. Rules with the same match and pattern are replaced;
/// then every order is routed again. Returns how many rules were imported.
pub async fn import(pool: &DbPool, actor: &Actor, bytes: Vec<u8>) -> Result<Changed<usize>, DomainError> {
    let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
    let actor = actor.clone();
    let value = pool
        .run(move |conn| {
            let suppliers = Supplier::list(conn, ws)?;
            let rules = parse(&bytes, ws, &suppliers).map_err(|errs| {
                DomainError::Invalid(
                    errs.into_iter()
                        .map(|message| FieldError {
                            field: "csv",
                            message: message.into(),
                        })
                        .collect(),
                )
            })?;
            crate::db::write_tx(conn, |conn| {
                for r in &rules {
                    SkuRule::upsert(conn, r)?;
                }
                audit::record(
                    conn,
                    &actor,
                    Some(ws),
                    "catalog.imported",
                    "catalog",
                    &format!("imported {} SKU rules", rules.len()),
                )?;
                pass::begin(conn, ws)?;
                Ok::<_, DomainError>(rules.len())
            })
        })
        .await?;
    routed_after(pool, ws, value).await
}

/// Saves one rule from the form: a new one (`id` None) or an edit of rule `id`. Every bad field
/// is named as the form labels it; a pattern another rule of the same match already has is
/// refused (edit that rule instead). Orders are routed again. Returns the rule's id.
pub async fn save_rule(
    pool: &DbPool,
    actor: &Actor,
    id: Option<i64>,
    input: RuleInput,
) -> Result<Changed<i64>, DomainError> {
    let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
    let actor = actor.clone();
    let value = pool
        .run(move |conn| {
            // Another workspace's rule is "not found", before the form is even read.
            if let Some(id) = id {
                SkuRule::find(conn, ws, id)?.ok_or(DomainError::NotFound)?;
            }
            let suppliers = Supplier::list(conn, ws)?;
            let new = rule::check(&input, ws, &suppliers, Naming::Form).map_err(DomainError::Invalid)?;
            crate::db::write_tx(conn, |conn| {
                if let Some(other) = SkuRule::id_of(conn, &new)?.filter(|other| Some(*other) != id) {
                    return Err(DomainError::invalid(
                        "pattern",
                        format!(
                            "There is already a {} rule for {:?} (rule {other}); edit that rule instead.",
                            new.match_kind, new.pattern
                        ),
                    ));
                }
                let (id, what) = match id {
                    Some(id) => {
                        if SkuRule::update(conn, id, &new)? == 0 {
                            return Err(DomainError::NotFound);
                        }
                        (id, "edited")
                    }
                    None => (SkuRule::insert(conn, &new)?, "added"),
                };
                audit::record(
                    conn,
                    &actor,
                    Some(ws),
                    &format!("catalog.rule_{what}"),
                    &format!("rule:{id}"),
                    &format!("{what} the {} SKU rule {:?}", new.match_kind, new.pattern),
                )?;
                pass::begin(conn, ws)?;
                Ok::<_, DomainError>(id)
            })
        })
        .await?;
    routed_after(pool, ws, value).await
}

/// A rule of the workspace as its form fields, for editing.
pub async fn rule_input(pool: &DbPool, workspace_id: i64, id: i64) -> Result<RuleInput, DomainError> {
    pool.run(move |conn| {
        let rule = SkuRule::find(conn, workspace_id, id)?.ok_or(DomainError::NotFound)?;
        let supplier = Supplier::find_in_workspace(conn, workspace_id, rule.supplier_id)?
            .map(|s| s.name)
            .unwrap_or_default();
        Ok(RuleInput::of(&rule, &supplier))
    })
    .await
}

/// Exports the workspace's rules as CSV.
pub async fn export(pool: &DbPool, workspace_id: i64) -> Result<String, DomainError> {
    pool.run(move |conn| {
        let names: HashMap<i64, String> = Supplier::list(conn, workspace_id)?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        file::write(&SkuRule::list(conn, workspace_id)?, &names)
            .map_err(|e| DomainError::Internal(e.to_string()))
    })
    .await
}

/// Deletes a rule and routes every order again.
pub async fn delete_rule(pool: &DbPool, actor: &Actor, id: i64) -> Result<Changed<()>, DomainError> {
    let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            if SkuRule::delete(conn, ws, id)? == 0 {
                return Err(DomainError::NotFound);
            }
            audit::record(
                conn,
                &actor,
                Some(ws),
                "catalog.rule_deleted",
                &format!("rule:{id}"),
                "deleted a SKU rule",
            )?;
            pass::begin(conn, ws)?;
            Ok(())
        })
    })
    .await?;
    routed_after(pool, ws, ()).await
}

/// Seller SKUs no rule routes, with how many units wait on each (the "unrouted" queue).
pub async fn unrouted(pool: &DbPool, workspace_id: i64) -> Result<Vec<(String, i64)>, DomainError> {
    use crate::db::schema::{order_items as oi, orders as o};
    use diesel::prelude::*;
    pool.run(move |conn| {
        Ok(oi::table
            .inner_join(o::table)
            .filter(o::workspace_id.eq(workspace_id))
            .filter(oi::supplier_id.is_null())
            .filter(o::status.ne("CANCELLED"))
            .group_by(oi::seller_sku)
            .select((oi::seller_sku, diesel::dsl::count_star()))
            .order(diesel::dsl::count_star().desc())
            .limit(200)
            .load::<(String, i64)>(conn)?)
    })
    .await
}

/// Chooses the supplier of one unit by hand (None gives it back to the rules); the package
/// plan follows.
pub async fn assign_item(
    pool: &DbPool,
    actor: &Actor,
    order_id: i64,
    item_id: i64,
    supplier_id: Option<i64>,
) -> Result<(), DomainError> {
    use crate::db::schema::order_items as oi;
    use diesel::prelude::*;
    let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            super::routing::lock_workspace_routing(conn, ws)?;
            let order = crate::db::models::order::find_in_workspace(conn, ws, order_id)?
                .ok_or(DomainError::NotFound)?;
            if let Some(s) = supplier_id {
                Supplier::find_in_workspace(conn, ws, s)?
                    .filter(|s| !s.archived)
                    .ok_or(DomainError::NotFound)?;
            }
            let (tracking,): (Option<String>,) = oi::table
                .filter(oi::id.eq(item_id))
                .filter(oi::order_id.eq(order.id))
                .select((oi::tracking_number,))
                .first(conn)
                .optional()?
                .ok_or(DomainError::NotFound)?;
            let held = package::held_unit_ids(conn, package::Among::Order(order.id))?;
            if tracking.is_some() || held.contains(&item_id) {
                return Err(DomainError::Conflict(
                    "This unit is in a package whose label is bought, being bought or voided, so it stays with that package's supplier. A package its supplier rejects can be moved to another supplier from the batch page."
                        .into(),
                ));
            }
            let by = if supplier_id.is_some() { "manual" } else { "none" };
            diesel::update(oi::table.find(item_id))
                .set((
                    oi::supplier_id.eq(supplier_id),
                    oi::rule_id.eq(None::<i64>),
                    oi::routed_by.eq(by),
                ))
                .execute(conn)?;
            let router = super::routing::Router::load(conn, ws)?;
            super::routing::route_order(conn, &router, order.id)?;
            let what = supplier_id.map_or("back to the SKU rules".to_string(), |s| {
                format!("to supplier {s}")
            });
            crate::db::models::order::add_event(
                conn,
                order.id,
                "routing",
                &format!("A unit was assigned {what}"),
                &actor.label,
                actor.channel.as_str(),
            )?;
            Ok(())
        })
    })
    .await
}
