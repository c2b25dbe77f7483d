//! SKU routing: which supplier makes each line item, by rules with explicit precedence, and the
//! package plan that follows (one package per supplier; several suppliers means a split).
//!
//! Precedence: an `exact` rule always wins; otherwise the `prefix` or `glob` rule with the lowest
//! `priority` number; on a tie the longer (more specific) pattern; then the older rule.
//! Matching ignores case. A manual choice on an item beats every rule, and units in a package
//! (a label being bought, bought or voided) keep its supplier until the package is moved.
//! After a catalog change every order is routed again by a background [`pass`].

pub mod pass;

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::package::{self, Among};
use crate::db::models::supplier::{SkuRule, Supplier};
use crate::db::schema::{order_items, orders};

/// Rules of a workspace, ready to match SKUs.
pub struct Router {
    exact: HashMap<String, SkuRule>,
    ordered: Vec<SkuRule>,
}

/// Matches `*` (any run) and `?` (one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Whether a prefix or glob rule matches an upper-cased SKU.
fn pattern_matches(r: &SkuRule, sku: &str) -> bool {
    let pat = r.pattern.to_uppercase();
    match r.match_kind.as_str() {
        "prefix" => sku.starts_with(&pat),
        "glob" => glob_match(&pat, sku),
        _ => false,
    }
}

impl Router {
    /// Builds a router from a workspace's rules.
    pub fn new(rules: Vec<SkuRule>) -> Router {
        let mut exact = HashMap::new();
        let mut ordered = Vec::new();
        for r in rules {
            if r.match_kind == "exact" {
                exact.insert(r.pattern.to_uppercase(), r);
            } else {
                ordered.push(r);
            }
        }
        ordered.sort_by(|a, b| {
            a.priority
                .cmp(&b.priority)
                .then(b.pattern.len().cmp(&a.pattern.len()))
                .then(a.id.cmp(&b.id))
        });
        Router { exact, ordered }
    }

    /// Loads the rules of a workspace.
    pub fn load(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Router> {
        Ok(Router::new(SkuRule::list(conn, workspace_id)?))
    }

    /// The rule that routes a seller SKU, if any.
    pub fn route(&self, seller_sku: &str) -> Option<&SkuRule> {
        let sku = seller_sku.to_uppercase();
        if let Some(r) = self.exact.get(&sku) {
            return Some(r);
        }
        self.ordered.iter().find(|r| pattern_matches(r, &sku))
    }

    /// Every supplier with a rule matching the SKU, winning or not: who can make it (the
    /// choices for moving a package a supplier rejected).
    pub fn makers(&self, seller_sku: &str) -> std::collections::BTreeSet<i64> {
        let sku = seller_sku.to_uppercase();
        self.exact
            .get(&sku)
            .into_iter()
            .chain(self.ordered.iter().filter(|r| pattern_matches(r, &sku)))
            .map(|r| r.supplier_id)
            .collect()
    }

    /// Whether any rule exists.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.ordered.is_empty()
    }
}

/// Routes every item of one order that was not routed by hand and is in no package (a label
/// being bought, bought or voided ties units to their package's supplier), and stores the
/// order's routing state (`routed`, `partial`, `unrouted`).
pub fn route_order(conn: &mut AnyConnection, router: &Router, order_id: i64) -> QueryResult<()> {
    route_orders(conn, router, Among::Order(order_id)).map(|_| ())
}

/// Routes the units of some orders (a page of a sync) in one pass, as [`route_order`] does
/// for one.
pub fn route_some(conn: &mut AnyConnection, router: &Router, order_ids: &[i64]) -> QueryResult<()> {
    if order_ids.is_empty() {
        return Ok(());
    }
    route_orders(conn, router, Among::Orders(order_ids)).map(|_| ())
}

/// Where each unit of an order podgate has never seen goes (supplier, rule, `rule` or `none`)
/// and the order's routing state: a new order has no manual choice and no package, so the
/// rules alone decide, and its rows are written routed instead of routed afterwards.
pub fn route_new(router: &Router, seller_skus: &[&str]) -> (Vec<Target>, &'static str) {
    let targets: Vec<Target> = seller_skus
        .iter()
        .map(|sku| match router.route(sku) {
            Some(r) => (Some(r.supplier_id), Some(r.id), "rule"),
            None => (None, None, "none"),
        })
        .collect();
    let routed: Vec<bool> = targets.iter().map(|t| t.0.is_some()).collect();
    (targets, routing_state(&routed))
}

