//! Outbound webhooks to suppliers' systems: the endpoints a supplier registered, the durable
//! outbox of deliveries (one row per event and endpoint, queued in the transaction of what it
//! reports) and each delivery's attempts, for the portal to show.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::AnyConnection;
pub use crate::db::models::status::WebhookStatus;
use crate::db::schema::{suppliers, webhook_attempts, webhook_deliveries, webhook_endpoints};

/// A supplier's endpoint (its secret only encrypted).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: i64,
    pub workspace_id: i64,
    pub supplier_id: i64,
    pub url: String,
    pub description: String,
    /// The event types it receives, space-separated.
    pub events: String,
    #[serde(skip)]
    pub secret_enc: String,
    pub disabled: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl Endpoint {
    /// The event types it receives.
    pub fn event_list(&self) -> Vec<&str> {
        self.events.split_whitespace().collect()
    }
}

/// One event for one endpoint, and where its delivery stands.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub endpoint_id: i64,
    /// The `webhook-id` header: the same on every attempt and every "send again".
    pub msg_id: String,
    pub event: String,
    /// The JSON body, exactly as signed and sent.
    pub payload: String,
    pub status: WebhookStatus,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

/// One try at a delivery: what the endpoint answered, or why nothing came back.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = webhook_attempts)]
pub struct Attempt {
    pub id: i64,
    pub delivery_id: i64,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub millis: i64,
    /// The start of the endpoint's answer (at most [`RESPONSE_KEPT`] bytes).
    pub response: Option<String>,
}

/// How much of an endpoint's answer is kept for the portal.
pub const RESPONSE_KEPT: usize = 500;

/// Seconds to wait before each retry: the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h,
/// 5 h, 10 h, 10 h), so a delivery is tried for over a day before it is marked failed.
pub const RETRY_AFTER: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

/// A new endpoint's fields.
#[derive(Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct NewEndpoint<'a> {
    pub workspace_id: i64,
    pub supplier_id: i64,
    pub url: &'a str,
    pub description: &'a str,
    pub events: &'a str,
    pub secret_enc: &'a str,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
}

/// Records an endpoint.
pub fn create_endpoint(conn: &mut AnyConnection, e: &NewEndpoint) -> QueryResult<i64> {
    diesel::insert_into(webhook_endpoints::table)
        .values(e)
        .returning(webhook_endpoints::id)
        .get_result(conn)
}

/// A supplier's endpoints, oldest first.
pub fn endpoints_of(conn: &mut AnyConnection, supplier_id: i64) -> QueryResult<Vec<Endpoint>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::supplier_id.eq(supplier_id))
        .order(webhook_endpoints::id)
        .select(Endpoint::as_select())
        .load(conn)
}

/// One of the supplier's endpoints.
pub fn endpoint_of(conn: &mut AnyConnection, supplier_id: i64, id: i64) -> QueryResult<Option<Endpoint>> {
    webhook_endpoints::table
        .find(id)
        .filter(webhook_endpoints::supplier_id.eq(supplier_id))
        .select(Endpoint::as_select())
        .first(conn)
        .optional()
}

/// Removes an endpoint with its deliveries.
pub fn delete_endpoint(conn: &mut AnyConnection, supplier_id: i64, id: i64) -> QueryResult<bool> {
    let ids = webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(id))
        .select(webhook_deliveries::id);
    let mine = webhook_endpoints::table
        .find(id)
        .filter(webhook_endpoints::supplier_id.eq(supplier_id));
    if diesel::select(diesel::dsl::exists(mine)).get_result::<bool>(conn)? {
        diesel::delete(webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(ids)))
            .execute(conn)?;
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::endpoint_id.eq(id)))
            .execute(conn)?;
    }
    Ok(diesel::delete(mine).execute(conn)? == 1)
}

/// Whether the seller lets this supplier's endpoints be on private addresses.
pub fn private_ok(conn: &mut AnyConnection, supplier_id: i64) -> QueryResult<bool> {
    suppliers::table
        .find(supplier_id)
        .select(suppliers::webhooks_private_ok)
        .first(conn)
}

/// Sets whether this supplier's endpoints may be on private addresses.
pub fn set_private_ok(conn: &mut AnyConnection, supplier_id: i64, ok: bool) -> QueryResult<usize> {
    diesel::update(suppliers::table.find(supplier_id))
        .set(suppliers::webhooks_private_ok.eq(ok))
        .execute(conn)
}

/// The live endpoints of a supplier that receive this event.
pub fn subscribed(conn: &mut AnyConnection, supplier_id: i64, event: &str) -> QueryResult<Vec<i64>> {
    let all: Vec<(i64, String)> = webhook_endpoints::table
        .filter(webhook_endpoints::supplier_id.eq(supplier_id))
        .filter(webhook_endpoints::disabled.eq(false))
        .select((webhook_endpoints::id, webhook_endpoints::events))
        .load(conn)?;
    Ok(all
        .into_iter()
        .filter(|(_, events)| events.split_whitespace().any(|e| e == event))
        .map(|(id, _)| id)
        .collect())
}

/// Queues one delivery, due now.
pub fn enqueue(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    msg_id: &str,
    event: &str,
    payload: &str,
) -> QueryResult<i64> {
    let now = super::now();
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::endpoint_id.eq(endpoint_id),
            webhook_deliveries::msg_id.eq(msg_id),
            webhook_deliveries::event.eq(event),
            webhook_deliveries::payload.eq(payload),
            webhook_deliveries::status.eq(WebhookStatus::Pending),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::created_at.eq(now),
        ))
        .returning(webhook_deliveries::id)
        .get_result(conn)
}

