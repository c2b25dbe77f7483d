//! Every TikTok Shop endpoint podgate calls, with its method, path and API version, in one
//! place. Defaults are the versions TikTok's documentation pages describe today; each can be
//! overridden in configuration (`[default.tiktok.versions]`, e.g. `create_packages = "202512"`)
//! when TikTok retires one (36009014) or a shop needs a newer one.

use std::collections::BTreeMap;

use reqwest::Method;

/// An endpoint of the Open API host that podgate calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    AuthorizedShops,
    OrderSearch,
    OrderDetail,
    EligibleServices,
    CreatePackages,
    PackageDetail,
    PackageSearch,
    ShippingDocument,
    SplitAttributes,
    SplitOrder,
    ShipPackage,
    Tracking,
    Warehouses,
    DeliveryOptions,
    ShippingProviders,
}

impl Endpoint {
    /// All of them, for the contract test and the docs.
    pub const ALL: [Endpoint; 15] = [
        Endpoint::AuthorizedShops,
        Endpoint::OrderSearch,
        Endpoint::OrderDetail,
        Endpoint::EligibleServices,
        Endpoint::CreatePackages,
        Endpoint::PackageDetail,
        Endpoint::PackageSearch,
        Endpoint::ShippingDocument,
        Endpoint::SplitAttributes,
        Endpoint::SplitOrder,
        Endpoint::ShipPackage,
        Endpoint::Tracking,
        Endpoint::Warehouses,
        Endpoint::DeliveryOptions,
        Endpoint::ShippingProviders,
    ];

    /// The configuration key and rate-limit bucket.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::AuthorizedShops => "authorized_shops",
            Endpoint::OrderSearch => "order_search",
            Endpoint::OrderDetail => "order_detail",
            Endpoint::EligibleServices => "shipping_services",
            Endpoint::CreatePackages => "create_packages",
            Endpoint::PackageDetail => "package_detail",
            Endpoint::PackageSearch => "package_search",
            Endpoint::ShippingDocument => "shipping_documents",
            Endpoint::SplitAttributes => "split_attributes",
            Endpoint::SplitOrder => "split_order",
            Endpoint::ShipPackage => "ship_package",
            Endpoint::Tracking => "tracking",
            Endpoint::Warehouses => "warehouses",
            Endpoint::DeliveryOptions => "delivery_options",
            Endpoint::ShippingProviders => "shipping_providers",
        }
    }

    pub fn method(self) -> Method {
        match self {
            Endpoint::AuthorizedShops
            | Endpoint::OrderDetail
            | Endpoint::PackageDetail
            | Endpoint::ShippingDocument
            | Endpoint::SplitAttributes
            | Endpoint::Tracking
            | Endpoint::Warehouses
            | Endpoint::DeliveryOptions
            | Endpoint::ShippingProviders => Method::GET,
            _ => Method::POST,
        }
    }

    /// The path with `{version}` and the docs' own path parameters (`{order_id}`…).
    pub fn template(self) -> &'static str {
        match self {
            Endpoint::AuthorizedShops => "/authorization/{version}/shops",
            Endpoint::OrderSearch => "/order/{version}/orders/search",
            Endpoint::OrderDetail => "/order/{version}/orders",
            Endpoint::EligibleServices => "/fulfillment/{version}/orders/{order_id}/shipping_services/query",
            Endpoint::CreatePackages => "/fulfillment/{version}/packages",
            Endpoint::PackageDetail => "/fulfillment/{version}/packages/{package_id}",
            Endpoint::PackageSearch => "/fulfillment/{version}/packages/search",
            Endpoint::ShippingDocument => "/fulfillment/{version}/packages/{package_id}/shipping_documents",
            Endpoint::SplitAttributes => "/fulfillment/{version}/orders/split_attributes",
            Endpoint::SplitOrder => "/fulfillment/{version}/orders/{order_id}/split",
            Endpoint::ShipPackage => "/fulfillment/{version}/packages/{package_id}/ship",
            Endpoint::Tracking => "/fulfillment/{version}/orders/{order_id}/tracking",
            Endpoint::Warehouses => "/logistics/{version}/warehouses",
            Endpoint::DeliveryOptions => "/logistics/{version}/warehouses/{warehouse_id}/delivery_options",
            Endpoint::ShippingProviders => {
                "/logistics/{version}/delivery_options/{delivery_option_id}/shipping_providers"
            }
        }
    }

    /// The versions podgate can speak, the default (the docs' current one) first.
    pub fn versions(self) -> &'static [&'static str] {
        match self {
            Endpoint::OrderDetail => &["202507"],
            Endpoint::CreatePackages => &["202309", "202512"],
            _ => &["202309"],
        }
    }

    pub fn default_version(self) -> &'static str {
        self.versions()[0]
    }

    /// Whether the call is made for one shop (`shop_cipher` in the query).
    pub fn shop_scoped(self) -> bool {
        self != Endpoint::AuthorizedShops
    }

    fn by_name(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// The version of each endpoint, from configuration over the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersions(BTreeMap<Endpoint, &'static str>);

impl Default for ApiVersions {
    fn default() -> Self {
        ApiVersions(
            Endpoint::ALL
                .into_iter()
                .map(|e| (e, e.default_version()))
                .collect(),
        )
    }
}

impl ApiVersions {
    /// Applies `[tiktok.versions]`; names every unknown endpoint and unsupported version at
    /// once, with what is allowed.
    pub fn from_overrides(overrides: &BTreeMap<String, String>) -> Result<ApiVersions, String> {
        let mut v = ApiVersions::default();
        let mut bad = Vec::new();
        for (name, version) in overrides {
            match Endpoint::by_name(name) {
                None => bad.push(format!(
                    "tiktok.versions.{name}: no such endpoint (one of {})",
                    Endpoint::ALL.map(|e| e.name()).join(", ")
                )),
                Some(e) => match e.versions().iter().find(|s| *s == version) {
                    Some(s) => {
                        v.0.insert(e, s);
                    }
                    None => bad.push(format!(
                        "tiktok.versions.{name} = \"{version}\": podgate speaks {}",
                        e.versions().join(" or ")
                    )),
                },
            }
        }
        if bad.is_empty() {
            Ok(v)
        } else {
            Err(bad.join("; "))
        }
    }

    pub fn of(&self, e: Endpoint) -> &'static str {
        self.0.get(&e).copied().unwrap_or_else(|| e.default_version())
    }

    /// The endpoint's path at its version, with `params` (name, value) filled in.
    pub fn path(&self, e: Endpoint, params: &[(&str, &str)]) -> String {
        let mut p = e.template().replace("{version}", self.of(e));
        for (name, value) in params {
            p = p.replace(&format!("{{{name}}}"), value);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_pick_a_version_and_bad_ones_are_all_named() {
        let mut o = BTreeMap::new();
        o.insert("create_packages".to_string(), "202512".to_string());
        let v = ApiVersions::from_overrides(&o).unwrap();
        assert_eq!(
            v.path(Endpoint::CreatePackages, &[]),
            "/fulfillment/202512/packages"
        );
        assert_eq!(v.path(Endpoint::OrderDetail, &[]), "/order/202507/orders");
        o.insert("create_packages".into(), "202401".into());
        o.insert("orders".into(), "202309".into());
        let e = ApiVersions::from_overrides(&o).unwrap_err();
        assert!(
            e.contains("create_packages = \"202401\": podgate speaks 202309 or 202512"),
            "{e}"
        );
        assert!(e.contains("tiktok.versions.orders: no such endpoint"), "{e}");
    }
}