/// A unit as routing sees it: order id, unit id, seller SKU, routed by, tracking number,
/// supplier, rule (unit columns are empty for an order without units), the order's stored state.
pub type UnitRow = (
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    String,
);

/// Routes the units of some orders in a few statements whatever their number: one read,
/// then one `UPDATE … WHERE id IN (…)` per outcome for the units and orders that change
/// (a rule change on 100,000 orders used to be ~350,000 statements). Returns orders looked at.
fn route_orders(conn: &mut AnyConnection, router: &Router, among: Among<'_>) -> QueryResult<usize> {
    let rows = load_units(conn, among)?;
    let held = package::held_unit_ids(conn, among)?;
    // Per order: its stored state, and whether each unit has a supplier after this pass.
    let mut by_order: BTreeMap<i64, (String, Vec<bool>)> = BTreeMap::new();
    let mut unit_changes: HashMap<Target, Vec<i64>> = HashMap::new();
    for (order_id, item, sku, routed_by, tracking, supplier, rule, state) in rows {
        let entry = by_order.entry(order_id).or_insert_with(|| (state, Vec::new()));
        let (Some(item), Some(sku), Some(routed_by)) = (item, sku, routed_by) else {
            continue;
        };
        if routed_by == "manual" || tracking.is_some() || held.contains(&item) {
            entry.1.push(supplier.is_some());
            continue;
        }
        let (to_supplier, to_rule, by) = match router.route(&sku) {
            Some(r) => (Some(r.supplier_id), Some(r.id), "rule"),
            None => (None, None, "none"),
        };
        if (supplier, rule, routed_by.as_str()) != (to_supplier, to_rule, by) {
            unit_changes
                .entry((to_supplier, to_rule, by))
                .or_default()
                .push(item);
        }
        entry.1.push(to_supplier.is_some());
    }
    for ((supplier, rule, by), ids) in unit_changes {
        for chunk in ids.chunks(UPDATE_CHUNK) {
            diesel::update(order_items::table.filter(order_items::id.eq_any(chunk)))
                .set((
                    order_items::supplier_id.eq(supplier),
                    order_items::rule_id.eq(rule),
                    order_items::routed_by.eq(by),
                ))
                .execute(conn)?;
        }
    }
    let looked_at = by_order.len();
    let mut state_changes: HashMap<&'static str, Vec<i64>> = HashMap::new();
    for (order_id, (stored, routed)) in by_order {
        let state = routing_state(&routed);
        if stored != state {
            state_changes.entry(state).or_default().push(order_id);
        }
    }
    for (state, ids) in state_changes {
        for chunk in ids.chunks(UPDATE_CHUNK) {
            diesel::update(orders::table.filter(orders::id.eq_any(chunk)))
                .set(orders::routing.eq(state))
                .execute(conn)?;
        }
    }
    Ok(looked_at)
}

