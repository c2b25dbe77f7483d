//! TikTok's error codes and what each means for podgate: one table built from the
//! `error_code_list` of every endpoint podgate calls and the common-errors page of TikTok's
//! documentation (their facts checked in as `tests/contract/tiktok.json` by
//! `scripts/tiktok-contract.py`). A test holds the table against that file, so a code the docs
//! list cannot go unclassed.

use ErrorClass::*;

/// What kind of failure a code or transport problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// 105002: the access token expired; refresh once and retry once.
    ExpiredToken,
    /// 36004001 / 36004005 / 101000: the authorization period is over, was revoked, or the
    /// token is not this shop's: the seller must authorize the shop again.
    Reauthorize,
    /// 105005 and kin: the app or token lacks a scope; the seller must re-authorize.
    MissingPermission,
    /// 106001 / 36009004 / 36009009 / 36009010 / 36009014 …: podgate's app settings, the
    /// clock, or a path/version are wrong. Re-authorizing the shop would not help.
    Configuration,
    /// 36009002 or HTTP 429: slow down and retry.
    RateLimited,
    /// 36009003 / "System process error, please try again later" / timeouts / HTTP 5xx /
    /// connection failures: retry with backoff.
    Transient,
    /// 11034037 and kin: the shipping document is still being generated; retry later.
    DocumentNotReady,
    /// 21022025 / 21011006 / 21011020 / 21008042 …: TikTok already has a package or label
    /// for these units. Reconcile (find and adopt it); never buy again.
    AlreadyFulfilled,
    /// Anything else: a business rule said no (order on hold, cancelled, bad address…).
    Business,
}

impl ErrorClass {
    /// A stable snake_case name, for metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::ExpiredToken => "expired_token",
            ErrorClass::Reauthorize => "reauthorize",
            ErrorClass::MissingPermission => "missing_permission",
            ErrorClass::Configuration => "configuration",
            ErrorClass::RateLimited => "rate_limited",
            ErrorClass::Transient => "transient",
            ErrorClass::DocumentNotReady => "document_not_ready",
            ErrorClass::AlreadyFulfilled => "already_fulfilled",
            ErrorClass::Business => "business",
        }
    }
}

/// Codes podgate's own code names.
pub const BAD_SIGN: i64 = 106001;
pub const EXPIRED_TOKEN: i64 = 105002;
pub const NO_PERMISSION: i64 = 105005;
pub const IP_NOT_ALLOWED: i64 = 36009033;
pub const TOO_MANY_REQUESTS: i64 = 36009002;
pub const INTERNAL: i64 = 36009003;
pub const BAD_COMMON_PARAM: i64 = 36009004;
pub const TIMEOUT: i64 = 36009007;
pub const INVALID_PATH: i64 = 36009009;
pub const INVALID_METHOD: i64 = 36009010;
pub const VERSION_NOT_SUPPORTED: i64 = 36009014;
pub const INVALID_TOKEN_FOR_SHOP: i64 = 101000;
pub const MISSING_SHOP_CIPHER: i64 = 106013;
/// The auth host's "refresh token expired": the authorization period is over.
pub const REFRESH_TOKEN_EXPIRED: i64 = 36004001;
/// The auth host's "no authorization record": the seller deauthorized the app.
pub const NO_AUTH_RECORD: i64 = 36004005;
pub const ORDER_ON_HOLD: i64 = 21011044;
pub const ORDER_CANCELLED: i64 = 21011041;
pub const ORDERS_ALREADY_SHIPPED: i64 = 21011006;
pub const LABEL_ALREADY_PURCHASED: i64 = 21022025;
pub const NO_SHIPPING_SERVICE: i64 = 21011037;
pub const DOC_GENERATING: i64 = 11034037;
pub const DOC_TIMEOUT: i64 = 11034023;
pub const INVALID_PARAMS: i64 = 21001001;
/// "System process error, please try again later."
pub const SYSTEM_PROCESS_ERROR: i64 = 21001011;
/// "The order or package does not belong to the current seller": podgate's "not found".
pub const NOT_THIS_SELLERS: i64 = 21008111;
/// Get Shipping Providers: the delivery option is fulfilled by TikTok, so it has no carriers.
pub const FULFILLED_BY_TIKTOK: i64 = 21008117;
/// Internal/network failures without a TikTok code.
pub const TRANSPORT: i64 = -1;

