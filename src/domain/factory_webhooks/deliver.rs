//! Delivering queued webhooks: each attempt is signed anew per the Standard Webhooks
//! specification (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256
//! of "id.timestamp.body">`, secret `whsec_<base64>`), posted to the address checked again at
//! that moment (no redirects followed, a timeout per attempt), and recorded. Deliveries go out
//! several at a time, so a receiver that hangs delays only its own.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::StreamExt;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio_util::sync::CancellationToken;

use super::FactoryWebhooks;
use crate::db::models::factory_webhook::{self as hook, Delivery, Endpoint, Outcome, RESPONSE_KEPT};
use crate::domain::DomainError;

/// The prefix of a signing secret, as the specification writes them.
pub const SECRET_PREFIX: &str = "whsec_";

/// Deliveries attempted at once.
const AT_ONCE: usize = 8;

/// A new signing secret: 32 random bytes.
pub fn new_secret() -> String {
    format!(
        "{SECRET_PREFIX}{}",
        STANDARD.encode(crate::crypto::random_bytes::<32>())
    )
}

/// The `webhook-signature` value for one attempt.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &str) -> Result<String, DomainError> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .map_err(|_| DomainError::Internal("a webhook secret is not base64".into()))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| DomainError::Internal(e.to_string()))?;
    mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// Delivers due webhooks until shutdown, a round every `every`.
pub async fn deliver_loop(hooks: FactoryWebhooks, every: Duration, shutdown: CancellationToken) {
    loop {
        match hooks.deliver_due().await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "webhook delivery round failed"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

impl FactoryWebhooks {
    /// One round: claims what is due and attempts each; returns how many were attempted.
    pub async fn deliver_due(&self) -> Result<usize, DomainError> {
        // The claim outlasts an attempt (timeout included), so no other worker takes it meanwhile.
        let lease = chrono::Duration::seconds(self.timeout.as_secs() as i64 * 3 + 30);
        let due = self.pool.query(move |c| hook::claim_due(c, 32, lease)).await?;
        let n = due.len();
        futures::stream::iter(due)
            .for_each_concurrent(AT_ONCE, |(d, e)| async move {
                let outcome = self.attempt(&d, &e).await;
                let (d2, o) = (d.clone(), outcome);
                let r = self
                    .pool
                    .run(move |c| {
                        let o = Outcome {
                            status_code: o.status_code,
                            error: o.error.as_deref(),
                            millis: o.millis,
                            response: o.response.as_deref(),
                            delivered: o.delivered,
                        };
                        Ok::<_, DomainError>(hook::record_attempt(c, &d2, &o)?)
                    })
                    .await;
                if let Err(err) = r {
                    tracing::warn!(delivery = d.id, error = %err, "could not record a webhook attempt");
                }
            })
            .await;
        Ok(n)
    }

    /// Posts one delivery once.
    async fn attempt(&self, d: &Delivery, e: &Endpoint) -> Attempted {
        let started = Instant::now();
        let mut out = match self.post(d, e).await {
            Ok((code, body)) => Attempted {
                status_code: Some(code as i64),
                error: (!(200..300).contains(&code)).then(|| format!("the endpoint answered HTTP {code}")),
                response: Some(body),
                delivered: (200..300).contains(&code),
                millis: 0,
            },
            Err(why) => Attempted {
                status_code: None,
                error: Some(why),
                response: None,
                delivered: false,
                millis: 0,
            },
        };
        out.millis = started.elapsed().as_millis() as i64;
        if !out.delivered {
            tracing::info!(delivery = d.id, endpoint = e.id, error = ?out.error, "webhook not delivered");
        }
        out
    }

    async fn post(&self, d: &Delivery, e: &Endpoint) -> Result<(u16, String), String> {
        let url = url::Url::parse(&e.url).map_err(|x| x.to_string())?;
        let supplier = e.supplier_id;
        let private_ok = self
            .pool
            .run(move |c| Ok::<_, DomainError>(hook::private_ok(c, supplier)?))
            .await
            .map_err(|x| x.to_string())?;
        let (host, addr) = crate::net::egress::resolve_checked(&url, private_ok)
            .await
            .map_err(|x| x.to_string())?;
        let secret = self
            .cipher
            .decrypt(&e.secret_enc)
            .map_err(|_| "the endpoint's secret does not decrypt with this node's token_key".to_string())?;
        let ts = chrono::Utc::now().timestamp();
        let signature = sign(&secret, &d.msg_id, ts, &d.payload).map_err(|x| x.to_string())?;
        let client = reqwest::Client::builder()
            .resolve(&host, addr)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.timeout.min(Duration::from_secs(5)))
            .timeout(self.timeout)
            .user_agent(concat!("podgate-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|x| x.to_string())?;
        let mut resp = client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.msg_id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", signature)
            .body(d.payload.clone())
            .send()
            .await
            .map_err(describe)?;
        let code = resp.status().as_u16();
        let mut kept = Vec::new();
        while kept.len() < RESPONSE_KEPT {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    kept.extend_from_slice(&chunk[..chunk.len().min(RESPONSE_KEPT - kept.len())])
                }
                _ => break,
            }
        }
        Ok((code, String::from_utf8_lossy(&kept).into_owned()))
    }
}

/// What one attempt came to (owned, to cross into the database thread).
struct Attempted {
    status_code: Option<i64>,
    error: Option<String>,
    response: Option<String>,
    delivered: bool,
    millis: i64,
}

fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer within the time limit".into()
    } else if e.is_connect() {
        format!("could not connect: {e}")
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signs_as_the_standard_webhooks_example_does() {
        // The example of the specification (standard-webhooks/spec.md, "Signature scheme").
        let sig = super::sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
