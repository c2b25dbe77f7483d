//! Artwork pre-flight: before a label is bought, every artwork file its units print is fetched
//! once (see the `fetch` module), checksummed, and its pixels checked against the placement's print area
//! ([`areas`]); a file that is missing, unreachable, not an image, not the checksum the SKU
//! rule gives, or too small to print sharp stops the order with the reason. What a check found
//! is kept per workspace and URL (a good file is not fetched again until the seller asks), the
//! file by its checksum with a thumbnail made once, for tickets, pages and batch zips.

mod ahead;
pub mod areas;
mod fetch;
pub mod picture;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use futures::StreamExt;

use crate::db::DbPool;
use crate::db::models::artwork::{self, ArtworkCheck, CheckFields, CheckStatus};
use crate::db::models::audit::{self, Actor};
use crate::db::models::workspace::Workspace;

use super::{DomainError, FieldError, seller_workspace};
use areas::PrintAreas;
pub use fetch::{ArtworkLimits, FetchError};

/// Artwork files by checksum (`<sha256>.png` / `.jpeg` / `.tiff`) and their thumbnails, committed to
/// the shared bucket when there is one (`artwork/<name>`) and fetched from it by a node that
/// lacks them.
#[derive(Debug, Clone)]
pub struct ArtworkStore {
    pub dir: PathBuf,
    pub bucket: crate::storage::Bucket,
}

impl ArtworkStore {
    /// Where the file with this checksum and format is kept.
    pub fn file(&self, sha256: &str, format: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.{format}"))
    }

    /// Where its thumbnail is kept (a PNG).
    pub fn thumb(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.thumb.png"))
    }

    /// The kept file with this checksum (`sha256:` prefix allowed), and its format.
    pub fn find(&self, checksum: &str) -> Option<(PathBuf, &'static str)> {
        let sha = bare_sha(checksum)?;
        ARTWORK_FORMATS
            .into_iter()
            .map(|f| (self.file(sha, f), f))
            .find(|(p, _)| p.is_file())
    }

    /// The kept thumbnail of the file with this checksum, if one was made.
    pub fn find_thumb(&self, checksum: &str) -> Option<PathBuf> {
        let p = self.thumb(bare_sha(checksum)?);
        p.is_file().then_some(p)
    }

    /// Puts a kept file and its thumbnail (when one was made) in the bucket.
    pub async fn commit(&self, sha256: &str, format: &str) -> Result<(), crate::storage::StorageError> {
        let file = self.file(sha256, format);
        self.bucket.commit(&bucket_key(&file), &file).await?;
        let thumb = self.thumb(sha256);
        if tokio::fs::try_exists(&thumb).await.unwrap_or(false) {
            self.bucket.commit(&bucket_key(&thumb), &thumb).await?;
        }
        Ok(())
    }

    /// Fetches the files a workspace's checks kept (and their thumbnails) that this node lacks
    /// from the bucket; packing and pages then find them here. A no-op without a bucket.
    pub async fn fetch_kept(&self, pool: &crate::db::DbPool, ws: i64) -> Result<(), DomainError> {
        if !self.bucket.is_shared() {
            return Ok(());
        }
        let kept = pool.query(move |c| artwork::kept_files(c, ws)).await?;
        // A file too large to decode has no thumbnail: not there is fine.
        let files = kept
            .iter()
            .flat_map(|(sha, format)| [self.file(sha, format), self.thumb(sha)])
            .map(|path| (bucket_key(&path), path))
            .collect();
        self.bucket.fetch_many(files, 16).await.map_err(|e| {
            tracing::warn!(workspace = ws, error = %e, "artwork could not be fetched from the shared store");
            DomainError::Unavailable("the file store cannot be reached".into())
        })
    }

    fn tmp(&self) -> PathBuf {
        self.dir
            .join(format!(".tmp-{}", &crate::crypto::new_token()[..16]))
    }
}

/// The formats artwork is accepted in, each also its kept file's extension.
pub const ARTWORK_FORMATS: [&str; 3] = ["png", "jpeg", "tiff"];

