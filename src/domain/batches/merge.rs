//! One print job for a whole batch: every label's pages appended, in manifest order, into one
//! PDF. Labels are written into *fragments* (a run of objects, numbered on from the previous
//! fragment, offsets counted from the fragment's start), one label in memory at a time; a
//! fragment is kept on disk, so a packing killed mid-way keeps the fragments it finished
//! (see `segment`). [`PdfMerger`] then puts the fragments one after another behind the file's
//! header and writes the page tree and cross-reference table. lopdf serializes each object
//! exactly as it would in a whole-document save.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, Write};

use lopdf::{Document, Object, ObjectId, Writer};

/// Why a label could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("label {0} is not a readable PDF: {1}")]
    BadPdf(String, lopdf::Error),
    #[error("label {0} has no pages")]
    NoPages(String),
    #[error("a kept fragment is {0} bytes shorter than recorded")]
    ShortFragment(u64),
    #[error("object {0} comes after a higher-numbered one: fragments must be merged in order")]
    ObjectOrder(u32),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The two objects every merged file starts with.
const CATALOG: u32 = 1;
const PAGES: u32 = 2;
/// Page attributes a page may inherit from its page-tree parents.
const INHERITED: [&[u8]; 4] = [b"MediaBox", b"CropBox", b"Resources", b"Rotate"];
/// What a merged file starts with.
const HEADER: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";

/// What a finished fragment holds: its objects (number, generation, offset from the
/// fragment's start), its pages in order, its length, and the next free object number.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fragment {
    pub objects: Vec<(u32, u16, u64)>,
    pub pages: Vec<(u32, u16)>,
    pub bytes: u64,
    pub next_id: u32,
}

impl Fragment {
    /// The object number the first fragment of a file starts at.
    pub const FIRST_ID: u32 = PAGES + 1;
}

/// Writes labels' objects to `W`, numbered from a given object number on.
pub struct PdfFragment<W: Write> {
    out: W,
    done: Fragment,
}

impl<W: Write> PdfFragment<W> {
    /// Starts a fragment whose first object is numbered `next_id` (the previous fragment's
    /// [`Fragment::next_id`], or [`Fragment::FIRST_ID`]).
    pub fn new(out: W, next_id: u32) -> Self {
        PdfFragment {
            out,
            done: Fragment {
                next_id,
                ..Fragment::default()
            },
        }
    }

    fn object(&mut self, (id, gen_): ObjectId, obj: &Object) -> Result<(), MergeError> {
        self.done.objects.push((id, gen_, self.done.bytes));
        let mut buf = format!(
            "{id} {gen_} obj\n{}",
            if Writer::need_separator(obj) { " " } else { "" }
        )
        .into_bytes();
        Writer::write_object(&mut buf, obj)?;
        buf.extend_from_slice(if Writer::need_end_separator(obj) {
            b" \nendobj\n"
        } else {
            b"\nendobj\n"
        });
        self.out.write_all(&buf)?;
        self.done.bytes += buf.len() as u64;
        Ok(())
    }

    /// Appends every page of one label; `name` is for error messages. Returns its page count.
    pub fn add(&mut self, name: &str, pdf: &[u8]) -> Result<usize, MergeError> {
        let mut doc = Document::load_mem(pdf).map_err(|e| MergeError::BadPdf(name.into(), e))?;
        doc.renumber_objects_with(self.done.next_id);
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if pages.is_empty() {
            return Err(MergeError::NoPages(name.into()));
        }
        for &page in &pages {
            let inherited = inherited_attributes(&doc, page);
            if let Ok(Object::Dictionary(d)) = doc.get_object_mut(page) {
                for (k, v) in inherited {
                    if !d.has(&k) {
                        d.set(k, v);
                    }
                }
                d.set("Parent", Object::Reference((PAGES, 0)));
            }
        }
        // The label's own catalog and page tree are replaced by the merged file's.
        let skip: Vec<ObjectId> = doc
            .objects
            .iter()
            .filter(|(_, o)| {
                o.as_dict()
                    .ok()
                    .and_then(|d| d.get(b"Type").ok())
                    .and_then(|t| t.as_name().ok())
                    .is_some_and(|t| t == b"Catalog" || t == b"Pages")
            })
            .map(|(id, _)| *id)
            .collect();
        let objects = std::mem::take(&mut doc.objects);
        for (id, obj) in &objects {
            if !skip.contains(id) {
                self.object(*id, obj)?;
            }
        }
        self.done.next_id = doc.max_id + 1;
        self.done.pages.extend(&pages);
        Ok(pages.len())
    }

