//! A running podgate in process (its own data dir and database) and a Rocket local client over
//! the real application: pages, forms with their CSRF token, sign-in.

use std::net::SocketAddr;
use std::sync::Arc;

use rocket::figment::Figment;
use rocket::figment::providers::Serialized;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

use podgate::config::AppConfig;
use podgate::db::DbPool;

use crate::db::TestDb;

/// A running podgate (in process) with its own data dir and database.
pub struct TestApp {
    pub client: Client,
    pub pool: DbPool,
    pub config: AppConfig,
    pub figment: Figment,
    pub services: podgate::services::Services,
    pub dir: Arc<tempfile::TempDir>,
    db: Arc<TestDb>,
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with(|f| f).await
    }

    /// Starts an app with extra configuration applied to the figment.
    pub async fn with(extra: impl FnOnce(Figment) -> Figment) -> TestApp {
        crate::quiet_logging();
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(dir.path());
        let figment = podgate::config::figment()
            .merge(Serialized::default("data_dir", dir.path()))
            .merge(Serialized::default("database_url", &db.url));
        let figment = extra(figment);
        let prepared = podgate::app::prepare(figment).expect("prepare app");
        let (pool, config, figment) = (prepared.pool, prepared.config, prepared.figment);
        let services = podgate::services::Services::new(pool.clone(), &config).expect("services");
        let rocket = podgate::web::build(figment.clone(), config.clone(), services.clone());
        let client = Client::tracked(rocket).await.expect("valid rocket");
        TestApp {
            client,
            services,
            pool,
            config,
            figment,
            dir: Arc::new(dir),
            db: Arc::new(db),
        }
    }

    /// A second browser (its own cookie jar) on the same podgate and database.
    pub async fn reuse(other: &TestApp) -> TestApp {
        let rocket = podgate::web::build(
            other.figment.clone(),
            other.config.clone(),
            other.services.clone(),
        );
        TestApp {
            services: other.services.clone(),
            client: Client::tracked(rocket).await.expect("valid rocket"),
            pool: other.pool.clone(),
            config: other.config.clone(),
            figment: other.figment.clone(),
            dir: other.dir.clone(),
            db: other.db.clone(),
        }
    }

    /// Another node of the same deployment: the same database and configuration (the same
    /// bucket, if any), the first node's keys (its secrets as configuration, its SFTP host key
    /// copied), and a data dir of its own: nothing of the first node's disk.
    pub async fn another_node(other: &TestApp) -> TestApp {
        Self::another_node_with(other, |f| f).await
    }

    /// [`TestApp::another_node`], with more configuration applied.
    pub async fn another_node_with(other: &TestApp, extra: impl FnOnce(Figment) -> Figment) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let first = other.config.data_dir();
        let key = |f: &str| std::fs::read_to_string(first.join(f)).unwrap().trim().to_string();
        for f in ["sftp_host_ed25519", "sftp_host_rsa"] {
            if first.join(f).exists() {
                std::fs::copy(first.join(f), dir.path().join(f)).unwrap();
            }
        }
        let figment = other
            .figment
            .clone()
            .merge(Serialized::default("data_dir", dir.path()))
            .merge(Serialized::default("cookie_key", key("cookie_key")))
            .merge(Serialized::default("token_key", key("token_key")));
        let prepared = podgate::app::prepare(extra(figment)).expect("the second node starts");
        let (pool, config, figment) = (prepared.pool, prepared.config, prepared.figment);
        let services = podgate::services::Services::new(pool.clone(), &config).expect("services");
        let rocket = podgate::web::build(figment.clone(), config.clone(), services.clone());
        TestApp {
            client: Client::tracked(rocket).await.expect("valid rocket"),
            services,
            pool,
            config,
            figment,
            dir: Arc::new(dir),
            db: other.db.clone(),
        }
    }

    /// Runs a query on the app's database.
    pub async fn query<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut podgate::db::AnyConnection) -> diesel::QueryResult<T> + Send + 'static,
    ) -> T {
        self.pool
            .run(move |c| Ok::<_, podgate::domain::DomainError>(f(c)?))
            .await
            .expect("query")
    }

    /// The CSRF token from a page's form (also sets the cookie on first visit).
    pub async fn csrf(&self, page: &str) -> String {
        let body = self
            .client
            .get(page)
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap_or_default();
        extract_csrf(&body).unwrap_or_else(|| panic!("no csrf_token on {page}:\n{body}"))
    }

    /// Posts a form with the CSRF token taken from `page`.
    pub async fn post_form(&self, page: &str, to: &str, fields: &[(&str, &str)]) -> LocalResponse<'_> {
        let token = self.csrf(page).await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(to.to_string())
            .header(ContentType::Form)
            .body(form_body(&all))
            .dispatch()
            .await
    }

    /// Runs first-run setup as the owner `owner@example.com`.
    pub async fn setup_owner(&self) {
        let r = self
            .post_form(
                "/setup",
                "/setup",
                &[
                    ("workspace_name", "Acme Prints"),
                    ("name", "Olive Owner"),
                    ("email", "owner@example.com"),
                    ("password", OWNER_PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status(), Status::SeeOther, "setup should redirect");
        // The catalogs most tests import name artwork on cdn.example.com, which does not
        // resolve here, so the artwork pre-flight (on for every new workspace) would stop their
        // purchases. Its own suite (`tests/it/artwork.rs`) turns it back on through its page,
        // with files served by a local server.
        self.query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::workspaces;
            diesel::update(workspaces::table)
                .set(workspaces::artwork_check.eq(false))
                .execute(c)
        })
        .await;
    }

    /// Signs in; returns the status of the sign-in answer.
    pub async fn login(&self, email: &str, password: &str) -> Status {
        self.post_form("/login", "/login", &[("email", email), ("password", password)])
            .await
            .status()
    }

    /// Signs in from a given client address.
    pub async fn login_from(&self, ip: &str, email: &str, password: &str) -> (Status, String) {
        let token = self.csrf("/login").await;
        let remote: SocketAddr = format!("{ip}:40000").parse().unwrap();
        let r = self
            .client
            .post("/login")
            .remote(remote)
            .header(ContentType::Form)
            .body(form_body(&[
                ("csrf_token", &token),
                ("email", email),
                ("password", password),
            ]))
            .dispatch()
            .await;
        let status = r.status();
        (status, r.into_string().await.unwrap_or_default())
    }

    /// Finds an order by its TikTok id in the list and opens its page: (podgate id, page).
    pub async fn order_page(&self, tiktok_order_id: &str) -> (String, String) {
        let (_, list) = self.get(&format!("/orders?q={tiktok_order_id}")).await;
        let local: String = list
            .split("href=\"/orders/")
            .nth(1)
            .unwrap_or_else(|| panic!("order {tiktok_order_id} not in the list:\n{list}"))
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let (_, page) = self.get(&format!("/orders/{local}")).await;
        (local, page)
    }

    /// GET a page; returns status and body.
    pub async fn get(&self, path: &str) -> (Status, String) {
        let r = self.client.get(path.to_string()).dispatch().await;
        let s = r.status();
        (s, r.into_string().await.unwrap_or_default())
    }
}

/// The owner's password in tests.
pub const OWNER_PASSWORD: &str = "correct horse battery staple";

/// The "Next page" link of a list page, decoded.
pub fn next_page_href(html: &str) -> String {
    let before = html.split("id=\"next-page\"").next().unwrap_or_default();
    let href = before
        .rsplit("href=\"")
        .next()
        .unwrap_or_default()
        .split('"')
        .next()
        .unwrap_or_default();
    href.replace("&amp;", "&").replace("&#x2f;", "/")
}

/// Pulls the hidden CSRF field out of a page.
pub fn extract_csrf(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let rest = &html[i..];
    Some(rest[..rest.find('"')?].to_string())
}

/// URL-encodes form fields.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}
