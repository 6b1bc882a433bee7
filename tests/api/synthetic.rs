//! `medborger seed synthetic` (the library function behind it): a small city
//! has every shape the big one has, its audit history verifies with the
//! ordinary sealer carrying on after it, and the same seed gives the same city.

use chrono::{Duration, NaiveDate, Utc};
use medborger::audit::seal::{seal_once, verify_all, Verdict};
use medborger::cpr::CprVault;
use medborger::synthetic::{seed_city, Options};

use crate::cases::{next_deadlines_are_kept, report_rollups_are_kept};
use crate::helpers::*;

fn options(as_of: NaiveDate) -> Options {
    Options { citizens: 2_000, notes: 20_000, audit_entries: None, seed: 7, as_of }
}

async fn strings(db: &tokio_postgres::Client, query: &str) -> Vec<String> {
    db.query(query, &[])
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect()
}

async fn number(db: &tokio_postgres::Client, query: &str) -> f64 {
    let row = db.query_one(&format!("SELECT ({query})::float8"), &[]).await.unwrap_or_else(|e| panic!("{query}: {e}"));
    row.get(0)
}

/// A digest of what the seed decides (CPR ciphertexts aside: fresh nonces).
async fn fingerprint(db: &tokio_postgres::Client) -> Vec<String> {
    strings(
        db,
        "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (
             SELECT id, cpr_hash, birth_date, sex, given_name, family_name, arrival_date, origin_group
               FROM citizens) t
         UNION ALL SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (
             SELECT id, citizen_id, programme_code, status, start_date, end_date, responsible_caseworker_id,
                    mentor_id, last_note_at FROM enrolments) t
         UNION ALL SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (
             SELECT id, enrolment_id, author_id, kind, occurred_at, text FROM notes) t
         UNION ALL SELECT md5(string_agg(encode(hash, 'hex'), '' ORDER BY id)) FROM audit_seals",
    )
    .await
}