/// Where a unit goes: supplier, rule, and `rule` or `none`.
pub type Target = (Option<i64>, Option<i64>, &'static str);

/// Every unit of some orders, in one query.
fn load_units(conn: &mut AnyConnection, among: Among<'_>) -> QueryResult<Vec<UnitRow>> {
    let q = orders::table
        .left_join(order_items::table)
        .select((
            orders::id,
            order_items::id.nullable(),
            order_items::seller_sku.nullable(),
            order_items::routed_by.nullable(),
            order_items::tracking_number.nullable(),
            order_items::supplier_id.nullable(),
            order_items::rule_id.nullable(),
            orders::routing,
        ))
        .into_boxed();
    match among {
        Among::Order(id) => q.filter(orders::id.eq(id)).load(conn),
        Among::Workspace(ws) => q.filter(orders::workspace_id.eq(ws)).load(conn),
        Among::Orders(ids) => q.filter(orders::id.eq_any(ids)).load(conn),
        Among::Slice {
            workspace,
            after,
            upto,
        } => q
            .filter(crate::db::models::routing_pass::order_of_workspace(workspace))
            .filter(orders::id.gt(after))
            .filter(orders::id.le(upto))
            .load(conn),
    }
}

/// Every unit of a workspace as a re-route reads it: the floor `bench routing` compares with.
pub fn workspace_units(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<UnitRow>> {
    load_units(conn, Among::Workspace(workspace_id))
}

/// Ids per `IN (…)` list: well under SQLite's bound-parameter limit.
const UPDATE_CHUNK: usize = 500;

/// An order's routing state from whether each of its units has a supplier.
fn routing_state(routed: &[bool]) -> &'static str {
    match routed.iter().filter(|r| **r).count() {
        0 => "unrouted",
        n if n == routed.len() => "routed",
        _ => "partial",
    }
}

/// Makes the transactions that rewrite a workspace's orders and units (a sync, a re-route, a
/// unit moved by hand) take turns. Each locks many rows, in its own order (TikTok's listing
/// order, the order ids, one unit then its order); on PostgreSQL two of them at once would
/// deadlock. `NO KEY UPDATE` leaves rows that merely refer to the workspace free to be written.
/// SQLite has one writer at a time already.
pub fn lock_workspace_routing(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<()> {
    if matches!(conn, AnyConnection::Postgresql(_)) {
        diesel::sql_query("SELECT id FROM workspaces WHERE id = $1 FOR NO KEY UPDATE")
            .bind::<diesel::sql_types::BigInt, _>(workspace_id)
            .execute(conn)?;
    }
    Ok(())
}

/// One planned package: the units one supplier makes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlannedPackage {
    pub supplier_id: i64,
    pub supplier_name: String,
    pub item_ids: Vec<i64>,
    pub skus: Vec<String>,
    /// Grams, when every unit has a weight.
    pub weight_grams: Option<i64>,
    /// Inches (length, width, height), when every unit has dimensions.
    pub dimensions_in: Option<(f64, f64, f64)>,
}

/// The package plan of an order, and the units no rule routes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Plan {
    pub packages: Vec<PlannedPackage>,
    pub unrouted: Vec<(i64, String)>,
}

/// Packaging defaults of a supplier, by product type (the SKU's first segment).
pub fn packaging_defaults(s: &Supplier) -> HashMap<String, super::suppliers::Packaging> {
    s.packaging
        .lines()
        .filter_map(|l| super::suppliers::parse_packaging_line(l).ok().flatten())
        .collect()
}

fn dims(r: &SkuRule) -> Option<(f64, f64, f64)> {
    let p = |v: &Option<String>| {
        v.as_deref()
            .and_then(|x| x.trim().parse::<f64>().ok())
            .filter(|f| *f > 0.0)
    };
    Some((p(&r.length_in)?, p(&r.width_in)?, p(&r.height_in)?))
}

/// What planning packages needs of a workspace, read once for many orders: its rules and its
/// suppliers.
pub struct Catalog {
    rules: HashMap<i64, SkuRule>,
    suppliers: HashMap<i64, Supplier>,
}

