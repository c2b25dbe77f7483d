//! What operators watch, apart from what users see: whether this node may take traffic
//! ([`readiness`], behind `/readyz`) and what it is doing ([`metrics`], behind `/metrics`).

pub mod metrics;
pub mod readiness;
