//! Label jobs: one per "Buy labels" press, holding the packages it planned; a job is finished
//! when none of them is still planned, being bought or bought without its document.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{JobStatus, Package, PackageStatus, RELEASED};
use crate::db::AnyConnection;
use crate::db::schema::{label_jobs, packages};

/// Starts a job.
pub fn create_job(conn: &mut AnyConnection, workspace_id: i64, created_by: &str) -> QueryResult<i64> {
    diesel::insert_into(label_jobs::table)
        .values((
            label_jobs::workspace_id.eq(workspace_id),
            label_jobs::created_by.eq(created_by),
            label_jobs::status.eq(JobStatus::Running),
            label_jobs::created_at.eq(crate::db::models::now()),
        ))
        .returning(label_jobs::id)
        .get_result(conn)
}

/// Removes a job nothing was planned in (same transaction as its creation: never seen).
pub fn delete_job(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(label_jobs::table.find(id)).execute(conn)
}

/// The newest job holding a live package of this order (bought, being bought or stored).
pub fn job_holding_order(conn: &mut AnyConnection, order_id: i64) -> QueryResult<Option<i64>> {
    packages::table
        .filter(packages::order_id.eq(order_id))
        .filter(packages::status.ne_all(RELEASED))
        .select(diesel::dsl::max(packages::job_id))
        .first::<Option<i64>>(conn)
}

/// Packages of a job not finished yet (planned, being bought, or bought without a document).
pub fn unfinished(conn: &mut AnyConnection, job_id: i64) -> QueryResult<i64> {
    packages::table
        .filter(packages::job_id.eq(job_id))
        .filter(packages::status.eq_any([
            PackageStatus::Planned,
            PackageStatus::Buying,
            PackageStatus::Bought,
        ]))
        .count()
        .get_result(conn)
}

/// Every package of a job.
pub fn of_job(conn: &mut AnyConnection, job_id: i64) -> QueryResult<Vec<Package>> {
    packages::table
        .filter(packages::job_id.eq(job_id))
        .order(packages::id)
        .select(Package::as_select())
        .load(conn)
}

/// Marks a job finished.
pub fn finish_job(conn: &mut AnyConnection, job_id: i64) -> QueryResult<usize> {
    diesel::update(
        label_jobs::table
            .find(job_id)
            .filter(label_jobs::status.eq(JobStatus::Running)),
    )
    .set((
        label_jobs::status.eq(JobStatus::Done),
        label_jobs::finished_at.eq(Some(crate::db::models::now())),
    ))
    .execute(conn)
}

/// The workspace a job belongs to.
pub fn job_workspace(conn: &mut AnyConnection, job_id: i64) -> QueryResult<Option<i64>> {
    label_jobs::table
        .find(job_id)
        .select(label_jobs::workspace_id)
        .first(conn)
        .optional()
}

/// Jobs not finished yet, oldest first.
pub fn running_jobs(conn: &mut AnyConnection) -> QueryResult<Vec<i64>> {
    label_jobs::table
        .filter(label_jobs::status.eq(JobStatus::Running))
        .order(label_jobs::id)
        .select(label_jobs::id)
        .load(conn)
}

/// A job and how its packages stand, for the labels page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobSummary {
    pub id: i64,
    pub created_by: String,
    pub status: JobStatus,
    pub created_at: NaiveDateTime,
    pub total: i64,
    pub stored: i64,
    pub failed: i64,
}

/// The newest jobs of a workspace with their counts.
pub fn recent_jobs(conn: &mut AnyConnection, workspace_id: i64, limit: i64) -> QueryResult<Vec<JobSummary>> {
    let jobs: Vec<(i64, String, JobStatus, NaiveDateTime)> = label_jobs::table
        .filter(label_jobs::workspace_id.eq(workspace_id))
        .order(label_jobs::id.desc())
        .limit(limit)
        .select((
            label_jobs::id,
            label_jobs::created_by,
            label_jobs::status,
            label_jobs::created_at,
        ))
        .load(conn)?;
    let ids: Vec<i64> = jobs.iter().map(|j| j.0).collect();
    let counts: Vec<(Option<i64>, PackageStatus, i64)> = packages::table
        .filter(packages::job_id.eq_any(&ids))
        .group_by((packages::job_id, packages::status))
        .select((packages::job_id, packages::status, diesel::dsl::count_star()))
        .load(conn)?;
    let n = |id: i64, f: &dyn Fn(PackageStatus) -> bool| -> i64 {
        counts
            .iter()
            .filter(|(j, s, _)| *j == Some(id) && f(*s))
            .map(|c| c.2)
            .sum()
    };
    Ok(jobs
        .into_iter()
        .map(|(id, created_by, status, created_at)| JobSummary {
            total: n(id, &|_| true),
            stored: n(id, &|s| s == PackageStatus::Stored),
            failed: n(id, &|s| s == PackageStatus::Failed),
            id,
            created_by,
            status,
            created_at,
        })
        .collect())
}
