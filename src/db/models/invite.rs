//! Invitations to join a workspace; the link carries a random token whose hash is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::invites;

/// An open or used invitation.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = invites)]
pub struct Invite {
    pub id: i64,
    pub workspace_id: i64,
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub invited_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    /// Set when the invitation is for a supplier's person.
    pub supplier_id: Option<i64>,
}

/// The fields of a new invitation.
pub struct NewInvite<'a> {
    pub workspace_id: i64,
    pub email: &'a str,
    pub role: &'a str,
    pub supplier_id: Option<i64>,
    pub token_hash: &'a str,
    pub invited_by: i64,
    pub expires_at: NaiveDateTime,
}

impl Invite {
    /// Stores a new invitation.
    pub fn create(conn: &mut AnyConnection, new: &NewInvite<'_>) -> QueryResult<Invite> {
        diesel::insert_into(invites::table)
            .values((
                invites::workspace_id.eq(new.workspace_id),
                invites::email.eq(new.email),
                invites::role.eq(new.role),
                invites::token_hash.eq(new.token_hash),
                invites::invited_by.eq(Some(new.invited_by)),
                invites::created_at.eq(super::now()),
                invites::expires_at.eq(new.expires_at),
                invites::supplier_id.eq(new.supplier_id),
            ))
            .get_result::<Invite>(conn)
    }

    /// Finds an unused, unexpired invitation by token hash.
    pub fn find_open(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<Invite>> {
        invites::table
            .filter(invites::token_hash.eq(token_hash))
            .filter(invites::accepted_at.is_null())
            .filter(invites::expires_at.gt(super::now()))
            .select(Invite::as_select())
            .first(conn)
            .optional()
    }

    /// Open invitations of a workspace, newest first.
    pub fn list_open(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<Invite>> {
        invites::table
            .filter(invites::workspace_id.eq(workspace_id))
            .filter(invites::accepted_at.is_null())
            .filter(invites::expires_at.gt(super::now()))
            .order(invites::id.desc())
            .select(Invite::as_select())
            .load(conn)
    }

    /// Marks an invitation used; returns 0 when someone else used it first.
    pub fn mark_accepted(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
        diesel::update(invites::table.find(id).filter(invites::accepted_at.is_null()))
            .set(invites::accepted_at.eq(Some(super::now())))
            .execute(conn)
    }

    /// Withdraws an invitation of this workspace.
    pub fn delete_in_workspace(conn: &mut AnyConnection, workspace_id: i64, id: i64) -> QueryResult<usize> {
        diesel::delete(
            invites::table
                .filter(invites::id.eq(id))
                .filter(invites::workspace_id.eq(workspace_id)),
        )
        .execute(conn)
    }
}
