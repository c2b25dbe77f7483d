//! Fulfillment: eligible shipping services, Create Packages (which buys the label), shipping
//! documents, packages and their search, order splits and Ship Package.

use serde::{Deserialize, Serialize};

use super::*;

/// A weight; `value` is a decimal string, `unit` `GRAM` or `POUND`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Weight {
    pub value: String,
    pub unit: String,
}

/// Package dimensions; values are decimal strings, `unit` `CM` or `INCH`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Dimension {
    pub length: String,
    pub width: String,
    pub height: String,
    pub unit: String,
}

/// Body of Get Eligible Shipping Service.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ShippingServiceQuery {
    pub order_line_item_ids: Vec<String>,
    pub weight: Weight,
    pub dimension: Dimension,
}

/// One purchasable shipping service.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ShippingService {
    pub id: String,
    pub name: String,
    pub price: String,
    pub currency: String,
    pub earliest_delivery_days: i64,
    pub latest_delivery_days: i64,
    /// Only in Get Eligible Shipping Service's list (Create Packages' answer has none).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_default: bool,
    pub shipping_provider_name: String,
    pub shipping_provider_id: String,
}

/// `data` of Get Eligible Shipping Service.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EligibleServices {
    pub order_id: String,
    pub order_line_id: Vec<String>,
    pub shipping_services: Vec<ShippingService>,
}

/// Body of Create Packages (this buys the label).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CreatePackage {
    pub order_id: String,
    pub order_line_item_ids: Vec<String>,
    pub weight: Weight,
    pub dimension: Dimension,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_service_id: Option<String>,
}

/// Body of Create Packages 202512: `ship_type` "2" with the line items as objects.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CreatePackageLines {
    pub ship_type: String,
    pub order_id: String,
    pub order_line_item: Vec<OrderLineRef>,
    pub weight: Weight,
    pub dimension: Dimension,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_service_id: Option<String>,
}

/// One line item of a 202512 Create Packages body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct OrderLineRef {
    pub order_line_id: String,
}

impl From<&CreatePackage> for CreatePackageLines {
    fn from(r: &CreatePackage) -> Self {
        CreatePackageLines {
            ship_type: "2".into(),
            order_id: r.order_id.clone(),
            order_line_item: r
                .order_line_item_ids
                .iter()
                .map(|id| OrderLineRef {
                    order_line_id: id.clone(),
                })
                .collect(),
            weight: r.weight.clone(),
            dimension: r.dimension.clone(),
            shipping_service_id: r.shipping_service_id.clone(),
        }
    }
}

/// `data` of Create Packages.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CreatedPackage {
    pub package_id: String,
    pub order_id: String,
    pub order_line_item_ids: Vec<String>,
    pub shipping_service_info: ShippingService,
    pub create_time: i64,
}

/// `data` of Get Package Shipping Document.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ShippingDocument {
    pub doc_url: String,
    pub tracking_number: String,
}

/// An order reference inside a package.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct PackageOrder {
    pub id: String,
}

/// `data` of Get Package Detail.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PackageDetail {
    pub package_id: String,
    pub orders: Vec<PackageOrder>,
    pub package_status: String,
    pub shipping_provider_name: String,
    pub shipping_provider_id: String,
    pub shipping_type: String,
    pub tracking_number: String,
    pub create_time: i64,
    pub update_time: i64,
    pub handover_method: String,
    pub order_line_item_ids: Vec<String>,
    pub recipient_address: Address,
    pub sender_address: Address,
    pub weight: Option<Weight>,
    pub dimension: Option<Dimension>,
}

/// One package in Search Package results.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct PackageSummary {
    pub id: String,
    pub orders: Vec<PackageOrder>,
    pub create_time: i64,
    pub update_time: i64,
    pub status: String,
    pub tracking_number: String,
    pub shipping_provider_name: String,
    pub shipping_provider_id: String,
    pub order_line_item_ids: Vec<String>,
}

/// `data` of Search Package.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PackagePage {
    pub next_page_token: String,
    pub total_count: i64,
    pub packages: Vec<PackageSummary>,
}

/// Body of Search Package.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PackageSearch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time_ge: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time_lt: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time_ge: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time_lt: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_status: Option<String>,
}

/// One order's split attributes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SplitAttribute {
    pub order_id: String,
    pub can_split: bool,
    pub reason: String,
    pub must_split: bool,
}

/// `data` of Get Order Split Attributes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SplitAttributes {
    pub split_attributes: Vec<SplitAttribute>,
}

/// One group of line items that becomes one package.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SplittableGroup {
    /// Chosen by the caller; echoed back as `splittable_group_id`.
    pub id: String,
    pub order_line_item_ids: Vec<String>,
}

/// Body of Split Orders.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SplitOrder {
    pub splittable_groups: Vec<SplittableGroup>,
}

/// One package created by a split.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SplitPackage {
    pub splittable_group_id: String,
    pub id: String,
}

/// `data` of Split Orders.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SplitResult {
    pub packages: Vec<SplitPackage>,
}

/// Body of Ship Package (non-US "schedule shipping" flow).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ShipPackage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handover_method: Option<String>,
}
