//! Managers' and auditors' reports against hand-built data sets with known
//! answers: caseload audit and reassignment, deadlines, outcomes with
//! suppression, CSV, and restricted work kept out.

use chrono::Duration;
use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

fn milestone_id(enrolment: &Value, code: &str) -> String {
    milestone(enrolment, code)["id"].as_str().unwrap().to_string()
}

async fn meet(app: &TestApp, token: &str, enrolment: &Value, code: &str) {
    let path = format!("/api/v1/enrolments/{}/milestones/{}/met", id(enrolment), milestone_id(enrolment, code));
    ok(app.post_json(&path, Some(token), &json!({"met_on": today(app)})).await).await;
}

/// BIF: cw.bif has three Københavnermodel refugees (K1 arrived 200 days ago,
/// untouched; K2 arrived 200 days ago, internship met late, a mentor; K3
/// arrived 10 days ago, internship met on time) and a Jobdansk enrolment;
/// cw2.bif one referred Jobdansk enrolment. All three were registered after
/// arriving, so their arrival interviews are waived as not applicable.
struct Bif {
    k1: Value,
    k2: Value,
    k3: Value,
    j1: Value,
    j2: Value,
}

async fn bif_cases(app: &TestApp) -> Bif {
    let bif = app.login("cw.bif").await.access;
    let bif2 = app.login("cw2.bif").await.access;
    let mut made = Vec::new();
    for (cpr, days) in [("010190-1000", 200), ("020190-1002", 200), ("030190-1004", 10)] {
        let c = register(app, &bif, &refugee(cpr, days, app)).await;
        made.push(enrol(app, &bif, &id(&c), json!({"programme_code": "kobenhavnermodellen"})).await);
    }
    let (k1, k2, k3) = (made[0].clone(), made[1].clone(), made[2].clone());
    meet(app, &bif, &k2, "company_internship_started").await;
    meet(app, &bif, &k3, "company_internship_started").await;
    let mentor = app.user_id("mentor.bif").await;
    ok(app
        .client
        .put(app.url(&format!("/api/v1/enrolments/{}/mentor", id(&k2))))
        .bearer_auth(&bif)
        .json(&json!({"mentor_id": mentor}))
        .send()
        .await
        .unwrap())
    .await;
    let c = register(app, &bif, &refugee("040190-1006", 30, app)).await;
    let j1 = enrol(app, &bif, &id(&c), json!({"programme_code": "jobdansk"})).await;
    let c = register(app, &bif2, &refugee("050190-1008", 30, app)).await;
    let j2 = enrol(app, &bif2, &id(&c), json!({"programme_code": "jobdansk", "status": "referred"})).await;
    Bif { k1, k2, k3, j1, j2 }
}

