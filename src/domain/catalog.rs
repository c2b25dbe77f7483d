//! The SKU catalog as CSV (UTF-8, header row): import checks every row and imports nothing if
//! any is bad, listing each bad row with the reason; export writes the same format back.

use std::collections::{HashMap, HashSet};

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::now;
use crate::db::models::package;
use crate::db::models::supplier::{NewSkuRule, SkuRule, Supplier};

use super::{DomainError, FieldError};

/// Print placements with their own columns.
pub const PLACEMENTS: [&str; 4] = ["front", "back", "sleeve", "neck_label"];

/// The CSV header, in order.
pub fn header() -> Vec<String> {
    let mut h: Vec<String> = [
        "pattern",
        "match",
        "priority",
        "supplier",
        "product_code",
        "weight_g",
        "length_in",
        "width_in",
        "height_in",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for p in PLACEMENTS {
        for c in ["print_url", "mockup_url", "checksum"] {
            h.push(format!("{p}_{c}"));
        }
    }
    h
}

/// One piece of artwork for a placement.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Artwork {
    pub placement: String,
    pub print_url: String,
    #[serde(default)]
    pub mockup_url: String,
    #[serde(default)]
    pub checksum: String,
}

fn valid_url(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

fn valid_checksum(c: &str) -> bool {
    let hex = c.strip_prefix("sha256:").unwrap_or(c);
    hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// Parses and checks a catalog file against the workspace's suppliers; every problem is returned.
pub fn parse(
    bytes: &[u8],
    workspace_id: i64,
    suppliers: &[Supplier],
) -> Result<Vec<NewSkuRule>, Vec<String>> {
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(t) => t,
        Err(e) => {
            return Err(vec![format!(
                "The file is not UTF-8 text (byte {}); save it as CSV UTF-8.",
                e.valid_up_to()
            )]);
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_lowercase()).collect(),
        Err(e) => return Err(vec![format!("The header row cannot be read: {e}")]),
    };
    let known: HashSet<String> = header().into_iter().collect();
    let mut errors: Vec<String> = headers
        .iter()
        .filter(|h| !known.contains(*h))
        .map(|h| format!("Unknown column {h:?}; the columns are: {}.", header().join(", ")))
        .collect();
    for required in ["pattern", "match", "supplier"] {
        if !headers.iter().any(|h| h == required) {
            errors.push(format!("The header row lacks the {required:?} column."));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let by_name: HashMap<String, &Supplier> = suppliers
        .iter()
        .filter(|s| !s.archived)
        .map(|s| (s.name.to_lowercase(), s))
        .collect();
    let mut seen = HashMap::new();
    let mut rules = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("Row {row}: {e}"));
                continue;
            }
        };
        let get = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| rec.get(i))
                .map(super::spreadsheet::uncell)
                .unwrap_or("")
                .to_string()
        };
        let mut bad = |msg: String| errors.push(format!("Row {row}: {msg}"));
        let pattern = get("pattern");
        let kind = get("match").to_lowercase();
        if pattern.is_empty() || pattern.chars().count() > 100 {
            bad("pattern must hold a seller SKU or pattern of 1 to 100 characters.".into());
        }
        if !matches!(kind.as_str(), "exact" | "prefix" | "glob") {
            bad(format!("match is {kind:?}; use exact, prefix or glob."));
        }
        let priority = match get("priority").as_str() {
            "" => 100,
            p => p.parse::<i64>().unwrap_or_else(|_| {
                bad(format!("priority {p:?} is not a whole number."));
                0
            }),
        };
        let supplier = get("supplier");
        let supplier_id = match by_name.get(&supplier.to_lowercase()) {
            Some(s) => s.id,
            None => {
                bad(format!(
                    "supplier {supplier:?} does not exist (or is archived); add it on the Suppliers page first."
                ));
                0
            }
        };
        let weight = match get("weight_g").as_str() {
            "" => None,
            w => match w.parse::<i64>() {
                Ok(g) if g > 0 => Some(g),
                _ => {
                    bad(format!("weight_g {w:?} must be whole grams above 0."));
                    None
                }
            },
        };
        let dims: Vec<String> = ["length_in", "width_in", "height_in"]
            .iter()
            .map(|c| get(c))
            .collect();
        let filled = dims.iter().filter(|d| !d.is_empty()).count();
        if filled != 0 && filled != 3 {
            bad("give length_in, width_in and height_in together, or none of them.".into());
        }
        if dims
            .iter()
            .any(|d| !d.is_empty() && !d.parse::<f64>().is_ok_and(|v| v > 0.0))
        {
            bad("dimensions must be inches above 0, like 10 or 8.5.".into());
        }
        let mut artwork = Vec::new();
        for p in PLACEMENTS {
            let (print, mockup, sum) = (
                get(&format!("{p}_print_url")),
                get(&format!("{p}_mockup_url")),
                get(&format!("{p}_checksum")),
            );
            if print.is_empty() {
                if !mockup.is_empty() || !sum.is_empty() {
                    bad(format!(
                        "{p}_print_url is empty but the {p} mockup or checksum is set."
                    ));
                }
                continue;
            }
            if !valid_url(&print) {
                bad(format!("{p}_print_url {print:?} is not an http(s) URL."));
            }
            if !mockup.is_empty() && !valid_url(&mockup) {
                bad(format!("{p}_mockup_url {mockup:?} is not an http(s) URL."));
            }
            if !sum.is_empty() && !valid_checksum(&sum) {
                bad(format!(
                    "{p}_checksum must be a SHA-256 (64 hex digits, optionally sha256:…)."
                ));
            }
            artwork.push(Artwork {
                placement: p.into(),
                print_url: print,
                mockup_url: mockup,
                checksum: sum,
            });
        }
        if let Some(first) = seen.insert((kind.clone(), pattern.to_uppercase()), row) {
            bad(format!(
                "the {kind} pattern {pattern:?} is already on row {first}."
            ));
        }
        let d = |i: usize| (filled == 3).then(|| dims[i].clone());
        rules.push(NewSkuRule {
            workspace_id,
            pattern,
            match_kind: kind,
            priority,
            supplier_id,
            product_code: get("product_code"),
            weight_grams: weight,
            length_in: d(0),
            width_in: d(1),
            height_in: d(2),
            artwork: serde_json::to_string(&artwork).unwrap_or_else(|_| "[]".into()),
            updated_at: now(),
        });
    }
    if rules.is_empty() && errors.is_empty() {
        errors.push("The file has a header row but no rules.".into());
    }
    if errors.is_empty() { Ok(rules) } else { Err(errors) }
}

