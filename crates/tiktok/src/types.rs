//! Wire types of the TikTok Shop Open API subset podgate uses, with the documented field names.
//! The client decodes them and the sandbox encodes them, so both agree by construction.
//! Ids are strings (they exceed 2^53), money is decimal strings, times are Unix seconds.

use serde::{Deserialize, Serialize};

/// The response envelope of every endpoint: `code` 0 is success whatever the HTTP status.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub code: i64,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub request_id: String,
    pub data: Option<T>,
}

/// Token endpoint `data` (`/api/v2/token/get` and `/api/v2/token/refresh`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TokenData {
    pub access_token: String,
    /// Absolute Unix time at which the access token expires.
    pub access_token_expire_in: i64,
    pub refresh_token: String,
    /// Absolute Unix time at which the refresh token expires.
    pub refresh_token_expire_in: i64,
    pub open_id: String,
    pub seller_name: String,
    pub seller_base_region: String,
    pub user_type: i64,
    pub granted_scopes: Vec<String>,
}

/// One authorized shop (`GET /authorization/202309/shops`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Shop {
    pub id: String,
    pub name: String,
    pub region: String,
    pub seller_type: String,
    pub cipher: String,
    pub code: String,
}

/// `data` of Get Authorized Shops.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ShopList {
    pub shops: Vec<Shop>,
}

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

/// An empty `data` object (`{}`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Empty {}

/// A webhook delivery.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct WebhookEvent {
    #[serde(rename = "type")]
    pub kind: i64,
    pub tts_notification_id: String,
    pub shop_id: String,
    pub timestamp: i64,
    pub data: serde_json::Value,
}

/// One carrier event (Get Tracking).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TrackingEvent {
    pub description: String,
    /// Unix milliseconds.
    pub update_time_millis: i64,
}

/// `data` of Get Tracking: an order's carrier events, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Tracking {
    pub tracking: Vec<TrackingEvent>,
}

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
