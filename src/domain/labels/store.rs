//! Content-addressed label storage: a PDF is stored once under its SHA-256, and its PNG
//! thumbnail is rendered once, on first request, beside it.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// Content-addressed storage of label PDFs (`<dir>/<sha256>.pdf`, written to a temp name first).
#[derive(Clone)]
pub struct LabelStore {
    pub dir: PathBuf,
}

impl LabelStore {
    /// Stores a PDF; returns its SHA-256.
    pub async fn put(&self, pdf: &[u8]) -> std::io::Result<String> {
        let sha = hex::encode(Sha256::digest(pdf));
        let path = self.path(&sha);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(sha);
        }
        tokio::fs::create_dir_all(&self.dir).await?;
        let tmp = self.dir.join(format!(
            ".{sha}.{}.tmp",
            hex::encode(crate::crypto::random_bytes::<4>())
        ));
        tokio::fs::write(&tmp, pdf).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(sha)
    }

    /// Where a stored label lives.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.pdf"))
    }

    /// Where a label's PNG thumbnail lives.
    pub fn thumbnail_path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.png"))
    }

    /// The PNG thumbnail of a stored label (first page), rendered once and kept beside it.
    pub async fn thumbnail(&self, sha256: &str) -> std::io::Result<PathBuf> {
        let path = self.thumbnail_path(sha256);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(path);
        }
        let pdf = tokio::fs::read(self.path(sha256)).await?;
        let png = tokio::task::spawn_blocking(move || render_thumbnail(pdf, THUMBNAIL_SCALE))
            .await
            .map_err(std::io::Error::other)??;
        let tmp = self.dir.join(format!(
            ".{sha256}.{}.png.tmp",
            hex::encode(crate::crypto::random_bytes::<4>())
        ));
        tokio::fs::write(&tmp, png).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(path)
    }
}

/// Thumbnail pixels per PDF point: a 4x6 in label (288x432 pt) becomes 216x324 px.
const THUMBNAIL_SCALE: f32 = 0.75;

/// Renders the first page of a PDF to PNG (pure Rust, no native PDF library).
pub fn render_thumbnail(pdf: Vec<u8>, scale: f32) -> std::io::Result<Vec<u8>> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::vello_cpu::color::palette::css::WHITE;
    use hayro::{PixmapSettings, RenderCache, RenderSettings, render};

    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let pdf = Pdf::new(pdf).map_err(|_| bad("the label is not a readable PDF"))?;
    let pages = pdf.pages();
    let page = pages.first().ok_or_else(|| bad("the label PDF has no page"))?;
    let pixmap = render(
        page,
        &RenderCache::new(),
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    pixmap
        .into_png()
        .map_err(|e| std::io::Error::other(format!("encoding the thumbnail: {e:?}")))
}
