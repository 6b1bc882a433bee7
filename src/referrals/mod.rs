//! Referrals (henvisninger): a caseworker refers a citizen to a programme
//! owned by another department, on the citizen's consent or a stated legal
//! basis. The receiving department sees the referral in its inbox with only
//! what the referral carries — the citizen's core record and the reason,
//! never the sender's notes — and accepts it (which creates its involvement
//! and the enrolment) or declines it with a reason. The sender may withdraw
//! it while it waits. An accepted referral is completed when its enrolment
//! closes.
//!
//! ```text
//! sent ──accept──▶ accepted ──enrolment closes──▶ completed
//!   ├──decline──▶ declined
//!   └──withdraw─▶ withdrawn
//! ```

pub mod domain;
pub mod dto;
pub mod handlers;
pub mod queries;