#[tokio::test]
async fn a_small_city_has_every_shape_and_its_history_verifies() {
    let app = spawn_app().await;
    let as_of = Utc::now().date_naive() - Duration::days(1);
    let owner = with_user_and_db(&admin_url(), None, &app.db_name);
    let vault = CprVault::new(&app.settings.cpr).unwrap();
    let indexes = "SELECT pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                    WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1";
    let migrated = strings(&app.db().await, indexes).await;
    let summary = seed_city(&owner, &vault, &options(as_of), &|_| {}).await.unwrap();
    assert_eq!(summary.citizens, 2_000);
    assert_eq!(summary.notes, 20_000, "exactly the notes asked for");
    let db = app.db().await;
    // The seed builds the notes' and the audit log's indexes after their rows.
    assert_eq!(strings(&db, indexes).await, migrated, "the seeded database has the migrations' indexes");
    assert!(migrated.iter().any(|d| d.contains("audit_log_citizen_idx")), "{migrated:?}");

    assert_eq!(
        strings(&db, "SELECT DISTINCT status FROM enrolments ORDER BY 1").await,
        ["active", "cancelled", "completed", "dropped_out", "paused", "referred"]
    );
    assert!(
        strings(
            &db,
            "SELECT code FROM programmes p WHERE NOT EXISTS
                 (SELECT 1 FROM enrolments e WHERE e.programme_code = p.code)"
        )
        .await
        .is_empty(),
        "every programme has enrolments"
    );
    let today = format!("'{as_of}'::date");
    for (what, condition) in [
        ("met on time", "met_on <= due_date".to_string()),
        ("met late", "met_on > due_date".into()),
        ("waived", "waived_reason IS NOT NULL".into()),
        ("overdue", format!("met_on IS NULL AND waived_reason IS NULL AND due_date < {today}")),
        ("pending", format!("met_on IS NULL AND due_date >= {today}")),
    ] {
        let n = number(&db, &format!("SELECT count(*) FROM milestones WHERE {condition}")).await;
        assert!(n > 0.0, "no milestone {what}");
    }
    assert_eq!(
        strings(&db, "SELECT DISTINCT measurement_point FROM outcomes ORDER BY 1").await,
        ["end", "end_plus_12m", "end_plus_6m", "start"]
    );
    for table in [
        "referrals",
        "consents",
        "concerns",
        "risk_assessments",
        "known_cpr_registrations",
        "citizen_restricted_data",
        "enrolment_transitions",
    ] {
        assert!(number(&db, &format!("SELECT count(*) FROM {table}")).await > 0.0, "no {table}");
    }
    assert!(number(&db, "SELECT count(*) FROM enrolments WHERE restricted").await > 0.0);
    assert!(
        number(&db, "SELECT count(*) FROM access_grants WHERE reviewed_at IS NULL").await > 0.0
            && number(&db, "SELECT count(*) FROM access_grants WHERE reviewed_at IS NOT NULL").await > 0.0,
        "break-the-glass grants both reviewed and awaiting review"
    );
    // The seed skips the foreign-key triggers: every reference must hold.
    let checks = strings(
        &db,
        "SELECT format('SELECT count(*) FROM %s c WHERE c.%I IS NOT NULL AND NOT EXISTS
                            (SELECT 1 FROM %s p WHERE p.%I = c.%I)',
                       c.conrelid::regclass, a.attname, c.confrelid::regclass, b.attname, a.attname)
           FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]
          WHERE c.contype = 'f' AND cardinality(c.conkey) = 1",
    )
    .await;
    assert!(checks.len() > 20, "{checks:?}");
    for check in checks {
        assert_eq!(number(&db, &check).await, 0.0, "{check}");
    }
    // The seed writes with triggers off; the caseload's order still holds.
    next_deadlines_are_kept(&app).await;
    report_rollups_are_kept(&app).await;
    // About one caseworker per 60 open cases, mentors with 5–25 mentees.
    let per_caseworker = number(
        &db,
        "SELECT avg(n) FROM (SELECT count(*) AS n FROM enrolments
                              WHERE status IN ('referred', 'active', 'paused') AND NOT restricted
                              GROUP BY responsible_caseworker_id) c",
    )
    .await;
    assert!((40.0..=90.0).contains(&per_caseworker), "{per_caseworker} open cases per caseworker");
    let per_mentor = number(
        &db,
        "SELECT avg(n) FROM (SELECT count(*) AS n FROM enrolments
                              WHERE status IN ('active', 'paused') AND mentor_id IS NOT NULL
                              GROUP BY mentor_id) m",
    )
    .await;
    assert!((5.0..=25.0).contains(&per_mentor), "{per_mentor} mentees per mentor");

    // The history verifies, and the service's sealer carries on after it.
    let pool = medborger::db::pool(&app.settings.database).unwrap();
    let Verdict::Intact { seals, entries, .. } = verify_all(&pool).await.unwrap() else {
        panic!("the seeded history does not verify");
    };
    assert_eq!(seals as u64, summary.seals);
    assert_eq!(entries as u64, summary.audit_entries);
    let cw = app.login("cw.bif").await;
    let page = app.get("/api/v1/caseload?limit=50", Some(&cw.access)).await;
    assert_eq!(page.status(), 200);
    let body: serde_json::Value = page.json().await.unwrap();
    assert!(body["items"].as_array().is_some_and(|rows| !rows.is_empty()), "cw.bif has a caseload: {body}");
    assert!(seal_once(&pool, Duration::zero()).await.unwrap() > 0);
    assert!(matches!(verify_all(&pool).await.unwrap(), Verdict::Intact { .. }));

    // The same seed, into another database: the same city.
    let again = spawn_app().await;
    let owner = with_user_and_db(&admin_url(), None, &again.db_name);
    seed_city(&owner, &vault, &options(as_of), &|_| {}).await.unwrap();
    let fresh = fingerprint(&again.db().await).await;
    // The first city's seals now include the sealer's later window.
    let first = fingerprint(&db).await;
    assert_eq!(first[..3], fresh[..3]);
    let history: Vec<String> = strings(
        &db,
        &format!(
            "SELECT md5(string_agg(encode(hash, 'hex'), '' ORDER BY id)) FROM audit_seals WHERE id <= {}",
            summary.seals
        ),
    )
    .await;
    assert_eq!(history[0], fresh[3]);
}
