//! Packs a sealed batch into its zip, deterministically (the same batch always gives the same
//! bytes: fixed entry order, times and permissions) and in bounded memory (labels are streamed
//! one at a time):
//! `labels/<name>.pdf` (named by the supplier's template, `<position>-<order>-<package>` by
//! default), `labels.pdf` (all labels, print order), `tickets.pdf` (a production ticket per
//! label, the same order, a separator page before each run of a sorted order: see `ticket` and
//! `print`; or, for a supplier who prints pairs, `print.pdf` with each ticket followed by its
//! label), the same as ZPL when the supplier asked (`tickets.zpl` and `labels.zpl`, or
//! `print.zpl`: see `zpl`), `artwork/<sha256>.<ext>` once per file for a supplier who gets
//! artwork as files, `manifest.csv`, `manifest.json`, and `SHA256SUMS` over every other
//! entry.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use super::manifest::{self, Manifest, ManifestHead, PackageEntry};
use super::merge::{MergeError, PdfMerger};
use super::print::{PrintLayout, Runs};
use super::segment::{Carry, Checkpoints, Packing, Part};
use crate::domain::artwork::ArtworkStore;
use crate::domain::labels::{LabelFeed, LabelReadError, LabelStore};

/// Why a batch could not be packed.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("the stored label {0} does not match its checksum: buy or fetch it again")]
    Corrupt(String),
    #[error(transparent)]
    Merge(#[from] MergeError),
    #[error(transparent)]
    Zip(#[from] zip::result::ZipError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("manifest: {0}")]
    Manifest(String),
    /// The shared bucket could not be reached: the packing is tried again later.
    #[error("the file store cannot be reached: {0}")]
    Unavailable(String),
    #[error(
        "the artwork file of {0} is no longer in podgate's artwork folder: check the artwork again on the Artwork page, then seal again"
    )]
    MissingArtwork(String),
}

/// What packing wrote.
#[derive(Debug, Clone)]
pub struct PackedFiles {
    pub zip: PathBuf,
    pub zip_sha256: String,
    pub zip_bytes: u64,
    pub labels_pdf: PathBuf,
    pub labels_pdf_bytes: u64,
    /// How many packages (labels) the batch holds.
    pub packages: usize,
    /// The earliest ship-by among them (RFC 3339), for the supplier's mail.
    pub earliest_ship_by: Option<String>,
    /// How many segments the packing had, and how many of them an earlier, interrupted
    /// packing had already packed.
    pub segments: usize,
    pub segments_kept: usize,
}

/// Where a batch's files live.
pub fn zip_path(dir: &Path, batch_id: i64) -> PathBuf {
    dir.join(format!("{batch_id}.zip"))
}

/// Reads the manifest a batch's zip holds (what the factory got).
pub fn read_manifest(zip: &Path) -> Result<Manifest, PackError> {
    let mut archive = zip::ZipArchive::new(File::open(zip)?)?;
    let entry = archive.by_name("manifest.json")?;
    serde_json::from_reader(entry.take(64 << 20)).map_err(|e| PackError::Manifest(e.to_string()))
}

/// Where a batch's merged labels live.
pub fn labels_pdf_path(dir: &Path, batch_id: i64) -> PathBuf {
    dir.join(format!("{batch_id}.labels.pdf"))
}

/// Hashes what passes through a writer.
struct Hashing<W: Write> {
    inner: W,
    sha: Sha256,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            sha: Sha256::new(),
        }
    }

    /// The SHA-256 of what went through, in hex.
    fn hex(self) -> String {
        hex::encode(self.sha.finalize())
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

pub(super) fn tmp_name(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(
        ".{}.tmp",
        hex::encode(crate::crypto::random_bytes::<4>())
    ));
    PathBuf::from(s)
}

