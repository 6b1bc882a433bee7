//! Shared steps for the case-model tests: registering citizens and enrolling them.

use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

use crate::helpers::*;

pub fn today(app: &TestApp) -> NaiveDate {
    use medborger::clock::Clock;
    medborger::clock::local_date(app.clock.now())
}

/// A refugee from Syria who arrived `days_ago` days ago.
pub fn refugee(cpr: &str, arrived_days_ago: i64, app: &TestApp) -> Value {
    let arrival = today(app) - Duration::days(arrived_days_ago);
    json!({
        "cpr": cpr,
        "given_name": "Amina",
        "family_name": "Testesen",
        "phone": "+45 12 34 56 78",
        "district": "norrebro",
        "preferred_language": "ar",
        "interpreter_needed": true,
        "country_of_birth": "SY",
        "citizenship": "SY",
        "mother_country_of_birth": "SY",
        "mother_citizenship": "SY",
        "arrival_date": arrival,
        "visitation_date": (arrival + Duration::days(3)).min(today(app)),
        "residence_basis": "refugee",
        "needs": ["danish", "work_identity"],
        "employment_status": "unemployed",
        "danish_level": "a1"
    })
}

/// Registers a citizen; returns the body. A CPR already on file needs a
/// stated basis (issue 10); unless the body states one, this helper states
/// that the citizen is present (ignored for a new CPR).
pub async fn register(app: &TestApp, token: &str, body: &Value) -> Value {
    let mut body = body.clone();
    if body.get("basis").is_none() {
        body["basis"] = serde_json::json!("citizen_present");
    }
    let response = app.post_json("/api/v1/citizens", Some(token), &body).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert!(status == 201 || status == 200, "register: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// Enrols a citizen; panics unless 201.
pub async fn enrol(app: &TestApp, token: &str, citizen: &str, body: Value) -> Value {
    let response = app.post_json(&format!("/api/v1/citizens/{citizen}/enrolments"), Some(token), &body).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(status, 201, "enrol: {text}");
    serde_json::from_str(&text).unwrap()
}

pub fn milestone<'a>(enrolment: &'a Value, code: &str) -> &'a Value {
    enrolment["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == code)
        .unwrap_or_else(|| panic!("no milestone {code} in {enrolment}"))
}

pub async fn get_json(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let response = app.get(path, Some(token)).await;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// GETs `path` and asserts 200; returns the body.
pub async fn get_ok(app: &TestApp, path: &str, token: &str) -> Value {
    let (status, body) = get_json(app, path, token).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// Audit entries of one action for a citizen.
pub async fn audit_count(app: &TestApp, action: &str, citizen: &str) -> i64 {
    let citizen: uuid::Uuid = citizen.parse().unwrap();
    app.db()
        .await
        .query_one("SELECT count(*) FROM audit_log WHERE action = $1 AND citizen_id = $2", &[&action, &citizen])
        .await
        .unwrap()
        .get(0)
}

/// The JSON of a 200 or 201 answer; panics with the answer otherwise.
pub async fn ok(response: reqwest::Response) -> Value {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert!(status == 200 || status == 201, "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Registers a refugee who arrived `arrived_days_ago` days ago and enrols
/// them (active, from today) in `programme`; returns the enrolment.
pub async fn refugee_enrolled(app: &TestApp, token: &str, cpr: &str, arrived_days_ago: i64, programme: &str) -> Value {
    let citizen = register(app, token, &refugee(cpr, arrived_days_ago, app)).await;
    enrol(app, token, &id(&citizen), json!({ "programme_code": programme })).await
}

/// Issue 13: every enrolment's next deadline, as the database keeps it for
/// the caseload's order, is its earliest open milestone.
pub async fn next_deadlines_are_kept(app: &TestApp) {
    let wrong: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM enrolments e
               LEFT JOIN LATERAL (SELECT m.due_date, m.code FROM milestones m
                                   WHERE m.enrolment_id = e.id AND m.met_on IS NULL AND m.waived_reason IS NULL
                                   ORDER BY m.due_date, m.code LIMIT 1) n ON true
              WHERE (e.next_due_date, e.next_due_code) IS DISTINCT FROM (n.due_date, n.code)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(wrong, 0, "enrolments whose next deadline is stale");
}

/// The reports' roll-ups (migration 2026-12-06-100001) agree with the rows
/// they count: open enrolments by group, each group's open milestones (in
/// all and before today, whatever has been folded), and every milestone day.
pub async fn report_rollups_are_kept(app: &TestApp) {
    let wrong: i64 = app
        .db()
        .await
        .query_one(
            "WITH kept_open AS (
                 SELECT department, restricted, team_id, caseworker_id, programme_code, status, n::bigint
                   FROM report_open_enrolments WHERE n <> 0),
             fresh_open AS (
                 SELECT department, restricted, team_id, responsible_caseworker_id, programme_code, status, count(*)
                   FROM enrolments WHERE status IN ('referred', 'active', 'paused') GROUP BY 1, 2, 3, 4, 5, 6),
             kept_team AS (
                 SELECT department, restricted, team_id, programme_code, status, n::bigint
                   FROM report_open_team_enrolments WHERE n <> 0),
             fresh_team AS (
                 SELECT department, restricted, team_id, programme_code, status, count(*)
                   FROM enrolments WHERE status IN ('referred', 'active', 'paused') GROUP BY 1, 2, 3, 4, 5),
             kept_caseworker AS (
                 SELECT department, restricted, team_id, caseworker_id, n::bigint
                   FROM report_open_caseworker_enrolments WHERE n <> 0),
             fresh_caseworker AS (
                 SELECT department, restricted, team_id, responsible_caseworker_id, count(*)
                   FROM enrolments WHERE status IN ('referred', 'active', 'paused') GROUP BY 1, 2, 3, 4),
             kept_due AS (
                 SELECT department, restricted, team_id, caseworker_id, sum(n) AS n,
                        coalesce(sum(n) FILTER (WHERE due_date < current_date), 0) AS past
                   FROM report_open_milestones GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0),
             fresh_due AS (
                 SELECT e.department, e.restricted, e.team_id, e.responsible_caseworker_id, count(*) AS n,
                        count(*) FILTER (WHERE m.due_date < current_date) AS past
                   FROM milestones m JOIN enrolments e ON e.id = m.enrolment_id
                  WHERE m.met_on IS NULL AND m.waived_reason IS NULL AND e.status IN ('referred', 'active', 'paused')
                  GROUP BY 1, 2, 3, 4),
             kept_days AS (
                 SELECT * FROM report_milestone_days WHERE due <> 0 OR met_on_time <> 0 OR met_late <> 0
                     OR waived <> 0 OR open <> 0),
             fresh_days AS (
                 SELECT e.department, m.due_date, e.programme_code, m.code, e.restricted,
                        CASE WHEN e.restricted THEN e.team_id ELSE '00000000-0000-0000-0000-000000000000'::uuid END,
                        count(*), count(*) FILTER (WHERE m.met_on <= m.due_date),
                        count(*) FILTER (WHERE m.met_on > m.due_date),
                        count(*) FILTER (WHERE m.waived_reason IS NOT NULL),
                        count(*) FILTER (WHERE m.met_on IS NULL AND m.waived_reason IS NULL)
                   FROM milestones m JOIN enrolments e ON e.id = m.enrolment_id GROUP BY 1, 2, 3, 4, 5, 6)
             SELECT (SELECT count(*) FROM ((TABLE kept_open EXCEPT TABLE fresh_open)
                                           UNION ALL (TABLE fresh_open EXCEPT TABLE kept_open)) a)
                  + (SELECT count(*) FROM ((TABLE kept_team EXCEPT TABLE fresh_team)
                                           UNION ALL (TABLE fresh_team EXCEPT TABLE kept_team)) t)
                  + (SELECT count(*) FROM ((TABLE kept_caseworker EXCEPT TABLE fresh_caseworker)
                                           UNION ALL (TABLE fresh_caseworker EXCEPT TABLE kept_caseworker)) w)
                  + (SELECT count(*) FROM ((TABLE kept_due EXCEPT TABLE fresh_due)
                                           UNION ALL (TABLE fresh_due EXCEPT TABLE kept_due)) b)
                  + (SELECT count(*) FROM ((TABLE kept_days EXCEPT TABLE fresh_days)
                                           UNION ALL (TABLE fresh_days EXCEPT TABLE kept_days)) c)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(wrong, 0, "report roll-ups that disagree with the rows they count");
    let wrong: i64 = app
        .db()
        .await
        .query_one(
            "WITH counted AS (
                 SELECT DISTINCT ON (o.citizen_id, o.measurement_point, p.period_start, p.period_end, s.scope)
                        o.measurement_point, p.period_start, p.period_end, s.scope, e.programme_code, x.*
                   FROM outcomes o
                   JOIN enrolments e ON e.id = o.enrolment_id AND NOT e.restricted
                  CROSS JOIN LATERAL (VALUES (e.department), ('*')) AS s(scope)
                  CROSS JOIN LATERAL medborger_outcome_periods(o.measured_on) p
                  CROSS JOIN LATERAL medborger_outcome_contribution(o) x
                  ORDER BY o.citizen_id, o.measurement_point, p.period_start, p.period_end, s.scope,
                           o.measured_on DESC, o.id DESC),
             fresh AS (
                 SELECT k.period_start, k.period_end, k.scope, k.programme_code, k.measurement_point,
                        d.dimension, d.grp, count(*) AS people, sum(k.wage) AS wage,
                        sum(k.self_supporting) AS self_supporting, sum(k.education) AS education,
                        sum(k.a2) AS a2, sum(k.b1) AS b1
                   FROM counted k CROSS JOIN LATERAL unnest(medborger_outcome_dimensions(), k.groups) AS d(dimension, grp)
                  GROUP BY 1, 2, 3, 4, 5, 6, 7),
             kept AS (SELECT * FROM report_outcome_tallies
                       WHERE people <> 0 OR wage <> 0 OR self_supporting <> 0 OR education <> 0 OR a2 <> 0 OR b1 <> 0)
             SELECT count(*) FROM ((TABLE kept EXCEPT TABLE fresh) UNION ALL (TABLE fresh EXCEPT TABLE kept)) d",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(wrong, 0, "outcome tallies that disagree with the measurements they count");
}
