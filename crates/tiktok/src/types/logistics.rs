//! Logistics: the shop's warehouses, their delivery options with weight and size limits, and
//! the shipping providers of an option.

use serde::{Deserialize, Serialize};

/// A seller's warehouse (Get Warehouse List): a TikTok label's sender is the order's warehouse.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Warehouse {
    pub id: String,
    pub name: String,
    /// `SALES_WAREHOUSE` or `RETURN_WAREHOUSE`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `ENABLED`, `DISABLED` or `RESTRICTED`.
    pub effect_status: String,
    pub is_default: bool,
    pub address: WarehouseAddress,
}

/// A warehouse's address, as Get Warehouse List gives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct WarehouseAddress {
    pub full_address: String,
    pub address_line1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub region_code: String,
    pub contact_person: String,
    pub phone_number: String,
}

/// `data` of Get Warehouse List.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WarehouseList {
    pub warehouses: Vec<Warehouse>,
}

/// A delivery option of a warehouse (Get Warehouse Delivery Options).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeliveryOption {
    pub id: String,
    pub name: String,
    /// `STANDARD`, `EXPRESS`, `ECONOMY` or `SEND_BY_SELLER`.
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension_limit: Option<DimensionLimit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_limit: Option<WeightLimit>,
    /// `TIKTOK_SHOP`, `TOKOPEDIA`.
    pub platform: Vec<String>,
}

/// A delivery option's size limits.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DimensionLimit {
    pub max_height: i64,
    pub max_length: i64,
    pub max_width: i64,
    /// `CM` or `INCH`.
    pub unit: String,
}

/// A delivery option's weight limits.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct WeightLimit {
    pub max_weight: i64,
    pub min_weight: i64,
    /// `GRAM` or `POUND`.
    pub unit: String,
}

/// Get Warehouse Delivery Options' `data`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeliveryOptionList {
    pub delivery_options: Vec<DeliveryOption>,
}

/// A carrier of a delivery option (Get Shipping Providers).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ShippingProvider {
    pub id: String,
    pub name: String,
}

/// Get Shipping Providers' `data`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ShippingProviderList {
    pub shipping_providers: Vec<ShippingProvider>,
}