/// A kept file's name in the bucket.
fn bucket_key(path: &std::path::Path) -> String {
    format!(
        "artwork/{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or_default()
    )
}

/// The hex of a checksum written `sha256:<hex>` or `<hex>`, when it is one.
pub fn bare_sha(checksum: &str) -> Option<&str> {
    let hex = checksum.strip_prefix("sha256:").unwrap_or(checksum);
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// One artwork file a unit prints, as its SKU rule names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub url: String,
    pub placement: String,
    /// The supplier's product code (print areas are per product).
    pub product_code: String,
    pub sku: String,
    /// The checksum the SKU rule gives (`sha256:<hex>`), or empty.
    pub checksum: String,
}

/// The artwork of units, from their SKU rules (`{sku}` templates filled in per unit).
pub fn needs<'a>(
    units: impl IntoIterator<Item = (&'a str, &'a crate::db::models::supplier::SkuRule)>,
) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    for (sku, rule) in units {
        for a in crate::domain::catalog::rule::artwork_for_line(rule, sku) {
            if a.print_url.trim().is_empty() {
                continue;
            }
            let need = Need {
                url: a.print_url,
                placement: a.placement,
                product_code: rule.product_code.clone(),
                sku: sku.to_string(),
                checksum: a.checksum,
            };
            if !out.contains(&need) {
                out.push(need);
            }
        }
    }
    out
}

/// The URLs of these needs, each once.
fn distinct_urls(needs: &[Need]) -> Vec<String> {
    let urls: HashSet<&String> = needs.iter().map(|n| &n.url).collect();
    urls.into_iter().cloned().collect()
}

/// How a workspace checks artwork.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub check: bool,
    /// Host names allowed to be on private or loopback addresses.
    pub private_hosts: Vec<String>,
    pub areas: PrintAreas,
}

impl Settings {
    fn of(w: &Workspace) -> Settings {
        Settings {
            check: w.artwork_check,
            private_hosts: hosts(&w.artwork_private_hosts),
            // Stored only after it parsed; a line that no longer parses is left out.
            areas: PrintAreas::parse(&w.print_areas).unwrap_or_default(),
        }
    }
}

fn hosts(s: &str) -> Vec<String> {
    s.split([',', '\n', ' '])
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect()
}

/// Checking artwork, shared by the order page's pre-flight, label purchases and the artwork page.
#[derive(Clone)]
pub struct Artworks {
    pub pool: DbPool,
    pub store: ArtworkStore,
    pub limits: ArtworkLimits,
}

impl Artworks {
    /// What is wrong with each need's file (in the needs' order; `None` when it is fine).
    /// Files not checked yet, or that failed before, are fetched now, each once. Nothing is
    /// checked when the workspace turned the pre-flight off.
    pub async fn problems(
        &self,
        workspace_id: i64,
        needs: &[Need],
    ) -> Result<Vec<Option<String>>, DomainError> {
        if needs.is_empty() {
            return Ok(Vec::new());
        }
        let settings = self
            .pool
            .query(move |c| Workspace::find(c, workspace_id))
            .await
            .map(|w| Settings::of(&w))?;
        if !settings.check {
            return Ok(vec![None; needs.len()]);
        }
        let urls = distinct_urls(needs);
        let checks = self.check_urls(workspace_id, urls, &settings).await?;
        Ok(needs
            .iter()
            .map(|n| checks.get(&n.url).and_then(|c| problem(n, c, &settings.areas)))
            .collect())
    }

