//! POD suppliers of a workspace and the SKU rules that route line items to them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{sku_rules, suppliers};

/// A print-on-demand supplier (factory) the seller hands labels and print files to.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = suppliers)]
pub struct Supplier {
    pub id: i64,
    pub workspace_id: i64,
    pub name: String,
    /// One contact per line: `Name <email>` or just the email.
    pub contacts: String,
    /// The ship-from facility address, as lines.
    pub ship_from: String,
    /// Carriers or service names the supplier hands packages to (comma-separated; empty = any).
    pub accepted_services: String,
    /// Packaging defaults per product type, one per line: `TEE 340 10x8x1` (grams, inches).
    pub packaging: String,
    /// Batch cut-off times, `HH:MM` comma-separated, in `time_zone`.
    pub cutoff_times: String,
    pub time_zone: String,
    /// Hours the supplier has to acknowledge a batch.
    pub ack_deadline_hours: i64,
    pub archived: bool,
    pub created_at: NaiveDateTime,
    /// TikTok warehouses registered for its facility (comma-separated ids; empty = none yet).
    pub tiktok_warehouse_ids: String,
    /// The seller lets this supplier's webhook endpoints be on private or loopback addresses
    /// (a factory system on the seller's own network); otherwise only public ones.
    pub webhooks_private_ok: bool,
    /// The language of mail to contacts without a podgate account and of SFTP result files
    /// (an `i18n::Lang` code), chosen by the supplier's people.
    pub language: String,
    /// How its batches print: `separate` or `pairs` (see `batches::print::PrintLayout`).
    pub print_layout: String,
    /// The order they print in: `ship_by`, `sku` or `product` (see `batches::print::PrintSort`).
    pub print_sort: String,
    /// The tickets' page size: `4x6`, `a6` or `half_letter`.
    pub page_size: String,
    /// The labels' file names in the zip ("" = the default; see `batches::print::FileNames`).
    pub label_file_template: String,
    /// Thermal-printer ZPL beside the PDFs: 0 (none), 203 or 300 dots per inch.
    pub zpl_dpi: i64,
    /// Artwork as `links` in the manifest, or as `files` in the batch zip too.
    pub artwork_delivery: String,
}

/// Editable supplier fields (validated by the domain layer).
#[derive(Debug, Clone, Default, AsChangeset, Insertable)]
#[diesel(table_name = suppliers)]
pub struct SupplierFields {
    pub name: String,
    pub contacts: String,
    pub ship_from: String,
    pub accepted_services: String,
    pub packaging: String,
    pub cutoff_times: String,
    pub time_zone: String,
    pub ack_deadline_hours: i64,
    pub print_layout: String,
    pub print_sort: String,
    pub page_size: String,
    pub label_file_template: String,
    pub zpl_dpi: i64,
    pub artwork_delivery: String,
}

impl Supplier {
    /// The TikTok warehouse ids it is linked to.
    pub fn warehouse_ids(&self) -> Vec<&str> {
        self.tiktok_warehouse_ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The language of its mail to contacts without an account and of its result files.
    pub fn set_language(conn: &mut AnyConnection, id: i64, code: &str) -> QueryResult<usize> {
        diesel::update(suppliers::table.find(id))
            .set(suppliers::language.eq(code))
            .execute(conn)
    }

    /// The language its mail to contacts and its result files are written in.
    pub fn lang(&self) -> crate::i18n::Lang {
        crate::i18n::Lang::from_code(&self.language).unwrap_or(crate::i18n::Lang::En)
    }

    /// Links it to these TikTok warehouses (replacing the earlier links).
    pub fn set_warehouses(conn: &mut AnyConnection, id: i64, ids: &[String]) -> QueryResult<usize> {
        diesel::update(suppliers::table.find(id))
            .set(suppliers::tiktok_warehouse_ids.eq(ids.join(",")))
            .execute(conn)
    }

    /// The contacts' email addresses (lines are `Name <email>` or just the email).
    pub fn contact_emails(&self) -> Vec<String> {
        contact_emails(&self.contacts)
    }

    /// Creates a supplier.
    pub fn create(conn: &mut AnyConnection, workspace_id: i64, f: &SupplierFields) -> QueryResult<i64> {
        diesel::insert_into(suppliers::table)
            .values((
                f,
                suppliers::workspace_id.eq(workspace_id),
                suppliers::archived.eq(false),
                suppliers::created_at.eq(super::now()),
            ))
            .returning(suppliers::id)
            .get_result(conn)
    }

    /// Updates a supplier of the workspace; returns rows changed.
    pub fn update(
        conn: &mut AnyConnection,
        workspace_id: i64,
        id: i64,
        f: &SupplierFields,
    ) -> QueryResult<usize> {
        diesel::update(
            suppliers::table
                .filter(suppliers::id.eq(id))
                .filter(suppliers::workspace_id.eq(workspace_id)),
        )
        .set(f)
        .execute(conn)
    }

    /// Archives or restores a supplier.
    pub fn set_archived(
        conn: &mut AnyConnection,
        workspace_id: i64,
        id: i64,
        archived: bool,
    ) -> QueryResult<usize> {
        diesel::update(
            suppliers::table
                .filter(suppliers::id.eq(id))
                .filter(suppliers::workspace_id.eq(workspace_id)),
        )
        .set(suppliers::archived.eq(archived))
        .execute(conn)
    }

    /// Whether a supplier is archived (a missing one counts as archived): its people, API
    /// tokens and SFTP logins are refused.
    pub fn is_archived(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
        Ok(suppliers::table
            .find(id)
            .select(suppliers::archived)
            .first(conn)
            .optional()?
            .unwrap_or(true))
    }

    /// A supplier, only if it belongs to the workspace.
    pub fn find_in_workspace(
        conn: &mut AnyConnection,
        workspace_id: i64,
        id: i64,
    ) -> QueryResult<Option<Supplier>> {
        suppliers::table
            .filter(suppliers::id.eq(id))
            .filter(suppliers::workspace_id.eq(workspace_id))
            .select(Supplier::as_select())
            .first(conn)
            .optional()
    }

    /// Every supplier of a workspace, active ones first.
    pub fn list(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<Supplier>> {
        suppliers::table
            .filter(suppliers::workspace_id.eq(workspace_id))
            .order((suppliers::archived.asc(), suppliers::name.asc()))
            .select(Supplier::as_select())
            .load(conn)
    }
}

/// A routing rule: seller SKUs matching `pattern` go to `supplier_id` with what to print.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = sku_rules)]
pub struct SkuRule {
    pub id: i64,
    pub workspace_id: i64,
    pub pattern: String,
    /// `exact`, `prefix` or `glob`.
    pub match_kind: String,
    /// Lower wins among prefix and glob rules; exact rules always win.
    pub priority: i64,
    pub supplier_id: i64,
    pub product_code: String,
    pub weight_grams: Option<i64>,
    pub length_in: Option<String>,
    pub width_in: Option<String>,
    pub height_in: Option<String>,
    /// JSON list of placements: `[{"placement","print_url","mockup_url","checksum"}]`.
    pub artwork: String,
    pub updated_at: NaiveDateTime,
}

/// A rule to insert or replace (keyed by workspace, match kind and pattern).
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = sku_rules)]
#[diesel(treat_none_as_null = true)]
pub struct NewSkuRule {
    pub workspace_id: i64,
    pub pattern: String,
    pub match_kind: String,
    pub priority: i64,
    pub supplier_id: i64,
    pub product_code: String,
    pub weight_grams: Option<i64>,
    pub length_in: Option<String>,
    pub width_in: Option<String>,
    pub height_in: Option<String>,
    pub artwork: String,
    pub updated_at: NaiveDateTime,
}

