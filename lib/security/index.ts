// The door to lib/security: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/security" (eslint enforces it).
export { newNonce, originOf, securityHeaders, servedOverHttps } from "./headers";