    /// Flushes the fragment; returns the writer and what it holds.
    pub fn finish(mut self) -> Result<(W, Fragment), MergeError> {
        self.out.flush()?;
        Ok((self.out, self.done))
    }
}

/// Writes a merged PDF to `W` from fragments, in order. What the cross-reference table and
/// the page tree will list (a few entries a label) goes to temporary files as it comes, not to
/// memory, so merging 10,000 labels holds no more than merging 1,000: object numbers only grow
/// (each label is numbered on from the last), so the table is written in order as it goes.
pub struct PdfMerger<W: Write> {
    out: W,
    written: u64,
    /// The table's entries from object [`Fragment::FIRST_ID`] on, 20 bytes each, in order.
    xref: BufWriter<File>,
    /// The next object number the table has no entry for yet.
    next_entry: u32,
    next_id: u32,
    /// The pages' references (`N G R `), in order, and how many.
    kids: BufWriter<File>,
    pages: u64,
}

impl<W: Write> PdfMerger<W> {
    /// Starts a merged PDF.
    pub fn new(mut out: W) -> Result<Self, MergeError> {
        out.write_all(HEADER)?;
        Ok(PdfMerger {
            out,
            written: HEADER.len() as u64,
            xref: BufWriter::new(tempfile::tempfile()?),
            next_entry: Fragment::FIRST_ID,
            next_id: Fragment::FIRST_ID,
            kids: BufWriter::new(tempfile::tempfile()?),
            pages: 0,
        })
    }

