//! Webhooks to a supplier's own systems: the supplier's people register HTTPS endpoints and
//! choose the events; every event is queued for each subscribed endpoint in the transaction of
//! what it reports ([`emit`]), then signed per the Standard Webhooks specification and
//! delivered with retries by [`deliver`]. The seller decides whether a supplier's endpoints may
//! be on private addresses (a factory system on the seller's own network).

pub mod deliver;

use crate::crypto::TokenCipher;
use crate::db::models::audit::{self, Actor};
use crate::db::models::factory_webhook::{self as hook, Attempt, Delivery, Endpoint};
use crate::db::{AnyConnection, DbPool};
use crate::domain::{DomainError, FieldError, seller_workspace};
use crate::net::egress;

/// What a supplier's systems can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum WebhookEvent {
    BatchPublished,
    PackagePullRequested,
    PackageCancelled,
    PackageVoided,
    PackageRerouted,
    AcknowledgementApplied,
    /// Sent only by the portal's "Send a test event".
    Test,
}

impl WebhookEvent {
    /// The events an endpoint can choose, in the form's order.
    pub const CHOOSABLE: [WebhookEvent; 6] = [
        WebhookEvent::BatchPublished,
        WebhookEvent::PackagePullRequested,
        WebhookEvent::PackageCancelled,
        WebhookEvent::PackageVoided,
        WebhookEvent::PackageRerouted,
        WebhookEvent::AcknowledgementApplied,
    ];

    /// The `type` of the payload.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::BatchPublished => "batch.published",
            WebhookEvent::PackagePullRequested => "package.pull_requested",
            WebhookEvent::PackageCancelled => "package.cancelled",
            WebhookEvent::PackageVoided => "package.voided",
            WebhookEvent::PackageRerouted => "package.rerouted",
            WebhookEvent::AcknowledgementApplied => "acknowledgement.applied",
            WebhookEvent::Test => "webhook.test",
        }
    }

    /// What it means, for the form.
    pub fn meaning(self) -> &'static str {
        match self {
            WebhookEvent::BatchPublished => "a new batch of labels is ready to download",
            WebhookEvent::PackagePullRequested => {
                "stop a package: the seller asks you to pull it (answer pulled or already shipped)"
            }
            WebhookEvent::PackageCancelled => "TikTok cancelled the order of a package you were handed",
            WebhookEvent::PackageVoided => "the seller voided a package's label",
            WebhookEvent::PackageRerouted => "a package you rejected moved to another supplier",
            WebhookEvent::AcknowledgementApplied => {
                "answers were recorded (from the portal, SFTP or the API)"
            }
            WebhookEvent::Test => "a test event",
        }
    }
}

/// Queues `event` for every live endpoint of the supplier that chose it; call it inside the
/// transaction of what it reports, so an event is sent if and only if that commits.
pub fn emit(
    c: &mut AnyConnection,
    supplier_id: i64,
    event: WebhookEvent,
    data: serde_json::Value,
) -> Result<usize, DomainError> {
    let endpoints = hook::subscribed(c, supplier_id, event.as_str())?;
    for id in &endpoints {
        queue(c, *id, event, &data)?;
    }
    Ok(endpoints.len())
}

