//! The artwork pre-flight as label purchases see it: which orders' artwork files fail the
//! checks (see [`crate::domain::artwork`]), so no label is bought for an order its factory
//! could not print.

use std::collections::HashMap;

use crate::db::models::order::OrderItem;
use crate::db::models::supplier::SkuRule;
use crate::domain::DomainError;
use crate::domain::artwork::{Need, needs};

use super::Labels;

impl Labels {
    /// Every problem of these orders' artwork, by order (orders without one are absent).
    pub(super) async fn artwork_problems(
        &self,
        workspace_id: i64,
        order_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<String>>, DomainError> {
        let ids = order_ids.to_vec();
        let by_order: Vec<(i64, Vec<Need>)> = self
            .pool
            .query(move |c| {
                let rules = SkuRule::by_id(c, workspace_id)?;
                let mut out = Vec::new();
                for chunk in ids.chunks(500) {
                    let mut items: HashMap<i64, Vec<(String, Option<i64>)>> = HashMap::new();
                    for (order, (_, sku, _, rule)) in crate::domain::routing::plan_items(c, chunk)?
                        .into_iter()
                        .flat_map(|(o, its)| its.into_iter().map(move |i| (o, i)))
                    {
                        items.entry(order).or_default().push((sku, rule));
                    }
                    for (order, units) in items {
                        let n = needs(
                            units
                                .iter()
                                .filter_map(|(sku, r)| Some((sku.as_str(), rules.get(&(*r)?)?))),
                        );
                        if !n.is_empty() {
                            out.push((order, n));
                        }
                    }
                }
                Ok::<_, diesel::result::Error>(out)
            })
            .await?;
        self.problems_by_order(workspace_id, by_order).await
    }

    /// The artwork problems of one order's units (for its pre-flight).
    pub(super) async fn order_artwork_problems(
        &self,
        workspace_id: i64,
        items: &[OrderItem],
        rules: &HashMap<i64, SkuRule>,
    ) -> Result<Vec<String>, DomainError> {
        let n = needs(
            items
                .iter()
                .filter_map(|i| Some((i.seller_sku.as_str(), rules.get(&i.rule_id?)?))),
        );
        let order = items.first().map(|i| i.order_id).unwrap_or_default();
        Ok(self
            .problems_by_order(workspace_id, vec![(order, n)])
            .await?
            .remove(&order)
            .unwrap_or_default())
    }

    async fn problems_by_order(
        &self,
        workspace_id: i64,
        by_order: Vec<(i64, Vec<Need>)>,
    ) -> Result<HashMap<i64, Vec<String>>, DomainError> {
        let all: Vec<Need> = by_order.iter().flat_map(|(_, n)| n.iter().cloned()).collect();
        let mut found = self.artwork.problems(workspace_id, &all).await?.into_iter();
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for (order, n) in by_order {
            let mine: Vec<String> = found.by_ref().take(n.len()).flatten().collect();
            if !mine.is_empty() {
                out.insert(order, mine);
            }
        }
        Ok(out)
    }
}
