//! People who sign in: seller owners and staff (supplier users join in a later issue).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::users;

/// What a user may do inside its workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Created the workspace; manages people and settings.
    Owner,
    /// Works orders, labels and batches; cannot manage people.
    Staff,
    /// A person of a POD supplier: sees only that supplier's portal.
    Supplier,
}

impl Role {
    /// The value stored in the `role` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Staff => "staff",
            Role::Supplier => "supplier",
        }
    }

    /// Parses a stored or typed role name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "staff" => Some(Role::Staff),
            "supplier" => Some(Role::Supplier),
            _ => None,
        }
    }
}

/// A user row.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub workspace_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
    /// Set for supplier users: the supplier they belong to.
    pub supplier_id: Option<i64>,
    /// The person's IANA time zone for mail ("" until known: from the browser at sign-in, or
    /// chosen on the Account page).
    pub time_zone: String,
    /// The language the person chose for the supplier portal and their mail (a
    /// `i18n::Lang` code; "" = their browser's).
    pub language: String,
}

/// Someone to mail: the address, and the zone the mail's times are written in ("" = UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub time_zone: String,
}

/// The fields needed to create a user; the password is already hashed.
pub struct NewUser<'a> {
    pub workspace_id: i64,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub supplier_id: Option<i64>,
}

impl User {
    /// The user's role; an unknown stored value is treated as the least privileged one.
    pub fn role(&self) -> Role {
        match Role::parse(&self.role) {
            Some(Role::Supplier) if self.supplier_id.is_none() => Role::Staff,
            Some(r) => r,
            None => Role::Staff,
        }
    }

    /// Inserts a user.
    pub fn create(conn: &mut AnyConnection, new: &NewUser<'_>) -> QueryResult<User> {
        let now = super::now();
        diesel::insert_into(users::table)
            .values((
                users::workspace_id.eq(new.workspace_id),
                users::email.eq(new.email),
                users::name.eq(new.name),
                users::role.eq(new.role.as_str()),
                users::password_hash.eq(new.password_hash),
                users::disabled.eq(false),
                users::created_at.eq(now),
                users::password_changed_at.eq(now),
                users::supplier_id.eq(new.supplier_id),
            ))
            .get_result::<User>(conn)
    }

    /// Finds a user by id.
    pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<User> {
        users::table.find(id).select(User::as_select()).first(conn)
    }

    /// A user with their workspace's name, in one read (every signed-in request needs both).
    pub fn find_with_workspace_name(conn: &mut AnyConnection, id: i64) -> QueryResult<(User, String)> {
        users::table
            .inner_join(crate::db::schema::workspaces::table)
            .filter(users::id.eq(id))
            .select((User::as_select(), crate::db::schema::workspaces::name))
            .first(conn)
    }

    /// Finds a user by (normalized) email.
    pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::email.eq(email))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// Finds a user only if it belongs to the workspace; other tenants' ids read as absent.
    pub fn find_in_workspace(
        conn: &mut AnyConnection,
        workspace_id: i64,
        id: i64,
    ) -> QueryResult<Option<User>> {
        users::table
            .filter(users::id.eq(id))
            .filter(users::workspace_id.eq(workspace_id))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// Everyone in a workspace, owners first.
    pub fn list_in_workspace(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<User>> {
        users::table
            .filter(users::workspace_id.eq(workspace_id))
            .order((users::role.asc(), users::email.asc()))
            .select(User::as_select())
            .load(conn)
    }

    /// The owners of a workspace who can still sign in, each with their time zone: who hears
    /// about rejections, pull requests and late answers, and the zone their mail's times are in.
    pub fn owners_to_mail(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<Recipient>> {
        users::table
            .filter(users::workspace_id.eq(workspace_id))
            .filter(users::role.eq(Role::Owner.as_str()))
            .filter(users::disabled.eq(false))
            .order(users::email.asc())
            .select((users::email, users::time_zone))
            .load::<(String, String)>(conn)
            .map(|v| {
                v.into_iter()
                    .map(|(email, time_zone)| Recipient { email, time_zone })
                    .collect()
            })
    }

    /// Sets the person's time zone (an IANA name the caller checked).
    pub fn set_time_zone(conn: &mut AnyConnection, id: i64, zone: &str) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set(users::time_zone.eq(zone))
            .execute(conn)
    }

    pub fn set_language(conn: &mut AnyConnection, id: i64, code: &str) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set(users::language.eq(code))
            .execute(conn)
    }

    /// The sign-in emails of a supplier's people.
    pub fn emails_of_supplier(conn: &mut AnyConnection, supplier_id: i64) -> QueryResult<Vec<String>> {
        users::table
            .filter(users::supplier_id.eq(supplier_id))
            .select(users::email)
            .load(conn)
    }

    /// A supplier's people: (name, email), by email.
    pub fn people_of_supplier(
        conn: &mut AnyConnection,
        supplier_id: i64,
    ) -> QueryResult<Vec<(String, String)>> {
        users::table
            .filter(users::supplier_id.eq(supplier_id))
            .order(users::email.asc())
            .select((users::name, users::email))
            .load(conn)
    }

    /// Every user, for `podgate user list`.
    pub fn list_all(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
        users::table
            .order(users::id.asc())
            .select(User::as_select())
            .load(conn)
    }

    /// Stores a new password hash and stamps when it changed.
    pub fn set_password_hash(conn: &mut AnyConnection, id: i64, hash: &str) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(hash),
                users::password_changed_at.eq(super::now()),
            ))
            .execute(conn)
    }

    /// Deletes a user (their sessions go with them).
    pub fn delete(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
        diesel::delete(users::table.find(id)).execute(conn)
    }
}
