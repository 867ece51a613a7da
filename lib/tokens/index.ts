// The door to lib/tokens: API tokens, each an identity in the system "Steward". Modules inside the
// domain import each other directly; everything outside imports from "@/lib/tokens" (eslint enforces it).
export { authenticateToken } from "./authenticate";
export { createApiToken, issueApiTokenFor, tokenInputSchema, type CreatedToken, type TokenInput } from "./create";
export { myApiTokens, type TokenRow } from "./list";
export { STEWARD_SYSTEM, TOKEN_RESOURCE } from "./system";
export { TOKEN_PREFIX } from "./secret";
