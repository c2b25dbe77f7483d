//! The sandbox's logistics pages: each warehouse's delivery options (Get Warehouse Delivery
//! Options) and each option's carriers (Get Shipping Providers), the list sellers choose their
//! suppliers' carriers from. Every warehouse has a standard and an express option sold through
//! the sandbox's carriers, and an economy option TikTok fulfils itself (no carriers: 21008117).

use rocket::{State, get};
use tiktok::types::{
    DeliveryOption, DeliveryOptionList, DimensionLimit, ShippingProvider, ShippingProviderList, WeightLimit,
};

use super::Sandbox;
use super::api::{ApiReply, ApiRequest, Scope};
use super::fulfillment::{SbError, refuse};

/// The carriers the sandbox's services are sold through (ids as on its shipping services).
const PROVIDERS: [(&str, &str); 3] = [
    ("6617675021119438849", "USPS"),
    ("6617675021119438850", "UPS"),
    ("6617675021119438851", "FedEx"),
];

/// The delivery options of every warehouse: (id suffix, name, type, carriers).
const OPTIONS: [(&str, &str, &str, &[&str]); 3] = [
    ("1", "Standard shipping", "STANDARD", &["USPS", "UPS", "FedEx"]),
    ("2", "Express shipping", "EXPRESS", &["USPS", "FedEx"]),
    ("3", "Economy (shipped by TikTok)", "ECONOMY", &[]),
];

/// A delivery option's id: the warehouse's id with the option's suffix.
fn option_id(warehouse_id: &str, suffix: &str) -> String {
    format!(
        "69{}{suffix}",
        &warehouse_id[warehouse_id.len().saturating_sub(16)..]
    )
}

fn options_of(warehouse_id: &str) -> Result<Vec<DeliveryOption>, SbError> {
    if !super::catalog::warehouses().iter().any(|w| w.id == warehouse_id) {
        return Err(refuse(
            tiktok::codes::INVALID_PARAMS,
            format!("warehouse {warehouse_id} does not exist"),
        ));
    }
    Ok(OPTIONS
        .iter()
        .map(|(suffix, name, kind, _)| DeliveryOption {
            id: option_id(warehouse_id, suffix),
            name: (*name).into(),
            kind: (*kind).into(),
            description: (*name).into(),
            dimension_limit: Some(DimensionLimit {
                max_height: 108,
                max_length: 108,
                max_width: 108,
                unit: "INCH".into(),
            }),
            weight_limit: Some(WeightLimit {
                max_weight: 68_000,
                min_weight: 1,
                unit: "GRAM".into(),
            }),
            platform: vec!["TIKTOK_SHOP".into()],
        })
        .collect())
}

fn providers_of(delivery_option_id: &str) -> Result<Vec<ShippingProvider>, SbError> {
    for w in super::catalog::warehouses() {
        for (suffix, _, _, carriers) in OPTIONS {
            if option_id(&w.id, suffix) != delivery_option_id {
                continue;
            }
            if carriers.is_empty() {
                return Err(refuse(
                    tiktok::codes::FULFILLED_BY_TIKTOK,
                    "The delivery of the specified delivery_option_id is fulfilled by TikTok. No shipping provider will be returned.",
                ));
            }
            return Ok(PROVIDERS
                .iter()
                .filter(|(_, name)| carriers.contains(name))
                .map(|(id, name)| ShippingProvider {
                    id: (*id).into(),
                    name: (*name).into(),
                })
                .collect());
        }
    }
    Err(refuse(
        21008116,
        "No Subscription without specified delivery option.",
    ))
}

#[get("/logistics/202309/warehouses/<warehouse_id>/delivery_options")]
pub async fn delivery_options(sb: &State<Sandbox>, call: ApiRequest, warehouse_id: &str) -> ApiReply {
    let id = warehouse_id.to_string();
    sb.handle(
        call,
        None,
        Scope::Shop,
        "delivery_options",
        "seller.logistics",
        move |_, _, _| {
            Ok(DeliveryOptionList {
                delivery_options: options_of(&id)?,
            })
        },
    )
    .await
}

#[get("/logistics/202309/delivery_options/<delivery_option_id>/shipping_providers")]
pub async fn shipping_providers(sb: &State<Sandbox>, call: ApiRequest, delivery_option_id: &str) -> ApiReply {
    let id = delivery_option_id.to_string();
    sb.handle(
        call,
        None,
        Scope::Shop,
        "shipping_providers",
        "seller.logistics",
        move |_, _, _| {
            Ok(ShippingProviderList {
                shipping_providers: providers_of(&id)?,
            })
        },
    )
    .await
}
