// Mirrors the migrations under `migrations/`; keep it in step with them
// (`diesel print-schema` output, written out because diesel_cli needs libpq).

diesel::table! {
    departments (code) {
        code -> Text,
        name_da -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    teams (id) {
        id -> Uuid,
        department -> Text,
        name -> Text,
        restricted -> Bool,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    staff_users (id) {
        id -> Uuid,
        username -> Text,
        full_name -> Text,
        department -> Text,
        roles -> Array<Text>,
        password_hash -> Text,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    staff_user_teams (user_id, team_id) {
        user_id -> Uuid,
        team_id -> Uuid,
    }
}

diesel::table! {
    login_throttle (username, source) {
        username -> Text,
        failures -> Int4,
        last_failure_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        source -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Bytea,
        session_id -> Uuid,
        issued_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        actor_id -> Nullable<Uuid>,
        actor_department -> Nullable<Text>,
        actor_roles -> Array<Text>,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        citizen_id -> Nullable<Uuid>,
        reason -> Nullable<Text>,
        request_id -> Nullable<Text>,
        outcome -> Text,
        restricted_team_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    citizens (id) {
        id -> Uuid,
        cpr_ciphertext -> Nullable<Bytea>,
        cpr_key_id -> Nullable<Text>,
        cpr_hash -> Nullable<Bytea>,
        birth_date -> Date,
        sex -> Text,
        given_name -> Text,
        family_name -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        address -> Nullable<Text>,
        district -> Nullable<Text>,
        preferred_language -> Nullable<Text>,
        interpreter_needed -> Bool,
        country_of_birth -> Nullable<Text>,
        citizenship -> Nullable<Text>,
        mother_country_of_birth -> Nullable<Text>,
        mother_citizenship -> Nullable<Text>,
        father_country_of_birth -> Nullable<Text>,
        father_citizenship -> Nullable<Text>,
        arrival_date -> Nullable<Date>,
        visitation_date -> Nullable<Date>,
        residence_basis -> Nullable<Text>,
        needs -> Array<Text>,
        employment_status -> Nullable<Text>,
        danish_level -> Nullable<Text>,
        origin_group -> Nullable<Text>,
        origin_country -> Nullable<Text>,
        origin_region -> Nullable<Text>,
        menapt -> Bool,
        etnisk_minoritetsbaggrund -> Bool,
        lifecycle -> Text,
        legal_hold -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    involvements (id) {
        id -> Uuid,
        citizen_id -> Uuid,
        department -> Text,
        restricted_team_id -> Nullable<Uuid>,
        basis -> Text,
        since -> Timestamptz,
    }
}

diesel::table! {
    programmes (code) {
        code -> Text,
        name_da -> Text,
        name_en -> Text,
        department -> Text,
        restricted -> Bool,
        requires_mentor -> Bool,
        requires_consent -> Bool,
        eligibility_notes -> Text,
        max_duration_months -> Nullable<Int4>,
        active -> Bool,
        version -> Int4,
    }
}

diesel::table! {
    milestone_rules (programme_code, code) {
        programme_code -> Text,
        code -> Text,
        name_da -> Text,
        name_en -> Text,
        anchor -> Text,
        offset_months -> Int4,
        offset_days -> Int4,
        position -> Int4,
    }
}

diesel::table! {
    enrolments (id) {
        id -> Uuid,
        citizen_id -> Uuid,
        programme_code -> Text,
        department -> Text,
        restricted -> Bool,
        team_id -> Uuid,
        responsible_caseworker_id -> Uuid,
        mentor_id -> Nullable<Uuid>,
        mentor_assigned_at -> Nullable<Timestamptz>,
        status -> Text,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        goals -> Text,
        last_note_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    enrolment_transitions (id) {
        id -> Uuid,
        enrolment_id -> Uuid,
        from_status -> Text,
        to_status -> Text,
        reason -> Text,
        actor_id -> Uuid,
        at -> Timestamptz,
    }
}

diesel::table! {
    milestones (id) {
        id -> Uuid,
        enrolment_id -> Uuid,
        code -> Text,
        name_da -> Text,
        name_en -> Text,
        due_date -> Date,
        met_on -> Nullable<Date>,
        waived_reason -> Nullable<Text>,
        closed_by -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    notes (id) {
        id -> Uuid,
        enrolment_id -> Uuid,
        citizen_id -> Uuid,
        author_id -> Uuid,
        kind -> Text,
        occurred_at -> Timestamptz,
        text -> Text,
        measures -> Jsonb,
        shared_with_mentor -> Bool,
        supersedes -> Nullable<Uuid>,
        correction_reason -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    outcomes (id) {
        id -> Uuid,
        enrolment_id -> Uuid,
        citizen_id -> Uuid,
        measurement_point -> Text,
        measured_on -> Date,
        employment_status -> Text,
        weekly_hours -> Nullable<Float4>,
        self_supporting -> Bool,
        in_education -> Bool,
        danish_level -> Nullable<Text>,
        recorded_by -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_seals (id) {
        id -> Int8,
        window_start -> Timestamptz,
        window_end -> Timestamptz,
        entry_ids -> Array<Int8>,
        entry_digests -> Bytea,
        prev_hash -> Bytea,
        hash -> Bytea,
        sealed_at -> Timestamptz,
    }
}

diesel::table! {
    access_grants (id) {
        id -> Uuid,
        user_id -> Uuid,
        department -> Text,
        citizen_id -> Uuid,
        reason -> Text,
        granted_at -> Timestamptz,
        expires_at -> Timestamptz,
        reviewed_by -> Nullable<Uuid>,
        reviewed_at -> Nullable<Timestamptz>,
        review_comment -> Nullable<Text>,
    }
}

diesel::table! {
    risk_assessments (id) {
        id -> Uuid,
        enrolment_id -> Uuid,
        citizen_id -> Uuid,
        level -> Text,
        assessed_at -> Timestamptz,
        summary -> Text,
        author_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    concerns (id) {
        id -> Uuid,
        citizen_id -> Uuid,
        team_id -> Uuid,
        filed_by -> Uuid,
        filer_department -> Text,
        text -> Text,
        signs -> Array<Text>,
        received_at -> Timestamptz,
        opened_enrolment_id -> Nullable<Uuid>,
        handled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    consents (id) {
        id -> Uuid,
        citizen_id -> Uuid,
        purpose -> Text,
        departments -> Array<Text>,
        given_at -> Timestamptz,
        expires_at -> Timestamptz,
        document_reference -> Text,
        recorded_by -> Uuid,
        recorded_department -> Text,
        recorded_at -> Timestamptz,
        withdrawn_at -> Nullable<Timestamptz>,
        withdrawn_by -> Nullable<Uuid>,
        withdrawal_reason -> Nullable<Text>,
    }
}

diesel::table! {
    referrals (id) {
        id -> Uuid,
        citizen_id -> Uuid,
        programme_code -> Text,
        from_department -> Text,
        to_department -> Text,
        sent_by -> Uuid,
        sent_at -> Timestamptz,
        reason -> Text,
        consent_id -> Nullable<Uuid>,
        legal_basis -> Nullable<Text>,
        status -> Text,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        decision_reason -> Nullable<Text>,
        enrolment_id -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
        version -> Int4,
    }
}

diesel::table! {
    known_cpr_registrations (id) {
        id -> Uuid,
        citizen_id -> Uuid,
        department -> Text,
        registered_by -> Uuid,
        basis -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    citizen_restricted_data (citizen_id, team_id) {
        citizen_id -> Uuid,
        team_id -> Uuid,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        address -> Nullable<Text>,
        needs -> Array<Text>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    idempotent_requests (actor_id, key) {
        actor_id -> Uuid,
        key -> Text,
        fingerprint -> Bytea,
        created_at -> Timestamptz,
        status -> Nullable<Int2>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body -> Nullable<Text>,
        replay_entry -> Nullable<Jsonb>,
        citizen_id -> Nullable<Uuid>,
    }
}

diesel::joinable!(teams -> departments (department));
diesel::joinable!(staff_users -> departments (department));
diesel::joinable!(staff_user_teams -> staff_users (user_id));
diesel::joinable!(staff_user_teams -> teams (team_id));
diesel::joinable!(sessions -> staff_users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(involvements -> citizens (citizen_id));
diesel::joinable!(enrolments -> citizens (citizen_id));
diesel::joinable!(enrolments -> programmes (programme_code));
diesel::joinable!(milestones -> enrolments (enrolment_id));
diesel::joinable!(notes -> enrolments (enrolment_id));
diesel::joinable!(outcomes -> enrolments (enrolment_id));
diesel::joinable!(milestone_rules -> programmes (programme_code));
diesel::joinable!(enrolment_transitions -> enrolments (enrolment_id));
diesel::joinable!(referrals -> citizens (citizen_id));
diesel::joinable!(consents -> citizens (citizen_id));

diesel::allow_tables_to_appear_in_same_query!(
    departments,
    teams,
    staff_users,
    staff_user_teams,
    login_throttle,
    sessions,
    refresh_tokens,
    access_grants,
    audit_log,
    audit_seals,
    citizens,
    concerns,
    consents,
    involvements,
    referrals,
    programmes,
    milestone_rules,
    risk_assessments,
    enrolments,
    enrolment_transitions,
    milestones,
    notes,
    outcomes,
    known_cpr_registrations,
    citizen_restricted_data,
);

diesel::table! {
    enrolment_reassignments (id) {
        id -> Uuid,
        enrolment_id -> Uuid,
        from_caseworker_id -> Nullable<Uuid>,
        to_caseworker_id -> Uuid,
        reason -> Text,
        reassigned_by -> Uuid,
        at -> Timestamptz,
    }
}
