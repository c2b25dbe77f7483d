//! What the sandbox shop sells and who buys it: print-on-demand products with sizes and colors,
//! seller SKUs, made-up US recipients. Everything is drawn from a seeded RNG so a test can
//! reproduce a shop exactly.

use rand::RngExt;
use rand::rngs::StdRng;

use tiktok::types::{Address, DistrictInfo, Warehouse, WarehouseAddress};

/// One product type of the catalog.
pub struct Product {
    /// Seller SKU prefix, also the routing key suppliers map (`TEE-`, `MUG-`…).
    pub sku_prefix: &'static str,
    pub name: &'static str,
    pub variants_a: &'static [&'static str],
    pub variants_b: &'static [&'static str],
    /// Price in cents.
    pub price_cents: u32,
    pub image: &'static str,
}

/// The catalog: t-shirts, hoodies, mugs, posters, tote bags.
pub const PRODUCTS: &[Product] = &[
    Product {
        sku_prefix: "TEE",
        name: "Unisex Heavy Cotton Tee",
        variants_a: &["Black", "White", "Navy", "Heather Grey"],
        variants_b: &["S", "M", "L", "XL", "2XL"],
        price_cents: 2499,
        image: "tee",
    },
    Product {
        sku_prefix: "HOOD",
        name: "Pullover Hoodie",
        variants_a: &["Black", "Forest Green", "Sand"],
        variants_b: &["S", "M", "L", "XL"],
        price_cents: 4499,
        image: "hoodie",
    },
    Product {
        sku_prefix: "MUG",
        name: "Ceramic Mug",
        variants_a: &["White", "Black"],
        variants_b: &["11oz", "15oz"],
        price_cents: 1699,
        image: "mug",
    },
    Product {
        sku_prefix: "POSTER",
        name: "Matte Poster",
        variants_a: &["Matte"],
        variants_b: &["12x18", "18x24", "24x36"],
        price_cents: 1999,
        image: "poster",
    },
    Product {
        sku_prefix: "TOTE",
        name: "Canvas Tote Bag",
        variants_a: &["Natural", "Black"],
        variants_b: &["One Size"],
        price_cents: 1899,
        image: "tote",
    },
];

/// Print designs; the design code is part of the seller SKU.
pub const DESIGNS: &[(&str, &str)] = &[
    ("CATMOM", "Cat Mom Club"),
    ("SUNSET", "Retro Sunset"),
    ("DOGDAD", "Best Dog Dad"),
    ("PLANTS", "Plant Lady"),
    ("COFFEE", "But First Coffee"),
    ("MTNS", "The Mountains Are Calling"),
    ("BOOKS", "Just One More Chapter"),
    ("TACO", "Taco Tuesday"),
];

const FIRST: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Mia", "Lucas", "Amelia", "Mateo",
    "Harper", "Ethan", "Evelyn", "Aiden", "Camila", "Jackson", "Luna", "Grace", "Maya", "Daniel", "Zoe",
    "Owen",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Martin",
    "Lee",
    "Nguyen",
    "Patel",
];
const STREETS: &[&str] = &[
    "Maple Ave",
    "Oak St",
    "Cedar Ln",
    "Pine Rd",
    "Elm St",
    "Washington Blvd",
    "Lakeview Dr",
    "Sunset Blvd",
    "Park Ave",
    "Hillcrest Rd",
    "Main St",
    "Willow Way",
    "River Rd",
    "Highland Ave",
    "Meadow Ct",
];
/// (city, state code, state name, ZIP prefix)
const CITIES: &[(&str, &str, &str, &str)] = &[
    ("Austin", "TX", "Texas", "787"),
    ("Columbus", "OH", "Ohio", "432"),
    ("Portland", "OR", "Oregon", "972"),
    ("Denver", "CO", "Colorado", "802"),
    ("Raleigh", "NC", "North Carolina", "276"),
    ("Phoenix", "AZ", "Arizona", "850"),
    ("Nashville", "TN", "Tennessee", "372"),
    ("Madison", "WI", "Wisconsin", "537"),
    ("Tampa", "FL", "Florida", "336"),
    ("Sacramento", "CA", "California", "958"),
    ("Albany", "NY", "New York", "122"),
    ("Boise", "ID", "Idaho", "837"),
];

/// Picks one element.
pub fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An 18-digit id string (TikTok ids exceed 2^53, so they travel as strings).
pub fn id(rng: &mut StdRng, prefix: &str) -> String {
    let mut s = prefix.to_string();
    while s.len() < 18 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}