#[tokio::test]
async fn the_caseload_audit_counts_exactly_and_reassignment_is_all_or_nothing() {
    let app = spawn_app().await;
    let cases = bif_cases(&app).await;
    // A break-the-glass grant awaiting review, for cw.bif.
    let sof = app.login("cw.sof").await.access;
    let s = register(&app, &sof, &refugee("060190-1010", 30, &app)).await;
    let bif = app.login("cw.bif").await.access;
    ok(app
        .post_json(
            "/api/v1/access-grants",
            Some(&bif),
            &json!({"citizen_id": id(&s), "reason": "Borgeren står i receptionen og har brug for hjælp"}),
        )
        .await)
    .await;

    let manager = app.login("manager.bif").await.access;
    let report = ok(app.get("/api/v1/reports/caseload", Some(&manager)).await).await;
    assert_eq!(report["departments"], json!(["bif"]));
    let expected = |open, overdue, without_mentor, grants| {
        json!({"open": open, "overdue_milestones": overdue, "silent_30_days": 0, "silent_60_days": 0,
               "silent_90_days": 0, "without_required_mentor": without_mentor, "grants_awaiting_review": grants})
    };
    let pick = |v: &Value| {
        json!({"open": v["open"], "overdue_milestones": v["overdue_milestones"], "silent_30_days": v["silent_30_days"],
               "silent_60_days": v["silent_60_days"], "silent_90_days": v["silent_90_days"],
               "without_required_mentor": v["without_required_mentor"], "grants_awaiting_review": v["grants_awaiting_review"]})
    };
    // K1: internship and health check overdue; K2: health check.
    let cw_bif = report["caseworkers"].as_array().unwrap().iter().find(|c| c["open"] == 4).expect("cw.bif's row");
    assert_eq!(pick(cw_bif), expected(4, 3, 2, 1));
    let mut breakdown: Vec<String> = cw_bif["by_programme_and_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| format!("{}/{}={}", b["programme_code"].as_str().unwrap(), b["status"].as_str().unwrap(), b["count"]))
        .collect();
    breakdown.sort();
    assert_eq!(breakdown, ["jobdansk/active=1", "kobenhavnermodellen/active=3"]);

    // Door 11: the auditor's view of the same department publishes no count
    // of 1–4 (suppressed: null); zeros stay, they single no one out.
    let auditor = app.login("auditor").await.access;
    let audited = ok(app.get("/api/v1/reports/caseload?department=bif", Some(&auditor)).await).await;
    let row = audited["caseworkers"].as_array().unwrap().iter().find(|c| c["caseworker_id"] == cw_bif["caseworker_id"]);
    let row = row.expect("cw.bif's row in the auditor's view");
    assert_eq!(
        pick(row),
        json!({"open": null, "overdue_milestones": null, "silent_30_days": 0, "silent_60_days": 0,
               "silent_90_days": 0, "without_required_mentor": null, "grants_awaiting_review": null})
    );
    assert!(row["by_programme_and_status"].as_array().unwrap().iter().all(|b| b["count"].is_null()));
    fn published(v: &Value) -> bool {
        match v {
            Value::Number(n) => n.as_i64().is_none_or(|n| n == 0 || n >= 5),
            Value::Array(items) => items.iter().all(published),
            Value::Object(fields) => fields.iter().all(|(k, v)| k == "as_of" || published(v)),
            _ => true,
        }
    }
    assert!(published(&audited), "{audited}");
    let cw2 = report["caseworkers"].as_array().unwrap().iter().find(|c| c["open"] == 1).expect("cw2.bif's row");
    assert_eq!(pick(cw2), expected(1, 0, 0, 0));
    assert_eq!(pick(&report["totals"]), expected(5, 3, 2, 1));
    assert!(!report["teams"].as_array().unwrap().is_empty());
    // Issue 13: the team row counts its member's grant awaiting review, as
    // cw.bif's own row does.
    let team = report["teams"].as_array().unwrap().iter().find(|t| t["name"] == "Jobcenter København, Integration");
    assert_eq!(team.expect("cw.bif's team")["grants_awaiting_review"], 1, "{}", report["teams"]);

    // Sixty-one days on, every open enrolment is silent for 30 and 60 days.
    app.clock.advance(Duration::days(61));
    let manager = app.login("manager.bif").await.access;
    let report = ok(app.get("/api/v1/reports/caseload", Some(&manager)).await).await;
    assert_eq!(report["totals"]["silent_30_days"], 5);
    assert_eq!(report["totals"]["silent_60_days"], 5);
    assert_eq!(report["totals"]["silent_90_days"], 0);
    app.clock.advance(Duration::days(-61));
    let manager = app.login("manager.bif").await.access;

    // Caseworkers and mentors may not read it; managers only their department.
    assert_problem(app.get("/api/v1/reports/caseload", Some(&bif)).await, 403).await;
    assert_problem(app.get("/api/v1/reports/caseload?department=sof", Some(&manager)).await, 403).await;

    // Reassignment: all or nothing.
    let cw2_id = app.user_id("cw2.bif").await;
    let path = "/api/v1/reports/caseload/reassign";
    let foreign = ok(app
        .post_json(
            &format!("/api/v1/citizens/{}/enrolments", id(&s)),
            Some(&sof),
            &json!({"programme_code": "housing_first"}),
        )
        .await)
    .await;
    let mixed = json!({"to_caseworker_id": cw2_id, "enrolment_ids": [id(&cases.k1), id(&foreign)], "reason": "Ferie"});
    assert_problem(app.post_json(path, Some(&manager), &mixed).await, 422).await;
    let k1 = get_ok(&app, &format!("/api/v1/enrolments/{}", id(&cases.k1)), &bif).await;
    assert_eq!(k1["responsible_caseworker_id"], cases.k1["responsible_caseworker_id"], "nothing moved");
    let mentor_id = app.user_id("mentor.bif").await;
    let to_mentor = json!({"to_caseworker_id": mentor_id, "enrolment_ids": [id(&cases.k1)], "reason": "Ferie"});
    assert_problem(app.post_json(path, Some(&manager), &to_mentor).await, 422).await;
    assert_problem(
        app.post_json(
            path,
            Some(&bif),
            &json!({"to_caseworker_id": cw2_id, "enrolment_ids": [id(&cases.k1)], "reason": "x"}),
        )
        .await,
        403,
    )
    .await;

    let moved = ok(app
        .post_json(
            path,
            Some(&manager),
            &json!({"to_caseworker_id": cw2_id, "enrolment_ids": [id(&cases.k1), id(&cases.j1)], "reason": "Ferie"}),
        )
        .await)
    .await;
    assert_eq!(moved["moved"], 2);
    let k1 = get_ok(&app, &format!("/api/v1/enrolments/{}", id(&cases.k1)), &bif).await;
    assert_eq!(k1["responsible_caseworker_id"], json!(cw2_id));
    let audited: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'update' AND resource_type = 'enrolment'
                AND reason = 'caseload_reassignment'
                AND resource_id IN (SELECT enrolment_id::text FROM enrolment_reassignments WHERE reason = 'Ferie')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 2, "one entry per enrolment");
    // Everything of one caseworker.
    let bif_id = app.user_id("cw.bif").await;
    let moved = ok(app
        .post_json(
            path,
            Some(&manager),
            &json!({"to_caseworker_id": bif_id, "from_caseworker_id": cw2_id, "reason": "Tilbage"}),
        )
        .await)
    .await;
    assert_eq!(moved["moved"], 3, "K1, J1 and J2");
    let report = ok(app.get("/api/v1/reports/caseload", Some(&manager)).await).await;
    assert_eq!(report["totals"]["open"], 5);
    assert!(report["caseworkers"].as_array().unwrap().iter().all(|c| c["open"] == 5 || c["open"] == 0));
    let _ = (cases.k2, cases.k3, cases.j2);
    report_rollups_are_kept(&app).await;
}

