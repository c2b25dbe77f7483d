//! Suppliers: create, edit, archive, with every field checked; and the people of a supplier
//! who use the supplier portal.

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::supplier::{Supplier, SupplierFields};
use crate::domain::batches::print::{self, PageSize, PrintLayout, PrintSort};

use super::{DomainError, FieldError};

/// Packaging of one product type: grams, and (length, width, height) in inches.
pub type Packaging = (i64, (f64, f64, f64));

/// Parses one packaging line `TYPE GRAMS LxWxH` (inches); blank lines and `#` comments are None.
pub fn parse_packaging_line(line: &str) -> Result<Option<(String, Packaging)>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [kind, grams, dims] = parts[..] else {
        return Err(format!(
            "{line:?}: write PRODUCT_TYPE GRAMS LxWxH, for example TEE 340 10x8x1"
        ));
    };
    let grams: i64 = grams
        .parse()
        .ok()
        .filter(|g| *g > 0)
        .ok_or_else(|| format!("{line:?}: the weight must be whole grams above 0"))?;
    let d: Vec<f64> = dims
        .split(['x', 'X'])
        .filter_map(|v| v.parse().ok())
        .filter(|v: &f64| *v > 0.0)
        .collect();
    let [l, w, h] = d[..] else {
        return Err(format!(
            "{line:?}: dimensions must be three inch values like 10x8x1"
        ));
    };
    Ok(Some((kind.to_uppercase(), (grams, (l, w, h)))))
}

/// What the supplier form sends.
#[derive(Debug, Clone, Default)]
pub struct SupplierInput {
    pub name: String,
    pub contacts: String,
    pub ship_from: String,
    pub accepted_services: String,
    pub packaging: String,
    pub cutoff_times: String,
    pub time_zone: String,
    pub ack_deadline_hours: String,
    /// `separate` (or empty) or `pairs`.
    pub print_layout: String,
    /// `ship_by` (or empty), `sku` or `product`.
    pub print_sort: String,
    /// `4x6` (or empty), `a6` or `half_letter`.
    pub page_size: String,
    /// The labels' names in the zip; empty for the default.
    pub label_file_template: String,
    /// ``, `0`, `203` or `300`.
    pub zpl_dpi: String,
    /// `links` (or empty) or `files`.
    pub artwork_delivery: String,
}

fn validate(input: &SupplierInput) -> Result<SupplierFields, DomainError> {
    let mut errors = Vec::new();
    let mut err = |field: &'static str, message: String| {
        errors.push(FieldError {
            field,
            message: message.into(),
        })
    };
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 120 {
        err(
            "name",
            "Enter the supplier's name (at most 120 characters).".into(),
        );
    }
    let mut contacts = Vec::new();
    for line in input.contacts.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let email = line
            .rsplit_once('<')
            .map(|(_, e)| e.trim_end_matches('>'))
            .unwrap_or(line);
        match super::accounts::normalize_email("contacts", email) {
            Ok(_) => contacts.push(line.to_string()),
            Err(_) => err(
                "contacts",
                format!("{line:?} is not an email address; write one contact per line as Name <email>."),
            ),
        }
    }
    for line in input.packaging.lines() {
        if let Err(m) = parse_packaging_line(line) {
            err("packaging", m);
        }
    }
    let mut cutoffs = Vec::new();
    for t in input
        .cutoff_times
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        match chrono::NaiveTime::parse_from_str(t, "%H:%M") {
            Ok(_) => cutoffs.push(t.to_string()),
            Err(_) => err(
                "cutoff_times",
                format!("{t:?} is not a time; write times like 09:00, 15:30."),
            ),
        }
    }
    let tz = input.time_zone.trim();
    let tz = if tz.is_empty() { "UTC" } else { tz };
    if tz.parse::<chrono_tz::Tz>().is_err() {
        err(
            "time_zone",
            format!("{tz:?} is not a time zone; use a name like America/Los_Angeles."),
        );
    }
    let hours = input.ack_deadline_hours.trim();
    let ack: i64 = if hours.is_empty() {
        24
    } else {
        hours.parse().unwrap_or(-1)
    };
    if !(1..=720).contains(&ack) {
        err(
            "ack_deadline_hours",
            "Enter the hours the supplier has to acknowledge, from 1 to 720.".into(),
        );
    }
    let layout = PrintLayout::parse(&input.print_layout);
    if layout.is_none() {
        err(
            "print_layout",
            "Choose how the batch prints: labels and tickets as two files, or each ticket followed by its label.".into(),
        );
    }
    let sort = PrintSort::parse(&input.print_sort);
    if sort.is_none() {
        err(
            "print_sort",
            "Choose the print order: by ship-by, by SKU, or in runs of one product and placement.".into(),
        );
    }
    let page_size = PageSize::parse(&input.page_size);
    if page_size.is_none() {
        err(
            "page_size",
            "Choose the tickets' page size: 4x6 in, A6 or half letter.".into(),
        );
    }
    let names = print::FileNames::parse(&input.label_file_template);
    if let Err(m) = &names {
        err("label_file_template", m.clone());
    }
    let zpl = print::parse_zpl_dpi(&input.zpl_dpi);
    if zpl.is_none() {
        err(
            "zpl_dpi",
            "Choose ZPL for a 203 or 300 dpi thermal printer, or none.".into(),
        );
    }
    let delivery = print::ArtworkDelivery::parse(&input.artwork_delivery);
    if delivery.is_none() {
        err(
            "artwork_delivery",
            "Choose how artwork reaches the supplier: links in the manifest, or the files in the batch zip too.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    Ok(SupplierFields {
        name,
        contacts: contacts.join("\n"),
        ship_from: input.ship_from.trim().to_string(),
        accepted_services: input
            .accepted_services
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        packaging: input.packaging.trim().to_string(),
        cutoff_times: cutoffs.join(", "),
        time_zone: tz.to_string(),
        ack_deadline_hours: ack,
        print_layout: layout.unwrap_or_default().as_str().to_string(),
        print_sort: sort.unwrap_or_default().as_str().to_string(),
        page_size: page_size.unwrap_or_default().as_str().to_string(),
        // Stored as typed (empty: the default, which may change with podgate).
        label_file_template: match input.label_file_template.trim() {
            "" => String::new(),
            _ => names.map(|n| n.as_str().to_string()).unwrap_or_default(),
        },
        zpl_dpi: zpl.unwrap_or_default(),
        artwork_delivery: delivery.unwrap_or_default().as_str().to_string(),
    })
}

