// The door to lib/people: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/people" (eslint enforces it).
export {
  activePersonIdByEmail,
  listPeople,
  parsePeopleQuery,
  setPersonRoles,
  setPersonStatus,
  type PeopleQuery,
  type PersonDto,
} from "./people";
