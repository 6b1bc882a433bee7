//! Break-the-glass (docs/design.md §4): a caseworker opens a citizen outside
//! their scope for at most three hours with a written reason — never
//! restricted enrolments — and every grant waits in their managers' review
//! queue.

use chrono::Duration;

pub mod dto;
pub mod handlers;
pub mod queries;

/// How long a grant lasts.
pub const GRANT_LIFETIME: Duration = Duration::hours(3);