/// Takes up to `limit` due deliveries, each pushed out of reach for `lease` so two workers (or
/// nodes) never send the same one at once; an attempt cut short by a crash is retried after it.
pub fn claim_due(
    conn: &mut AnyConnection,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<(Delivery, Endpoint)>> {
    let now = super::now();
    let due: Vec<i64> = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(WebhookStatus::Pending))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .order(webhook_deliveries::next_attempt_at)
        .limit(limit)
        .select(webhook_deliveries::id)
        .load(conn)?;
    let mut out = Vec::new();
    for id in due {
        let n = diesel::update(
            webhook_deliveries::table
                .find(id)
                .filter(webhook_deliveries::status.eq(WebhookStatus::Pending))
                .filter(webhook_deliveries::next_attempt_at.le(now)),
        )
        .set((
            webhook_deliveries::next_attempt_at.eq(now + lease),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        ))
        .execute(conn)?;
        if n == 1 {
            out.push(
                webhook_deliveries::table
                    .inner_join(webhook_endpoints::table)
                    .filter(webhook_deliveries::id.eq(id))
                    .select((Delivery::as_select(), Endpoint::as_select()))
                    .first(conn)?,
            );
        }
    }
    Ok(out)
}

/// What one attempt came to.
pub struct Outcome<'a> {
    pub status_code: Option<i64>,
    pub error: Option<&'a str>,
    pub millis: i64,
    pub response: Option<&'a str>,
    /// A 2xx answer.
    pub delivered: bool,
}

/// Records an attempt and moves the delivery on: delivered, retried after the next step of
/// [`RETRY_AFTER`], or failed after the last.
pub fn record_attempt(conn: &mut AnyConnection, d: &Delivery, o: &Outcome) -> QueryResult<()> {
    let now = super::now();
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::delivery_id.eq(d.id),
            webhook_attempts::attempted_at.eq(now),
            webhook_attempts::status_code.eq(o.status_code),
            webhook_attempts::error.eq(o.error),
            webhook_attempts::millis.eq(o.millis),
            webhook_attempts::response.eq(o.response),
        ))
        .execute(conn)?;
    let retry = usize::try_from(d.attempts - 1)
        .ok()
        .and_then(|i| RETRY_AFTER.get(i));
    let (status, next) = match (o.delivered, retry) {
        (true, _) => (WebhookStatus::Delivered, now),
        (false, Some(s)) => (WebhookStatus::Pending, now + Duration::seconds(*s)),
        (false, None) => (WebhookStatus::Failed, now),
    };
    diesel::update(webhook_deliveries::table.find(d.id))
        .set((
            webhook_deliveries::status.eq(status),
            webhook_deliveries::next_attempt_at.eq(next),
            webhook_deliveries::last_status_code.eq(o.status_code),
            webhook_deliveries::last_error.eq(o.error),
            webhook_deliveries::delivered_at.eq(o.delivered.then_some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts a delivery of this supplier back in line now, with the same id (the portal's "send
/// again", for a failed delivery or one the receiver lost). Returns whether it was found.
pub fn send_again(conn: &mut AnyConnection, supplier_id: i64, delivery_id: i64) -> QueryResult<bool> {
    let mine = webhook_endpoints::table
        .filter(webhook_endpoints::supplier_id.eq(supplier_id))
        .select(webhook_endpoints::id);
    let n = diesel::update(
        webhook_deliveries::table
            .find(delivery_id)
            .filter(webhook_deliveries::endpoint_id.eq_any(mine)),
    )
    .set((
        webhook_deliveries::status.eq(WebhookStatus::Pending),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// An endpoint's newest deliveries.
pub fn deliveries_of(conn: &mut AnyConnection, endpoint_id: i64, limit: i64) -> QueryResult<Vec<Delivery>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)
}

/// A delivery's attempts, oldest first.
pub fn attempts_of(conn: &mut AnyConnection, delivery_id: i64) -> QueryResult<Vec<Attempt>> {
    webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq(delivery_id))
        .order(webhook_attempts::id)
        .select(Attempt::as_select())
        .load(conn)
}

/// One delivery, if it is to an endpoint of this supplier.
pub fn delivery_of(
    conn: &mut AnyConnection,
    supplier_id: i64,
    delivery_id: i64,
) -> QueryResult<Option<Delivery>> {
    webhook_deliveries::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::id.eq(delivery_id))
        .filter(webhook_endpoints::supplier_id.eq(supplier_id))
        .select(Delivery::as_select())
        .first(conn)
        .optional()
}

/// Removes deliveries finished before `before`, with their attempts; returns how many.
pub fn prune(conn: &mut AnyConnection, before: NaiveDateTime) -> QueryResult<usize> {
    let old = webhook_deliveries::table
        .filter(webhook_deliveries::status.ne(WebhookStatus::Pending))
        .filter(webhook_deliveries::created_at.lt(before))
        .filter(webhook_deliveries::next_attempt_at.lt(before))
        .select(webhook_deliveries::id);
    crate::db::write_tx(conn, |c| {
        diesel::delete(webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(old)))
            .execute(c)?;
        diesel::delete(
            webhook_deliveries::table
                .filter(webhook_deliveries::status.ne(WebhookStatus::Pending))
                .filter(webhook_deliveries::created_at.lt(before))
                .filter(webhook_deliveries::next_attempt_at.lt(before)),
        )
        .execute(c)
    })
}