/// Imports a catalog: all rows or none. Rules with the same match and pattern are replaced;
/// then every order is routed again. Returns how many rules were imported.
pub async fn import(pool: &DbPool, actor: &Actor, bytes: Vec<u8>) -> Result<usize, DomainError> {
    let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
    let actor = actor.clone();
    pool.run(move |conn| {
        let suppliers = Supplier::list(conn, ws)?;
        let rules = parse(&bytes, ws, &suppliers).map_err(|errs| {
            DomainError::Invalid(
                errs.into_iter()
                    .map(|message| FieldError {
                        field: "csv",
                        message,
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
            super::routing::reroute_workspace(conn, ws)?;
            Ok(rules.len())
        })
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
        let mut w = csv::Writer::from_writer(Vec::new());
        let internal = |e: csv::Error| DomainError::Internal(e.to_string());
        crate::domain::spreadsheet::write_record(&mut w, header()).map_err(internal)?;
        for r in SkuRule::list(conn, workspace_id)? {
            let art: Vec<Artwork> = serde_json::from_str(&r.artwork).unwrap_or_default();
            let mut rec = vec![
                r.pattern.clone(),
                r.match_kind.clone(),
                r.priority.to_string(),
                names.get(&r.supplier_id).cloned().unwrap_or_default(),
                r.product_code.clone(),
                r.weight_grams.map(|g| g.to_string()).unwrap_or_default(),
                r.length_in.clone().unwrap_or_default(),
                r.width_in.clone().unwrap_or_default(),
                r.height_in.clone().unwrap_or_default(),
            ];
            for p in PLACEMENTS {
                let a = art.iter().find(|a| a.placement == p);
                rec.push(a.map(|a| a.print_url.clone()).unwrap_or_default());
                rec.push(a.map(|a| a.mockup_url.clone()).unwrap_or_default());
                rec.push(a.map(|a| a.checksum.clone()).unwrap_or_default());
            }
            crate::domain::spreadsheet::write_record(&mut w, &rec).map_err(internal)?;
        }
        let bytes = w.into_inner().map_err(|e| DomainError::Internal(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| DomainError::Internal(e.to_string()))
    })
    .await
}

/// Deletes a rule and routes every order again.
pub async fn delete_rule(pool: &DbPool, actor: &Actor, id: i64) -> Result<(), DomainError> {
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
            super::routing::reroute_workspace(conn, ws)?;
            Ok(())
        })
    })
    .await
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
