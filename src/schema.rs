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
    login_throttle (username) {
        username -> Text,
        failures -> Int4,
        last_failure_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
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
    }
}

diesel::joinable!(teams -> departments (department));
diesel::joinable!(staff_users -> departments (department));
diesel::joinable!(staff_user_teams -> staff_users (user_id));
diesel::joinable!(staff_user_teams -> teams (team_id));
diesel::joinable!(sessions -> staff_users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(
    departments,
    teams,
    staff_users,
    staff_user_teams,
    login_throttle,
    sessions,
    refresh_tokens,
    audit_log,
);
