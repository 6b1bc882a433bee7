// The API's code lists, in the order the forms offer them. The values are the
// generated enum types; TypeScript checks that each is one the API knows.
import type { DanishLevel, District, EmploymentStatus, Need, NoteKind, ResidenceBasis, Status } from "../api/types";

export const DISTRICTS: District[] = [
  "indre_by", "osterbro", "norrebro", "vesterbro_kongens_enghave", "valby",
  "vanlose", "bronshoj_husum", "bispebjerg", "amager_ost", "amager_vest",
];
export const NEEDS: Need[] = [
  "health", "danish", "qualifications", "work_identity", "cultural_challenges", "negative_social_control", "social_family",
];
export const DANISH_LEVELS: DanishLevel[] = ["none", "a1", "a2", "b1", "b2", "c1", "c2"];
export const EMPLOYMENT: EmploymentStatus[] = [
  "unemployed", "wage_employment", "self_employed", "education", "outside_labour_force", "unknown",
];
export const RESIDENCE: ResidenceBasis[] = ["refugee", "family_reunification", "ukraine_special_act", "work", "study", "other"];
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
