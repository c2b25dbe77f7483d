//! `podgate serve --demo`: a ready-to-try podgate. On the first start it creates a seller,
//! connects the in-process sandbox shop, adds two suppliers with SKU rules, a portal person and
//! an SFTP login for each, and syncs the orders — all through the same domain functions the
//! web uses. The demo Shirt Co's webhook endpoint points at [`receiver`], a stand-in for the
//! factory's own system. The credentials are printed and kept in
//! `<data_dir>/demo-credentials.json`; later starts reuse them.

pub mod artwork;
pub mod receiver;

use std::path::Path;

use anyhow::Context;

use crate::db::models::audit::{Actor, Channel};
use crate::db::models::user::{Role, User};
use crate::domain::suppliers::SupplierInput;
use crate::domain::{accounts, catalog, languages, sftp_logins, suppliers};
use crate::services::Services;
use tiktok_sandbox::SandboxHandle;

/// The demo's people and where to reach them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DemoCredentials {
    pub portal_url: String,
    pub seller: Login,
    pub suppliers: Vec<SupplierLogins>,
    pub sftp_host: String,
    pub sftp_port: u16,
    pub sandbox_url: String,
    pub sandbox_app_key: String,
    pub sandbox_app_secret: String,
    pub mail_page: String,
    /// The demo factory's webhook receiver (absent in files written before it existed).
    #[serde(default)]
    pub webhook_receiver: Option<WebhookReceiver>,
}

/// Where the demo supplier's webhooks go, and its endpoint (for the signing secret).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct WebhookReceiver {
    pub page: String,
    pub port: u16,
    pub supplier_id: i64,
    pub endpoint_id: i64,
}

/// An email and password.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// A demo supplier's portal person and SFTP login.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SupplierLogins {
    pub supplier: String,
    pub portal: Login,
    pub sftp_user: String,
    pub sftp_password: String,
}

/// The demo catalog; artwork links point at the demo's own file server (`{art}`).
const CATALOG: &str = "pattern,match,priority,supplier,product_code,weight_g,length_in,width_in,height_in,front_print_url,front_checksum\n\
TEE-,prefix,100,Shirt Co (demo),G5000,340,10,8,1,{art}/tee-front.png,\n\
HOOD-,prefix,100,Shirt Co (demo),G18500,700,12,10,3,{art}/hood-front.png,\n\
MUG-,prefix,100,Mug Works (demo),MUG11,450,6,6,6,{art}/mug.png,\n\
POSTER-,prefix,100,Mug Works (demo),PST18,200,24,3,3,{art}/poster.png,\n\
TOTE-,prefix,100,Mug Works (demo),TOTE15,250,15,15,1,{art}/tote.png,\n";

fn password() -> String {
    format!("demo-{}", &crate::crypto::new_token()[..12])
}