/// Removes packing leftovers (`*.tmp`) older than `age`: what a process killed mid-packing
/// left behind. Younger ones may belong to a packing running now in another process. A
/// packing's kept segments (`<batch>.packing/`) go once untouched for 24 times `age`.
pub fn sweep_leftovers(dir: &Path, age: std::time::Duration) -> std::io::Result<usize> {
    let mut removed = 0;
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let old = entry.metadata()?.modified()?.elapsed().is_ok_and(|a| a > age);
        let name = entry.file_name().to_string_lossy().into_owned();
        if old && name.ends_with(".tmp") {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        } else if name.ends_with(super::segment::DIR_SUFFIX)
            && entry
                .metadata()?
                .modified()?
                .elapsed()
                .is_ok_and(|a| a > age * 24)
        {
            // A packing's kept segments untouched for a day: its batch sealed meanwhile, or
            // never will (a packing that starts again packs them anew).
            std::fs::remove_dir_all(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The next label of a feed, checked against its SHA-256.
pub(super) fn read_label(feed: &mut LabelFeed, sha: &str) -> Result<Vec<u8>, PackError> {
    let bytes = feed.next_blocking(sha).map_err(|e| match e {
        LabelReadError::Io(e) => PackError::Io(e),
        LabelReadError::Store(e) => PackError::Unavailable(e.to_string()),
    })?;
    if hex::encode(Sha256::digest(&bytes)) != sha {
        return Err(PackError::Corrupt(sha.into()));
    }
    Ok(bytes)
}

/// Where packing reads the batch's packages: the next ones after a position (a chunk, in
/// position order; empty at the end). Packing reads them in several passes and never holds more
/// than a chunk, so its memory does not grow with the batch.
pub type PackagesAfter<'a> = dyn FnMut(i64) -> Result<Vec<PackageEntry>, PackError> + 'a;

/// Calls `f` on every package of the batch, a chunk at a time.
fn each_package(
    packages: &mut PackagesAfter,
    mut f: impl FnMut(&PackageEntry) -> Result<(), PackError>,
) -> Result<(), PackError> {
    let mut after = i64::MIN;
    loop {
        let chunk = packages(after)?;
        let Some(last) = chunk.last() else {
            return Ok(());
        };
        after = last.position;
        for p in &chunk {
            f(p)?;
        }
    }
}

/// Packs a batch into `dir` (files written under temporary names, then renamed). Blocking: run
/// it on a blocking thread. Resumable: each chunk of packages is packed into a kept segment
/// first (see `segment`), and a packing that starts again after a crash reads the segments
/// already packed instead of packing them again.
pub fn pack(
    dir: &Path,
    batch_id: i64,
    head: &ManifestHead,
    packages: &mut PackagesAfter,
    labels: &LabelStore,
    art: &ArtworkStore,
) -> Result<PackedFiles, PackError> {
    std::fs::create_dir_all(dir)?;
    let profile = head.profile();
    let pairs = profile.layout == PrintLayout::Pairs;
    // The runs first (a separator page says how many packages follow it).
    let mut runs = Runs::default();
    if profile.sort.has_runs() {
        each_package(packages, |p| {
            runs.push(&p.print_group);
            Ok(())
        })?;
    }
    // 1. Every chunk's segment: its labels read, checked, merged, drawn and compressed.
    let checkpoints = Checkpoints::open(dir, batch_id)?;
    let thumbs = super::ticket::Thumbs::new(art.clone());
    let packing = Packing::new(head, &runs, labels, &thumbs, &checkpoints)?;
    // Only what the rest needs is held of each segment; its fragments are read back one
    // segment at a time below, so memory does not grow with them.
    let (mut keys, mut carry, mut after) = (Vec::<String>::new(), Carry::start(), i64::MIN);
    let (mut segments_kept, mut count, mut earliest_ship_by) = (0, 0, None::<String>);
    let mut placements = BTreeSet::new();
    // Each package's ticket page in the print file, for the manifest (4 bytes a package).
    let mut print_pages: Vec<u32> = Vec::new();
    let mut ahead = super::segment::LabelsAhead::new(labels.feed());
    let mut next = packages(after)?;
    loop {
        let chunk = std::mem::take(&mut next);
        let Some(last) = chunk.last() else { break };
        after = last.position;
        next = packages(after)?;
        let (seg, kept) = packing.segment(&carry, &chunk, &next, &mut ahead)?;
        segments_kept += usize::from(kept);
        count += seg.count;
        print_pages.extend(&seg.print_pages);
        placements.extend(seg.placements);
        earliest_ship_by = earliest_ship_by.into_iter().chain(seg.earliest_ship_by).min();
        carry = seg.carry_out;
        keys.push(seg.key);
    }
    let part = |key: &String, part: Part| File::open(checkpoints.path(key, part));

    // 2. The merged labels (also offered on their own file) and tickets, from the fragments.
    let pdf_path = labels_pdf_path(dir, batch_id);
    let pdf_tmp = tmp_name(&pdf_path);
    let mut merger = PdfMerger::new(BufWriter::new(File::create(&pdf_tmp)?))?;
    let mut tickets = PdfMerger::new(BufWriter::new(tempfile::tempfile()?))?;
    for key in &keys {
        let seg = checkpoints
            .load(key)
            .ok_or_else(|| PackError::Manifest(format!("the packed segment {key} went missing")))?;
        merger.append(&mut part(key, Part::Labels)?, &seg.labels)?;
        tickets.append(&mut part(key, Part::Tickets)?, &seg.tickets)?;
    }
    let (w, pdf_bytes) = merger.finish()?;
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    let (w, _) = tickets.finish()?;
    let mut tickets_file = w.into_inner().map_err(|e| e.into_error())?;
    tickets_file.rewind()?;

    // 3. The zip.
    let zpath = zip_path(dir, batch_id);
    let ztmp = tmp_name(&zpath);
    // Read and write: the zip is hashed from disk once written.
    let zfile = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&ztmp)?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(zfile));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(head.zip_time())
        .unix_permissions(0o644);
    // The labels' entries as each segment compressed them.
    for key in &keys {
        let mut archive = zip::ZipArchive::new(BufReader::new(part(key, Part::Zip)?))?;
        for i in 0..archive.len() {
            zip.raw_copy_file(archive.by_index_raw(i)?)?;
        }
    }
    // SHA256SUMS: the labels' own checksums (checked as each was read), then the other entries'.
    let mut sums = SumsFile::new()?;
    each_package(packages, |p| {
        Ok(sums.add(&p.label_sha256, &format!("labels/{}", p.label_file))?)
    })?;
    // The artwork files, once each, for a supplier who asked for files (stored as they are:
    // PNG and JPEG are compressed already, TIFF mostly is).
    let mut artwork_done = BTreeSet::new();
    let stored = opts.compression_method(zip::CompressionMethod::Stored);
    each_package(packages, |p| {
        for a in p.lines.iter().flat_map(|l| &l.artwork) {
            if a.file.is_empty() || !artwork_done.insert(a.file.clone()) {
                continue;
            }
            let sha = a.checksum.trim_start_matches("sha256:");
            let (path, _) = art
                .find(sha)
                .ok_or_else(|| PackError::MissingArtwork(a.url.clone()))?;
            zip.start_file(&a.file, stored)?;
            let mut h = Hashing::new(&mut zip);
            std::io::copy(&mut File::open(path)?, &mut h)?;
            if h.hex() != sha {
                return Err(PackError::Corrupt(sha.into()));
            }
            sums.add(sha, &a.file)?;
        }
        Ok(())
    })?;
    zip.start_file("labels.pdf", opts)?;
    let mut h = Hashing::new(&mut zip);
    copy_in_blocks([File::open(&pdf_tmp)], &mut h)?;
    sums.add(&h.hex(), "labels.pdf")?;
    let tickets_name = if pairs { "print.pdf" } else { "tickets.pdf" };
    zip.start_file(tickets_name, opts)?;
    let mut h = Hashing::new(&mut zip);
    copy_in_blocks([Ok(tickets_file)], &mut h)?;
    sums.add(&h.hex(), tickets_name)?;

    // ZPL, when the supplier asked for it: the same run(s) as the PDFs (`print.zpl`, or
    // `tickets.zpl` and `labels.zpl`).
    if profile.zpl_dpi > 0 {
        let zpl_files = [
            (if pairs { "print.zpl" } else { "tickets.zpl" }, Part::ZplTickets),
            ("labels.zpl", Part::ZplLabels),
        ];
        for (name, kind) in zpl_files {
            if pairs && matches!(kind, Part::ZplLabels) {
                continue;
            }
            zip.start_file(name, opts)?;
            let mut h = Hashing::new(&mut zip);
            copy_in_blocks(keys.iter().map(|key| part(key, kind)), &mut h)?;
            sums.add(&h.hex(), name)?;
        }
    }
    zip.start_file("manifest.csv", opts)?;
    let mut h = Hashing::new(&mut zip);
    {
        let mut csv = csv::Writer::from_writer(&mut h);
        let bad = |e: csv::Error| PackError::Manifest(e.to_string());
        crate::domain::spreadsheet::write_record(&mut csv, manifest::csv_header(&placements)).map_err(bad)?;
        let mut i = 0;
        each_package(packages, |p| {
            let p = with_print_page(p, &print_pages, &mut i);
            for row in manifest::csv_rows(head, &p, &placements) {
                crate::domain::spreadsheet::write_record(&mut csv, &row).map_err(bad)?;
            }
            Ok(())
        })?;
        csv.flush()?;
    }
    sums.add(&h.hex(), "manifest.csv")?;

    zip.start_file("manifest.json", opts)?;
    let mut h = Hashing::new(&mut zip);
    let mut json = manifest::JsonOut::start(&mut h, head)?;
    let mut i = 0;
    each_package(packages, |p| {
        Ok(json.package(&with_print_page(p, &print_pages, &mut i))?)
    })?;
    json.finish()?;
    sums.add(&h.hex(), "manifest.json")?;

    zip.start_file("SHA256SUMS", opts)?;
    std::io::copy(&mut sums.rewound()?, &mut zip)?;
    let mut file = zip.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    file.rewind()?;
    let (zip_sha256, zip_bytes) = sha256_of(&mut file)?;
    std::fs::rename(&pdf_tmp, &pdf_path)?;
    std::fs::rename(&ztmp, &zpath)?;
    checkpoints.remove()?;
    Ok(PackedFiles {
        zip: zpath,
        zip_sha256,
        zip_bytes,
        labels_pdf: pdf_path,
        labels_pdf_bytes: pdf_bytes,
        packages: count,
        earliest_ship_by,
        segments: keys.len(),
        segments_kept,
    })
}

/// A package as the manifest lists it: with its ticket's page in the print file (the `i`th
/// package of the batch; packing counted the pages while merging).
fn with_print_page(p: &PackageEntry, pages: &[u32], i: &mut usize) -> PackageEntry {
    let mut p = p.clone();
    p.print_page = pages.get(*i).copied().unwrap_or_default().into();
    *i += 1;
    p
}

/// Packs a batch again from a manifest in memory (one read back from its zip), `chunk`
/// packages a segment: the same files, byte for byte, as when it was sealed, whatever the chunk.
/// Blocking, like a seal's packing: with a bucket its labels are read ahead by a task of the
/// runtime, so call it from a blocking thread (`spawn_blocking`), never from async code.
pub fn pack_manifest(
    dir: &Path,
    batch_id: i64,
    manifest: &Manifest,
    labels: &LabelStore,
    art: &ArtworkStore,
    chunk: usize,
) -> Result<PackedFiles, PackError> {
    let mut packages = |after: i64| {
        Ok(manifest
            .packages
            .iter()
            .filter(|p| p.position > after)
            .take(chunk.max(1))
            .cloned()
            .collect())
    };
    pack(dir, batch_id, &manifest.head, &mut packages, labels, art)
}

/// `SHA256SUMS` as it grows, in an unnamed temporary file (a line per entry, 10,000 labels and
/// more: not held in memory).
struct SumsFile(BufWriter<File>);

impl SumsFile {
    fn new() -> std::io::Result<Self> {
        Ok(SumsFile(BufWriter::new(tempfile::tempfile()?)))
    }

    fn add(&mut self, sha: &str, name: &str) -> std::io::Result<()> {
        writeln!(self.0, "{sha}  {name}")
    }

    fn rewound(self) -> std::io::Result<File> {
        let mut f = self.0.into_inner().map_err(|e| e.into_error())?;
        f.rewind()?;
        Ok(f)
    }
}

/// Copies readers one after another into `w` in whole 64 KiB writes (the last one shorter).
/// The compressor behind a zip entry may compress the same bytes differently when they come in
/// differently sized writes; this way a file the segments' fragments make up compresses the
/// same however the batch was cut into segments, and the zip's checksum with it.
fn copy_in_blocks(
    readers: impl IntoIterator<Item = std::io::Result<File>>,
    w: &mut impl Write,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 << 10];
    let mut filled = 0;
    for r in readers {
        let mut r = r?;
        loop {
            let n = r.read(&mut buf[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
            if filled == buf.len() {
                w.write_all(&buf)?;
                filled = 0;
            }
        }
    }
    w.write_all(&buf[..filled])
}

/// SHA-256 and length of a stream, read in chunks.
pub fn sha256_of(r: &mut impl Read) -> std::io::Result<(String, u64)> {
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            break;
        }
        sha.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex::encode(sha.finalize()), n))
}

