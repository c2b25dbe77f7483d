//! Fingerprints of the keys every node must share (see `domain::deployment_keys`).

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::deployment_keys;

/// A key's fingerprint as the first node recorded it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deployment_keys)]
pub struct DeploymentKey {
    pub name: String,
    pub fingerprint: String,
    pub recorded_by: String,
    pub recorded_at: chrono::NaiveDateTime,
}

/// The recorded fingerprint of `name`, if any node has recorded one.
pub fn find(conn: &mut AnyConnection, name: &str) -> QueryResult<Option<DeploymentKey>> {
    deployment_keys::table
        .find(name)
        .select(DeploymentKey::as_select())
        .first(conn)
        .optional()
}

/// Records `fingerprint` for `name` unless one is recorded already (the first node wins).
pub fn record_if_absent(
    conn: &mut AnyConnection,
    name: &str,
    fingerprint: &str,
    node: &str,
) -> QueryResult<()> {
    let row = (
        deployment_keys::name.eq(name),
        deployment_keys::fingerprint.eq(fingerprint),
        deployment_keys::recorded_by.eq(node),
        deployment_keys::recorded_at.eq(super::now()),
    );
    crate::db::on_backend!(conn, |c| diesel::insert_into(deployment_keys::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// Replaces the recorded fingerprint (a key changed on purpose on every node).
pub fn replace(conn: &mut AnyConnection, name: &str, fingerprint: &str, node: &str) -> QueryResult<()> {
    crate::db::write_tx(conn, |c| {
        diesel::delete(deployment_keys::table.find(name)).execute(c)?;
        record_if_absent(c, name, fingerprint, node)
    })
}
