//! Bodies of the citizen endpoints, and their validation into [`CitizenData`].

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::AdditionalProperties;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

use super::codes::{DanishLevel, District, EmploymentStatus, Need, ResidenceBasis};
use super::origin::{self, Origin, OriginInput};
use crate::cpr::Sex;
use crate::error::FieldError;
use crate::org::dto::Errors;
use crate::schema::citizens;

/// `null` sets a field to unknown; an absent field stays as it is.
fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Register a citizen: the CPR and the record. The CPR number travels only
/// in bodies like this one, never in a URL. The record's fields are
/// [`CitizenData`]'s, beside `cpr` and `basis` in one object. Read with
/// [`RegisterCitizenRequest::parse`], not serde's `flatten`, so that a field
/// of the wrong type is named in the 422 (flatten loses the field's name).
#[derive(Serialize)]
pub struct RegisterCitizenRequest {
    cpr: String,
    basis: Option<KnownCprBasis>,
    data: CitizenData,
}

impl RegisterCitizenRequest {
    /// The body as sent: `cpr` and `basis` apart, the rest the record,
    /// where a field that the record does not have is refused.
    pub fn parse(mut body: serde_json::Map<String, serde_json::Value>) -> Result<Self, crate::error::ApiError> {
        #[derive(Deserialize)]
        struct Head {
            cpr: String,
            #[serde(default)]
            basis: Option<KnownCprBasis>,
        }
        let head: serde_json::Map<_, _> =
            ["cpr", "basis"].into_iter().filter_map(|k| body.remove(k).map(|v| (k.to_string(), v))).collect();
        let Head { cpr, basis } = crate::http::from_value(serde_json::Value::Object(head))?;
        // The record's fields are its schema's: refusing the rest here, not
        // by `deny_unknown_fields`, keeps the views that flatten the record open.
        static FIELDS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| match CitizenData::schema() {
            RefOr::T(Schema::Object(object)) => object.properties.into_keys().collect(),
            _ => Vec::new(),
        });
        if let Some(unknown) = body.keys().find(|k| !FIELDS.contains(k)) {
            return Err(crate::error::ApiError::invalid(
                unknown,
                "unknown_field",
                format!("unknown field `{unknown}`"),
            ));
        }
        let data = crate::http::from_value(serde_json::Value::Object(body))?;
        Ok(Self { cpr, basis, data })
    }
}

/// The document's schema of [`RegisterCitizenRequest`]: `cpr`, described
/// here, beside [`CitizenData`]'s fields, as one closed object.
#[derive(ToSchema)]
#[schema(description = "Register a citizen. The CPR number travels only in bodies like this one,\nnever in a URL.")]
#[allow(dead_code)] // read only by the schema derive
struct RegisterCitizenCpr {
    /// `ddmmyy-ssss` or ten digits.
    #[schema(example = "010190-1234")]
    cpr: String,
    /// Required when the CPR is already on file (422 without it): why your
    /// department is involved with this citizen. Knowing a CPR is not a
    /// basis; the registration is audited as `register_known` and listed for
    /// your department's managers.
    basis: Option<KnownCprBasis>,
}

impl PartialSchema for RegisterCitizenRequest {
    fn schema() -> RefOr<Schema> {
        let (RefOr::T(Schema::Object(mut own)), RefOr::T(Schema::Object(data))) =
            (RegisterCitizenCpr::schema(), CitizenData::schema())
        else {
            return RegisterCitizenCpr::schema();
        };
        own.properties.extend(data.properties);
        own.required.extend(data.required);
        own.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        RefOr::T(Schema::Object(own))
    }
}

impl ToSchema for RegisterCitizenRequest {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        CitizenData::schemas(schemas);
    }
}

/// Fields to change; `null` clears a field, an absent one stays.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct UpdateCitizenRequest {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub given_name: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub family_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<District>)]
    pub district: Option<Option<District>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub preferred_language: Option<Option<String>>,
    pub interpreter_needed: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub country_of_birth: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub citizenship: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub mother_country_of_birth: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub mother_citizenship: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub father_country_of_birth: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub father_citizenship: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub arrival_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub visitation_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ResidenceBasis>)]
    pub residence_basis: Option<Option<ResidenceBasis>>,
    pub needs: Option<Vec<Need>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<EmploymentStatus>)]
    pub employment_status: Option<Option<EmploymentStatus>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DanishLevel>)]
    pub danish_level: Option<Option<DanishLevel>>,
}