use super::seller_workspace;

fn unique_name(e: diesel::result::Error) -> DomainError {
    match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            DomainError::invalid("name", "Another supplier already has this name.")
        }
        other => other.into(),
    }
}

/// Creates a supplier; returns its id.
pub async fn create(pool: &DbPool, actor: &Actor, input: SupplierInput) -> Result<i64, DomainError> {
    let ws = seller_workspace(actor)?;
    let fields = validate(&input)?;
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            let id = Supplier::create(conn, ws, &fields).map_err(unique_name)?;
            audit::record(
                conn,
                &actor,
                Some(ws),
                "supplier.created",
                &format!("supplier:{id}"),
                &format!("created supplier {}", fields.name),
            )?;
            Ok(id)
        })
    })
    .await
}

/// Edits a supplier of the actor's workspace.
pub async fn update(pool: &DbPool, actor: &Actor, id: i64, input: SupplierInput) -> Result<(), DomainError> {
    let ws = seller_workspace(actor)?;
    let fields = validate(&input)?;
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            if Supplier::update(conn, ws, id, &fields).map_err(unique_name)? == 0 {
                return Err(DomainError::NotFound);
            }
            audit::record(
                conn,
                &actor,
                Some(ws),
                "supplier.updated",
                &format!("supplier:{id}"),
                &format!("edited supplier {}", fields.name),
            )?;
            Ok(())
        })
    })
    .await
}

/// Archives (or restores) a supplier: archived suppliers get no new work.
pub async fn set_archived(pool: &DbPool, actor: &Actor, id: i64, archived: bool) -> Result<(), DomainError> {
    let ws = seller_workspace(actor)?;
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            if Supplier::set_archived(conn, ws, id, archived)? == 0 {
                return Err(DomainError::NotFound);
            }
            let what = if archived { "archived" } else { "restored" };
            audit::record(
                conn,
                &actor,
                Some(ws),
                "supplier.archived",
                &format!("supplier:{id}"),
                what,
            )?;
            Ok(())
        })
    })
    .await
}

/// A supplier of the workspace.
pub async fn get(pool: &DbPool, workspace_id: i64, id: i64) -> Result<Supplier, DomainError> {
    pool.run(move |conn| Supplier::find_in_workspace(conn, workspace_id, id)?.ok_or(DomainError::NotFound))
        .await
}

/// A supplier's people (name, email) who sign in to its portal.
pub async fn people(pool: &DbPool, workspace_id: i64, id: i64) -> Result<Vec<(String, String)>, DomainError> {
    pool.run(move |conn| {
        Supplier::find_in_workspace(conn, workspace_id, id)?.ok_or(DomainError::NotFound)?;
        Ok(crate::db::models::user::User::people_of_supplier(conn, id)?)
    })
    .await
}

/// Every supplier of the workspace.
pub async fn list(pool: &DbPool, workspace_id: i64) -> Result<Vec<Supplier>, DomainError> {
    pool.run(move |conn| Ok(Supplier::list(conn, workspace_id)?))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported() {
        let e = validate(&SupplierInput {
            name: "".into(),
            contacts: "Ann <ann@example.com>\nnot an email".into(),
            packaging: "TEE 340 10x8x1\nMUG heavy 4x4x4".into(),
            cutoff_times: "09:00, 25:99".into(),
            time_zone: "Mars/Olympus".into(),
            ack_deadline_hours: "0".into(),
            print_layout: "sideways".into(),
            print_sort: "colour".into(),
            page_size: "A4".into(),
            label_file_template: "{order}".into(),
            zpl_dpi: "600".into(),
            ..SupplierInput::default()
        })
        .unwrap_err();
        let DomainError::Invalid(v) = e else { panic!() };
        let fields: Vec<&str> = v.iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "contacts",
                "packaging",
                "cutoff_times",
                "time_zone",
                "ack_deadline_hours",
                "print_layout",
                "print_sort",
                "page_size",
                "label_file_template",
                "zpl_dpi"
            ]
        );
        assert_eq!(
            parse_packaging_line("tee 340 10x8x1").unwrap(),
            Some(("TEE".into(), (340, (10.0, 8.0, 1.0))))
        );
    }
}
