//! `GET /orders.csv`: the orders list as the current filter shows it, every page, as CSV for a
//! spreadsheet. Streamed a thousand rows at a time along the list's own keyset, so 100,000
//! orders cost the same memory as one page.

use std::collections::BTreeMap;

use rocket::http::Header;
use rocket::response::stream::ByteStream;
use rocket::{State, get};

use crate::db::DbPool;
use crate::db::models::order::{self, ListedOrder};
use crate::db::models::order_rows::RowDetail;
use crate::db::models::shop::Shop;
use crate::web::errors::WebError;
use crate::web::guards::CurrentUser;

use super::orders::ListQuery;

/// Rows read per query.
const CHUNK: i64 = 1000;

/// The CSV body with its download name.
#[derive(rocket::Responder)]
#[response(content_type = "text/csv; charset=utf-8")]
pub struct CsvDownload<S> {
    body: S,
    disposition: Header<'static>,
}

const HEADER: [&str; 15] = [
    "tiktok_order_id",
    "shop",
    "status",
    "created_utc",
    "ship_by_utc",
    "recipient",
    "items",
    "routing",
    "label",
    "exception",
    "total",
    "currency",
    "suppliers",
    "skus",
    "answers",
];

#[get("/orders.csv?<query..>")]
pub async fn export(
    pool: &State<DbPool>,
    user: CurrentUser,
    query: ListQuery,
) -> Result<CsvDownload<ByteStream![Vec<u8>]>, WebError> {
    let ws = user.user.workspace_id;
    let mut filter = query.filter(chrono::Utc::now().timestamp(), CHUNK);
    filter.after = None;
    let shops: BTreeMap<i64, String> = pool
        .query(move |c| Shop::list(c, ws))
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let pool = pool.inner().clone();
    let body = ByteStream! {
        yield csv_rows(&[HEADER.map(String::from).to_vec()]);
        loop {
            let f = filter.clone();
            let read = pool.query(move |c| {
                let rows = order::list(c, ws, &f)?;
                let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
                Ok::<_, diesel::result::Error>((crate::db::models::order_rows::row_details(c, &ids)?, rows))
            });
            let Ok((details, rows)) = read.await else {
                // Headers are sent already: an error can only end the file early. It is logged;
                // the missing rows show as a short file rather than as a page.
                tracing::error!(workspace = ws, "the orders export stopped: the database failed");
                break;
            };
            let Some(last) = rows.last() else { break };
            filter.after = Some(order::cursor_of(last, &filter));
            let full = rows.len() as i64 == CHUNK;
            yield csv_rows(&rows.iter().map(|o| row(o, &shops, details.get(&o.id))).collect::<Vec<_>>());
            if !full {
                break;
            }
        }
    };
    let name = format!("orders-{}.csv", chrono::Utc::now().format("%Y-%m-%d"));
    Ok(CsvDownload {
        body,
        disposition: Header::new("Content-Disposition", format!("attachment; filename=\"{name}\"")),
    })
}

fn time(unix: i64) -> String {
    match unix {
        0 => String::new(),
        t => chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default(),
    }
}

fn row(o: &ListedOrder, shops: &BTreeMap<i64, String>, d: Option<&RowDetail>) -> Vec<String> {
    let d = d.cloned().unwrap_or_default();
    vec![
        o.tiktok_order_id.clone(),
        shops.get(&o.shop_id).cloned().unwrap_or_default(),
        o.status.clone(),
        time(o.create_time),
        time(o.ship_by),
        o.recipient_name.clone(),
        o.item_count.to_string(),
        o.routing.clone(),
        o.label_state.clone(),
        o.exception.clone().unwrap_or_default(),
        o.total_amount.clone(),
        o.currency.clone(),
        d.suppliers.join("; "),
        d.skus.join("; "),
        d.answers
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

/// CSV lines (quoted where needed; a cell a spreadsheet would run as a formula is prefixed
/// with `'`, since recipient names and exceptions come from outside).
fn csv_rows(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        let safe: Vec<String> = r
            .iter()
            .map(|c| {
                if c.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{c}")
                } else {
                    c.clone()
                }
            })
            .collect();
        // Writing to memory cannot fail.
        let _ = w.write_record(&safe);
    }
    w.into_inner().unwrap_or_default()
}
