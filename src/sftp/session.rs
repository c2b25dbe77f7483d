//! One SSH connection: authentication (password or public key, with the defender, allowed
//! networks and the per-supplier session cap), then the `sftp` subsystem or `sha256sum` /
//! `md5sum` of a drop file. Shells, terminals, forwarding and agents are refused.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use russh::keys::PrivateKey;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, MethodKind, MethodSet, Preferred};

use crate::db::models::audit::{self, Actor, Channel as AuditChannel};
use crate::db::models::sftp::{self, SftpLogin};
use crate::db::models::user::Role;
use crate::domain::DomainError;
use crate::domain::sftp_logins::network_allows;

use tokio_util::sync::CancellationToken;

use crate::net::limits::Permit;

use super::files::SftpFiles;
use super::guard::LoginWatch;
use super::{Gateway, SessionSlot, SftpSettings};

/// The transport settings: large window and packets, no Nagle, no compression, and a channel
/// queue deep enough that pipelined reads never wedge the session. russh-sftp answers one
/// request at a time; while a reply waits for window, the client's next requests queue in the
/// channel, and if that queue fills, the session stops reading and never sees the client's
/// window adjustment (stack notes §10.2; paramiko's prefetch sends a READ for every 32 KiB of
/// the file at once). The queue holds messages, not bytes, and READ requests are tiny, so
/// 65,536 slots cover a 2 GiB download by paramiko for a few MiB of memory at most.
pub fn ssh_config(keys: Vec<PrivateKey>, s: &SftpSettings) -> russh::server::Config {
    let mut preferred = Preferred {
        compression: Cow::Borrowed(&[russh::compression::NONE]),
        ..Preferred::DEFAULT
    };
    if s.legacy_clients {
        let mut kex = Preferred::DEFAULT.kex.to_vec();
        kex.push(russh::kex::DH_G14_SHA1);
        let mut mac = Preferred::DEFAULT.mac.to_vec();
        mac.push(russh::mac::HMAC_SHA1);
        preferred.kex = Cow::Owned(kex);
        preferred.mac = Cow::Owned(mac);
    }
    russh::server::Config {
        keys,
        methods: MethodSet::from(&[MethodKind::PublicKey, MethodKind::Password][..]),
        auth_rejection_time: Duration::from_secs(1),
        auth_rejection_time_initial: Some(Duration::from_secs(0)),
        max_auth_attempts: 6,
        inactivity_timeout: Some(Duration::from_secs(s.idle_timeout_secs)),
        keepalive_interval: Some(Duration::from_secs(30)),
        window_size: 8 * 1024 * 1024,
        maximum_packet_size: 65535,
        channel_buffer_size: 65_536,
        nodelay: true,
        preferred,
        ..Default::default()
    }
}

/// An SSH connection's state.
pub struct SshSession {
    gw: Arc<Gateway>,
    peer: SocketAddr,
    login: Option<SftpLogin>,
    slot: Option<SessionSlot>,
    channels: HashMap<ChannelId, Channel<Msg>>,
    /// The connection's place among those not signed in yet; given back at sign-in.
    preauth: Option<Permit>,
    /// Cuts the connection (revocation).
    kill: CancellationToken,
    /// Cancelled at sign-in, which stops the handshake timer.
    signed_in: CancellationToken,
    watch: Option<Arc<LoginWatch>>,
}

impl SshSession {
    /// A new connection from `peer`, holding its pre-auth `permit`.
    pub fn new(
        gw: Arc<Gateway>,
        peer: SocketAddr,
        permit: Permit,
        kill: CancellationToken,
        signed_in: CancellationToken,
    ) -> SshSession {
        SshSession {
            gw,
            peer,
            login: None,
            slot: None,
            channels: HashMap::new(),
            preauth: Some(permit),
            kill,
            signed_in,
            watch: None,
        }
    }

    /// The keys a failure counts against: the address, and the address with this user name.
    /// Never the user name alone: a stranger must not be able to lock a factory out.
    fn ban_keys(&self, user: &str) -> [String; 2] {
        let ip = self.peer.ip();
        [
            format!("ip:{ip}"),
            format!("ipuser:{ip}|{}", user.to_ascii_lowercase()),
        ]
    }

