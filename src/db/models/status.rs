//! The states rows move through, as enums: a typo is a compile error, a `match` names every
//! state. Stored as the same lowercase strings as before (the columns stay `TEXT`, so no
//! migration; a value the code does not know fails loudly when read).

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// Declares a state enum stored as text: `as_str`, `FromStr`, `Display`, serde as the string
/// (so templates compare with `"voided"` as before) and Diesel's `ToSql`/`FromSql` on both
/// backends.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = Text)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every state, in the order they are declared.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// As people read it ("already shipped").
            pub fn label(self) -> String {
                self.as_str().replace('_', " ")
            }

            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownState;
            fn from_str(s: &str) -> Result<Self, UnknownState> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(UnknownState { kind: stringify!($name), value: other.to_string() }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                Ok(String::from_sql(bytes)?.parse()?)
            }
        }
    };
}

text_enum! {
    /// A step of a package on TikTok's dispatch clock, in the order a package moves through
    /// them: from the label to the first carrier scan (what TikTok judges) and delivery. The
    /// factory's own steps (received … packed) are optional; a factory may report them.
    ClockStep {
        /// TikTok sold the label.
        Bought = "bought",
        /// The label went to its supplier in a sealed batch.
        Published = "published",
        /// The supplier downloaded the batch (zip or merged labels).
        Downloaded = "downloaded",
        /// The supplier answered the package (its first answer).
        Acknowledged = "acknowledged",
        /// The factory has the order in hand.
        Received = "received",
        /// Being made.
        InProduction = "in_production",
        /// Printed.
        Printed = "printed",
        /// Packed, its label on.
        Packed = "packed",
        /// The carrier's first scan: TikTok counts the order in transit.
        Scanned = "scanned",
        /// Delivered to the buyer.
        Delivered = "delivered",
    }
}

impl AckStatus {
    /// The step on the package's dispatch clock an answer reports: a factory's own progress
    /// (received, in production, printed, packed) after accepting.
    pub fn clock_step(self) -> Option<ClockStep> {
        match self {
            AckStatus::Received => Some(ClockStep::Received),
            AckStatus::InProduction => Some(ClockStep::InProduction),
            AckStatus::Printed => Some(ClockStep::Printed),
            AckStatus::Packed => Some(ClockStep::Packed),
            _ => None,
        }
    }

    /// Whether the supplier has taken the package on (accepted, or a step after it).
    pub fn is_accepted(self) -> bool {
        self == AckStatus::Accepted || self.clock_step().is_some()
    }
}

/// A stored state the code does not know (a newer podgate wrote it, or a hand edit).
#[derive(Debug, thiserror::Error)]
#[error("unknown {kind} {value:?} in the database")]
pub struct UnknownState {
    kind: &'static str,
    value: String,
}

text_enum! {
    /// Where a package's label stands: `planned` → `buying` → `bought` → `stored`, or `failed`,
    /// `cancelled` (never bought), `voided` (bought, then voided by the seller).
    PackageStatus {
        /// Waiting to be bought.
        Planned = "planned",
        /// A worker holds it and is calling TikTok.
        Buying = "buying",
        /// TikTok sold the label; its PDF is not stored yet.
        Bought = "bought",
        /// The label's PDF is stored: it can be handed to the supplier.
        Stored = "stored",
        /// Buying failed for good (the reason is on the package).
        Failed = "failed",
        /// Never bought: the seller cancelled it or the order went away.
        Cancelled = "cancelled",
        /// Bought, then voided by the seller.
        Voided = "voided",
    }
}

text_enum! {
    /// A handoff batch: `sealing` while its files are written, `sealed` once they are complete
    /// and it is published to the supplier.
    BatchStatus {
        /// Its packages are chosen; the zip, merged PDF and manifest are being written.
        Sealing = "sealing",
        /// Published: complete, checksummed, downloadable.
        Sealed = "sealed",
    }
}

text_enum! {
    /// A package's answer from its supplier, as stored on the batch package (`pending` until
    /// the supplier answers).
    AckStatus {
        /// No answer yet.
        Pending = "pending",
        /// The supplier will make and ship it.
        Accepted = "accepted",
        /// Accepted, and the factory has it in hand (an optional step a factory may report).
        Received = "received",
        /// Accepted and being made.
        InProduction = "in_production",
        /// Accepted and printed.
        Printed = "printed",
        /// Accepted and packed, its label on.
        Packed = "packed",
        /// The supplier will not make it (with a reason).
        Rejected = "rejected",
        /// Delayed (with an expected date).
        Backordered = "backordered",
        /// Handed to the carrier.
        Shipped = "shipped",
        /// Taken out of production after a pull request.
        Pulled = "pulled",
        /// A pull request came too late: the package left already.
        AlreadyShipped = "already_shipped",
    }
}

/// The answers that close a pull request.
pub const PULL_ANSWERS: [AckStatus; 2] = [AckStatus::Pulled, AckStatus::AlreadyShipped];

text_enum! {
    /// A label job: `running` until none of its packages is left to buy, then `done`.
    JobStatus {
        /// Packages are being bought.
        Running = "running",
        /// Every package is stored, failed or cancelled.
        Done = "done",
    }
}

text_enum! {
    /// A message of the mail outbox: `pending` → `sent`, or `failed` after the last attempt.
    MailStatus {
        /// Waiting for its (next) attempt.
        Pending = "pending",
        /// Delivered to the SMTP server.
        Sent = "sent",
        /// Every attempt failed.
        Failed = "failed",
    }
}

text_enum! {
    /// A webhook delivery to a supplier's endpoint: `pending` → `delivered`, or `failed` after
    /// the last attempt (the supplier can send it again, with the same id).
    WebhookStatus {
        /// Waiting for its (next) attempt.
        Pending = "pending",
        /// The endpoint answered 2xx.
        Delivered = "delivered",
        /// Every attempt failed.
        Failed = "failed",
    }
}

text_enum! {
    /// A connected TikTok shop.
    ShopStatus {
        /// Syncing and buying work.
        Active = "active",
        /// TikTok ended the authorization: the seller must reconnect it.
        Broken = "broken",
        /// The seller disconnected it; its history stays.
        Disconnected = "disconnected",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_stored_text_and_unknown_text_is_refused() {
        for s in PackageStatus::ALL {
            assert_eq!(s.as_str().parse::<PackageStatus>().unwrap(), *s);
        }
        for s in AckStatus::ALL {
            assert_eq!(s.as_str().parse::<AckStatus>().unwrap(), *s);
        }
        assert_eq!(AckStatus::AlreadyShipped.label(), "already shipped");
        assert_eq!(
            serde_json::to_string(&BatchStatus::Sealed).unwrap(),
            "\"sealed\"",
            "templates and the API see the stored text"
        );
        let e = "shipped".parse::<PackageStatus>().unwrap_err();
        assert_eq!(e.to_string(), "unknown PackageStatus \"shipped\" in the database");
    }
}