#[tokio::test]
async fn deadline_shares_match_a_data_set_with_known_answers() {
    let app = spawn_app().await;
    bif_cases(&app).await;
    let manager = app.login("manager.bif").await.access;
    let from = today(&app) - Duration::days(365);
    let to = today(&app) + Duration::days(400);
    let report = ok(app
        .get(&format!("/api/v1/reports/deadlines?from={from}&to={to}&programme=kobenhavnermodellen"), Some(&manager))
        .await)
    .await;
    let row = |code: &str| {
        report["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["milestone_code"] == code)
            .unwrap_or_else(|| panic!("{code} in {report}"))
            .clone()
    };
    let pick = |m: Value| {
        json!([
            m["due"],
            m["met_on_time"],
            m["met_late"],
            m["overdue"],
            m["waived"],
            m["pending"],
            m["share_met_on_time_pct"]
        ])
    };
    // The internship within the first month: K3 on time, K2 late, K1 overdue.
    assert_eq!(pick(row("company_internship_started")), json!([3, 1, 1, 1, 0, 0, 33.3]));
    assert_eq!(pick(row("asylum_centre_interview")), json!([3, 0, 0, 0, 3, 0, null]));
    assert_eq!(pick(row("health_assessment_offered")), json!([3, 0, 0, 2, 0, 1, 0.0]));
    assert_eq!(pick(row("mentor_period_ends")), json!([3, 0, 0, 0, 0, 3, null]));
    let overdue = report["overdue"].as_array().unwrap();
    assert_eq!(overdue.len(), 3);
    assert!(overdue.iter().all(|o| o["days_overdue"].as_i64().unwrap() > 0));

    // CSV of the same.
    let response = app
        .client
        .get(app.url(&format!("/api/v1/reports/deadlines?from={from}&to={to}&programme=kobenhavnermodellen")))
        .bearer_auth(&manager)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "programme_code,milestone_code,name_da,due,met_on_time,met_late,overdue,waived,pending,share_met_on_time_pct"
    );
    assert!(csv.contains("kobenhavnermodellen,company_internship_started,Virksomhedspraktik startet,3,1,1,1,0,0,33.3"));

    // An auditor gets the counts, not the list.
    let auditor = app.login("auditor").await.access;
    let report =
        ok(app.get(&format!("/api/v1/reports/deadlines?from={from}&to={to}&department=bif"), Some(&auditor)).await)
            .await;
    assert!(report.get("overdue").is_none());
    // Door 11: counts of 1–4 are suppressed for the auditor, and the share
    // with them (it would give them back); the manager's view above is exact.
    let internship = report["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["milestone_code"] == "company_internship_started")
        .expect("the internship row");
    for count in ["due", "met_on_time", "met_late", "overdue"] {
        assert!(internship[count].is_null(), "{count}: {internship}");
    }
    assert_eq!(internship["waived"], 0, "a zero singles no one out");
    assert!(internship["share_met_on_time_pct"].is_null());
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/reports/deadlines?from={from}&to={to}&department=bif")))
        .bearer_auth(&auditor)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains(
            "company_internship_started,Virksomhedspraktik startet,suppressed,suppressed,suppressed,suppressed,0,"
        ),
        "{csv}"
    );

    // The counts come from roll-ups that agree with the rows, and folding
    // the past days of the open milestones (the service's hourly upkeep)
    // changes no report.
    report_rollups_are_kept(&app).await;
    let deadlines = format!("/api/v1/reports/deadlines?from={from}&to={to}");
    let before = (
        ok(app.get(&deadlines, Some(&manager)).await).await["milestones"].clone(),
        ok(app.get("/api/v1/reports/caseload", Some(&manager)).await).await["caseworkers"].clone(),
    );
    assert!(before.1.as_array().unwrap().iter().any(|c| c["overdue_milestones"].as_i64() > Some(0)));
    let pool = medborger::db::pool(&app.settings.database).unwrap();
    assert!(medborger::reports::rollups::fold_past_deadlines(&pool).await.unwrap() > 0, "something was folded");
    let after = (
        ok(app.get(&deadlines, Some(&manager)).await).await["milestones"].clone(),
        ok(app.get("/api/v1/reports/caseload", Some(&manager)).await).await["caseworkers"].clone(),
    );
    assert_eq!(before, after);
    report_rollups_are_kept(&app).await;
}