fn queue(
    c: &mut AnyConnection,
    endpoint_id: i64,
    event: WebhookEvent,
    data: &serde_json::Value,
) -> Result<i64, DomainError> {
    let msg_id = format!("msg_{}", crate::crypto::new_token());
    let payload = serde_json::json!({
        "type": event.as_str(),
        "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    });
    Ok(hook::enqueue(
        c,
        endpoint_id,
        &msg_id,
        event.as_str(),
        &payload.to_string(),
    )?)
}

/// A stored UTC time as the payloads write times (RFC 3339, `Z`).
pub fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An endpoint with its newest deliveries, for the portal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EndpointView {
    pub endpoint: Endpoint,
    pub deliveries: Vec<Delivery>,
}

/// A delivery with its attempts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeliveryView {
    pub delivery: Delivery,
    pub attempts: Vec<Attempt>,
}

/// The webhook service: endpoints, deliveries, and the key their signing secrets are kept
/// under.
#[derive(Clone)]
pub struct FactoryWebhooks {
    pub pool: DbPool,
    pub cipher: TokenCipher,
    /// How long one attempt may take before it counts as failed.
    pub timeout: std::time::Duration,
}

impl FactoryWebhooks {
    /// Registers an endpoint for the actor's supplier; returns its id and signing secret.
    pub async fn add_endpoint(
        &self,
        actor: &Actor,
        supplier_id: Option<i64>,
        url: &str,
        description: &str,
        events: &[String],
    ) -> Result<(i64, String), DomainError> {
        let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
        let private_ok = self
            .pool
            .run(move |c| Ok::<_, DomainError>(hook::private_ok(c, sid)?))
            .await?;
        let mut errors = Vec::new();
        let url = match check_url(url, private_ok).await {
            Ok(u) => Some(u),
            Err(m) => {
                errors.push(FieldError {
                    field: "url",
                    message: m,
                });
                None
            }
        };
        let description = description.trim().to_string();
        if description.chars().count() > 200 {
            errors.push(FieldError {
                field: "description",
                message: crate::i18n::Msg::new("webhook-long-description"),
            });
        }
        let chosen: Vec<&'static str> = WebhookEvent::CHOOSABLE
            .iter()
            .map(|e| e.as_str())
            .filter(|e| events.iter().any(|x| x == e))
            .collect();
        if chosen.is_empty() || chosen.len() != events.len() {
            errors.push(FieldError {
                field: "events",
                message: crate::i18n::Msg::new("webhook-no-events"),
            });
        }
        let (Some(url), true) = (url, errors.is_empty()) else {
            return Err(DomainError::Invalid(errors));
        };
        let secret = deliver::new_secret();
        let secret_enc = self.cipher.encrypt(&secret);
        let events = chosen.join(" ");
        let actor = actor.clone();
        let id = self
            .pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let e = hook::NewEndpoint {
                        workspace_id: ws,
                        supplier_id: sid,
                        url: url.as_str(),
                        description: &description,
                        events: &events,
                        secret_enc: &secret_enc,
                        created_by: &actor.label,
                        created_at: crate::db::models::now(),
                    };
                    let id = hook::create_endpoint(c, &e)?;
                    audit::record(
                        c,
                        &actor,
                        Some(ws),
                        "webhook.endpoint_added",
                        &format!("webhook_endpoint:{id}"),
                        url.as_str(),
                    )?;
                    Ok::<_, DomainError>(id)
                })
            })
            .await?;
        Ok((id, secret))
    }

    /// Removes one of the actor's supplier's endpoints (its queued deliveries go with it).
    pub async fn remove_endpoint(
        &self,
        actor: &Actor,
        supplier_id: Option<i64>,
        id: i64,
    ) -> Result<(), DomainError> {
        let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
        self.audited(
            actor,
            ws,
            "webhook.endpoint_removed",
            format!("webhook_endpoint:{id}"),
            move |c| hook::delete_endpoint(c, sid, id),
        )
        .await
    }

    /// A supplier's endpoints with their newest deliveries.
    pub async fn endpoints(&self, supplier_id: i64) -> Result<Vec<EndpointView>, DomainError> {
        self.pool
            .run(move |c| {
                let mut out = Vec::new();
                for endpoint in hook::endpoints_of(c, supplier_id)? {
                    let deliveries = hook::deliveries_of(c, endpoint.id, 20)?;
                    out.push(EndpointView { endpoint, deliveries });
                }
                Ok(out)
            })
            .await
    }

    /// One of the supplier's endpoints with its newest deliveries and its signing secret, for
    /// the supplier's people to copy into their system.
    pub async fn endpoint(&self, supplier_id: i64, id: i64) -> Result<(EndpointView, String), DomainError> {
        let view = self
            .pool
            .run(move |c| {
                let endpoint = hook::endpoint_of(c, supplier_id, id)?.ok_or(DomainError::NotFound)?;
                let deliveries = hook::deliveries_of(c, endpoint.id, 20)?;
                Ok::<_, DomainError>(EndpointView { endpoint, deliveries })
            })
            .await?;
        let secret = self.cipher.decrypt(&view.endpoint.secret_enc).map_err(|_| {
            DomainError::Internal(format!(
                "webhook endpoint {id}: its secret does not decrypt with this token_key"
            ))
        })?;
        Ok((view, secret))
    }

    /// One delivery of the supplier's, with every attempt.
    pub async fn delivery(&self, supplier_id: i64, id: i64) -> Result<DeliveryView, DomainError> {
        self.pool
            .run(move |c| {
                let delivery = hook::delivery_of(c, supplier_id, id)?.ok_or(DomainError::NotFound)?;
                let attempts = hook::attempts_of(c, id)?;
                Ok(DeliveryView { delivery, attempts })
            })
            .await
    }

    /// "Send again": the delivery goes back in line now, with the same `webhook-id`.
    pub async fn send_again(
        &self,
        actor: &Actor,
        supplier_id: Option<i64>,
        id: i64,
    ) -> Result<(), DomainError> {
        let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
        self.audited(
            actor,
            ws,
            "webhook.send_again",
            format!("webhook_delivery:{id}"),
            move |c| hook::send_again(c, sid, id),
        )
        .await
    }

    /// Runs `change` and records `action` on `target` in one transaction; `change` answers
    /// whether it found what it changes (else nothing is recorded and the answer is "not found").
    async fn audited(
        &self,
        actor: &Actor,
        ws: i64,
        action: &'static str,
        target: String,
        change: impl FnMut(&mut AnyConnection) -> diesel::QueryResult<bool> + Send + 'static,
    ) -> Result<(), DomainError> {
        let actor = actor.clone();
        let mut change = change;
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    if !change(c)? {
                        return Err(DomainError::NotFound);
                    }
                    audit::record(c, &actor, Some(ws), action, &target, "")?;
                    Ok(())
                })
            })
            .await
    }

    /// Queues a `webhook.test` event for one endpoint, whatever events it chose.
    pub async fn send_test(
        &self,
        actor: &Actor,
        supplier_id: Option<i64>,
        id: i64,
    ) -> Result<(), DomainError> {
        let (_, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
        let by = actor.label.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let e = hook::endpoint_of(c, sid, id)?.ok_or(DomainError::NotFound)?;
                    queue(c, e.id, WebhookEvent::Test, &serde_json::json!({ "sent_by": by }))?;
                    Ok(())
                })
            })
            .await
    }

    /// The seller's choice: may this supplier's endpoints be on private addresses?
    pub async fn allow_private(&self, actor: &Actor, supplier_id: i64, ok: bool) -> Result<(), DomainError> {
        let ws = seller_workspace(actor)?;
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    crate::db::models::supplier::Supplier::find_in_workspace(c, ws, supplier_id)?
                        .ok_or(DomainError::NotFound)?;
                    hook::set_private_ok(c, supplier_id, ok)?;
                    let what = if ok { "allowed" } else { "refused" };
                    audit::record(
                        c,
                        &actor,
                        Some(ws),
                        "webhook.private_addresses",
                        &format!("supplier:{supplier_id}"),
                        what,
                    )?;
                    Ok(())
                })
            })
            .await
    }
}

