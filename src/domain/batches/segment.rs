//! Packing in segments that survive a crash. The batch's packages are packed a chunk at a time;
//! each chunk's work (every label read and checked, merged into a labels fragment and a tickets
//! fragment, converted to ZPL, and compressed into a small zip of its `labels/` entries) is kept
//! under `<batch>.packing/` beside the batch's files, named by a checksum of everything it was
//! made from: the batch's head and runs, the chunk's packages, and where the previous chunk
//! left the page and object counters. A packing that starts again (after a kill, in this
//! process or another) reads the segments whose name it arrives at instead of packing them, and
//! a segment whose packages changed meanwhile gets a new name and is packed anew. Segments are
//! written under temporary names and renamed, their record last, so a half-written segment is
//! never read. The same packages give the same bytes however often packing was interrupted.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use super::manifest::{ManifestHead, PackageEntry};
use super::merge::{Fragment, PdfFragment};
use super::pack::{PackError, read_label, tmp_name};
use super::print::Runs;
use super::ticket::Thumbs;
use crate::domain::labels::{LabelFeed, LabelStore};

/// Bumped whenever what a segment holds, or how it is made, changes: segments kept by an older
/// podgate are then not read.
const FORMAT: &str = "podgate-segment-3";

/// Where the previous segment left the counters the next one continues from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Carry {
    labels_next_id: u32,
    tickets_next_id: u32,
    /// Pages of the print file so far.
    page: usize,
    /// Runs started so far, and packages left in the current one.
    run: usize,
    left_in_run: usize,
}

impl Carry {
    pub fn start() -> Carry {
        Carry {
            labels_next_id: Fragment::FIRST_ID,
            tickets_next_id: Fragment::FIRST_ID,
            page: 0,
            run: 0,
            left_in_run: 0,
        }
    }
}

/// What a packed segment holds (its `.json` record; its files are named by the same key).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Segment {
    pub key: String,
    pub carry_out: Carry,
    pub labels: Fragment,
    pub tickets: Fragment,
    /// Each package's ticket page in the print file.
    pub print_pages: Vec<u32>,
    pub placements: BTreeSet<String>,
    pub count: usize,
    pub earliest_ship_by: Option<String>,
    /// Bytes of the ZPL fragments (tickets, or the whole print file; labels), when asked for.
    pub zpl_tickets_bytes: u64,
    pub zpl_labels_bytes: u64,
}

/// The files of one segment.
#[derive(Clone, Copy)]
pub enum Part {
    Labels,
    Tickets,
    ZplTickets,
    ZplLabels,
    /// The `labels/` entries, compressed.
    Zip,
    Record,
}

impl Part {
    fn suffix(self) -> &'static str {
        match self {
            Part::Labels => "labels.pdf",
            Part::Tickets => "tickets.pdf",
            Part::ZplTickets => "tickets.zpl",
            Part::ZplLabels => "labels.zpl",
            Part::Zip => "zip",
            Part::Record => "json",
        }
    }
}

/// How the folder of a batch's kept segments ends (`<dir>/<batch>.packing/`).
pub const DIR_SUFFIX: &str = ".packing";

