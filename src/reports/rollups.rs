//! The reports' roll-ups (migration 2026-12-06-100001) are kept by the
//! database in the same transaction as every write. One piece of upkeep is
//! the service's: folding the open milestones' past due dates into one row
//! per caseworker and team, so that counting today's overdue milestones
//! reads a row per group rather than a row per past day. Folding keeps
//! every sum, so it may run in any process at any time; each instance runs
//! it once an hour.

use diesel::sql_types::BigInt;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;

use crate::db::{self, DbContext, DbPool};
use crate::error::ApiResult;

#[derive(diesel::QueryableByName)]
struct Folded {
    #[diesel(sql_type = BigInt)]
    folded: i64,
}

/// Folds the dates before yesterday (the database's date; the function
/// never folds later ones), a day's margin for the service's own clock.
pub async fn fold_past_deadlines(pool: &DbPool) -> ApiResult<i64> {
    db::transaction(pool, DbContext::default(), |conn| {
        async move {
            let row: Folded = diesel::sql_query("SELECT medborger_compact_report_rollups(current_date - 1) AS folded")
                .get_result(conn)
                .await?;
            Ok(row.folded)
        }
        .scope_boxed()
    })
    .await
}

pub fn spawn_folder(pool: DbPool) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(std::time::Duration::from_secs(3600));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match fold_past_deadlines(&pool).await {
                Ok(n) => tracing::debug!(groups = n, "past deadlines folded"),
                Err(e) => tracing::warn!(error = %e, "folding past deadlines postponed"),
            }
        }
    });
}
