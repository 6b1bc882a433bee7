//! Outcome monitoring (policy principles A and C): for the department's
//! citizens, the share in wage employment, self-supporting, in education and
//! at each Danish level, at enrolment start, end, and 6 and 12 months after;
//! broken down by origin (docs/design.md §8), sex, age band and district; beside the
//! policy's baselines with the gap in percentage points.
//!
//! Discretion: a cell counting fewer than five people is suppressed (null,
//! with the reason). So that a suppressed cell cannot be recovered by
//! subtracting the others from the total, a breakdown with exactly one
//! suppressed group also suppresses its next smallest group.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::csv::{cell, Table};
use super::dto::{Baselines, Breakdown, OutcomeCell, OutcomeReport, PointReport};
use super::queries::{GroupTally, Period};
use super::{ReportScope, MIN_CELL};

/// The policy's baselines: wage employment, first half of 2022.
pub const BASELINE_DANISH_BACKGROUND: f64 = 78.4;
pub const BASELINE_NON_WESTERN: f64 = 59.7;
pub const BASELINE_MENAPT: f64 = 53.1;

pub const POINTS: [&str; 4] = ["start", "end", "end_plus_6m", "end_plus_12m"];

const SMALL: &str = "fewer than 5 people";
const DERIVABLE: &str = "suppressed so that a group of fewer than 5 cannot be derived by subtraction from the total";

const POPULATION: &str = "Citizens with an outcome measured in the period: each citizen once per \
    measurement point, with the latest measurement in the period of the work the report covers, \
    counted in that measurement's programme. Age at the measurement; the other groups as the \
    citizen is registered now. Restricted work only for its team's manager.";

#[derive(Default, Clone, Copy)]
struct Tally {
    people: i64,
    wage: i64,
    self_supporting: i64,
    education: i64,
    a2: i64,
    b1: i64,
}

impl From<&GroupTally> for Tally {
    fn from(t: &GroupTally) -> Self {
        Self {
            people: t.people,
            wage: t.wage,
            self_supporting: t.self_supporting,
            education: t.education,
            a2: t.a2,
            b1: t.b1,
        }
    }
}

fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (1000.0 * part as f64 / whole as f64).round() / 10.0)
}

fn pp(share: Option<f64>, baseline: Option<f64>) -> Option<f64> {
    Some(((share? - baseline?) * 10.0).round() / 10.0)
}

fn own_baseline(dimension: &str, group: &str) -> Option<f64> {
    match (dimension, group) {
        ("origin_region", "ikke_vestlig") => Some(BASELINE_NON_WESTERN),
        ("menapt", "menapt") => Some(BASELINE_MENAPT),
        _ => None,
    }
}

fn cell_of(dimension: &str, group: &str, t: Tally) -> OutcomeCell {
    if t.people < MIN_CELL {
        return suppressed(group, SMALL);
    }
    let wage = pct(t.wage, t.people);
    let baseline = own_baseline(dimension, group);
    OutcomeCell {
        group: group.to_string(),
        people: Some(t.people),
        wage_employment_pct: wage,
        self_supporting_pct: pct(t.self_supporting, t.people),
        in_education_pct: pct(t.education, t.people),
        danish_a2_or_above_pct: pct(t.a2, t.people),
        danish_b1_or_above_pct: pct(t.b1, t.people),
        baseline_pct: baseline,
        gap_pp: pp(wage, baseline),
        gap_to_danish_background_pp: pp(wage, Some(BASELINE_DANISH_BACKGROUND)),
        suppressed: None,
    }
}

fn suppressed(group: &str, reason: &'static str) -> OutcomeCell {
    OutcomeCell {
        group: group.to_string(),
        people: None,
        wage_employment_pct: None,
        self_supporting_pct: None,
        in_education_pct: None,
        danish_a2_or_above_pct: None,
        danish_b1_or_above_pct: None,
        baseline_pct: None,
        gap_pp: None,
        gap_to_danish_background_pp: None,
        suppressed: Some(reason),
    }
}