/// Every documented code podgate may meet, sorted, with its class. 21011044 (order on hold)
/// is from the "on hold order status" changelog, not an endpoint's list; 36004001 and
/// 36004005 (the auth host's refresh answers) are on no page here at all.
pub const TABLE: &[(i64, ErrorClass)] = &[
    (101000, Reauthorize),         // Invalid query or header (token not for this shop)
    (105002, ExpiredToken),        // Expired credentials
    (105005, MissingPermission),   // Access denied: missing scope
    (106001, Configuration),       // Invalid sign
    (106013, Configuration),       // Missing shop_cipher
    (10002014, Transient),         // Failed to get orders, If multiple retry have failed, please contact th
    (10002015, Transient),         // Failed to get orders, If multiple retry have failed, please contact th
    (10006402, MissingPermission), // permission denied
    (10037002, Transient),         // Failed to get orders, If multiple retry have failed, please contact th
    (10037003, Transient),         // Failed to get orders, If multiple retry have failed, please contact th
    (10037004, Transient),         // Failed to get orders, If multiple retry have failed, please contact th
    (11001002, Business),          // invalid param.
    (11001027, Transient),         // System timeout. If this error persists, please contact the platform fo
    (11001031, Transient),         // System process error, please try again later.
    (11003011, Business),          // Shipping service operation conflict error, please double check the shi
    (11006010, Transient),         // Internal package status error, please try again later.
    (11006013, Business),          // Failed to ship package. Products under the Phones & Tablets category c
    (11006014, Business),          // Failed to ship package. If you are shipping multiple products under th
    (11006021, AlreadyFulfilled),  // Package has been shipped. Please not ship the package again.
    (11021009, Business),          // No available shipping services for this request. Please modify the pac
    (11021010, Business),          // The shipment failed due to an invalid postal code. Please ask the buye
    (11021011, Business),          // Fail to ship package because the product name is invalid. You may canc
    (11021012, Business),          // illegal address
    (11021013, Business),          // The shipment failed because the delivery address is too long. Please a
    (11021014, Business),          // product oversize
    (11021015, Business),          // Fail to ship package because the package is overweight. You may cancel
    (11021016, Business),          // Fail to ship package because the weight of the SKU exceeds the allowed
    (11021017, Business),          // Fail to ship package because the SKU dimensions exceed the allowed lim
    (11021018, Business),          // Fail to ship package because the number of items in the package exceed
    (11021019, Business),          // Fail to ship package because the package dimensions exceed the allowed
    (11021020, Business),          // Fail to ship package because the package's circumference exceeds the a
    (11021021, Business),          // Fail to ship package because the SKU name is invalid. You may cancel t
    (11021022, Business),          // Fail to ship package because the longest dimension of the package exce
    (11021023, Business),          // Fail to ship package because the buyer and/or seller addresses are inv
    (11021024, Business),          // Fail to ship package because the buyer recipient address is invalid. Y
    (11021025, Business),          // Fail to ship package because the seller shipping address is invalid. Y
    (11028006, Business),          // This tracking number cannot be matched to any carrier, please check th
    (11034002, Business),          // This API is only applicable to TikTok Shipping orders. For seller ship
    (11034009, Business),          // Warehouse does not exist.
    (11034023, DocumentNotReady),  // Shipping document generation timeout error, please try again later.
    (11034025, Transient),         // Internal package tag error, pleaser try again later.
    (11034037, DocumentNotReady),  // The shipping document is still being generated by the logistics provid
    (11050001, Business),          // invalid param
    (21001001, Business),          // Invalid parameters. Please ensure you are passing the correct request
    (21001003, Transient),         // System timeout. If the error persists, please contact the platform for
    (21001008, Transient),         // System process error, please try again later.
    (21001011, Transient),         // System process error, please try again later.
    (21004006, Business),          // Failed to ship. Please ensure an invoice is uploaded before shipping.
    (21004008, Business),          // create label shipping service not found
    (21004010, Business),          // Your country does not support the use of this feature.
    (21004017, Business),          // ON DEMAND RTS NOT IN PICKUP TIME.
    (21004019, Business),          // Need invoice uploaded for all order before rts.
    (21004020, Business),          // Fulfillment Invoice status is not success, can not rts pkg.
    (21004024, Business),          // ship order failed due to platform limitations.
    (21008017, Business),          // This API is only applicable to TikTok Shipping orders. For seller ship
    (21008025, Business),          // Seller cannot operate orders which are fulfilled by platform
    (21008042, AlreadyFulfilled),  // seller already print shipping label
    (21008043, Business),          // This package is fulfilled by TikTok. Shipping documents cannot be prin
    (21008044, Business),          // Package item has after-sale request, please process the after-sale req
    (21008099, AlreadyFulfilled),  // Package has been shipped. Please not ship the package again.
    (21008106, Business),          // This interface cannot be used in this region.
    (21008109, Business),          // Unable to retrieve shipping information, please double check the order
    (21008111, Business),          // The order or package does not belong to the current seller.
    (21008116, Business),          // No Subscription without specified delivery option.
    (21008117, Business),          // The delivery of the specified delivery_option_id is fulfilled by TikTok
    (21011003, Business),          // fulfill_unit action not allowed
    (21011005, Business),          // Invalid parameters. Please ensure you are passing the correct request
    (21011006, AlreadyFulfilled),  // These orders are already shipped.
    (21011007, Business),          // Package item has after-sale request, please process the after-sale req
    (21011008, Business),          // Package is not complete. If the error persists, please contact the pla
    (21011012, Business),          // not match trade rule
    (21011020, AlreadyFulfilled),  // These orders are already shipped.
    (21011022, Business),          // Invalid tracking number or provider ID. Please double check and try ag
    (21011025, Business),          // Duplicate tracking number.
    (21011026, Business),          // fulfillment tracking no used times over limit.
    (21011027, AlreadyFulfilled),  // Package has already been delivered.
    (21011028, Business),          // The package does not belong to the current shop.
    (21011029, Business),          // order does not belong to fulfill unit
    (21011030, Business),          // fulfillment not allow update tracking no.
    (21011033, Business),          // order already combined
    (21011035, Business),          // split order not allowed
    (21011037, Business),          // There are no available shipping services for this request. Please modi
    (21011040, AlreadyFulfilled),  // Package has already been shipped.
    (21011041, Business),          // Cannot complete the operation when order is cancelled.
    (21011044, Business),          // Order status is on hold (changelog: on-hold order status)
    (21011046, Business),          // Order has combine, not allow split order
    (21011048, Business),          // There are multiple packages that can be shipped, please specify the or
    (21011050, Business),          // The tracking number can only be updated within a certain number of hou
    (21011051, Business),          // The tracking number can only be updated once.
    (21011053, Business),          // Fail to ship package because the shipment time is outside of the pick-
    (21011054, Business),          // No available shipping services for this request due to missing pick-up
    (21014009, Business),          // Failed to ship. You may cancel the order without penalty by selecting
    (21021010, Business),          // Package item has after-sale request, please process the after-sale req
    (21022025, AlreadyFulfilled),  // A shipping label has already been purchased.
    (21022026, Transient),         // Cannot purchase shipping label, please try again later.
    (21022029, Transient),         // System process error, please try again later.
    (21022032, Business),          // match provider failed.
    (21023022, DocumentNotReady),  // Unknown label print timeout error. If the error persists, please conta
    (21023034, Transient),         // Internal package update error, please try again later.
    (21023035, Business),          // Please arrange shipment before retrieving the shipping document.
    (21023046, Business),          // Package has already been shipped.
    (21023059, Business),          // Package has already been cancelled.
    (21030005, AlreadyFulfilled),  // Processing create_label_status not allow to operate this action
    (21030006, AlreadyFulfilled),  // Shipping label purchase successful. This operation is not allowed in t
    (21032001, Business),          // fulfill unit status not allow to update pkg attr
    (21034012, Business),          // tracking no has been used.
    (21042001, Transient),         // System process error, please try again later.
    (21042067, Business),          // The logistics service provider couldn't process your order.
    (21042076, Transient),         // System process error, please try again later.
    (21042102, Business),          // Documents couldn't be printed after the package has been pickup.
    (21042104, Business),          // Documents couldn't be printed before shipped.Please check shipping is
    (36004001, Reauthorize),       // Refresh token expired (auth host)
    (36004005, Reauthorize),       // No authorization record (auth host)
    (36009002, RateLimited),       // Too many requests
    (36009003, Transient),         // Internal error. Please try again. If the issue persists after multiple
    (36009004, Configuration),     // Missing or invalid credentials, timestamp, identifier or version
    (36009007, Transient),         // Request timeout
    (36009009, Configuration),     // Invalid path
    (36009010, Configuration),     // Invalid method
    (36009014, Configuration),     // API version not supported
    (36009021, Configuration),     // Invalid file size
    (36009022, Configuration),     // Invalid request format
    (36009023, Configuration),     // Invalid content-type
    (36009033, Configuration),     // IP not in allow list
];

/// The class of a code in the table, or None for a code no page lists.
pub fn class_of(code: i64) -> Option<ErrorClass> {
    TABLE
        .binary_search_by_key(&code, |(c, _)| *c)
        .ok()
        .map(|i| TABLE[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_without_duplicates() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn named_codes_have_the_class_their_name_promises() {
        assert_eq!(class_of(SYSTEM_PROCESS_ERROR), Some(Transient));
        assert_eq!(class_of(REFRESH_TOKEN_EXPIRED), Some(Reauthorize));
        assert_eq!(class_of(LABEL_ALREADY_PURCHASED), Some(AlreadyFulfilled));
        assert_eq!(class_of(VERSION_NOT_SUPPORTED), Some(Configuration));
        assert_eq!(class_of(ORDER_ON_HOLD), Some(Business));
    }
}
