//! The dispatch clock's queue: labels not yet scanned by their carrier, most urgent first, and
//! the seller's working calendar (business time zone, holidays, handling time) it counts with;
//! the supplier scorecard.

use minijinja::context;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::db::DbPool;
use crate::db::models::workspace::Workspace;
use crate::domain::dispatch::queue::Queues;
use crate::domain::dispatch::scorecard::Scorecards;
use crate::domain::dispatch::{queue, scorecard, settings};
use crate::web::csrf::CsrfForm;
use crate::web::errors::WebError;
use crate::web::forms::form_errors;
use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::templates::{Flashed, Page};

async fn page(
    pool: &DbPool,
    queues: &Queues,
    ws: i64,
    form: Option<minijinja::Value>,
    errors: minijinja::Value,
) -> Result<Page, WebError> {
    let q = queues.unscanned(ws, crate::db::models::now()).await?;
    let form = match form {
        Some(f) => f,
        None => {
            let w = pool.query(move |c| Workspace::find(c, ws)).await?;
            context! { time_zone => w.time_zone, holidays => w.holidays, handling_days => w.handling_days.to_string(), alert_hours => w.alert_hours }
        }
    };
    Ok(Page::new(
        "seller/dispatch.html",
        context! { q, form, errors, shown => queue::PAGE },
    ))
}

#[get("/dispatch")]
async fn index(pool: &State<DbPool>, queues: &State<Queues>, user: CurrentUser) -> Result<Page, WebError> {
    page(pool, queues, user.user.workspace_id, None, context! {}).await
}

#[derive(FromForm)]
struct CalendarForm {
    csrf_token: String,
    time_zone: String,
    holidays: String,
    handling_days: String,
    alert_hours: String,
}
crate::csrf_form!(CalendarForm);

#[post("/dispatch/calendar", data = "<form>")]
async fn calendar(
    pool: &State<DbPool>,
    queues: &State<Queues>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<CalendarForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    let input = settings::CalendarInput {
        time_zone: f.time_zone.clone(),
        holidays: f.holidays.clone(),
        handling_days: f.handling_days.clone(),
        alert_hours: f.alert_hours.clone(),
    };
    match settings::save(pool, &user.actor(&ip), input).await {
        Ok(n) => Ok(Ok(Flashed::success(
            "/dispatch",
            format!("Calendar saved; {n} open deadline(s) counted again."),
        ))),
        Err(e) => {
            let errors = minijinja::Value::from_serialize(form_errors(e)?);
            let typed = context! { time_zone => f.time_zone, holidays => f.holidays, handling_days => f.handling_days, alert_hours => f.alert_hours };
            Ok(Err(page(
                pool,
                queues,
                user.user.workspace_id,
                Some(typed),
                errors,
            )
            .await?
            .status(Status::UnprocessableEntity)))
        }
    }
}

/// A scorecard page: every supplier's (the seller's page) or one supplier's (its portal, `base`
/// `/supplier/scorecard`), with its trend chart.
pub async fn scorecard_view(
    scorecards: &Scorecards,
    workspace_id: i64,
    supplier: Option<i64>,
    days: Option<i64>,
    base: &str,
    lang: crate::i18n::Lang,
) -> Result<Page, WebError> {
    let days = scorecard::window(days);
    let now = crate::db::models::now();
    let scores = scorecards.read(workspace_id, supplier, days, now).await?;
    let chart = super::chart::late_rate(
        &scores,
        scorecard::window_start(now, days).date(),
        now.date(),
        lang,
    );
    Ok(Page::new(
        "seller/scorecard.html",
        context! { decided => scores.iter().any(|s| s.decided > 0), scores, days, windows => scorecard::WINDOWS, chart, own => supplier.is_some(), base },
    ))
}

/// The supplier scorecard over the last 7, 30 or 90 days.
#[get("/dispatch/scorecard?<days>")]
async fn scorecard_page(
    scorecards: &State<Scorecards>,
    user: CurrentUser,
    days: Option<i64>,
) -> Result<Page, WebError> {
    scorecard_view(
        scorecards,
        user.user.workspace_id,
        None,
        days,
        "/dispatch/scorecard",
        crate::i18n::Lang::En,
    )
    .await
}

/// The scorecard's labels as CSV, every label of the window with its clock.
#[get("/dispatch/scorecard.csv?<days>")]
async fn scorecard_csv(
    pool: &State<DbPool>,
    user: CurrentUser,
    days: Option<i64>,
) -> Result<super::CsvFile, WebError> {
    let days = scorecard::window(days);
    let body = scorecard::csv(pool, user.user.workspace_id, None, days, crate::db::models::now()).await?;
    Ok(super::CsvFile::attachment(
        body,
        &format!("podgate-scorecard-{days}-days.csv"),
    ))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![index, calendar, scorecard_page, scorecard_csv]
}
