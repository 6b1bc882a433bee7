//! Bulk import: good rows in, bad rows reported by line, nothing twice.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

const FILE: &str = "\
cpr,given_name,family_name,district,country_of_birth,citizenship,arrival_date,residence_basis,needs,interpreter_needed
010190-1000,Ali,Importsen,norrebro,SY,SY,2025-01-10,refugee,danish;work_identity,true
020290-1002,Olena,Importsen,amager_vest,UA,UA,2025-03-01,ukraine_special_act,,false
310290-1004,Forkert,Dato,norrebro,SY,SY,,,,
030390-1006,Ukendt,Bydel,atlantis,SY,SY,,,,
040490-1008,,Uden Fornavn,norrebro,SY,SY,,,,
010190-1000,Ali,Igen,norrebro,SY,SY,,,,
050590-1010,Fatima,Importsen,bispebjerg,IQ,IQ,2024-06-01,family_reunification,danish,ja
060690-1012,Eksisterende,Borger,valby,SY,SY,,,,
070790-1014,=HYPERLINK(1),Importsen,norrebro,SY,SY,,,,maybe
";

#[tokio::test]
async fn an_import_takes_the_good_rows_reports_the_bad_and_a_rerun_changes_nothing() {
    let app = spawn_app().await;
    // One of the CPRs is registered already, by another department.
    let sof = app.login("cw.sof").await.access;
    let existing = register(&app, &sof, &refugee("060690-1012", 30, &app)).await;

    let pool = owner_pool(&app);
    let vault = medborger::cpr::CprVault::new(&app.settings.cpr).unwrap();
    let mut seen = Vec::new();
    let summary = medborger::import::import_citizens(
        &pool,
        &vault,
        FILE.as_bytes(),
        "legacy.csv",
        "bif",
        false,
        chrono::Utc::now(),
        |done, total| seen.push((done, total)),
    )
    .await
    .unwrap();
    assert_eq!(summary.rows, 9);
    assert_eq!(summary.imported, 3);
    assert_eq!(summary.existing, 1);
    let refused: Vec<(u64, String)> = summary.rejected.iter().map(|r| (r.line, r.reason.clone())).collect();
    let lines: Vec<u64> = refused.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [4, 5, 6, 7, 10], "{refused:?}");
    assert!(refused[0].1.starts_with("cpr:"), "{refused:?}");
    assert!(refused[1].1.contains("atlantis"), "{refused:?}");
    assert!(refused[2].1.contains("given_name"), "{refused:?}");
    assert_eq!(refused[3].1, "the same CPR as line 2");
    assert!(refused[4].1.contains("interpreter_needed"));
    assert!(refused.iter().all(|(_, r)| !r.contains("1000")), "no CPR in the report");
    assert_eq!(seen.last(), Some(&(4, 4)), "progress reaches the end");

    // Imported as the API would have registered them, for BIF.
    let bif = app.login("cw.bif").await.access;
    let found = app.post_json("/api/v1/citizens/search", Some(&bif), &json!({"name": "Importsen"})).await;
    let page: Value = found.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let ali = app
        .post_json("/api/v1/citizens/search", Some(&bif), &json!({"cpr": "010190-1000"}))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let record = get_ok(&app, &format!("/api/v1/citizens/{}", id(&ali["items"][0])), &bif).await;
    assert_eq!(record["given_name"], "Ali");
    assert_eq!(record["origin"]["menapt"], true);
    assert_eq!(record["needs"], json!(["danish", "work_identity"]));
    assert_eq!(record["interpreter_needed"], true);
    // The existing citizen is unchanged, and now BIF's too.
    let (status, record) = get_json(&app, &format!("/api/v1/citizens/{}", id(&existing)), &bif).await;
    assert_eq!(status, 200);
    assert_eq!(record["given_name"], "Amina");
    let audited: i64 = app
        .db()
        .await
        .query_one("SELECT count(*) FROM audit_log WHERE action = 'create' AND resource_type = 'citizen' AND reason = 'import'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 3);
    let involved: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'create' AND resource_type = 'involvement'
                AND reason = 'import'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(involved, 1, "the existing citizen's new involvement is audited");

    // Again: nothing changes.
    let db = app.db().await;
    let counts = || async {
        let row = db
            .query_one(
                "SELECT (SELECT count(*) FROM citizens), (SELECT count(*) FROM involvements), (SELECT count(*) FROM audit_log WHERE action = 'create')",
                &[],
            )
            .await
            .unwrap();
        (row.get::<_, i64>(0), row.get::<_, i64>(1), row.get::<_, i64>(2))
    };
    let before = counts().await;
    let again = medborger::import::import_citizens(
        &pool,
        &vault,
        FILE.as_bytes(),
        "legacy.csv",
        "bif",
        false,
        chrono::Utc::now(),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!((again.imported, again.existing, again.rejected.len()), (0, 4, 5));
    assert_eq!(counts().await, before);

    // A dry run of a new file writes nothing.
    let dry = medborger::import::import_citizens(
        &pool,
        &vault,
        "cpr,given_name,family_name\n080890-1016,Ny,Borger\n".as_bytes(),
        "new.csv",
        "bif",
        true,
        chrono::Utc::now(),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(dry.imported, 1);
    assert_eq!(counts().await, before);

    // An unknown column stops the import before any row.
    let wrong = medborger::import::import_citizens(
        &pool,
        &vault,
        "cpr,given_name,family_name,shoe_size\n".as_bytes(),
        "x.csv",
        "bif",
        false,
        chrono::Utc::now(),
        |_, _| {},
    )
    .await;
    assert!(wrong.unwrap_err().to_string().contains("shoe_size"));

    // The report file neutralises formulas and holds line and reason only.
    let path = std::env::temp_dir().join(format!("medborger-report-{}.csv", uuid::Uuid::new_v4()));
    medborger::import::write_report(&path, &summary.rejected).unwrap();
    let report = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(report.starts_with("line,reason\n4,cpr:"), "{report}");
}
