//! The artwork a sealed batch names, as the pre-flight found it: each reference gets the
//! checksum of the file that was checked (when the seller gave none) and, for a supplier who
//! gets files, the file's path inside the zip (`artwork/<sha256>.<ext>`, once per file).

use crate::db::AnyConnection;
use crate::db::models::artwork;

use super::manifest::PackageEntry;
use super::print::ArtworkDelivery;
use crate::domain::DomainError;

/// Where a checked file goes inside the batch zip.
pub fn zip_path(sha256: &str, format: &str) -> String {
    format!("artwork/{sha256}.{format}")
}

/// Fills in what the pre-flight knows about these packages' artwork.
pub(super) fn attach_checked(
    c: &mut AnyConnection,
    ws: i64,
    packages: &mut [PackageEntry],
    delivery: ArtworkDelivery,
) -> Result<(), DomainError> {
    let mut urls: Vec<String> = packages
        .iter()
        .flat_map(|p| p.lines.iter())
        .flat_map(|l| l.artwork.iter().map(|a| a.url.clone()))
        .collect();
    urls.sort();
    urls.dedup();
    if urls.is_empty() {
        return Ok(());
    }
    let checks = artwork::of_urls(c, ws, &urls)?;
    for a in packages
        .iter_mut()
        .flat_map(|p| p.lines.iter_mut())
        .flat_map(|l| l.artwork.iter_mut())
    {
        // The file the last good check kept (a "check again" since does not unmake it).
        let Some(check) = checks.get(&a.url).filter(|c| c.has_file()) else {
            continue;
        };
        if a.checksum.is_empty() {
            a.checksum = format!("sha256:{}", check.sha256);
        }
        // Only the file whose checksum the manifest names goes in the zip.
        let names_it = a
            .checksum
            .trim_start_matches("sha256:")
            .eq_ignore_ascii_case(&check.sha256);
        if delivery == ArtworkDelivery::Files && names_it {
            a.file = zip_path(&check.sha256, &check.format);
        }
    }
    Ok(())
}
