//! What a label job came to, per supplier: labels bought and failed, what they cost, and what
//! happens next to the bought ones (the supplier's next cut-off seals them, or "Publish now").

use std::collections::{BTreeMap, HashSet};

use crate::db::models::package::{Package, PackageStatus};
use crate::db::models::supplier::Supplier;
use crate::db::models::{batch, now};
use crate::domain::DomainError;
use crate::domain::batches::clock::next_cutoff;

use super::Labels;

/// One supplier's share of a job.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SupplierOutcome {
    pub supplier_id: i64,
    pub supplier: String,
    pub bought: usize,
    pub failed: usize,
    pub remaining: usize,
    /// The bought labels' price, per currency ("14.90 USD").
    pub cost: String,
    /// Bought labels of this job not yet handed off in a batch.
    pub waiting: usize,
    /// When the supplier's next cut-off seals them (unix seconds, shown in the viewer's zone);
    /// None when the supplier has no cut-off times (only "Publish now" hands them off).
    pub next_cutoff: Option<i64>,
}

/// A job's outcome: per supplier, and the total cost.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct JobOutcome {
    pub suppliers: Vec<SupplierOutcome>,
    pub total_cost: String,
}

impl Labels {
    /// The outcome of a job whose packages are `packages` (as read for its page).
    pub async fn outcome(
        &self,
        workspace_id: i64,
        packages: Vec<Package>,
    ) -> Result<JobOutcome, DomainError> {
        let at = now();
        self.pool
            .run(move |c| {
                let mut by_supplier: BTreeMap<i64, Vec<&Package>> = BTreeMap::new();
                for p in &packages {
                    by_supplier.entry(p.supplier_id).or_default().push(p);
                }
                let mut suppliers = Vec::new();
                for (sid, pk) in by_supplier {
                    let sup = Supplier::find_in_workspace(c, workspace_id, sid)?;
                    let open: HashSet<i64> = batch::open_packages(c, sid)?.iter().map(|p| p.id).collect();
                    let bought: Vec<&Package> = pk
                        .iter()
                        .copied()
                        .filter(|p| p.status == PackageStatus::Stored)
                        .collect();
                    let failed = pk.iter().filter(|p| p.status == PackageStatus::Failed).count();
                    let settled = pk
                        .iter()
                        .filter(|p| {
                            matches!(
                                p.status,
                                PackageStatus::Stored
                                    | PackageStatus::Failed
                                    | PackageStatus::Cancelled
                                    | PackageStatus::Voided
                            )
                        })
                        .count();
                    suppliers.push(SupplierOutcome {
                        supplier_id: sid,
                        supplier: sup.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
                        bought: bought.len(),
                        failed,
                        remaining: pk.len() - settled,
                        cost: cost(&bought),
                        waiting: bought.iter().filter(|p| open.contains(&p.id)).count(),
                        next_cutoff: sup
                            .and_then(|s| next_cutoff(&s.cutoff_times, &s.time_zone, at))
                            .map(|t| t.and_utc().timestamp()),
                    });
                }
                let all: Vec<&Package> = packages
                    .iter()
                    .filter(|p| p.status == PackageStatus::Stored)
                    .collect();
                Ok(JobOutcome {
                    suppliers,
                    total_cost: cost(&all),
                })
            })
            .await
    }
}

/// The sum of the labels' prices, per currency, e.g. "14.90 USD" or "3.10 USD + 2.00 GBP"
/// ("–" when no price is known). Summed in cents: prices are decimal strings.
fn cost(packages: &[&Package]) -> String {
    let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
    for p in packages {
        if let (Some(price), Some(cur)) = (p.price.as_deref(), p.currency.as_deref())
            && let Some(c) = cents(price)
        {
            *sums.entry(cur).or_default() += c;
        }
    }
    if sums.is_empty() {
        return "–".into();
    }
    sums.iter()
        .map(|(cur, c)| format!("{}.{:02} {cur}", c / 100, c % 100))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// "7.45" → 745, "7" → 700, "7.5" → 750; None for anything else (a negative or malformed price).
fn cents(price: &str) -> Option<i64> {
    let (whole, frac) = price.trim().split_once('.').unwrap_or((price.trim(), ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    Some(whole.parse::<i64>().ok()? * 100 + frac)
}

#[cfg(test)]
mod tests {
    use super::cents;

    #[test]
    fn prices_are_read_as_cents() {
        assert_eq!(cents("7.45"), Some(745));
        assert_eq!(cents("7"), Some(700));
        assert_eq!(cents("7.5"), Some(750));
        assert_eq!(cents("0.05"), Some(5));
        assert_eq!(cents("-1.00"), None);
        assert_eq!(cents("1.234"), None);
        assert_eq!(cents("abc"), None);
    }
}
