//! The caseload audit: per caseworker and per team, open enrolments by
//! programme and status, overdue milestones, silent cases (no note in 30, 60
//! or 90 days), citizens without the mentor their programme requires, and
//! break-the-glass grants awaiting review; with the department totals.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::csv::count_cell;
use super::csv::Table;
use super::dto::{CaseloadCounts, CaseloadReport, CaseworkerLoad, Cell, ProgrammeStatusCount, TeamLoad};
use super::queries::{CaseloadRows, LoadCounts};
use super::ReportScope;

/// Adds `n` to a cell being counted (`None` counts as 0 until published).
fn plus(cell: &mut Cell, n: i64) {
    *cell = Some(cell.unwrap_or(0) + n);
}

impl CaseloadCounts {
    fn add(&mut self, c: &LoadCounts) {
        plus(&mut self.open, c.open);
        plus(&mut self.overdue_milestones, c.overdue_milestones);
        plus(&mut self.silent_30_days, c.silent_30);
        plus(&mut self.silent_60_days, c.silent_60);
        plus(&mut self.silent_90_days, c.silent_90);
        plus(&mut self.without_required_mentor, c.without_mentor);
    }

    /// Owned names are moved in, borrowed ones copied only for a new entry:
    /// the export moves 51,599 of them at 1M, and copying and freeing each
    /// was a fifth of its time in the service.
    fn add_breakdown(&mut self, programme: Cow<'_, str>, status: Cow<'_, str>, count: i64) {
        match self.by_programme_and_status.iter_mut().find(|c| c.programme_code == programme && c.status == status) {
            Some(c) => plus(&mut c.count, count),
            None => self.by_programme_and_status.push(ProgrammeStatusCount {
                programme_code: programme.into_owned(),
                status: status.into_owned(),
                count: Some(count),
            }),
        }
    }

    /// The counted cells as the scope may publish them.
    fn published(mut self, scope: &ReportScope) -> Self {
        for cell in [
            &mut self.open,
            &mut self.overdue_milestones,
            &mut self.silent_30_days,
            &mut self.silent_60_days,
            &mut self.silent_90_days,
            &mut self.without_required_mentor,
            &mut self.grants_awaiting_review,
        ] {
            *cell = scope.publish(cell.unwrap_or(0));
        }
        for b in &mut self.by_programme_and_status {
            b.count = scope.publish(b.count.unwrap_or(0));
        }
        self.by_programme_and_status
            .sort_by(|a, b| (&a.programme_code, &a.status).cmp(&(&b.programme_code, &b.status)));
        self
    }
}

fn caseworker_entry<'a>(
    caseworkers: &'a mut BTreeMap<Uuid, CaseworkerLoad>, id: Uuid, name: &str, department: &str,
) -> &'a mut CaseloadCounts {
    &mut caseworkers
        .entry(id)
        .or_insert_with(|| CaseworkerLoad {
            caseworker_id: id,
            full_name: name.to_string(),
            department: department.to_string(),
            counts: CaseloadCounts::default(),
        })
        .counts
}

fn team_entry<'a>(
    teams: &'a mut BTreeMap<Uuid, TeamLoad>, id: Uuid, name: &str, department: &str, restricted: bool,
) -> &'a mut CaseloadCounts {
    &mut teams
        .entry(id)
        .or_insert_with(|| TeamLoad {
            team_id: id,
            name: name.to_string(),
            department: department.to_string(),
            restricted,
            counts: CaseloadCounts::default(),
        })
        .counts
}

