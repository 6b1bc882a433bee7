//! Deadlines: for each programme with milestone rules, how many milestones
//! falling due in a period were met on time, met late, are overdue, were
//! waived or are still pending — e.g. the share of Københavnermodel refugees
//! whose company internship started within the first month — and, for a
//! manager, the overdue ones themselves.

use super::csv::{cell, Table};
use super::dto::DeadlineReport;

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
                    m.due.to_string(),
                    m.met_on_time.to_string(),
                    m.met_late.to_string(),
                    m.overdue.to_string(),
                    m.waived.to_string(),
                    m.pending.to_string(),
                    cell(m.share_met_on_time_pct),
                ]
            })
            .collect(),
    }
}