/// Registers and enrols a citizen and records their start outcome.
async fn with_outcome(app: &TestApp, token: &str, cpr: &str, country: &str, employed: bool) -> Value {
    let mut body = refugee(cpr, 30, app);
    for field in ["country_of_birth", "citizenship", "mother_country_of_birth", "mother_citizenship"] {
        body[field] = json!(country);
    }
    let c = register(app, token, &body).await;
    let e = enrol(app, token, &id(&c), json!({"programme_code": "jobdansk"})).await;
    let outcome = json!({"measurement_point": "start", "measured_on": today(app),
                         "employment_status": if employed { "wage_employment" } else { "unemployed" },
                         "weekly_hours": if employed { 37 } else { 0 }, "self_supporting": employed,
                         "danish_level": if employed { "b1" } else { "a1" }});
    ok(app.post_json(&format!("/api/v1/enrolments/{}/outcomes", id(&e)), Some(token), &outcome).await).await;
    c
}

#[tokio::test]
async fn outcome_shares_gaps_and_suppression_match_known_answers() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    // Six from Syria (3 employed), five from Germany (4 employed), one from
    // Vietnam (not employed); eleven women and one man.
    let mut syrians = Vec::new();
    for i in 0..6 {
        syrians.push(with_outcome(&app, &bif, &format!("{:02}0190-20{:02}", i + 1, i * 2), "SY", i < 3).await);
    }
    for i in 0..5 {
        with_outcome(&app, &bif, &format!("{:02}0191-30{:02}", i + 1, i * 2), "DE", i < 4).await;
    }
    with_outcome(&app, &bif, "070192-4001", "VN", false).await;

    let manager = app.login("manager.bif").await.access;
    let report = ok(app.get("/api/v1/reports/outcomes", Some(&manager)).await).await;
    assert_eq!(report["baselines"]["non_western_pct"], 59.7);
    let start = &report["points"][0];
    assert_eq!(start["measurement_point"], "start");
    let total = &start["total"];
    assert_eq!(total["people"], 12);
    assert_eq!(total["wage_employment_pct"], 58.3);
    assert_eq!(total["self_supporting_pct"], 58.3);
    assert_eq!(total["danish_b1_or_above_pct"], 58.3);
    assert_eq!(total["gap_to_danish_background_pp"], -20.1);
    let group = |dimension: &str, group: &str| {
        start["breakdowns"].as_array().unwrap().iter().find(|b| b["dimension"] == dimension).unwrap()["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["group"] == group)
            .unwrap_or_else(|| panic!("{dimension}/{group}"))
            .clone()
    };
    let non_western = group("origin_region", "ikke_vestlig");
    assert_eq!(non_western["people"], 7);
    assert_eq!(non_western["wage_employment_pct"], 42.9);
    assert_eq!(non_western["baseline_pct"], 59.7);
    assert_eq!(non_western["gap_pp"], -16.8);
    let western = group("origin_region", "vestlig");
    assert_eq!(western["wage_employment_pct"], 80.0);
    assert_eq!(western["gap_to_danish_background_pp"], 1.6);
    let menapt = group("menapt", "menapt");
    assert_eq!(menapt["people"], 6);
    assert_eq!(menapt["gap_pp"], -3.1);
    // One man: suppressed; and the women too, or 12 − 11 would give him away.
    let male = group("sex", "male");
    assert!(male["people"].is_null() && male["wage_employment_pct"].is_null());
    assert_eq!(male["suppressed"], "fewer than 5 people");
    let female = group("sex", "female");
    assert!(female["people"].is_null());
    assert!(female["suppressed"].as_str().unwrap().contains("subtraction"));
    // Nobody measured at the end yet: nothing shown.
    let end = &report["points"][1];
    assert!(end["total"]["people"].is_null());
    assert_eq!(end["breakdowns"], json!([]));

    // CSV: the suppressed cells are empty with their reason.
    let response = app
        .client
        .get(app.url("/api/v1/reports/outcomes"))
        .bearer_auth(&manager)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    let csv = response.text().await.unwrap();
    assert!(csv.contains("start,sex,male,,,,,,,,,,fewer than 5 people"));
    assert!(csv.contains("start,total,total,12,58.3,"));

    // A Syrian without work starts a second programme in work, measured
    // later: still one person, now counted with the later measurement.
    let second = enrol(&app, &bif, &id(&syrians[5]), json!({"programme_code": "danskuddannelse"})).await;
    let later = json!({"measurement_point": "start", "measured_on": today(&app), "employment_status": "wage_employment",
                       "weekly_hours": 37, "self_supporting": true, "danish_level": "b1"});
    ok(app.post_json(&format!("/api/v1/enrolments/{}/outcomes", id(&second)), Some(&bif), &later).await).await;
    let report = ok(app.get("/api/v1/reports/outcomes", Some(&manager)).await).await;
    let total = &report["points"][0]["total"];
    assert_eq!(total["people"], 12, "{total}");
    assert_eq!(total["wage_employment_pct"], 66.7, "8 of 12");
    report_rollups_are_kept(&app).await;
}