/// Seeds the demo on the first start (or reads what an earlier start wrote); prints it.
pub async fn seed(
    services: &Services,
    sandbox: &SandboxHandle,
    config: &crate::config::AppConfig,
) -> anyhow::Result<DemoCredentials> {
    let file = config.data_dir().join("demo-credentials.json");
    if let Ok(text) = std::fs::read_to_string(&file) {
        let creds: DemoCredentials = serde_json::from_str(&text).context("reading demo-credentials.json")?;
        print(&creds, &file);
        return Ok(creds);
    }
    if !accounts::needs_setup(&services.pool).await? {
        anyhow::bail!(
            "this data dir already has a workspace that is not a demo; use another data_dir for --demo (PODGATE_DATA_DIR=demo-data)"
        );
    }
    let pool = &services.pool;
    let url = config.public_url();
    let anon = Actor::anonymous(None, Channel::Cli);
    let seller = Login {
        email: "seller@demo.podgate".into(),
        password: password(),
    };
    let owner = accounts::setup_first_workspace(
        pool,
        &anon,
        accounts::SetupInput {
            workspace_name: "Demo Prints".into(),
            name: "Dana (demo seller)".into(),
            email: seller.email.clone(),
            password: seller.password.clone(),
        },
    )
    .await?;
    let actor = Actor::user(&owner, None, Channel::Cli);

    // Connect the sandbox shop as a seller would (an authorization code, then the exchange).
    let code = sandbox
        .sandbox
        .world
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .issue_auth_code(i64::MAX);
    let shops = services.shops.connect(&actor, &code).await?;

    let mut supplier_logins = Vec::new();
    let mut receiver = None;
    // Each at the facility of one of the sandbox's TikTok warehouses, so a supplier's
    // "TikTok warehouse" page suggests its own.
    for (name, accepts, slug, ship_from) in [
        (
            "Shirt Co (demo)",
            "USPS, UPS",
            "shirtco",
            "1 Factory Way\nReno NV 89502",
        ),
        (
            "Mug Works (demo)",
            "",
            "mugworks",
            "77 Kiln Rd\nColumbus OH 43215",
        ),
    ] {
        let input = SupplierInput {
            name: name.into(),
            contacts: format!("Ops <ops@{slug}.demo.podgate>"),
            ship_from: ship_from.into(),
            accepted_services: accepts.into(),
            cutoff_times: "10:00, 15:00".into(),
            time_zone: "America/Los_Angeles".into(),
            ack_deadline_hours: "24".into(),
            // The mug partner prints each 4x6 ticket followed by its label; Shirt Co's floor
            // prints runs of one garment and placement, labels and tickets as two stacks, on a
            // 203 dpi Zebra.
            print_layout: if slug == "mugworks" { "pairs" } else { "separate" }.into(),
            print_sort: if slug == "mugworks" { "ship_by" } else { "product" }.into(),
            zpl_dpi: if slug == "mugworks" { "" } else { "203" }.into(),
            ..SupplierInput::default()
        };
        let sid = suppliers::create(pool, &actor, input).await?;
        let portal = Login {
            email: format!("factory@{slug}.demo.podgate"),
            password: password(),
        };
        let (_, token) =
            accounts::invite(pool, &actor, &portal.email, Role::Supplier, Some(sid), &url).await?;
        let person: User = accounts::accept_invite(
            pool,
            &anon,
            &token,
            &format!("{name} floor"),
            &portal.password,
            &portal.password,
        )
        .await?;
        let sup_actor = Actor::user(&person, None, Channel::Cli);
        let sftp_user = format!("{slug}-demo");
        let (_, sftp_password) =
            sftp_logins::create(pool, &sup_actor, Some(sid), &sftp_user, true, "").await?;
        if slug == "shirtco" {
            receiver = Some(demo_endpoint(services, &actor, &sup_actor, sid, config).await?);
        } else {
            // The mug partner is a Vietnamese-speaking factory: its person reads the portal in
            // Vietnamese, and its contacts' mail and result files are written in it.
            languages::for_person(pool, &sup_actor, person.id, "vi").await?;
            languages::for_supplier(pool, &sup_actor, Some(sid), "vi").await?;
        }
        supplier_logins.push(SupplierLogins {
            supplier: name.into(),
            portal,
            sftp_user,
            sftp_password: sftp_password.unwrap_or_default(),
        });
    }
    let art = format!("http://127.0.0.1:{}/artwork", config.demo_receiver_port);
    catalog::import(pool, &actor, CATALOG.replace("{art}", &art).into_bytes()).await?;
    // The artwork server is on this machine: the seller allows its address, and sets print areas.
    services
        .artwork
        .set(
            &actor,
            crate::domain::artwork::SettingsInput {
                check: true,
                private_hosts: "127.0.0.1".into(),
                print_areas: artwork::PRINT_AREAS.into(),
            },
        )
        .await?;
    for s in &shops {
        services.shops.sync_shop(&services.sync, s.id).await?;
    }
    let host = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "127.0.0.1".into());
    let creds = DemoCredentials {
        portal_url: url.clone(),
        seller,
        suppliers: supplier_logins,
        sftp_host: host,
        sftp_port: config.sftp.port,
        sandbox_url: sandbox.base_url.clone(),
        sandbox_app_key: config.tiktok.app_key.clone(),
        sandbox_app_secret: config.tiktok.app_secret.clone(),
        mail_page: format!("{url}/mail"),
        webhook_receiver: receiver,
    };
    crate::secrets::write_private(&file, serde_json::to_string_pretty(&creds)?.as_bytes())?;
    print(&creds, &file);
    Ok(creds)
}

fn print(c: &DemoCredentials, file: &Path) {
    println!();
    println!(
        "Demo ready: open {} and sign in as {} / {}",
        c.portal_url, c.seller.email, c.seller.password
    );
    for s in &c.suppliers {
        println!(
            "  {}: portal {} / {}; sftp -P {} {}@{} (password {})",
            s.supplier,
            s.portal.email,
            s.portal.password,
            c.sftp_port,
            s.sftp_user,
            c.sftp_host,
            s.sftp_password
        );
    }
    println!(
        "  Mail podgate sends (no SMTP server in the demo): {}",
        c.mail_page
    );
    if let Some(r) = &c.webhook_receiver {
        println!("  Webhooks Shirt Co's own system received: {}", r.page);
    }
    println!("  These credentials are in {}", file.display());
    println!();
}

/// Shirt Co's webhook endpoint, pointing at the demo receiver on this machine: the seller
/// allows private addresses for it, its person adds the endpoint with every event.
async fn demo_endpoint(
    services: &Services,
    seller: &Actor,
    person: &Actor,
    supplier_id: i64,
    config: &crate::config::AppConfig,
) -> anyhow::Result<WebhookReceiver> {
    use crate::domain::factory_webhooks::WebhookEvent;
    services.webhooks.allow_private(seller, supplier_id, true).await?;
    let port = config.demo_receiver_port;
    let events: Vec<String> = WebhookEvent::CHOOSABLE
        .iter()
        .map(|e| e.as_str().to_string())
        .collect();
    let (endpoint_id, _) = services
        .webhooks
        .add_endpoint(
            person,
            Some(supplier_id),
            &format!("http://127.0.0.1:{port}/podgate-webhooks"),
            "Shirt Co's order system (the demo's receiver)",
            &events,
        )
        .await?;
    Ok(WebhookReceiver {
        page: format!("http://127.0.0.1:{port}/"),
        port,
        supplier_id,
        endpoint_id,
    })
}

/// Starts the demo receiver with its endpoint's secret, when the demo has one.
pub async fn start_receiver(
    services: &Services,
    creds: &DemoCredentials,
    shutdown: tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    let Some(r) = &creds.webhook_receiver else {
        return Ok(());
    };
    let (_, secret) = services.webhooks.endpoint(r.supplier_id, r.endpoint_id).await?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], r.port));
    receiver::spawn(addr, secret, shutdown).await.with_context(|| {
        format!(
            "starting the demo webhook receiver on port {} (demo_receiver_port)",
            r.port
        )
    })
}
