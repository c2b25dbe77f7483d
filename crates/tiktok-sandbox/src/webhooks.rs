//! Pushes queued webhooks to the configured URL with TikTok's signature, retrying on anything
//! but HTTP 200 or 401 after 2 minutes, 30 minutes, 3 hours and 12 hours (scaled for tests).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Sandbox;
use tiktok::sign::webhook_signature;

/// TikTok's retry delays after the first attempt, in seconds.
pub const RETRY_DELAYS_SECS: [u64; 4] = [120, 1800, 3 * 3600, 12 * 3600];

/// Runs until cancelled: drains the outbox and delivers each event in its own task.
pub async fn pusher(sb: Sandbox, stop: CancellationToken) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
        let (batch, url, key, secret) = {
            let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
            let batch = std::mem::take(&mut w.outbox);
            (
                batch,
                w.webhook_url.clone(),
                w.app_key.clone(),
                w.app_secret.clone(),
            )
        };
        let Some(url) = url else { continue };
        for event in batch {
            let (sb, http, url, key, secret) =
                (sb.clone(), http.clone(), url.clone(), key.clone(), secret.clone());
            tokio::spawn(async move {
                let sig = webhook_signature(&key, &secret, &event.body);
                for attempt in 0..=RETRY_DELAYS_SECS.len() {
                    if attempt > 0 {
                        let secs = RETRY_DELAYS_SECS[attempt - 1] as f64 * sb.webhook_retry_scale;
                        tokio::time::sleep(Duration::from_secs_f64(secs)).await;
                    }
                    let r = http
                        .post(&url)
                        .header("Authorization", &sig)
                        .header("content-type", "application/json")
                        .body(event.body.clone())
                        .send()
                        .await;
                    match r.map(|r| r.status().as_u16()) {
                        Ok(200) => {
                            sb.world
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .webhooks_delivered += 1;
                            return;
                        }
                        // "Authentication failure returns 401": an answer, not a failure to
                        // deliver, so TikTok does not push it again.
                        Ok(401) => {
                            sb.world
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .webhooks_refused += 1;
                            return;
                        }
                        _ => {}
                    }
                }
                sb.world.lock().unwrap_or_else(|p| p.into_inner()).webhooks_failed += 1;
            });
        }
    }
}