    /// The checks of these URLs: kept good ones as they are, the rest fetched now.
    async fn check_urls(
        &self,
        workspace_id: i64,
        urls: Vec<String>,
        settings: &Settings,
    ) -> Result<HashMap<String, ArtworkCheck>, DomainError> {
        let asked = urls.clone();
        let mut known = self
            .pool
            .query(move |c| artwork::of_urls(c, workspace_id, &asked))
            .await?;
        let todo: Vec<String> = urls
            .into_iter()
            .filter(|u| !known.get(u).is_some_and(ArtworkCheck::is_ok))
            .collect();
        if todo.is_empty() {
            return Ok(known);
        }
        tokio::fs::create_dir_all(&self.store.dir)
            .await
            .map_err(|e| DomainError::Internal(format!("artwork folder: {e}")))?;
        let found: Vec<(String, CheckFields)> = futures::stream::iter(todo)
            .map(|url| async move {
                let f = self.check_one(&url, &settings.private_hosts).await;
                (url, f)
            })
            .buffer_unordered(self.limits.concurrency.max(1))
            .collect()
            .await;
        let urls: Vec<String> = found.iter().map(|(u, _)| u.clone()).collect();
        let fresh = self
            .pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    for (url, f) in &found {
                        artwork::record(c, workspace_id, url, f)?;
                    }
                    Ok::<_, DomainError>(artwork::of_urls(c, workspace_id, &urls)?)
                })
            })
            .await?;
        known.extend(fresh);
        Ok(known)
    }

    /// Fetches and inspects one file, keeping it (and its thumbnail) by checksum.
    async fn check_one(&self, url: &str, private_hosts: &[String]) -> CheckFields {
        let failed = |error: String| CheckFields {
            status: CheckStatus::Failed.as_str().into(),
            error,
            checked_at: crate::db::models::now(),
            ..CheckFields::default()
        };
        let Ok(parsed) = url::Url::parse(url) else {
            return failed("is not a valid address: correct it in the SKU rule.".into());
        };
        let tmp = self.store.tmp();
        let allowed = |host: &str| private_hosts.iter().any(|h| h.eq_ignore_ascii_case(host));
        let got = fetch::fetch(&parsed, &allowed, &self.limits, &tmp).await;
        let got = match got {
            Ok(g) => g,
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                return failed(e.to_string());
            }
        };
        let (store, max_pixels) = (self.store.clone(), self.limits.max_pixels);
        let kept = tokio::task::spawn_blocking({
            let sha = got.sha256.clone();
            move || keep(&store, &tmp, &sha, max_pixels)
        })
        .await;
        if let Ok(Ok(px)) = &kept
            && let Err(e) = self.store.commit(&got.sha256, px.format).await
        {
            tracing::warn!(url, error = %e, "artwork kept here but not in the shared store");
            return failed(format!("could not be stored: {e}"));
        }
        match kept {
            Ok(Ok(px)) => CheckFields {
                status: CheckStatus::Ok.as_str().into(),
                sha256: got.sha256,
                bytes: got.bytes as i64,
                format: px.format.into(),
                width_px: i64::from(px.width),
                height_px: i64::from(px.height),
                error: String::new(),
                checked_at: crate::db::models::now(),
            },
            Ok(Err(why)) => failed(why),
            Err(e) => failed(format!("could not be inspected: {e}")),
        }
    }
}

/// Inspects a fetched file and keeps it under its checksum, with a thumbnail.
fn keep(
    store: &ArtworkStore,
    tmp: &std::path::Path,
    sha: &str,
    max_pixels: u64,
) -> Result<picture::Pixels, String> {
    let px = picture::inspect(tmp);
    let px = match px {
        Ok(px) if u64::from(px.width) * u64::from(px.height) > max_pixels => Err(format!(
            "is {}x{} px, more than the {} megapixels podgate accepts (artwork.max_pixels): send it at print size.",
            px.width,
            px.height,
            max_pixels / 1_000_000
        )),
        other => other,
    };
    let px = match px {
        Ok(px) => px,
        Err(why) => {
            let _ = std::fs::remove_file(tmp);
            return Err(why);
        }
    };
    let file = store.file(sha, px.format);
    std::fs::rename(tmp, &file).map_err(|e| format!("could not be stored here: {e}"))?;
    let thumb = store.thumb(sha);
    if !thumb.is_file() {
        let part = store.tmp();
        // A file too large to decode here still prints; it only has no thumbnail.
        match picture::thumbnail(&file, &part, 1 << 30) {
            Ok(()) => {
                let _ = std::fs::rename(&part, &thumb);
            }
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                tracing::warn!(sha, error = %e, "no thumbnail for artwork");
            }
        }
    }
    Ok(px)
}