impl SkuRule {
    /// Inserts a rule, or replaces the one with the same match kind and pattern.
    pub fn upsert(conn: &mut AnyConnection, r: &NewSkuRule) -> QueryResult<()> {
        match Self::id_of(conn, r)? {
            Some(id) => diesel::update(sku_rules::table.find(id)).set(r).execute(conn)?,
            None => diesel::insert_into(sku_rules::table).values(r).execute(conn)?,
        };
        Ok(())
    }

    /// The id of the workspace's rule with this match kind and pattern, if any.
    pub fn id_of(conn: &mut AnyConnection, r: &NewSkuRule) -> QueryResult<Option<i64>> {
        sku_rules::table
            .filter(sku_rules::workspace_id.eq(r.workspace_id))
            .filter(sku_rules::match_kind.eq(&r.match_kind))
            .filter(sku_rules::pattern.eq(&r.pattern))
            .select(sku_rules::id)
            .first::<i64>(conn)
            .optional()
    }

    /// Inserts a new rule; its id.
    pub fn insert(conn: &mut AnyConnection, r: &NewSkuRule) -> QueryResult<i64> {
        diesel::insert_into(sku_rules::table)
            .values(r)
            .returning(sku_rules::id)
            .get_result(conn)
    }

    /// Replaces the fields of a rule of the workspace; how many rows changed (0: not there).
    pub fn update(conn: &mut AnyConnection, id: i64, r: &NewSkuRule) -> QueryResult<usize> {
        diesel::update(
            sku_rules::table
                .filter(sku_rules::id.eq(id))
                .filter(sku_rules::workspace_id.eq(r.workspace_id)),
        )
        .set(r)
        .execute(conn)
    }

    /// One rule of a workspace.
    pub fn find(conn: &mut AnyConnection, workspace_id: i64, id: i64) -> QueryResult<Option<SkuRule>> {
        sku_rules::table
            .filter(sku_rules::id.eq(id))
            .filter(sku_rules::workspace_id.eq(workspace_id))
            .select(SkuRule::as_select())
            .first(conn)
            .optional()
    }

    /// Every rule of a workspace, by id (as units name them).
    pub fn by_id(
        conn: &mut AnyConnection,
        workspace_id: i64,
    ) -> QueryResult<std::collections::HashMap<i64, SkuRule>> {
        Ok(Self::list(conn, workspace_id)?
            .into_iter()
            .map(|r| (r.id, r))
            .collect())
    }

    /// Every rule of a workspace.
    pub fn list(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<SkuRule>> {
        sku_rules::table
            .filter(sku_rules::workspace_id.eq(workspace_id))
            .order((
                sku_rules::match_kind.asc(),
                sku_rules::priority.asc(),
                sku_rules::pattern.asc(),
            ))
            .select(SkuRule::as_select())
            .load(conn)
    }

    /// Deletes a rule of the workspace.
    pub fn delete(conn: &mut AnyConnection, workspace_id: i64, id: i64) -> QueryResult<usize> {
        diesel::delete(
            sku_rules::table
                .filter(sku_rules::id.eq(id))
                .filter(sku_rules::workspace_id.eq(workspace_id)),
        )
        .execute(conn)
    }
}

/// The email addresses of contact lines (`Name <email>` or just the email).
pub fn contact_emails(contacts: &str) -> Vec<String> {
    contacts
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.rsplit_once('<')
                .map(|(_, e)| e.trim_end_matches('>').trim())
                .unwrap_or(l)
                .to_lowercase()
        })
        .collect()
}
