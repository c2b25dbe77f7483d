//! A list of ids as one bound parameter, so a statement that filters on "these ids" is prepared
//! once per connection whatever the list's length.

use super::AnyConnection;

/// `column IN (ids)` as one statement whatever the number of ids: the ids travel as one JSON
/// array bound as text (SQLite's `json_each`, PostgreSQL's `json_array_elements_text`), so the
/// statement is prepared once and then taken from the connection's cache. Diesel's `eq_any`
/// writes one parameter per id on SQLite, a statement of its own for every list, prepared again
/// on every use (and its `sql()` literals are never cached): 5% of the server's CPU under the
/// orders list (docs/performance.md). `column` is SQL written in the code
/// (`"packages.order_id"`), never input.
pub fn in_id_list(conn: &AnyConnection, column: &'static str, ids: &[i64]) -> InIdList {
    let (open, close) = match conn {
        AnyConnection::Sqlite(_) => (" IN (SELECT value FROM json_each(", "))"),
        AnyConnection::Postgresql(_) => (
            " IN (SELECT value::bigint FROM json_array_elements_text(CAST(",
            " AS json)))",
        ),
    };
    InIdList {
        column,
        open,
        close,
        list: serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()),
    }
}

/// The condition [`in_id_list`] writes: fixed SQL around one text parameter, which Diesel
/// caches by its SQL like any statement without a type-level id.
#[derive(Debug, Clone)]
pub struct InIdList {
    column: &'static str,
    open: &'static str,
    close: &'static str,
    list: String,
}

impl diesel::Expression for InIdList {
    type SqlType = diesel::sql_types::Bool;
}
impl<QS> diesel::AppearsOnTable<QS> for InIdList {}
impl<QS> diesel::SelectableExpression<QS> for InIdList {}
impl<GB> diesel::expression::ValidGrouping<GB> for InIdList {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl diesel::query_builder::QueryId for InIdList {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<DB> diesel::query_builder::QueryFragment<DB> for InIdList
where
    DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        out.push_sql(self.column);
        out.push_sql(self.open);
        out.push_bind_param::<diesel::sql_types::Text, _>(&self.list)?;
        out.push_sql(self.close);
        Ok(())
    }
}
