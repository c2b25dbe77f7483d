//! Orders as Get Order List and Get Order Detail return them: the order, its units (one line
//! item per unit), recipient address and payment; and the search body.

use serde::{Deserialize, Serialize};

/// A recipient or sender address.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Address {
    pub full_address: String,
    pub phone_number: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub first_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub last_name: String,
    pub address_detail: String,
    pub address_line1: String,
    pub address_line2: String,
    pub address_line3: String,
    pub address_line4: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub district_info: Vec<DistrictInfo>,
    pub postal_code: String,
    pub region_code: String,
}

impl Address {
    /// The address as a package carries it: without name parts or district levels.
    pub fn without_parts(self) -> Address {
        Address {
            first_name: String::new(),
            last_name: String::new(),
            district_info: Vec::new(),
            ..self
        }
    }
}

/// One level of an address (country, state, county, city).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DistrictInfo {
    pub address_level_name: String,
    pub address_name: String,
    pub address_level: String,
}

/// Order payment summary (decimal strings).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Payment {
    pub currency: String,
    pub sub_total: String,
    pub shipping_fee: String,
    pub seller_discount: String,
    pub platform_discount: String,
    pub total_amount: String,
    pub original_total_product_price: String,
    pub original_shipping_fee: String,
    pub tax: String,
}

/// One unit of one SKU: TikTok has no quantity field, each unit is its own line item.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct LineItem {
    pub id: String,
    pub sku_id: String,
    pub product_id: String,
    pub product_name: String,
    pub sku_name: String,
    pub sku_image: String,
    pub seller_sku: String,
    pub original_price: String,
    pub sale_price: String,
    pub currency: String,
    pub display_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_provider_name: Option<String>,
    pub cancel_reason: String,
    pub is_gift: bool,
}

/// A package reference on an order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct PackageRef {
    pub id: String,
}

/// An order as returned by Get Order Detail and Get Order List.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Order {
    pub id: String,
    pub status: String,
    pub create_time: i64,
    pub update_time: i64,
    pub paid_time: i64,
    pub rts_sla_time: i64,
    pub tts_sla_time: i64,
    pub shipping_due_time: i64,
    pub collection_due_time: i64,
    pub delivery_due_time: i64,
    pub cancel_time: i64,
    /// When the order went `IN_TRANSIT`: the carrier's first scan, what TikTok's dispatch
    /// clock counts (0 = not yet).
    pub collection_time: i64,
    /// When the order went `DELIVERED` (0 = not yet).
    pub delivery_time: i64,
    /// `NORMAL`, `PRE_ORDER`, `MADE_TO_ORDER`, `BACK_ORDER`, `ZERO_LOTTERY`…
    pub order_type: String,
    /// A made-to-order or back-order order's own handling time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handling_duration: Option<HandlingDuration>,
    pub user_id: String,
    pub buyer_email: String,
    pub buyer_message: String,
    pub fulfillment_type: String,
    pub shipping_type: String,
    pub delivery_type: String,
    pub delivery_option_name: String,
    pub warehouse_id: String,
    pub is_on_hold_order: bool,
    pub is_sample_order: bool,
    pub cancel_reason: String,
    pub cancellation_initiator: String,
    pub packages: Vec<PackageRef>,
    pub payment: Payment,
    pub recipient_address: Address,
    pub line_items: Vec<LineItem>,
}

/// `data` of Get Order Detail.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderDetail {
    pub orders: Vec<Order>,
}

/// `data` of Get Order List.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderPage {
    pub next_page_token: String,
    pub total_count: i64,
    pub orders: Vec<Order>,
}

/// Body of Get Order List (all filters optional; absent ones are not sent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct OrderSearch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time_ge: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time_lt: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time_ge: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time_lt: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_type: Option<String>,
}

/// How long the seller has to hand an order to the carrier (made-to-order and back-order).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct HandlingDuration {
    /// A number of days, as a string.
    pub days: String,
    /// `BUSINESS_DAY` or `CALENDAR_DAY`.
    #[serde(rename = "type")]
    pub kind: String,
}
