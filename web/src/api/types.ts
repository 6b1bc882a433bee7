// Names for the generated schema types (src/api/schema.d.ts, from
// openapi/openapi.json). Nothing here is written by hand: each is an alias.
import type { components } from "./schema";

type S = components["schemas"];
export type Me = S["MeResponse"];
export type TokenResponse = S["TokenResponse"];
export type CaseloadItem = S["CaseloadItem"];
export type CaseloadPage = S["CaseloadPage"];
export type Status = S["Status"];
export type Problem = S["Problem"];
export type FieldError = S["FieldError"];
export type CitizenSummary = S["CitizenSummary"];
export type SearchCitizensRequest = S["SearchCitizensRequest"];
export type RegisterCitizenRequest = S["RegisterCitizenRequest"];
export type CitizenView = S["CitizenView"];
export type MentorCitizenView = S["MentorCitizenView"];
export type CitizenResponse = S["CitizenResponse"];
export type EnrolmentView = S["EnrolmentView"];
export type EnrolmentSummary = S["EnrolmentSummary"];
export type MilestoneView = S["MilestoneView"];
export type NoteView = S["NoteView"];
export type NoteKind = S["NoteKind"];
export type CreateNoteRequest = S["CreateNoteRequest"];
export type Programme = S["Programme"];
export type District = S["District"];
export type Need = S["Need"];
export type DanishLevel = S["DanishLevel"];
export type EmploymentStatus = S["EmploymentStatus"];
export type ResidenceBasis = S["ResidenceBasis"];
export type CaseloadReport = S["CaseloadReport"];
export type CaseworkerLoad = S["CaseworkerLoad"];
export type TeamLoad = S["TeamLoad"];
export type ReassignRequest = S["ReassignRequest"];
export type Role = S["Role"];
export type RevealPurpose = S["RevealPurpose"];
export type StaffMember = S["StaffMember"];