/// How long finished deliveries stay visible in the portal.
pub const KEPT_DAYS: i64 = 30;

/// Removes deliveries finished (delivered or failed) more than [`KEPT_DAYS`] ago, with their
/// attempts; returns how many.
pub async fn prune(pool: &DbPool) -> Result<usize, DomainError> {
    let before = crate::db::models::now() - chrono::Duration::days(KEPT_DAYS);
    pool.run(move |c| Ok(hook::prune(c, before)?)).await
}

/// A supplier's endpoints as its seller sees them (addresses and events, not the secrets or
/// what was sent).
pub async fn endpoints_in_workspace(
    pool: &DbPool,
    ws: i64,
    supplier_id: i64,
) -> Result<Vec<Endpoint>, DomainError> {
    pool.run(move |c| {
        crate::db::models::supplier::Supplier::find_in_workspace(c, ws, supplier_id)?
            .ok_or(DomainError::NotFound)?;
        Ok(hook::endpoints_of(c, supplier_id)?)
    })
    .await
}

/// An endpoint's address: absolute, `https` (plain `http` only to a private address the seller
/// allowed, e.g. a receiver on the factory's own network), no credentials in it, and resolving
/// to a public address unless private ones are allowed.
async fn check_url(raw: &str, private_ok: bool) -> Result<url::Url, crate::i18n::Msg> {
    let raw = raw.trim();
    if raw.len() > 500 {
        return Err(crate::i18n::Msg::new("webhook-long-url"));
    }
    let url = url::Url::parse(raw)
        .map_err(|e| crate::i18n::Msg::new("webhook-not-url").arg("reason", e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(crate::i18n::Msg::new("webhook-credentials-in-url"));
    }
    if url.fragment().is_some() {
        return Err(crate::i18n::Msg::new("webhook-fragment"));
    }
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => return Err(crate::i18n::Msg::new("webhook-not-https").arg("scheme", other)),
    };
    let (_, addr) = egress::resolve_checked(&url, private_ok)
        .await
        .map_err(egress_refusal)?;
    if !https && egress::is_public(addr.ip()) {
        return Err(crate::i18n::Msg::new("webhook-http-public"));
    }
    Ok(url)
}

/// Why an address may not be called, worded for the person who typed it.
fn egress_refusal(e: egress::EgressError) -> crate::i18n::Msg {
    match e {
        egress::EgressError::BadUrl(reason) => crate::i18n::Msg::new("webhook-not-url").arg("reason", reason),
        egress::EgressError::Unresolved { host, reason } => crate::i18n::Msg::new("webhook-unresolved")
            .arg("host", host)
            .arg("reason", reason),
        egress::EgressError::Private { host, ip } => crate::i18n::Msg::new("webhook-private")
            .arg("host", host)
            .arg("ip", ip.to_string()),
    }
}
