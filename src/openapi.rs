//! The OpenAPI 3.1 document, generated from the handlers' annotations. The
//! security requirement and the error answers of each operation are derived
//! here from the policy table and the operation's shape, so the document
//! cannot disagree with what the gate enforces.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};
use utoipa::OpenApi as _;
use utoipa_actix_web::AppExt;

use crate::auth::policy::{self, Access};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "medborger",
        description = "Case management for Copenhagen's integration and citizenship work. \
            Errors are RFC 9457 problem documents (`application/problem+json`). \
            Sign in at `/api/v1/auth/login` and send the access token as `Authorization: Bearer …`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    servers((url = "/", description = "The service that serves this document")),
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::referrals::dto::ReferralDirection,
    )),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "organisation", description = "Departments"),
        (name = "admin", description = "Staff users and teams (admins only)"),
        (name = "citizens", description = "Citizens with integration needs, within the caller's reach"),
        (name = "programmes", description = "The programme catalogue"),
        (name = "enrolments", description = "Enrolments (forløb), their status, mentor and milestones"),
        (name = "notes", description = "The journal: append-only notes"),
        (name = "outcomes", description = "Outcome measurements"),
        (name = "caseload", description = "Open enrolments to work on"),
        (name = "audit", description = "The audit log and citizens' access logs"),
        (name = "access-grants", description = "Break-the-glass access and its review"),
        (name = "concerns", description = "Concerns to the restricted team (write-only for the informant)"),
        (name = "consents", description = "The citizen's consents, and the enrolment summaries they open to other departments"),
        (name = "reports", description = "Managers' and auditors' reports: caseload audit, deadlines, outcomes (JSON or CSV)"),
        (name = "referrals", description = "Referrals between departments: send, inbox, accept, decline, withdraw"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    )
)]
struct ApiDoc;

/// The document as the running service serves it.
pub fn document() -> OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::routes)
        .split_for_parts();
    finalize(api)
}

pub fn document_json() -> String {
    // Serialising the document cannot fail: it is plain data.
    let json = document().to_pretty_json().unwrap_or_default();
    // utoipa 5 writes a link's `operationId` as `operation_id`; no schema
    // has a property of that name (tests/api/ops.rs checks both).
    json.replace(LINK_OPERATION_ID_AS_WRITTEN, "\"operationId\": ") + "\n"
}

/// How utoipa writes `operationId` in a link (see [`document_json`]).
pub const LINK_OPERATION_ID_AS_WRITTEN: &str = "\"operation_id\": ";

fn finalize(mut api: OpenApi) -> OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("patch", &mut item.patch),
            ("put", &mut item.put),
            ("delete", &mut item.delete),
        ];
        for (verb, operation) in operations {
            if let Some(operation) = operation {
                if let Some(rule) = policy::rule_for(verb, path) {
                    describe(operation, verb, path, rule.access);
                }
            }
        }
    }
    name_page_items(components);
    link_operations(&mut api);
    api
}

/// What a created (or found) resource leads to: `(operation, status, the
/// parameters, the operationIds they lead to)`. OpenAPI links let a client,
/// and Schemathesis' stateful phase, follow create → read → act.
const LINKS: &[LinkRow] = &[
    (
        "post /api/v1/citizens",
        "201",
        BY_BODY_ID,
        &[
            "find_citizen",
            "update_citizen",
            "create_enrolment",
            "list_citizen_enrolments",
            "record_consent",
            "list_consents",
        ],
    ),
    ("post /api/v1/citizens/search", "200", &[("id", "$response.body#/items/0/id")], &["find_citizen"]),
    (
        "post /api/v1/citizens/{id}/enrolments",
        "201",
        BY_BODY_ID,
        &[
            "find_enrolment",
            "update_enrolment",
            "create_note",
            "list_notes",
            "create_outcome",
            "list_outcomes",
            "create_risk_assessment",
            "list_risk_assessments",
            "transition_enrolment",
            "assign_mentor",
        ],
    ),
    (
        "post /api/v1/citizens/{id}/enrolments",
        "201",
        &[("id", BODY_ID), ("milestone_id", "$response.body#/milestones/0/id")],
        &["meet_milestone", "waive_milestone"],
    ),
    ("post /api/v1/enrolments/{id}/notes", "201", BY_PATH_ID, &["list_notes"]),
    ("post /api/v1/enrolments/{id}/notes", "201", BY_BODY_ID, &["find_note"]),
    (
        "post /api/v1/citizens/{id}/consents",
        "201",
        &[("id", "$request.path.id"), ("consent_id", BODY_ID)],
        &["withdraw_consent"],
    ),
    ("post /api/v1/citizens/{id}/consents", "201", BY_PATH_ID, &["list_consents"]),
    (
        "post /api/v1/referrals",
        "201",
        BY_BODY_ID,
        &["find_referral", "accept_referral", "decline_referral", "withdraw_referral"],
    ),
    ("post /api/v1/concerns", "201", BY_BODY_ID, &["open_case"]),
    ("post /api/v1/access-grants", "201", BY_BODY_ID, &["review_grant"]),
    ("post /api/v1/admin/teams", "201", BY_BODY_ID, &["find_team", "update_team"]),
    ("post /api/v1/admin/users", "201", BY_BODY_ID, &["find_user", "update_user"]),
    ("post /api/v1/admin/programmes", "201", &[("code", "$response.body#/code")], &["update_programme"]),
];

/// `(operation, status, parameters, target operationIds)`.
type LinkRow = (&'static str, &'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);

const BODY_ID: &str = "$response.body#/id";
const BY_BODY_ID: &[(&str, &str)] = &[("id", BODY_ID)];
const BY_PATH_ID: &[(&str, &str)] = &[("id", "$request.path.id")];

