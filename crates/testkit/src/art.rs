//! A seller's artwork server on this machine, for the artwork pre-flight's tests: real HTTP over
//! TCP (one request per connection), serving good, low-resolution, oversized, slow,
//! redirecting and missing files, and counting the requests each path got.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A running artwork server.
#[derive(Clone)]
pub struct ArtServer {
    pub port: u16,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

/// A PNG of `w` x `h` pixels (a grey checkerboard with a dark frame: not blank, and small).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::GrayImage::from_fn(w, h, |x, y| {
        let edge = x < 8 || y < 8 || x + 8 >= w || y + 8 >= h;
        image::Luma([if edge {
            0
        } else {
            (((x / 150 + y / 150) % 2) * 120 + 80) as u8
        }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

/// A CMYK TIFF of `w` x `h` pixels, LZW-compressed, as print shops export them: the left half
/// pure cyan, the right half pure black (the `K` plate), so a decoder that ignores CMYK shows.
pub fn tiff_cmyk(w: u32, h: u32) -> Vec<u8> {
    let mut px = Vec::with_capacity((w * h * 4) as usize);
    for _y in 0..h {
        for x in 0..w {
            px.extend_from_slice(if x < w / 2 {
                &[255, 0, 0, 0]
            } else {
                &[0, 0, 0, 255]
            });
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    tiff::encoder::TiffEncoder::new(&mut out)
        .expect("tiff")
        .with_compression(tiff::encoder::Compression::Lzw)
        .write_image::<tiff::encoder::colortype::CMYK8>(w, h, &px)
        .expect("tiff");
    out.into_inner()
}

impl ArtServer {
    /// Starts it on 127.0.0.1. Paths: `/good.png` (1800x2400), `/low.png` (600x800),
    /// `/big.png` (`big_bytes` of data, no Content-Length), `/slow.png` (answers after 30 s),
    /// `/moved.png` (302 to `/good.png`), `/to-localhost.png` (302 to
    /// `http://localhost:<port>/good.png`), `/text.png` (not an image), `/good.tiff` and
    /// `/low.tiff` (CMYK TIFFs of 1800x2400 and 600x800); anything else 404.
    pub async fn start(big_bytes: usize) -> ArtServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = ArtServer {
            port,
            hits: Arc::default(),
        };
        let good = Arc::new(png(1800, 2400));
        let low = Arc::new(png(600, 800));
        let tiffs = Arc::new((tiff_cmyk(1800, 2400), tiff_cmyk(600, 800)));
        let me = server.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let (me, good, low, tiffs) = (me.clone(), good.clone(), low.clone(), tiffs.clone());
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match s.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let line = String::from_utf8_lossy(&head)
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    let path = line.split(' ').nth(1).unwrap_or("/").to_string();
                    *me.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
                    let ok = |body: &[u8], length: bool| {
                        let mut r =
                            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n".to_vec();
                        if length {
                            r.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
                        }
                        r.extend_from_slice(b"\r\n");
                        r.extend_from_slice(body);
                        r
                    };
                    let redirect = |to: String| {
                        format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .into_bytes()
                    };
                    let answer = match path.as_str() {
                        "/good.png" => ok(&good, true),
                        "/low.png" => ok(&low, true),
                        "/good.tiff" => ok(&tiffs.0, true),
                        "/low.tiff" => ok(&tiffs.1, true),
                        "/big.png" => ok(&vec![7u8; big_bytes], false),
                        "/text.png" => ok(b"<html>not a picture</html>", true),
                        "/slow.png" => {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            ok(&good, true)
                        }
                        "/moved.png" => redirect("/good.png".into()),
                        "/to-localhost.png" => redirect(format!("http://localhost:{port}/good.png")),
                        _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec(),
                    };
                    let _ = s.write_all(&answer).await;
                    let _ = s.shutdown().await;
                });
            }
        });
        server
    }

    /// The URL of a path on it, by address (`http://127.0.0.1:<port>/good.png`).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// How many requests a path got.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}
