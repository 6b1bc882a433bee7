//! A referral's states and who may move it (docs/design.md §4).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::consents::queries::ConsentRow;
use crate::domain::DepartmentCode;
use crate::error::{ApiError, ApiResult};
use crate::programmes::queries::Programme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Sent,
    Accepted,
    Declined,
    Completed,
    Withdrawn,
}

impl ReferralStatus {
    const ALL: [ReferralStatus; 5] = [Self::Sent, Self::Accepted, Self::Declined, Self::Completed, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Completed => "completed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> ApiResult<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unexpected referral status {s}")))
    }
}

/// A decision on a waiting referral, and which side makes it: the receiving
/// department accepts or declines, the sending one withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Decline,
    Withdraw,
}

impl Decision {
    /// The purpose category of the decision's audit entry.
    pub fn purpose(self) -> crate::audit::Purpose {
        match self {
            Self::Accept => crate::audit::Purpose::ReferralAccepted,
            Self::Decline => crate::audit::Purpose::ReferralDeclined,
            Self::Withdraw => crate::audit::Purpose::ReferralWithdrawn,
        }
    }

    pub fn outcome(self) -> ReferralStatus {
        match self {
            Self::Accept => ReferralStatus::Accepted,
            Self::Decline => ReferralStatus::Declined,
            Self::Withdraw => ReferralStatus::Withdrawn,
        }
    }

    /// Whether `department` may make this decision on a referral from `from`
    /// to `to`, which it sees (403 otherwise); and whether the referral
    /// still waits for one (409 otherwise).
    pub fn check(self, department: DepartmentCode, from: &str, to: &str, status: ReferralStatus) -> ApiResult<()> {
        let side = match self {
            Self::Accept | Self::Decline => to,
            Self::Withdraw => from,
        };
        if side != department.as_str() {
            return Err(ApiError::Forbidden);
        }
        if status != ReferralStatus::Sent {
            return Err(ApiError::Conflict(format!(
                "The referral is {}; only a sent referral can be decided or withdrawn.",
                status.as_str()
            )));
        }
        Ok(())
    }
}

/// A referral goes from `from` to an active, unrestricted programme of
/// another department (422 on `programme_code` otherwise).
pub fn check_receiving(programme: &Programme, from: DepartmentCode) -> ApiResult<()> {
    let refused = if !programme.active {
        Some(("inactive", "the programme takes no new enrolments"))
    } else if programme.restricted {
        Some(("restricted", "restricted programmes take concerns (POST /api/v1/concerns), not referrals"))
    } else if programme.department == from {
        Some(("own_department", "a programme of your own department: enrol the citizen directly"))
    } else {
        None
    };
    match refused {
        Some((code, message)) => Err(ApiError::invalid("programme_code", code, message)),
        None => Ok(()),
    }
}

/// The consent a referral rests on (`None`: no such consent of the citizen)
/// must be valid at `at` and cover the receiving department (422 on
/// `consent_id` otherwise).
pub fn check_consent(consent: Option<&ConsentRow>, to: DepartmentCode, at: DateTime<Utc>) -> ApiResult<()> {
    let problem = match consent {
        None => Some(("unknown", "no such consent of this citizen")),
        Some(c) if !c.valid_at(at) => Some(("not_valid", "the consent is withdrawn or expired")),
        Some(c) if !c.covers(to) => Some(("not_covering", "the consent does not cover the receiving department")),
        Some(_) => None,
    };
    match problem {
        Some((code, message)) => Err(ApiError::invalid("consent_id", code, message)),
        None => Ok(()),
    }
}