/// The report out of its aggregates: the page's caseworkers (in the order
/// the database gave them), every team, and the totals (the teams' sums: an
/// enrolment is in one team; a grant counts once).
pub fn build(scope: &ReportScope, now: DateTime<Utc>, rows: CaseloadRows) -> CaseloadReport {
    let mut caseworkers: BTreeMap<Uuid, CaseworkerLoad> = BTreeMap::new();
    let mut teams: BTreeMap<Uuid, TeamLoad> = BTreeMap::new();
    let mut totals = CaseloadCounts::default();
    for row in &rows.load {
        caseworker_entry(&mut caseworkers, row.caseworker_id, &row.full_name, &row.department).add(&row.counts);
    }
    for b in rows.breakdown {
        if let Some(c) = caseworkers.get_mut(&b.caseworker_id) {
            c.counts.add_breakdown(Cow::Owned(b.programme_code), Cow::Owned(b.status), b.count);
        }
    }
    for row in &rows.teams {
        team_entry(&mut teams, row.team_id, &row.team_name, &row.department, row.team_restricted).add(&row.counts);
        totals.add(&row.counts);
    }
    for b in rows.team_breakdown {
        totals.add_breakdown(Cow::Borrowed(&b.programme_code), Cow::Borrowed(&b.status), b.count);
        if let Some(t) = teams.get_mut(&b.team_id) {
            t.counts.add_breakdown(Cow::Owned(b.programme_code), Cow::Owned(b.status), b.count);
        }
    }
    let on_page: std::collections::BTreeSet<Uuid> = rows.page.iter().copied().collect();
    for g in &rows.grants {
        if on_page.contains(&g.user_id) {
            let counts = caseworker_entry(&mut caseworkers, g.user_id, &g.full_name, &g.department);
            plus(&mut counts.grants_awaiting_review, g.pending);
        }
        plus(&mut totals.grants_awaiting_review, g.pending);
        // A team counts its members' grants, whether or not they have open
        // cases (a member of two teams counts in both; totals count once).
        for t in rows.grantee_teams.iter().filter(|t| t.user_id == g.user_id) {
            let team = team_entry(&mut teams, t.team_id, &t.team_name, &t.department, t.team_restricted);
            plus(&mut team.grants_awaiting_review, g.pending);
        }
    }
    let caseworkers: Vec<CaseworkerLoad> = rows
        .page
        .iter()
        .filter_map(|id| caseworkers.remove(id))
        .map(|c| CaseworkerLoad { counts: c.counts.published(scope), ..c })
        .collect();
    // From the page the database chose, not the rows shown: a caseworker
    // whose cases moved away between the two statements has no row, and the
    // next page must still start after them.
    let next_cursor = if rows.more { rows.page.last().map(|id| URL_SAFE_NO_PAD.encode(id.as_bytes())) } else { None };
    let mut teams: Vec<TeamLoad> =
        teams.into_values().map(|t| TeamLoad { counts: t.counts.published(scope), ..t }).collect();
    let totals = totals.published(scope);
    teams.sort_by(|a, b| a.name.cmp(&b.name).then(a.team_id.cmp(&b.team_id)));
    CaseloadReport { departments: scope.department_list(), as_of: now, caseworkers, next_cursor, teams, totals }
}

const COLUMNS: [&str; 12] = [
    "level",
    "id",
    "name",
    "department",
    "open",
    "overdue_milestones",
    "silent_30_days",
    "silent_60_days",
    "silent_90_days",
    "without_required_mentor",
    "grants_awaiting_review",
    "by_programme_and_status",
];

fn counts_cells(c: &CaseloadCounts) -> Vec<String> {
    let mut breakdown = String::new();
    for (i, b) in c.by_programme_and_status.iter().enumerate() {
        let separator = if i == 0 { "" } else { "; " };
        write!(breakdown, "{separator}{}/{}={}", b.programme_code, b.status, count_cell(b.count))
            .expect("writing to a String cannot fail");
    }
    vec![
        count_cell(c.open),
        count_cell(c.overdue_milestones),
        count_cell(c.silent_30_days),
        count_cell(c.silent_60_days),
        count_cell(c.silent_90_days),
        count_cell(c.without_required_mentor),
        count_cell(c.grants_awaiting_review),
        breakdown,
    ]
}

pub fn table(report: &CaseloadReport) -> Table {
    let mut rows = Vec::new();
    for c in &report.caseworkers {
        let mut row = vec!["caseworker".into(), c.caseworker_id.to_string(), c.full_name.clone(), c.department.clone()];
        row.extend(counts_cells(&c.counts));
        rows.push(row);
    }
    for t in &report.teams {
        let mut row = vec!["team".into(), t.team_id.to_string(), t.name.clone(), t.department.clone()];
        row.extend(counts_cells(&t.counts));
        rows.push(row);
    }
    let mut row = vec!["total".into(), String::new(), String::new(), report.departments.join(" ")];
    row.extend(counts_cells(&report.totals));
    rows.push(row);
    Table { header: COLUMNS.to_vec(), rows }
}