/// The groups of one dimension, with primary and secondary suppression.
fn breakdown_cells(groups: &BTreeMap<String, i64>, mut cells: Vec<OutcomeCell>) -> Vec<OutcomeCell> {
    let small = cells.iter().filter(|c| c.suppressed.is_some()).count();
    if small == 1 {
        // Suppress the smallest group still shown as well.
        let next = cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.suppressed.is_none())
            .min_by_key(|(_, c)| (groups.get(&c.group).copied().unwrap_or(0), c.group.clone()))
            .map(|(i, _)| i);
        if let Some(i) = next {
            let group = cells[i].group.clone();
            cells[i] = suppressed(&group, DERIVABLE);
        }
    }
    cells
}

/// The breakdowns in the order the report shows them.
const DIMENSIONS: [&str; 6] = ["origin_region", "menapt", "origin_group", "sex", "age_band", "district"];

/// One measurement point's report out of its tallies.
fn point_report(point: &'static str, tallies: &[&GroupTally]) -> PointReport {
    let total = tallies.iter().find(|t| t.dimension == "total").map(|t| Tally::from(*t)).unwrap_or_default();
    if total.people < MIN_CELL {
        // Nothing can be shown without showing a small group.
        return PointReport { measurement_point: point, total: suppressed("total", SMALL), breakdowns: Vec::new() };
    }
    let breakdowns = DIMENSIONS
        .iter()
        .map(|dimension| {
            let groups: BTreeMap<String, Tally> = tallies
                .iter()
                .filter(|t| t.dimension == *dimension)
                .map(|t| (t.grp.clone(), Tally::from(*t)))
                .collect();
            let sizes: BTreeMap<String, i64> = groups.iter().map(|(g, t)| (g.clone(), t.people)).collect();
            let cells = groups.iter().map(|(g, t)| cell_of(dimension, g, *t)).collect();
            Breakdown { dimension, groups: breakdown_cells(&sizes, cells) }
        })
        .filter(|b| !b.groups.is_empty())
        .collect();
    PointReport { measurement_point: point, total: cell_of("total", "total", total), breakdowns }
}

pub fn table(report: &OutcomeReport) -> Table {
    let mut rows = Vec::new();
    let row = |point: &str, dimension: &str, c: &OutcomeCell| {
        vec![
            point.to_string(),
            dimension.to_string(),
            c.group.clone(),
            cell(c.people),
            cell(c.wage_employment_pct),
            cell(c.self_supporting_pct),
            cell(c.in_education_pct),
            cell(c.danish_a2_or_above_pct),
            cell(c.danish_b1_or_above_pct),
            cell(c.baseline_pct),
            cell(c.gap_pp),
            cell(c.gap_to_danish_background_pp),
            cell(c.suppressed),
        ]
    };
    for p in &report.points {
        rows.push(row(p.measurement_point, "total", &p.total));
        for b in &p.breakdowns {
            for c in &b.groups {
                rows.push(row(p.measurement_point, b.dimension, c));
            }
        }
    }
    Table {
        header: vec![
            "measurement_point",
            "dimension",
            "group",
            "people",
            "wage_employment_pct",
            "self_supporting_pct",
            "in_education_pct",
            "danish_a2_or_above_pct",
            "danish_b1_or_above_pct",
            "baseline_pct",
            "gap_pp",
            "gap_to_danish_background_pp",
            "suppressed",
        ],
        rows,
    }
}

/// The report out of the tallies of the people measured in the period.
pub fn build(scope: &ReportScope, period: &Period<'_>, now: DateTime<Utc>, tallies: &[GroupTally]) -> OutcomeReport {
    let points = POINTS
        .iter()
        .map(|point| {
            let at: Vec<&GroupTally> = tallies.iter().filter(|t| t.measurement_point == *point).collect();
            point_report(point, &at)
        })
        .collect();
    OutcomeReport {
        departments: scope.department_list(),
        from: period.from,
        to: period.to,
        programme: (!period.programme.is_empty()).then(|| period.programme.to_string()),
        population: POPULATION,
        as_of: now,
        baselines: Baselines {
            period: "first half of 2022",
            danish_background_pct: BASELINE_DANISH_BACKGROUND,
            non_western_pct: BASELINE_NON_WESTERN,
            menapt_pct: BASELINE_MENAPT,
        },
        points,
    }
}