/// The editable part of a citizen record: as registered (the fields of
/// [`RegisterCitizenRequest`] beside the CPR), then validated; the same
/// fields are the row's columns (embedded in `CitizenRow`) and the view's
/// (flattened into [`CitizenView`]), so the list is written once.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = citizens, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
pub struct CitizenData {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub given_name: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub family_name: String,
    /// Digits, spaces and `+-()`; at most 40 characters.
    #[schema(max_length = 40, pattern = r"^[0-9 +()\-]*$")]
    pub phone: Option<String>,
    pub email: Option<String>,
    /// At most 400 characters; line breaks allowed, no other control characters.
    #[schema(max_length = 400, pattern = r"^[^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*$")]
    pub address: Option<String>,
    pub district: Option<District>,
    /// ISO 639-1 code, e.g. `ar`, `uk`, `so`.
    #[schema(pattern = r"^[a-z]{2,3}$")]
    pub preferred_language: Option<String>,
    #[serde(default)]
    pub interpreter_needed: bool,
    /// ISO 3166-1 alpha-2 codes; absent means unknown.
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub country_of_birth: Option<String>,
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub citizenship: Option<String>,
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub mother_country_of_birth: Option<String>,
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub mother_citizenship: Option<String>,
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub father_country_of_birth: Option<String>,
    #[schema(pattern = r"^[A-Z]{2}$")]
    pub father_citizenship: Option<String>,
    pub arrival_date: Option<NaiveDate>,
    /// The date the citizen was visited (boligplaceret) to Copenhagen.
    pub visitation_date: Option<NaiveDate>,
    pub residence_basis: Option<ResidenceBasis>,
    #[serde(default)]
    pub needs: Vec<Need>,
    pub employment_status: Option<EmploymentStatus>,
    pub danish_level: Option<DanishLevel>,
}

fn text(errors: &mut Errors, field: &str, value: &str, max: usize, required: bool) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            errors.push(FieldError::new(field, "required", "must not be empty"));
        }
        return None;
    }
    if value.chars().count() > max {
        errors.push(FieldError::new(field, "too_long", format!("must be at most {max} characters")));
        return None;
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(FieldError::new(field, "invalid", "must not contain control characters"));
        return None;
    }
    Some(value.to_string())
}

impl CitizenData {
    /// Checks every field; `today` bounds the dates.
    pub fn validate(mut self, birth_date: NaiveDate, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.given_name = text(&mut errors, "given_name", &self.given_name, 200, true).unwrap_or_default();
        self.family_name = text(&mut errors, "family_name", &self.family_name, 200, true).unwrap_or_default();
        self.phone = self.phone.as_deref().and_then(|p| text(&mut errors, "phone", p, 40, false));
        if let Some(p) = &self.phone {
            if !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
                errors.push(FieldError::new("phone", "invalid", "digits, spaces, + - ( ) only"));
            }
        }
        self.email = self.email.as_deref().and_then(|e| text(&mut errors, "email", e, 254, false));
        if let Some(e) = &self.email {
            let ok = e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.')) && !e.contains(' ');
            if !ok {
                errors.push(FieldError::new("email", "invalid", "is not an e-mail address"));
            }
        }
        self.address = self.address.as_deref().and_then(|a| text(&mut errors, "address", a, 400, false));
        if let Some(l) = &self.preferred_language {
            if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                errors.push(FieldError::new("preferred_language", "invalid", "an ISO 639-1 code such as ar or uk"));
            }
        }
        for (field, value) in [
            ("country_of_birth", &self.country_of_birth),
            ("citizenship", &self.citizenship),
            ("mother_country_of_birth", &self.mother_country_of_birth),
            ("mother_citizenship", &self.mother_citizenship),
            ("father_country_of_birth", &self.father_country_of_birth),
            ("father_citizenship", &self.father_citizenship),
        ] {
            if value.as_deref().is_some_and(|c| !origin::is_country_code(c)) {
                errors.push(FieldError::new(field, "invalid", "an ISO 3166-1 alpha-2 code such as DK or SY"));
            }
        }
        for (field, date) in [("arrival_date", self.arrival_date), ("visitation_date", self.visitation_date)] {
            if let Some(d) = date {
                if d < birth_date || d > today {
                    errors.push(FieldError::new(field, "out_of_range", "must lie between the birth date and today"));
                }
            }
        }
        if self.needs.len() > Need::ALL.len() {
            errors.push(FieldError::new("needs", "too_many", "each need at most once"));
        }
        self.needs.sort();
        self.needs.dedup();
        errors.into_result()?;
        Ok(self)
    }

    pub fn origin(&self) -> Option<Origin> {
        origin::classify(&OriginInput {
            country_of_birth: self.country_of_birth.as_deref(),
            citizenship: self.citizenship.as_deref(),
            mother_country_of_birth: self.mother_country_of_birth.as_deref(),
            mother_citizenship: self.mother_citizenship.as_deref(),
            father_country_of_birth: self.father_country_of_birth.as_deref(),
            father_citizenship: self.father_citizenship.as_deref(),
        })
    }

    /// Applies a PATCH body.
    pub fn apply(mut self, u: UpdateCitizenRequest) -> Self {
        macro_rules! set {
            ($($field:ident),*) => { $( if let Some(v) = u.$field { self.$field = v; } )* };
        }
        set!(
            given_name,
            family_name,
            phone,
            email,
            address,
            district,
            preferred_language,
            interpreter_needed,
            country_of_birth,
            citizenship,
            mother_country_of_birth,
            mother_citizenship,
            father_country_of_birth,
            father_citizenship,
            arrival_date,
            visitation_date,
            residence_basis,
            needs,
            employment_status,
            danish_level
        );
        self
    }
}

