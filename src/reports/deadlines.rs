//! Deadlines: for each programme with milestone rules, how many milestones
//! falling due in a period were met on time, met late, are overdue, were
//! waived or are still pending — e.g. the share of Københavnermodel refugees
//! whose company internship started within the first month — and, for a
//! manager, the overdue ones themselves.

use super::csv::{cell, count_cell, Table};
use super::dto::{DeadlineReport, MilestoneDeadlines};
use super::ReportScope;

/// The counts as the scope may publish them; the share goes with any count
/// it is made of (it would give the suppressed one back).
pub fn published(rows: Vec<MilestoneDeadlines>, scope: &ReportScope) -> Vec<MilestoneDeadlines> {
    rows.into_iter()
        .map(|mut m| {
            let mut hidden = false;
            for cell in [&mut m.due, &mut m.met_on_time, &mut m.met_late, &mut m.overdue, &mut m.waived, &mut m.pending]
            {
                *cell = scope.publish(cell.unwrap_or(0));
                hidden |= cell.is_none();
            }
            if hidden {
                m.share_met_on_time_pct = None;
            }
            m
        })
        .collect()
}

pub fn table(report: &DeadlineReport) -> Table {
    Table {
        header: vec![
            "programme_code",
            "milestone_code",
            "name_da",
            "due",
            "met_on_time",
            "met_late",
            "overdue",
            "waived",
            "pending",
            "share_met_on_time_pct",
        ],
        rows: report
            .milestones
            .iter()
            .map(|m| {
                vec![
                    m.programme_code.clone(),
                    m.milestone_code.clone(),
                    m.name_da.clone(),
                    count_cell(m.due),
                    count_cell(m.met_on_time),
                    count_cell(m.met_late),
                    count_cell(m.overdue),
                    count_cell(m.waived),
                    count_cell(m.pending),
                    cell(m.share_met_on_time_pct),
                ]
            })
            .collect(),
    }
}