/// The batches whose packings this node keeps segments of (`<dir>/<batch>.packing/`).
pub fn kept_packings(dir: &Path) -> std::io::Result<Vec<i64>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut ids = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(DIR_SUFFIX).and_then(|n| n.parse().ok()) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Removes a batch's kept segments (gone already is fine).
pub fn drop_packing(dir: &Path, batch_id: i64) -> std::io::Result<()> {
    match std::fs::remove_dir_all(dir.join(format!("{batch_id}{DIR_SUFFIX}"))) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A batch's kept segments: `<dir>/<batch>.packing/`.
pub struct Checkpoints {
    dir: PathBuf,
}

impl Checkpoints {
    pub fn open(dir: &Path, batch_id: i64) -> std::io::Result<Checkpoints> {
        let dir = dir.join(format!("{batch_id}{DIR_SUFFIX}"));
        std::fs::create_dir_all(&dir)?;
        Ok(Checkpoints { dir })
    }

    pub fn path(&self, key: &str, part: Part) -> PathBuf {
        self.dir.join(format!("{key}.{}", part.suffix()))
    }

    /// The segment kept under `key`, when it was finished and its files are whole.
    pub fn load(&self, key: &str) -> Option<Segment> {
        let bytes = std::fs::read(self.path(key, Part::Record)).ok()?;
        let seg: Segment = serde_json::from_slice(&bytes).ok()?;
        let len = |part| std::fs::metadata(self.path(key, part)).map(|m| m.len()).ok();
        let whole = seg.key == key
            && len(Part::Labels) == Some(seg.labels.bytes)
            && len(Part::Tickets) == Some(seg.tickets.bytes)
            && (seg.zpl_tickets_bytes == 0 || len(Part::ZplTickets) == Some(seg.zpl_tickets_bytes))
            && (seg.zpl_labels_bytes == 0 || len(Part::ZplLabels) == Some(seg.zpl_labels_bytes))
            && len(Part::Zip).is_some();
        whole.then_some(seg)
    }

    /// Removes the batch's segments (once its zip is in place).
    pub fn remove(self) -> std::io::Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// A packing's labels, asked for a chunk ahead: while one chunk packs, the next one's labels
/// arrive (from the bucket, on a node that did not buy them), so the packing seldom waits.
pub struct LabelsAhead {
    feed: LabelFeed,
    /// Whether the chunk about to be packed had its labels asked for already.
    asked: bool,
}

impl LabelsAhead {
    pub fn new(feed: LabelFeed) -> Self {
        LabelsAhead { feed, asked: false }
    }

    /// `chunk` is about to be packed, then `next`.
    fn packing(&mut self, chunk: &[PackageEntry], next: &[PackageEntry]) {
        if !self.asked {
            self.feed.want(chunk.iter().map(|p| p.label_sha256.as_str()));
        }
        self.feed.want(next.iter().map(|p| p.label_sha256.as_str()));
        self.asked = !next.is_empty();
    }

    /// `chunk`'s segment was kept: its labels, if asked for, are passed over.
    fn kept(&mut self, chunk: &[PackageEntry]) {
        if self.asked {
            self.feed.skip(chunk.len());
        }
        self.asked = false;
    }
}

/// What every segment of one packing shares.
pub struct Packing<'a> {
    pub head: &'a ManifestHead,
    pub runs: &'a Runs,
    pub labels: &'a LabelStore,
    pub thumbs: &'a Thumbs,
    pub checkpoints: &'a Checkpoints,
    /// The checksum of the head and the runs: part of every segment's key.
    pub fingerprint: String,
}

impl<'a> Packing<'a> {
    pub fn new(
        head: &'a ManifestHead,
        runs: &'a Runs,
        labels: &'a LabelStore,
        thumbs: &'a Thumbs,
        checkpoints: &'a Checkpoints,
    ) -> Result<Self, PackError> {
        let mut sha = Sha256::new();
        sha.update(FORMAT);
        sha.update(json(head)?);
        sha.update(json(runs)?);
        Ok(Packing {
            head,
            runs,
            labels,
            thumbs,
            checkpoints,
            fingerprint: hex::encode(sha.finalize()),
        })
    }

    /// The key a chunk of packages packed after `carry` is kept under.
    pub fn key(&self, carry: &Carry, chunk: &[PackageEntry]) -> Result<String, PackError> {
        let mut sha = Sha256::new();
        sha.update(&self.fingerprint);
        sha.update(json(carry)?);
        sha.update(json(chunk)?);
        Ok(hex::encode(sha.finalize()))
    }

    /// The segment of `chunk` after `carry`: the kept one, or packed now and kept. The bool
    /// says whether it was kept from an earlier packing. `next` is the chunk after it: its
    /// labels are asked for while this one packs.
    pub fn segment(
        &self,
        carry: &Carry,
        chunk: &[PackageEntry],
        next: &[PackageEntry],
        labels: &mut LabelsAhead,
    ) -> Result<(Segment, bool), PackError> {
        let key = self.key(carry, chunk)?;
        if let Some(kept) = self.checkpoints.load(&key) {
            labels.kept(chunk);
            return Ok((kept, true));
        }
        labels.packing(chunk, next);
        Ok((self.pack(key, carry, chunk, &mut labels.feed)?, false))
    }

    /// Packs one chunk into its segment's files, then writes its record.
    fn pack(
        &self,
        key: String,
        carry: &Carry,
        chunk: &[PackageEntry],
        feed: &mut LabelFeed,
    ) -> Result<Segment, PackError> {
        let cp = self.checkpoints;
        let profile = self.head.profile();
        let pairs = profile.layout == super::print::PrintLayout::Pairs;
        let dpi = profile.zpl_dpi;
        let mut files = Vec::new();
        let mut create = |part: Part| -> std::io::Result<BufWriter<File>> {
            let final_path = cp.path(&key, part);
            let tmp = tmp_name(&final_path);
            let f = File::create(&tmp)?;
            files.push((tmp, final_path));
            Ok(BufWriter::new(f))
        };
        let mut labels = PdfFragment::new(create(Part::Labels)?, carry.labels_next_id);
        let mut tickets = PdfFragment::new(create(Part::Tickets)?, carry.tickets_next_id);
        let mut zpl_tickets = (dpi > 0).then(|| create(Part::ZplTickets)).transpose()?;
        let mut zpl_labels = (dpi > 0 && !pairs).then(|| create(Part::ZplLabels)).transpose()?;
        let mut zip = zip::ZipWriter::new(create(Part::Zip)?);
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(self.head.zip_time())
            .unix_permissions(0o644);
        let head = self.head;
        let mut out = carry.clone();
        let mut print_pages = Vec::with_capacity(chunk.len());
        let mut placements = BTreeSet::new();
        let mut earliest_ship_by = None::<String>;
        let (mut zt_bytes, mut zl_bytes) = (0u64, 0u64);
        for p in chunk {
            let bytes = read_label(feed, &p.label_sha256)?;
            labels.add(&p.label_file, &bytes)?;
            zip.start_file(format!("labels/{}", p.label_file), opts)?;
            zip.write_all(&bytes)?;
            if out.left_in_run == 0
                && let Some((group, n)) = self.runs.get(out.run)
            {
                out.run += 1;
                out.left_in_run = n;
                let total = self.runs.count();
                let sep = super::ticket::separator(head, group, out.run, total, n);
                out.page += tickets.add(&format!("separator {}", out.run), &sep)?;
                if let Some(z) = &mut zpl_tickets {
                    let s = super::zpl::separator(head, group, out.run, total, n, dpi);
                    z.write_all(s.as_bytes())?;
                    zt_bytes += s.len() as u64;
                }
            }
            out.left_in_run = out.left_in_run.saturating_sub(1);
            print_pages.push(out.page as u32 + 1);
            out.page += tickets.add(&p.label_file, &super::ticket::render(head, p, self.thumbs))?;
            if pairs {
                out.page += tickets.add(&p.label_file, &bytes)?;
            }
            if let Some(z) = &mut zpl_tickets {
                let t = super::zpl::ticket(head, p, dpi, self.thumbs);
                z.write_all(t.as_bytes())?;
                zt_bytes += t.len() as u64;
                let label = self.labels.zpl(&p.label_sha256, &bytes, dpi)?;
                match &mut zpl_labels {
                    Some(l) => {
                        l.write_all(&label)?;
                        zl_bytes += label.len() as u64;
                    }
                    None => {
                        z.write_all(&label)?;
                        zt_bytes += label.len() as u64;
                    }
                }
            }
            placements.extend(
                p.lines
                    .iter()
                    .flat_map(|l| l.artwork.iter().map(|a| a.placement.clone())),
            );
            // RFC 3339 in UTC with whole seconds: text order is time order.
            if !p.ship_by.is_empty() && earliest_ship_by.as_ref().is_none_or(|e| &p.ship_by < e) {
                earliest_ship_by = Some(p.ship_by.clone());
            }
        }
        let (w, labels) = labels.finish()?;
        close(w)?;
        let (w, tickets_fragment) = tickets.finish()?;
        close(w)?;
        for w in [zpl_tickets, zpl_labels].into_iter().flatten() {
            close(w)?;
        }
        close(zip.finish()?)?;
        out.labels_next_id = labels.next_id;
        out.tickets_next_id = tickets_fragment.next_id;
        let seg = Segment {
            key: key.clone(),
            carry_out: out,
            labels,
            tickets: tickets_fragment,
            print_pages,
            placements,
            count: chunk.len(),
            earliest_ship_by,
            zpl_tickets_bytes: zt_bytes,
            zpl_labels_bytes: zl_bytes,
        };
        for (tmp, path) in files {
            std::fs::rename(tmp, path)?;
        }
        // The record last: a segment is read only once all its files are in place.
        let record = cp.path(&key, Part::Record);
        let tmp = tmp_name(&record);
        let mut w = BufWriter::new(File::create(&tmp)?);
        w.write_all(&json(&seg)?)?;
        close(w)?;
        std::fs::rename(tmp, record)?;
        Ok(seg)
    }
}

/// Flushes a segment file to disk (it must outlive this process, and a power cut).
fn close(w: BufWriter<File>) -> std::io::Result<()> {
    w.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn json(v: &(impl serde::Serialize + ?Sized)) -> Result<Vec<u8>, PackError> {
    serde_json::to_vec(v).map_err(|e| PackError::Manifest(e.to_string()))
}