    /// Appends a fragment: its bytes (read from `bytes`) and what it recorded. Fragments come
    /// in the order they were numbered.
    pub fn append(&mut self, bytes: &mut impl Read, fragment: &Fragment) -> Result<(), MergeError> {
        let copied = std::io::copy(&mut bytes.take(fragment.bytes), &mut self.out)?;
        if copied != fragment.bytes {
            return Err(MergeError::ShortFragment(fragment.bytes - copied));
        }
        let base = self.written;
        for &(id, g, off) in &fragment.objects {
            if id < self.next_entry {
                return Err(MergeError::ObjectOrder(id));
            }
            for _ in self.next_entry..id {
                self.xref.write_all(FREE)?;
            }
            writeln!(self.xref, "{:010} {g:05} n ", base + off)?;
            self.next_entry = id + 1;
        }
        for (id, g) in &fragment.pages {
            write!(self.kids, "{id} {g} R ")?;
        }
        self.pages += fragment.pages.len() as u64;
        self.written += copied;
        self.next_id = self.next_id.max(fragment.next_id);
        Ok(())
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<u64> {
        let at = self.written;
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(at)
    }

    /// Writes the page tree, catalog and cross-reference table; returns the writer and the
    /// number of bytes written.
    pub fn finish(mut self) -> Result<(W, u64), MergeError> {
        let pages_at =
            self.put(format!("{PAGES} 0 obj\n<</Type/Pages/Count {}/Kids[", self.pages).as_bytes())?;
        self.written += std::io::copy(rewound(&mut self.kids)?, &mut self.out)?;
        self.put(b"]>>\nendobj\n")?;
        let catalog_at =
            self.put(format!("{CATALOG} 0 obj\n<</Type/Catalog/Pages {PAGES} 0 R>>\nendobj\n").as_bytes())?;
        let size = self.next_id.max(self.next_entry);
        let start = self.put(
            format!(
                "xref\n0 {size}\n0000000000 65535 f \n{catalog_at:010} 00000 n \n{pages_at:010} 00000 n \n"
            )
            .as_bytes(),
        )?;
        self.written += std::io::copy(rewound(&mut self.xref)?, &mut self.out)?;
        for _ in self.next_entry..size {
            self.put(FREE)?;
        }
        self.put(
            format!("trailer\n<< /Size {size} /Root {CATALOG} 0 R >>\nstartxref\n{start}\n%%EOF\n")
                .as_bytes(),
        )?;
        self.out.flush()?;
        Ok((self.out, self.written))
    }
}

/// A free entry of the cross-reference table (an object number no object has).
const FREE: &[u8] = b"0000000000 00000 f \n";

/// A temporary file written so far, to be read from its start.
fn rewound(w: &mut BufWriter<File>) -> std::io::Result<&mut File> {
    w.flush()?;
    let f = w.get_mut();
    f.seek(std::io::SeekFrom::Start(0))?;
    Ok(f)
}

/// Attributes a page inherits from its parents (nearest first), for the ones it lacks.
fn inherited_attributes(doc: &Document, page: ObjectId) -> Vec<(Vec<u8>, Object)> {
    let mut found: Vec<(Vec<u8>, Object)> = Vec::new();
    let mut node = doc
        .get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"Parent").ok())
        .and_then(|p| p.as_reference().ok());
    let mut depth = 0;
    while let Some(id) = node {
        let Ok(d) = doc.get_dictionary(id) else { break };
        for k in INHERITED {
            if !found.iter().any(|(f, _)| f == k)
                && let Ok(v) = d.get(k)
            {
                found.push((k.to_vec(), v.clone()));
            }
        }
        node = d.get(b"Parent").ok().and_then(|p| p.as_reference().ok());
        depth += 1;
        if depth > 32 {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(text: &str) -> Vec<u8> {
        use pdf_writer::{Content, Name, Pdf, Rect, Ref};
        let mut pdf = Pdf::new();
        let (cat, tree, page, font, content) =
            (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5));
        pdf.catalog(cat).pages(tree);
        // MediaBox on the page tree, inherited by the page: the merger must carry it over.
        pdf.pages(tree)
            .kids([page])
            .count(1)
            .media_box(Rect::new(0.0, 0.0, 288.0, 432.0));
        {
            let mut p = pdf.page(page);
            p.parent(tree).contents(content);
            p.resources().fonts().pair(Name(b"F1"), font);
        }
        pdf.type1_font(font).base_font(Name(b"Helvetica"));
        let mut c = Content::new();
        c.begin_text()
            .set_font(Name(b"F1"), 14.0)
            .next_line(20.0, 400.0)
            .show(pdf_writer::Str(text.as_bytes()))
            .end_text();
        pdf.stream(content, &c.finish());
        pdf.finish()
    }

    /// Merges labels through fragments of `split` labels each.
    fn merged(texts: &[&str], split: usize) -> (Vec<u8>, u64) {
        let mut m = PdfMerger::new(Vec::new()).unwrap();
        let mut next_id = Fragment::FIRST_ID;
        for chunk in texts.chunks(split) {
            let mut f = PdfFragment::new(Vec::new(), next_id);
            for t in chunk {
                assert_eq!(f.add(t, &label(t)).unwrap(), 1);
            }
            let (bytes, done) = f.finish().unwrap();
            assert_eq!(done.bytes as usize, bytes.len());
            next_id = done.next_id;
            m.append(&mut bytes.as_slice(), &done).unwrap();
        }
        m.finish().unwrap()
    }

    #[test]
    fn labels_merge_in_order_with_inherited_page_size_however_they_are_split() {
        let texts = ["FIRST LABEL", "SECOND LABEL", "THIRD LABEL"];
        let (bytes, n) = merged(&texts, 3);
        // Fragments of one label each give the same file, byte for byte.
        assert_eq!(merged(&texts, 1).0, bytes);
        assert_eq!(merged(&texts, 2).0, bytes);
        // poppler reads it without repairing anything: its cross-reference table is exact.
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &bytes).unwrap();
        let o = std::process::Command::new("pdfinfo")
            .arg(file.path())
            .output()
            .expect("pdfinfo (poppler-utils)");
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert!(o.status.success() && err.is_empty(), "{err}");
        let pages = out.lines().find(|l| l.starts_with("Pages:"));
        assert_eq!(
            pages.map(|l| l.split_whitespace().last()),
            Some(Some("3")),
            "{out}"
        );
        assert_eq!(n as usize, bytes.len());
        let doc = Document::load_mem(&bytes).unwrap();
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        assert_eq!(pages.len(), 3);
        for (i, want) in ["FIRST LABEL", "SECOND LABEL", "THIRD LABEL"].iter().enumerate() {
            let text = doc.extract_text(&[i as u32 + 1]).unwrap();
            assert!(text.contains(want), "page {}: {text}", i + 1);
            let d = doc.get_dictionary(pages[i]).unwrap();
            let mb = d.get(b"MediaBox").unwrap().as_array().unwrap();
            assert_eq!(mb[2].as_float().unwrap(), 288.0);
        }
    }

    #[test]
    fn a_broken_label_is_named() {
        let mut f = PdfFragment::new(Vec::new(), Fragment::FIRST_ID);
        let e = f.add("0003-order-pkg.pdf", b"not a pdf").unwrap_err();
        assert!(e.to_string().contains("0003-order-pkg.pdf"));
    }
}
