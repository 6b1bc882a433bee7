// The API's code lists, in the order the forms offer them. The values are the
// generated enum types; TypeScript checks that each is one the API knows.
import type { DanishLevel, District, EmploymentStatus, Need, NoteKind, ResidenceBasis, Status } from "../api/types";

export const DISTRICTS: District[] = [
  "IndreBy", "Osterbro", "Norrebro", "VesterbroKongensEnghave", "Valby",
  "Vanlose", "BronshojHusum", "Bispebjerg", "AmagerOst", "AmagerVest",
];
export const NEEDS: Need[] = [
  "Health", "Danish", "Qualifications", "WorkIdentity", "CulturalChallenges", "NegativeSocialControl", "SocialFamily",
];
export const DANISH_LEVELS: DanishLevel[] = ["None", "A1", "A2", "B1", "B2", "C1", "C2"];
export const EMPLOYMENT: EmploymentStatus[] = [
  "Unemployed", "WageEmployment", "SelfEmployed", "Education", "OutsideLabourForce", "Unknown",
];
export const RESIDENCE: ResidenceBasis[] = ["Refugee", "FamilyReunification", "UkraineSpecialAct", "Work", "Study", "Other"];
export const NOTE_KINDS: NoteKind[] = [
  "meeting", "phone", "home_visit", "internship_follow_up", "language_progress", "mentor_session", "parent_contact", "other",
];

/** The status moves the API allows (DESIGN: referred → active ⇄ paused → completed | dropped_out | cancelled). */
export function allowedMoves(from: Status): Status[] {
  switch (from) {
    case "referred": return ["active", "cancelled"];
    case "active": return ["paused", "completed", "dropped_out", "cancelled"];
    case "paused": return ["active", "completed", "dropped_out", "cancelled"];
    default: return [];
  }
}