    fn actor(&self, label: &str, workspace_id: Option<i64>) -> Actor {
        Actor {
            workspace_id,
            user_id: None,
            role: workspace_id.map(|_| Role::Supplier),
            label: format!("sftp:{label}"),
            ip: Some(self.peer.ip().to_string()),
            channel: AuditChannel::Sftp,
        }
    }

    async fn find(&self, user: &str) -> Option<SftpLogin> {
        let u = user.to_ascii_lowercase();
        self.gw
            .pool
            .query(move |c| sftp::find_login(c, &u))
            .await
            .ok()
            .flatten()
    }

    /// Whether this address (or this address with this user name) is banned. A user name
    /// that failed from many addresses is not banned but slowed: this waits out its delay.
    async fn banned(&self, user: &str) -> bool {
        for k in self.ban_keys(user) {
            if self.gw.defender.banned(&k).await.is_some() {
                return true;
            }
        }
        if let Some(d) = self.gw.defender.user_delay(user).await {
            tokio::time::sleep(d).await;
        }
        false
    }

    /// Records a failed login (audit and defender); always a rejection.
    async fn refuse(&self, user: &str, login: Option<&SftpLogin>, why: &str) -> Auth {
        let (unknown, bad) = self.gw.defender.scores();
        let score = if login.is_some() { bad } else { unknown };
        let banned = self.gw.defender.fail(&self.ban_keys(user), user, score).await;
        let actor = self.actor(user, login.map(|l| l.workspace_id));
        let (why, user) = (why.to_string(), user.to_string());
        let _ = self
            .gw
            .pool
            .run(move |c| {
                audit::record(
                    c,
                    &actor,
                    None,
                    "sftp.login_failed",
                    &format!("sftp_user:{user}"),
                    &why,
                )?;
                for b in &banned {
                    audit::record(c, &actor, None, "sftp.banned", b, "too many failed logins")?;
                }
                Ok::<_, DomainError>(())
            })
            .await;
        Auth::reject()
    }

    /// Lets a verified login in, unless disabled, from a foreign network, or over its cap.
    async fn admit(&mut self, login: SftpLogin, method: &str) -> Auth {
        if login.disabled {
            return self.refuse(&login.username, Some(&login), "login disabled").await;
        }
        let id = login.id;
        let active = self
            .gw
            .pool
            .query(move |c| sftp::login_active(c, id))
            .await
            .unwrap_or(false);
        if !active {
            return self
                .refuse(&login.username, Some(&login), "supplier archived")
                .await;
        }
        if !network_allows(&login.allowed_networks, Some(self.peer.ip())) {
            return self
                .refuse(&login.username, Some(&login), "address not allowed")
                .await;
        }
        let Some(slot) = self.gw.take_slot(login.supplier_id) else {
            let actor = self.actor(&login.username, Some(login.workspace_id));
            let _ = self
                .gw
                .pool
                .run(move |c| {
                    audit::record(
                        c,
                        &actor,
                        None,
                        "sftp.login_refused",
                        "sessions",
                        "too many sessions for this supplier",
                    )?;
                    Ok::<_, DomainError>(())
                })
                .await;
            return Auth::reject();
        };
        let actor = self.actor(&login.username, Some(login.workspace_id));
        let (id, method) = (login.id, method.to_string());
        let _ = self
            .gw
            .pool
            .run(move |c| {
                sftp::touch_login(c, id)?;
                audit::record(
                    c,
                    &actor,
                    None,
                    "sftp.login",
                    &format!("sftp_login:{id}"),
                    &method,
                )?;
                Ok::<_, DomainError>(())
            })
            .await;
        self.slot = Some(slot);
        self.preauth = None;
        self.signed_in.cancel();
        self.watch = Some(LoginWatch::start(
            self.gw.pool.clone(),
            login.id,
            self.kill.clone(),
        ));
        self.login = Some(login);
        Auth::Accept
    }

