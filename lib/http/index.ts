// The door to lib/http: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/http" (eslint enforces it).
export { refuseUnreadableAction } from "./action-guard";
export { readCappedBody } from "./body";
export { isSameOriginRequest } from "./same-origin";