/// A made-up US recipient.
pub fn recipient(rng: &mut StdRng) -> Address {
    let first = *pick(rng, FIRST);
    let last = *pick(rng, LAST);
    let (city, _state, state_name, zip3) = *pick(rng, CITIES);
    let line1 = format!("{} {}", rng.random_range(10..9999), pick(rng, STREETS));
    let line2 = if rng.random_range(0..4) == 0 {
        format!("Apt {}", rng.random_range(1..400))
    } else {
        String::new()
    };
    let zip = format!("{zip3}{:02}", rng.random_range(0..100));
    let phone = format!(
        "(+1){}*****{:02}",
        rng.random_range(201..989),
        rng.random_range(0..100)
    );
    let detail = if line2.is_empty() {
        line1.clone()
    } else {
        format!("{line1}, {line2}")
    };
    Address {
        full_address: format!("{detail}, {city}, {state_name}, {zip}, United States"),
        phone_number: phone,
        name: format!("{first} {last}"),
        first_name: first.into(),
        last_name: last.into(),
        address_detail: detail,
        address_line1: line1,
        address_line2: line2,
        postal_code: zip,
        region_code: "US".into(),
        district_info: vec![
            DistrictInfo {
                address_level_name: "Country".into(),
                address_name: "United States".into(),
                address_level: "L0".into(),
            },
            DistrictInfo {
                address_level_name: "State".into(),
                address_name: state_name.into(),
                address_level: "L1".into(),
            },
            DistrictInfo {
                address_level_name: "City".into(),
                address_name: city.into(),
                address_level: "L3".into(),
            },
        ],
        ..Address::default()
    }
}

/// The seller's three sales warehouses, one per print partner's facility: apparel ships from
/// Reno, mugs from Columbus, posters and totes from Charlotte.
pub fn warehouses() -> Vec<Warehouse> {
    let w =
        |id: &str, name: &str, line1: &str, city: &str, state: &str, zip: &str, default: bool| Warehouse {
            id: id.into(),
            name: name.into(),
            kind: "SALES_WAREHOUSE".into(),
            effect_status: "ENABLED".into(),
            is_default: default,
            address: WarehouseAddress {
                full_address: format!("{line1}, {city}, {state}, {zip}, United States"),
                address_line1: line1.into(),
                city: city.into(),
                state: state.into(),
                postal_code: zip.into(),
                region_code: "US".into(),
                contact_person: name.into(),
                phone_number: "(+1)7755550100".into(),
            },
        };
    vec![
        w(
            WAREHOUSE_APPAREL,
            "Sandbox POD Fulfillment",
            "400 Industrial Pkwy",
            "Reno",
            "Nevada",
            "89502",
            true,
        ),
        w(
            "7000000000000000002",
            "Mug partner",
            "77 Kiln Rd",
            "Columbus",
            "Ohio",
            "43215",
            false,
        ),
        w(
            "7000000000000000003",
            "Paper & tote partner",
            "9 Press St",
            "Charlotte",
            "North Carolina",
            "28202",
            false,
        ),
    ]
}

/// The default warehouse (apparel).
pub const WAREHOUSE_APPAREL: &str = "7000000000000000001";

/// Which warehouse an order ships from, by its first item's seller SKU.
pub fn warehouse_for_sku(sku: &str) -> &'static str {
    match sku.split('-').next().unwrap_or_default() {
        "MUG" => "7000000000000000002",
        "POSTER" | "TOTE" => "7000000000000000003",
        _ => WAREHOUSE_APPAREL,
    }
}

/// A warehouse's address as a label's sender.
pub fn sender_of(warehouse_id: &str) -> Address {
    let Some(w) = warehouses().into_iter().find(|w| w.id == warehouse_id) else {
        return warehouse_address();
    };
    Address {
        name: w.name.clone(),
        address_line1: w.address.address_line1.clone(),
        address_detail: w.address.address_line1.clone(),
        full_address: w.address.full_address.clone(),
        postal_code: w.address.postal_code.clone(),
        region_code: "US".into(),
        ..Address::default()
    }
}

/// The sender address printed on labels (the default warehouse).
pub fn warehouse_address() -> Address {
    Address {
        name: "Sandbox POD Fulfillment".into(),
        address_line1: "400 Industrial Pkwy".into(),
        address_detail: "400 Industrial Pkwy".into(),
        full_address: "400 Industrial Pkwy, Reno, Nevada, 89502, United States".into(),
        postal_code: "89502".into(),
        region_code: "US".into(),
        district_info: vec![
            DistrictInfo {
                address_level_name: "State".into(),
                address_name: "Nevada".into(),
                address_level: "L1".into(),
            },
            DistrictInfo {
                address_level_name: "City".into(),
                address_name: "Reno".into(),
                address_level: "L3".into(),
            },
        ],
        ..Address::default()
    }
}

/// Formats cents as a decimal string.
pub fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}