fn link_operations(api: &mut OpenApi) {
    use utoipa::openapi::link::LinkBuilder;
    use utoipa::openapi::RefOr;
    for (operation, status, parameters, targets) in LINKS {
        let Some((verb, path)) = operation.split_once(' ') else {
            continue;
        };
        let Some(item) = api.paths.paths.get_mut(path) else {
            continue;
        };
        let op = match verb {
            "post" => item.post.as_mut(),
            "get" => item.get.as_mut(),
            _ => None,
        };
        let Some(RefOr::T(response)) = op.and_then(|op| op.responses.responses.get_mut(*status)) else {
            continue;
        };
        for target in *targets {
            let link = parameters
                .iter()
                .fold(LinkBuilder::new().operation_id(*target), |b, (name, value)| b.parameter(*name, *value))
                .build();
            response.links.insert(target.to_string(), link.into());
        }
    }
}

/// `Page<T>` is generated with `T` written out in its `items`; where `T` is
/// a component of its own, refer to it, so clients get one named type.
fn name_page_items(components: &mut utoipa::openapi::Components) {
    use utoipa::openapi::schema::{ArrayItems, Schema};
    use utoipa::openapi::RefOr;
    let named: Vec<(String, String)> = components
        .schemas
        .keys()
        .filter_map(|page| {
            let item = page.strip_prefix("Page_")?;
            components.schemas.contains_key(item).then(|| (page.clone(), item.to_string()))
        })
        .collect();
    for (page, item) in named {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(&page) {
            if let Some(RefOr::T(Schema::Array(array))) = object.properties.get_mut("items") {
                array.items = ArrayItems::RefOrSchema(Box::new(Ref::from_schema_name(item).into()));
            }
        }
    }
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            crate::error::PROBLEM_JSON,
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
}

/// The header every create takes: a retry with the same key and body
/// answers the first result (docs/design.md §6).
fn idempotency_key() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::path::ParameterBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::Required;
    ParameterBuilder::new()
        .name(crate::idempotency::HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: a request with a key you sent in the last 24 hours, to the same \
             operation with the same body, is not run again and answers the first result; the same \
             key with another request is 409. Keys are yours alone. Send a new key (e.g. a UUID) \
             for each new request, and the same key when you retry it.",
        ))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(128))))
        .build()
}

/// Actions on a resource whose state may already rule them out (409).
const RESOURCE_ACTIONS: &[&str] =
    &["/withdraw", "/accept", "/decline", "/review", "/met", "/waive", "/transitions", "/open", "/reassign"];

/// Creates whose body names a citizen they act on.
const NAMES_A_CITIZEN_IN_ITS_BODY: &[(&str, &str)] =
    &[("post", "/api/v1/access-grants"), ("post", "/api/v1/concerns"), ("post", "/api/v1/referrals")];

fn describe(op: &mut Operation, verb: &str, path: &str, access: Access) {
    let mut errors: Vec<(&str, &str)> = Vec::new();
    if access == Access::Public {
        // Stated, not left out: no token needed (`security: []`).
        op.security = Some(Vec::new());
    } else {
        op.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
        errors.push(("401", "No valid access token, or the user was deactivated or changed since it was issued"));
    }
    if matches!(access, Access::AnyRole(_)) {
        errors.push(("403", "The user's roles do not allow this"));
    }
    if path.contains('{') {
        errors.push(("404", "No such resource, or not one the caller may see"));
    } else if NAMES_A_CITIZEN_IN_ITS_BODY.contains(&(verb, path)) {
        errors.push(("404", "The body's `citizen_id` names no citizen, or not one the caller may see"));
    } else if (verb, path) == ("get", "/api/v1/caseload") {
        errors.push(("404", "A manager's `caseworker_id` names no caseworker of the department"));
    }
    let has_query = op.parameters.as_ref().is_some_and(|ps| ps.iter().any(|p| p.parameter_in == ParameterIn::Query));
    if op.request_body.is_some() || has_query {
        errors.push(("400", "Malformed request"));
        errors.push(("422", "Well-formed but invalid input; `errors` names the fields"));
    }
    if op.request_body.is_some() {
        errors.push(("413", "Body too large"));
        errors.push(("415", "Body is not application/json"));
    }
    if verb == "post" && op.responses.responses.contains_key("201") {
        // Every create, and only a create, answers 201 (crate::idempotency).
        op.parameters.get_or_insert_with(Vec::new).push(idempotency_key());
        errors.push(("409", "Conflicts with the current state, or the Idempotency-Key was used for another request"));
    }
    if verb == "post" && RESOURCE_ACTIONS.iter().any(|action| path.ends_with(action)) {
        errors.push(("409", "Conflicts with the resource's current state (already done, or no longer possible)"));
    }
    if verb == "patch" {
        errors.push(("412", "If-Match does not match the current ETag"));
        errors.push(("428", "If-Match is missing"));
    }
    if path.starts_with("/api/v1/admin/") && (verb == "post" || verb == "patch") {
        errors.push(("409", "Conflicts with the current state (a taken name, locking yourself out)"));
    }
    if path == "/api/v1/auth/refresh" {
        errors.push(("401", "Unknown, expired or already used refresh token (a reused one ends the session)"));
    }
    if path == "/api/v1/auth/login" {
        errors.push(("401", "Unknown user or wrong password (indistinguishable)"));
        errors.push(("429", "Too many failed attempts for this username; see Retry-After"));
    }
    if path != "/healthz" {
        errors.push(("503", "The database is unavailable or busy; retry"));
    }
    errors.push(("500", "Internal error (details only in the server log)"));
    for (status, description) in errors {
        op.responses.responses.entry(status.to_string()).or_insert_with(|| problem(description).into());
    }
}