/// The `batch-<n>.zip.sha256` published beside a zip (`sha256sum -c` reads it).
pub fn sha256_file_line(zip_sha256: &str, zip_name: &str) -> String {
    format!("{zip_sha256}  {zip_name}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_old_packing_leftovers_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("7.zip.0a1b2c3d.tmp");
        let fresh = dir.path().join("8.zip.0a1b2c3d.tmp");
        let sealed = dir.path().join("7.zip");
        for p in [&old, &fresh, &sealed] {
            std::fs::write(p, b"x").unwrap();
        }
        // Kept segments of two packings: one untouched for a day, one from an hour ago.
        let (stale, recent) = (dir.path().join("5.packing"), dir.path().join("6.packing"));
        for d in [&stale, &recent] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("a.json"), b"{}").unwrap();
        }
        let ago = |secs| std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
        for (p, when) in [(&old, 3600), (&sealed, 3600), (&recent, 3600), (&stale, 86400)] {
            std::fs::File::open(p).unwrap().set_modified(ago(when)).unwrap();
        }
        assert_eq!(
            sweep_leftovers(dir.path(), std::time::Duration::from_secs(600)).unwrap(),
            2
        );
        assert!(!old.exists() && fresh.exists() && sealed.exists());
        assert!(!stale.exists() && recent.exists());
        assert_eq!(
            sweep_leftovers(&dir.path().join("none"), std::time::Duration::ZERO).unwrap(),
            0
        );
    }
}