impl RegisterCitizenRequest {
    /// The CPR (still unparsed), the stated basis and the rest of the record.
    pub fn split(self) -> (String, Option<KnownCprBasis>, CitizenData) {
        (self.cpr, self.basis, self.data)
    }
}

/// Why a department registers a CPR that is already on file (DESIGN §4):
/// the citizen is in front of them, or the law or a letter puts them there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KnownCprBasis {
    /// The citizen is present and asks for the department's help.
    CitizenPresent,
    /// The citizen applied in writing.
    CitizenApplication,
    /// A statutory duty makes the department act.
    StatutoryDuty,
    /// Another authority referred the citizen by letter.
    ReferralByLetter,
}

impl crate::audit::Category for KnownCprBasis {
    fn code(&self) -> &'static str {
        self.as_str()
    }
}

impl KnownCprBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CitizenPresent => "citizen_present",
            Self::CitizenApplication => "citizen_application",
            Self::StatutoryDuty => "statutory_duty",
            Self::ReferralByLetter => "referral_by_letter",
        }
    }
}

/// The answer to registering a CPR already on file: the citizen's id and
/// what the caller sent, nothing that another department or a restricted
/// team recorded. The shared record is then `GET /citizens/{id}`.
#[derive(Serialize, ToSchema, Debug)]
pub struct KnownCitizenRegistered {
    pub id: Uuid,
    pub cpr_masked: String,
    pub already_registered: bool,
    pub basis: KnownCprBasis,
    /// The record as you sent it (validated).
    pub submitted: CitizenData,
}

/// What registering a CPR already on file answers (200): the record when
/// the citizen is already in your department's care, otherwise the receipt
/// of your department's new involvement. The two share no required field
/// set (the receipt's `submitted` and `already_registered` are its own).
#[derive(Serialize, ToSchema, Debug)]
#[serde(untagged)]
pub enum KnownCitizenAnswer {
    InYourCare(Box<CitizenView>),
    Involved(Box<KnownCitizenRegistered>),
}

/// A registration of a known CPR, for the department's managers to review.
#[derive(Serialize, ToSchema, Debug)]
pub struct KnownCprRegistrationView {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub registered_by: Uuid,
    pub basis: String,
    pub at: DateTime<Utc>,
}

/// The whole record, as a caseworker of an involved department sees it.
#[derive(Serialize, ToSchema, Debug)]
pub struct CitizenView {
    pub id: Uuid,
    /// `ddmmyy-****`; the whole number is revealed by `POST /citizens/{id}/cpr`.
    pub cpr_masked: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    #[serde(flatten)]
    pub data: CitizenData,
    /// docs/design.md §8; absent while the country of birth is unknown.
    pub origin: Option<Origin>,
    pub lifecycle: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a mentor sees of a mentee (docs/design.md §4): no CPR, no background.
#[derive(Serialize, ToSchema, Debug)]
pub struct MentorCitizenView {
    pub id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
}

/// `view` tells which: `full` (a caseworker's) or `mentor` (a mentor's).
#[derive(Serialize, ToSchema, Debug)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum CitizenResponse {
    Full(Box<CitizenView>),
    Mentor(MentorCitizenView),
}

/// A search hit.
#[derive(Serialize, ToSchema, Debug)]
pub struct CitizenSummary {
    pub id: Uuid,
    pub cpr_masked: String,
    pub given_name: String,
    pub family_name: String,
    pub district: Option<District>,
}

/// Why a caseworker needs the whole CPR number: a category from a fixed
/// list, recorded in the audit entry and told to the citizen in their access
/// log (DESIGN §5: never free text typed by staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevealPurpose {
    /// Checking the citizen's identity (in a meeting, on the phone).
    IdentityCheck,
    /// A letter or Digital Post to the citizen.
    Correspondence,
    /// A request to or from another authority (Udbetaling Danmark, SKAT, the police …).
    AuthorityContact,
    /// The citizen's own request (indsigt, a copy of their papers).
    CitizenRequest,
    /// Correcting the registration.
    RecordCorrection,
}

impl crate::audit::Category for RevealPurpose {
    fn code(&self) -> &'static str {
        self.as_str()
    }
}

impl RevealPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdentityCheck => "identity_check",
            Self::Correspondence => "correspondence",
            Self::AuthorityContact => "authority_contact",
            Self::CitizenRequest => "citizen_request",
            Self::RecordCorrection => "record_correction",
        }
    }
}

/// The body of a CPR reveal: the purpose is required (400 without it).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealCprRequest {
    pub purpose: RevealPurpose,
}

#[derive(Serialize, ToSchema)]
pub struct RevealedCpr {
    #[schema(example = "010190-1234")]
    pub cpr: String,
}

/// Either `cpr` alone (exact match), or any of the filters.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchCitizensRequest {
    pub cpr: Option<String>,
    /// Matches the start of the given or family name, case-insensitively.
    pub name: Option<String>,
    pub district: Option<District>,
    /// Citizens with an enrolment in this programme that the caller can see.
    pub programme: Option<String>,
    /// 1–200, default 50.
    #[schema(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[schema(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}
