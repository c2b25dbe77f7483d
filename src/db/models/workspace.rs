//! A workspace is one seller company; everything a seller owns hangs off it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::workspaces;

/// A seller company; tenants never see each other's data.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = workspaces)]
pub struct Workspace {
    pub id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
    /// How labels pick a shipping service: `cheapest`, `fastest` or `preferred` (carrier).
    pub service_rule: String,
    /// The carrier `preferred` picks when it is offered (cheapest otherwise).
    pub preferred_carrier: String,
    /// When TikTok allocates a service the supplier does not accept: `buy_and_warn` or `hold`.
    pub allocated_service: String,
    /// The seller's business time zone (IANA; "" = not set, UTC): business days are counted in it.
    pub time_zone: String,
    /// Days the seller does not work, `YYYY-MM-DD`, one per line or comma-separated.
    pub holidays: String,
    /// Business days from payment to the first carrier scan, when TikTok gives no deadline.
    pub handling_days: i64,
    /// Hours before an in-transit deadline when a label not scanned yet is escalated (`24, 6`).
    pub alert_hours: String,
    /// Moves on each time the workspace's scorecard rows change (a process's merged copy is
    /// good while it stays).
    pub scorecard_version: i64,
    /// Whether every artwork file is fetched and checked before a label is bought.
    pub artwork_check: bool,
    /// Host names whose private or loopback addresses artwork may come from (comma-separated).
    pub artwork_private_hosts: String,
    /// Print areas, one `product code, placement, WxH, minimum dpi` per line (see
    /// `domain::artwork::areas`).
    pub print_areas: String,
}

impl Workspace {
    /// Creates a workspace.
    pub fn create(conn: &mut AnyConnection, name: &str) -> QueryResult<Workspace> {
        diesel::insert_into(workspaces::table)
            .values((workspaces::name.eq(name), workspaces::created_at.eq(super::now())))
            .get_result::<Workspace>(conn)
    }

    /// Finds a workspace by id.
    pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Workspace> {
        workspaces::table
            .find(id)
            .select(Workspace::as_select())
            .first(conn)
    }

    /// Finds a workspace by exact name (used by the CLI).
    pub fn find_by_name(conn: &mut AnyConnection, name: &str) -> QueryResult<Option<Workspace>> {
        workspaces::table
            .filter(workspaces::name.eq(name))
            .select(Workspace::as_select())
            .first(conn)
            .optional()
    }

    /// How many workspaces exist; zero means the first-run setup page is open.
    pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
        workspaces::table.count().get_result(conn)
    }

    /// Sets how labels pick a shipping service.
    pub fn set_service_rule(
        conn: &mut AnyConnection,
        id: i64,
        rule: &str,
        carrier: &str,
        allocated: &str,
    ) -> QueryResult<usize> {
        diesel::update(workspaces::table.find(id))
            .set((
                workspaces::service_rule.eq(rule),
                workspaces::preferred_carrier.eq(carrier),
                workspaces::allocated_service.eq(allocated),
            ))
            .execute(conn)
    }

    /// Sets the seller's working calendar (business days of the dispatch clock).
    pub fn set_calendar(
        conn: &mut AnyConnection,
        id: i64,
        zone: &str,
        holidays: &str,
        handling_days: i64,
        alert_hours: &str,
    ) -> QueryResult<usize> {
        diesel::update(workspaces::table.find(id))
            .set((
                workspaces::time_zone.eq(zone),
                workspaces::holidays.eq(holidays),
                workspaces::handling_days.eq(handling_days),
                workspaces::alert_hours.eq(alert_hours),
            ))
            .execute(conn)
    }

    /// Sets how artwork is checked before labels are bought.
    pub fn set_artwork(
        conn: &mut AnyConnection,
        id: i64,
        check: bool,
        private_hosts: &str,
        print_areas: &str,
    ) -> QueryResult<usize> {
        diesel::update(workspaces::table.find(id))
            .set((
                workspaces::artwork_check.eq(check),
                workspaces::artwork_private_hosts.eq(private_hosts),
                workspaces::print_areas.eq(print_areas),
            ))
            .execute(conn)
    }

    /// Sets the business time zone if none is set yet (from the first owner's browser).
    pub fn default_time_zone(conn: &mut AnyConnection, id: i64, zone: &str) -> QueryResult<usize> {
        diesel::update(
            workspaces::table
                .filter(workspaces::id.eq(id))
                .filter(workspaces::time_zone.eq("")),
        )
        .set(workspaces::time_zone.eq(zone))
        .execute(conn)
    }

    /// Every workspace's id (for background rounds over all tenants).
    pub fn all_ids(conn: &mut AnyConnection) -> QueryResult<Vec<i64>> {
        workspaces::table
            .select(workspaces::id)
            .order(workspaces::id)
            .load(conn)
    }
}
