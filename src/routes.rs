//! Every route the service answers, in one list. Each needs a rule in
//! `auth::policy` (a test fails otherwise). The top of the module graph:
//! it imports every resource, and only `startup` and `openapi` import it.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    access_grants, audit_log, auth, caseload, citizens, concerns, consents, enrolments, health, notes, org, outcomes,
    programmes, referrals, reports, risk_assessments,
};

/// Every route the service answers. Each needs a rule in `auth::policy`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(health::openapi_json)
        .service(
            scope::scope("/api/v1")
                .service(auth::handlers::login)
                .service(auth::handlers::refresh)
                .service(auth::handlers::logout)
                .service(auth::handlers::me)
                .service(org::handlers::list_departments)
                .service(org::handlers::list_staff)
                .service(org::handlers::list_users)
                .service(org::handlers::create_user)
                .service(org::handlers::find_user)
                .service(org::handlers::update_user)
                .service(org::handlers::list_teams)
                .service(org::handlers::create_team)
                .service(org::handlers::find_team)
                .service(org::handlers::update_team)
                .service(citizens::handlers::register_citizen)
                .service(citizens::handlers::search_citizens)
                .service(citizens::handlers::find_citizen)
                .service(citizens::handlers::update_citizen)
                .service(citizens::handlers::reveal_cpr)
                .service(citizens::handlers::list_known_registrations)
                .service(programmes::handlers::list_programmes)
                .service(programmes::handlers::create_programme)
                .service(programmes::handlers::update_programme)
                .service(enrolments::handlers::create_enrolment)
                .service(enrolments::handlers::list_citizen_enrolments)
                .service(enrolments::handlers::find_enrolment)
                .service(enrolments::handlers::update_enrolment)
                .service(enrolments::handlers::transition_enrolment)
                .service(enrolments::handlers::assign_mentor)
                .service(enrolments::handlers::meet_milestone)
                .service(enrolments::handlers::waive_milestone)
                .service(notes::handlers::create_note)
                .service(notes::handlers::list_notes)
                .service(notes::handlers::find_note)
                .service(outcomes::handlers::create_outcome)
                .service(outcomes::handlers::list_outcomes)
                .service(risk_assessments::handlers::create_risk_assessment)
                .service(risk_assessments::handlers::list_risk_assessments)
                .service(caseload::handlers::caseload)
                .service(audit_log::handlers::list_audit)
                .service(audit_log::handlers::citizen_access_log)
                .service(access_grants::handlers::create_grant)
                .service(access_grants::handlers::list_grants)
                .service(access_grants::handlers::review_grant)
                .service(concerns::handlers::file_concern)
                .service(concerns::handlers::list_concerns)
                .service(concerns::handlers::open_case)
                .service(consents::handlers::record_consent)
                .service(consents::handlers::list_consents)
                .service(consents::handlers::withdraw_consent)
                .service(consents::handlers::enrolment_summaries)
                .service(referrals::handlers::send_referral)
                .service(referrals::handlers::list_referrals)
                .service(referrals::handlers::find_referral)
                .service(referrals::handlers::accept_referral)
                .service(referrals::handlers::decline_referral)
                .service(referrals::handlers::withdraw_referral)
                .service(citizens::export::export_citizen)
                .service(citizens::legal_hold::set_legal_hold)
                .service(reports::handlers::caseload_report)
                .service(reports::handlers::reassign)
                .service(reports::handlers::deadlines_report)
                .service(reports::handlers::outcomes_report),
        );
}