#[tokio::test]
async fn csv_cells_that_look_like_formulas_are_neutralised() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let team = ok(app
        .post_json(
            "/api/v1/admin/teams",
            Some(&admin),
            &json!({"department": "bif", "name": "=HYPERLINK(\"http://evil\",\"x\")"}),
        )
        .await)
    .await;
    let bif = app.login("cw.bif").await.access;
    let c = register(&app, &bif, &refugee("010190-1000", 30, &app)).await;
    enrol(&app, &bif, &id(&c), json!({"programme_code": "jobdansk", "team_id": team["id"]})).await;
    let manager = app.login("manager.bif").await.access;
    let response = app
        .client
        .get(app.url("/api/v1/reports/caseload"))
        .bearer_auth(&manager)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"));
}

/// Issue 13: the caseload audit answers a page of caseworkers at a time (in
/// name order, with a cursor) and every page carries every team and the
/// whole totals; the CSV export holds every caseworker whatever the page.
#[tokio::test]
async fn the_caseload_audit_pages_its_caseworkers_and_keeps_its_totals_whole() {
    let app = spawn_app().await;
    bif_cases(&app).await;
    for who in ["manager.bif", "auditor"] {
        let token = app.login(who).await.access;
        let query = if who == "auditor" { "department=bif&" } else { "" };
        let whole = ok(app.get(&format!("/api/v1/reports/caseload?{query}limit=200"), Some(&token)).await).await;
        let all = whole["caseworkers"].as_array().unwrap().clone();
        assert!(all.len() >= 2, "{who}: {whole}");
        assert!(whole.get("next_cursor").is_none(), "{who}: one page holds them all");
        let mut seen = Vec::new();
        let mut cursor = String::new();
        for _ in 0..all.len() + 1 {
            let page =
                ok(app.get(&format!("/api/v1/reports/caseload?{query}limit=1{cursor}"), Some(&token)).await).await;
            assert!(page["caseworkers"].as_array().unwrap().len() <= 1, "{who}: {page}");
            assert_eq!(page["totals"], whole["totals"], "{who}: the totals are the whole report's on every page");
            assert_eq!(page["teams"], whole["teams"], "{who}: so are the teams");
            seen.extend(page["caseworkers"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(seen, all, "{who}: the pages hold every caseworker once, in order");

        let csv = app
            .client
            .get(app.url(&format!("/api/v1/reports/caseload?{query}limit=1")))
            .bearer_auth(&token)
            .header("accept", "text/csv")
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200);
        let csv = csv.text().await.unwrap();
        let rows = csv.lines().filter(|l| l.starts_with("caseworker,")).count();
        assert_eq!(rows, all.len(), "{who}: the export holds every caseworker: {csv}");
    }
    let manager = app.login("manager.bif").await.access;
    assert_problem(app.get("/api/v1/reports/caseload?limit=0", Some(&manager)).await, 422).await;
    assert_problem(app.get("/api/v1/reports/caseload?limit=201", Some(&manager)).await, 422).await;
    assert_problem(app.get("/api/v1/reports/caseload?cursor=not-a-cursor", Some(&manager)).await, 422).await;
}

#[tokio::test]
async fn restricted_work_is_absent_from_every_report_outside_its_team() {
    let app = spawn_app().await;
    let sof = app.login("cw.sof").await.access;
    let specialist = app.login("specialist.sof").await.access;
    let c = register(&app, &sof, &refugee("010190-1000", 30, &app)).await;
    let housing = enrol(&app, &sof, &id(&c), json!({"programme_code": "housing_first"})).await;
    // A milestone rule on the restricted programme, so deadlines have something to hide.
    let admin = app.login("admin").await.access;
    let rule = json!({"milestone_rules": [{"code": "first_talk", "name_da": "Første samtale",
                      "name_en": "First talk", "anchor": "enrolment_start", "offset_days": 7}]});
    let response =
        app.patch_json("/api/v1/admin/programmes/negativ_social_kontrol", &admin, Some("\"1\""), &rule).await;
    assert_eq!(response.status(), 200);
    let restricted = enrol(&app, &specialist, &id(&c), json!({"programme_code": "negativ_social_kontrol"})).await;
    let outcome = json!({"measurement_point": "start", "measured_on": today(&app), "employment_status": "unemployed",
                         "weekly_hours": 0, "self_supporting": false, "danish_level": "a1"});
    // C and four others measured at the start of housing first: five
    // people anyone of SOF may count. C's restricted measurement comes
    // later, and must not take C out of anyone else's count.
    ok(app.post_json(&format!("/api/v1/enrolments/{}/outcomes", id(&housing)), Some(&sof), &outcome).await).await;
    for n in 5..=8 {
        let other = register(&app, &sof, &refugee(&format!("010190-100{n}"), 30, &app)).await;
        let case = enrol(&app, &sof, &id(&other), json!({"programme_code": "housing_first"})).await;
        ok(app.post_json(&format!("/api/v1/enrolments/{}/outcomes", id(&case)), Some(&sof), &outcome).await).await;
    }
    ok(app.post_json(&format!("/api/v1/enrolments/{}/outcomes", id(&restricted)), Some(&specialist), &outcome).await)
        .await;
    // Four more of the team's cases with a start measurement: five people,
    // enough to be shown, but only to the team.
    for n in 1..=4 {
        let other = register(&app, &specialist, &refugee(&format!("010190-100{n}"), 30, &app)).await;
        let case = enrol(&app, &specialist, &id(&other), json!({"programme_code": "negativ_social_kontrol"})).await;
        ok(app.post_json(&format!("/api/v1/enrolments/{}/outcomes", id(&case)), Some(&specialist), &outcome).await)
            .await;
    }

    // A manager of SOF outside the team, and the specialist made a manager.
    ok(app
        .post_json(
            "/api/v1/admin/users",
            Some(&admin),
            &json!({"username": "manager.sof", "full_name": "Leder SOF", "department": "sof",
                           "roles": ["manager"], "password": "a long enough passphrase"}),
        )
        .await)
    .await;
    let outsider = app.login_with("manager.sof", "a long enough passphrase").await.access;
    let auditor = app.login("auditor").await.access;
    let specialist_id = app.user_id("specialist.sof").await;
    let user = app
        .client
        .get(app.url(&format!("/api/v1/admin/users/{specialist_id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let etag = user.headers()["etag"].to_str().unwrap().to_string();
    let patched = app
        .client
        .patch(app.url(&format!("/api/v1/admin/users/{specialist_id}")))
        .bearer_auth(&admin)
        .header("if-match", etag)
        .json(&json!({"roles": ["caseworker", "manager"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let team_manager = app.login("specialist.sof").await.access;

    let year = today(&app) - Duration::days(365);
    let far = today(&app) + Duration::days(400);
    for (who, token, sees) in
        [("outsider", &outsider, false), ("auditor", &auditor, false), ("team manager", &team_manager, true)]
    {
        let q = if who == "auditor" { "department=sof&" } else { "" };
        let text = |path: String| {
            let app = &app;
            async move {
                let response = app.get(&path, Some(token)).await;
                assert_eq!(response.status(), 200, "{who} {path}");
                response.text().await.unwrap()
            }
        };
        let caseload = text(format!("/api/v1/reports/caseload?{q}")).await;
        let deadlines = text(format!("/api/v1/reports/deadlines?{q}from={year}&to={far}")).await;
        let outcomes = text(format!("/api/v1/reports/outcomes?{q}")).await;
        let caseload: Value = serde_json::from_str(&caseload).unwrap();
        // The auditor's 1 is suppressed (issue 10, door 11); 6 would show.
        let open = match who {
            "team manager" => json!(10),
            _ => json!(5),
        };
        assert_eq!(caseload["totals"]["open"], open, "{who}");
        assert_eq!(deadlines.contains("negativ_social_kontrol"), sees, "{who}: {deadlines}");
        let outcomes: Value = serde_json::from_str(&outcomes).unwrap();
        // The team counts its five and the five of housing first, C once:
        // nine people. For everyone else the team's work does not exist:
        // the five of housing first, C among them.
        let start = &outcomes["points"][0]["total"];
        assert_eq!(start["people"], if sees { 9 } else { 5 }, "{who}: {start}");
    }
    report_rollups_are_kept(&app).await;
}

/// Issue 10, door 11: the outcome report covers whole quarters, half-years or
/// years only, so two reports a day apart cannot single out one person; the
/// deadline report still takes any span of days.
#[tokio::test]
async fn the_outcome_report_covers_whole_periods_only() {
    use chrono::Datelike;
    let app = spawn_app().await;
    let manager = app.login("manager.bif").await.access;
    let y = today(&app).year();
    let outcomes = |query: String| {
        let (app, manager) = (&app, &manager);
        async move { app.get(&format!("/api/v1/reports/outcomes?{query}"), Some(manager)).await }
    };

    let default = ok(outcomes(String::new()).await).await;
    assert_eq!(
        (default["from"].as_str(), default["to"].as_str()),
        (Some(&*format!("{y}-01-01")), Some(&*format!("{y}-12-31")))
    );
    for (query, from, to) in [
        (format!("period={y}-Q2"), format!("{y}-04-01"), format!("{y}-06-30")),
        (format!("period={y}-H2"), format!("{y}-07-01"), format!("{y}-12-31")),
        (format!("period={}", y - 1), format!("{}-01-01", y - 1), format!("{}-12-31", y - 1)),
        (format!("from={y}-10-01&to={y}-12-31"), format!("{y}-10-01"), format!("{y}-12-31")),
        (format!("from={y}-01-01&to={y}-06-30"), format!("{y}-01-01"), format!("{y}-06-30")),
    ] {
        let report = ok(outcomes(query.clone()).await).await;
        assert_eq!((report["from"].as_str(), report["to"].as_str()), (Some(&*from), Some(&*to)), "{query}");
    }
    for query in [
        format!("from={y}-01-01&to={y}-01-02"),
        format!("from={y}-01-02&to={y}-03-31"),
        format!("from={y}-01-01&to={y}-03-30"),
        format!("from={y}-02-01&to={y}-04-30"),
        format!("from={y}-01-01"),
        format!("period={y}-Q5"),
        format!("period={y}&from={y}-01-01"),
        "period=last-week".to_string(),
    ] {
        assert_problem(outcomes(query).await, 422).await;
    }

    let deadlines = app.get(&format!("/api/v1/reports/deadlines?from={y}-01-01&to={y}-01-02"), Some(&manager)).await;
    assert_eq!(deadlines.status(), 200, "any span for deadlines");
}