impl Catalog {
    /// The workspace's rules and suppliers.
    pub fn load(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Catalog> {
        Ok(Catalog {
            rules: SkuRule::by_id(conn, workspace_id)?,
            suppliers: Supplier::list(conn, workspace_id)?
                .into_iter()
                .map(|s| (s.id, s))
                .collect(),
        })
    }
}

/// A unit as planning reads it: id, seller SKU, supplier and the rule that routed it.
pub type PlanItem = (i64, String, Option<i64>, Option<i64>);

/// The units of many orders, by order, in one read.
pub fn plan_items(conn: &mut AnyConnection, order_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<PlanItem>>> {
    let rows: Vec<(i64, PlanItem)> = order_items::table
        .filter(order_items::order_id.eq_any(order_ids))
        .order(order_items::id)
        .select((
            order_items::order_id,
            (
                order_items::id,
                order_items::seller_sku,
                order_items::supplier_id,
                order_items::rule_id,
            ),
        ))
        .load(conn)?;
    let mut by_order: HashMap<i64, Vec<PlanItem>> = HashMap::new();
    for (order, item) in rows {
        by_order.entry(order).or_default().push(item);
    }
    Ok(by_order)
}

/// The package plan of one order (see [`plan_of`]).
pub fn plan(conn: &mut AnyConnection, workspace_id: i64, order_id: i64) -> QueryResult<Plan> {
    let catalog = Catalog::load(conn, workspace_id)?;
    let items = plan_items(conn, &[order_id])?
        .remove(&order_id)
        .unwrap_or_default();
    Ok(plan_of(items, &catalog))
}

/// The package plan of an order's units: one package per supplier, its weight and size from
/// the rules (or the supplier's packaging defaults), and the units no rule routes.
pub fn plan_of(items: Vec<PlanItem>, catalog: &Catalog) -> Plan {
    let (rules, suppliers) = (&catalog.rules, &catalog.suppliers);
    let mut by_supplier: BTreeMap<i64, PlannedPackage> = BTreeMap::new();
    let mut unrouted = Vec::new();
    let mut missing: std::collections::HashSet<i64> = Default::default();
    for (id, sku, supplier, rule) in items {
        let Some(sid) = supplier else {
            unrouted.push((id, sku));
            continue;
        };
        let sup = suppliers.get(&sid);
        let pkg = by_supplier.entry(sid).or_insert_with(|| PlannedPackage {
            supplier_id: sid,
            supplier_name: sup.map(|s| s.name.clone()).unwrap_or_default(),
            item_ids: Vec::new(),
            skus: Vec::new(),
            weight_grams: Some(0),
            dimensions_in: Some((0.0, 0.0, 0.0)),
        });
        pkg.item_ids.push(id);
        pkg.skus.push(sku.clone());
        let product_type = sku.split('-').next().unwrap_or_default().to_uppercase();
        let defaults = sup.map(packaging_defaults).unwrap_or_default();
        let fallback = defaults.get(&product_type);
        let r = rule.and_then(|r| rules.get(&r));
        let w = r.and_then(|r| r.weight_grams).or(fallback.map(|f| f.0));
        let d = r.and_then(dims).or(fallback.map(|f| f.1));
        match (w, d) {
            (Some(w), Some((l, wi, h))) if !missing.contains(&sid) => {
                pkg.weight_grams = pkg.weight_grams.map(|x| x + w);
                pkg.dimensions_in = pkg.dimensions_in.map(|(a, b, c)| (a.max(l), b.max(wi), c + h));
            }
            _ => {
                missing.insert(sid);
                pkg.weight_grams = None;
                pkg.dimensions_in = None;
            }
        }
    }
    Plan {
        packages: by_supplier.into_values().collect(),
        unrouted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, kind: &str, pattern: &str, priority: i64, supplier: i64) -> SkuRule {
        SkuRule {
            id,
            workspace_id: 1,
            pattern: pattern.into(),
            match_kind: kind.into(),
            priority,
            supplier_id: supplier,
            product_code: String::new(),
            weight_grams: None,
            length_in: None,
            width_in: None,
            height_in: None,
            artwork: "[]".into(),
            updated_at: chrono::NaiveDateTime::default(),
        }
    }

    #[test]
    fn exact_beats_everything_then_priority_then_specificity() {
        let r = Router::new(vec![
            rule(1, "prefix", "TEE-", 100, 10),
            rule(2, "prefix", "TEE-CATMOM-", 100, 20),
            rule(3, "glob", "TEE-*-BLK-*", 50, 30),
            rule(4, "exact", "TEE-CATMOM-BLK-L", 999, 40),
            rule(5, "prefix", "MUG", 100, 50),
        ]);
        assert_eq!(
            r.route("TEE-CATMOM-BLK-L").unwrap().id,
            4,
            "exact wins even with a worse priority"
        );
        assert_eq!(
            r.route("tee-catmom-blk-m").unwrap().id,
            3,
            "lower priority number wins; case ignored"
        );
        assert_eq!(
            r.route("TEE-CATMOM-WHT-M").unwrap().id,
            2,
            "same priority: the longer prefix"
        );
        assert_eq!(r.route("TEE-SUNSET-WHT-M").unwrap().id, 1);
        assert_eq!(r.route("MUG-TACO-WHT-11OZ").unwrap().id, 5);
        assert!(r.route("POSTER-TACO-MATTE-18X24").is_none());
    }

    #[test]
    fn globs() {
        assert!(glob_match("TEE-*-BLK-?", "TEE-CATMOM-BLK-L"));
        assert!(!glob_match("TEE-*-BLK-?", "TEE-CATMOM-BLK-XL"));
        assert!(glob_match("*", ""));
        assert!(glob_match("*MUG*", "A-MUG-B"));
        assert!(!glob_match("MUG", "MUGS"));
    }
}