    async fn key_allowed(&self, login: &SftpLogin, key: &russh::keys::PublicKey) -> bool {
        let id = login.id;
        let keys = self
            .gw
            .pool
            .query(move |c| sftp::keys_of(c, id))
            .await
            .unwrap_or_default();
        keys.iter().any(|k| {
            russh::keys::PublicKey::from_openssh(&k.public_key)
                .is_ok_and(|stored| stored.key_data() == key.key_data())
        })
    }
}

impl russh::server::Handler for SshSession {
    type Error = anyhow::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        if self.banned(user).await {
            return Ok(Auth::reject());
        }
        let Some(login) = self.find(user).await else {
            return Ok(self.refuse(user, None, "unknown user").await);
        };
        let ok = crate::domain::passwords::verify(password, login.password_hash.clone()).await;
        if !ok {
            return Ok(self.refuse(user, Some(&login), "wrong password").await);
        }
        Ok(self.admit(login, "password").await)
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        // A cheap pre-check (no signature yet): say yes only to keys this login has.
        if self.banned(user).await {
            return Ok(Auth::reject());
        }
        match self.find(user).await {
            Some(l) if self.key_allowed(&l, offer.public_key).await => Ok(Auth::Accept),
            _ => Ok(Auth::reject()),
        }
    }

    async fn auth_publickey(&mut self, user: &str, key: VerifiedPublicKey<'_>) -> Result<Auth, Self::Error> {
        if self.banned(user).await {
            return Ok(Auth::reject());
        }
        let Some(login) = self.find(user).await else {
            return Ok(self.refuse(user, None, "unknown user").await);
        };
        if !self.key_allowed(&login, key.public_key).await {
            return Ok(self.refuse(user, Some(&login), "unknown key").await);
        }
        Ok(self.admit(login, "publickey").await)
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.login.is_none() {
            return Ok(());
        }
        self.channels.insert(channel.id(), channel);
        reply.accept().await;
        Ok(())
    }

    async fn channel_eof(&mut self, channel: ChannelId, session: &mut Session) -> Result<(), Self::Error> {
        // sftp clients keep the channel open after EOF until the server closes it.
        session.close(channel)?;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        id: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (Some(login), Some(watch), Some(channel)) =
            (self.login.clone(), self.watch.clone(), self.channels.remove(&id))
        else {
            session.channel_failure(id)?;
            return Ok(());
        };
        if name != "sftp" {
            session.channel_failure(id)?;
            return Ok(());
        }
        session.channel_success(id)?;
        let actor = self.actor(&login.username, Some(login.workspace_id));
        let files = SftpFiles::new(self.gw.clone(), login, actor, watch);
        let cfg = russh_sftp::server::Config {
            max_client_packet_len: 262_144,
        };
        russh_sftp::server::run_with_config(channel.into_stream(), files, cfg).await;
        Ok(())
    }

    async fn exec_request(
        &mut self,
        id: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(login) = self.login.clone() else {
            session.channel_failure(id)?;
            return Ok(());
        };
        let allowed = match &self.watch {
            Some(w) => w.allowed().await,
            None => false,
        };
        if !allowed {
            session.channel_failure(id)?;
            return Ok(());
        }
        let command = String::from_utf8_lossy(data).to_string();
        match super::drop_view::checksum_command(&self.gw, &login, &command).await {
            Some(Ok(line)) => {
                session.channel_success(id)?;
                session.data(id, line.into_bytes())?;
                session.exit_status_request(id, 0)?;
            }
            Some(Err(msg)) => {
                session.channel_success(id)?;
                session.extended_data(id, 1, format!("{msg}\n").into_bytes())?;
                session.exit_status_request(id, 1)?;
            }
            None => {
                // No shell and no other commands: only checksums of drop files.
                session.channel_failure(id)?;
                return Ok(());
            }
        }
        session.eof(id)?;
        session.close(id)?;
        Ok(())
    }

    async fn shell_request(&mut self, id: ChannelId, session: &mut Session) -> Result<(), Self::Error> {
        session.channel_failure(id)?;
        Ok(())
    }

    /// No terminals: a pty request gets a clear failure, not silence.
    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        id: ChannelId,
        _term: &str,
        _col_width: u32,
        _row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(id)?;
        Ok(())
    }
}