/// What is wrong with a need's file, as its check found it.
fn problem(n: &Need, c: &ArtworkCheck, areas: &PrintAreas) -> Option<String> {
    let what = format!(
        "The {} artwork of {} ({})",
        n.placement.replace('_', " "),
        n.sku,
        n.url
    );
    if !c.is_ok() {
        return Some(format!("{what} {}", c.error));
    }
    if let Some(want) = bare_sha(&n.checksum)
        && !want.eq_ignore_ascii_case(&c.sha256)
    {
        return Some(format!(
            "{what} has SHA-256 {}, not the {want} its SKU rule gives: correct the rule's checksum, or put the right file at the link.",
            c.sha256
        ));
    }
    let area = areas.find(&n.product_code, &n.placement)?;
    let dpi = area.effective_dpi(c.width_px, c.height_px);
    if dpi + 1e-9 < f64::from(area.min_dpi) {
        let (w, h) = area.pixels_needed();
        return Some(format!(
            "{what} is {}x{} px: {} dpi on the {}, below its {} dpi. Upload a file of at least {w}x{h} px.",
            c.width_px,
            c.height_px,
            dpi.floor(),
            area.describe(),
            area.min_dpi
        ));
    }
    None
}

/// The artwork page's form, as typed.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub check: bool,
    pub private_hosts: String,
    pub print_areas: String,
}

impl Artworks {
    /// The workspace's artwork settings as stored, and its newest checks.
    pub async fn page(&self, actor: &Actor) -> Result<(Workspace, Vec<ArtworkCheck>), DomainError> {
        let ws = seller_workspace(actor)?;
        self.fetch_kept(ws).await;
        Ok(self
            .pool
            .query(move |c| {
                Ok::<_, diesel::result::Error>((Workspace::find(c, ws)?, artwork::recent(c, ws, 200)?))
            })
            .await?)
    }

    /// Brings the workspace's kept files this node lacks from the bucket (thumbnails for its
    /// pages); a store that cannot be reached leaves them out (logged).
    pub async fn fetch_kept(&self, ws: i64) {
        if let Err(e) = self.store.fetch_kept(&self.pool, ws).await {
            tracing::warn!(workspace = ws, error = %e, "the workspace's artwork is not all on this node");
        }
    }

    /// Saves how the workspace checks artwork; every bad print-area line and host is named.
    pub async fn set(&self, actor: &Actor, input: SettingsInput) -> Result<(), DomainError> {
        let ws = seller_workspace(actor)?;
        let mut errors = Vec::new();
        if let Err(lines) = PrintAreas::parse(&input.print_areas) {
            errors.push(FieldError {
                field: "print_areas",
                message: lines.join(" ").into(),
            });
        }
        let hosts = hosts(&input.private_hosts);
        let bad: Vec<&String> = hosts
            .iter()
            .filter(|h| url::Host::parse(h).is_err() || h.contains(['/', ':', '@']) && !h.contains("::"))
            .collect();
        if !bad.is_empty() {
            errors.push(FieldError {
                field: "private_hosts",
                message: format!(
                    "Not host names: {}. Write host names or addresses only (files.example.lan, 192.168.1.20), comma-separated, without http:// or a path.",
                    bad.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", ")
                )
                .into(),
            });
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let (actor, areas, hosts) = (
            actor.clone(),
            input.print_areas.trim().to_string(),
            hosts.join(", "),
        );
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    Workspace::set_artwork(c, ws, input.check, &hosts, &areas)?;
                    audit::record(
                        c,
                        &actor,
                        Some(ws),
                        "artwork.settings",
                        &format!("workspace:{ws}"),
                        &format!(
                            "check {}; private hosts: {hosts}",
                            if input.check { "on" } else { "off" }
                        ),
                    )?;
                    Ok(())
                })
            })
            .await
    }

    /// Marks every good check stale, so each file is fetched again at the next pre-flight.
    pub async fn check_again(&self, actor: &Actor) -> Result<usize, DomainError> {
        let ws = seller_workspace(actor)?;
        Ok(self.pool.query(move |c| artwork::mark_stale(c, ws)).await?)
    }
}
