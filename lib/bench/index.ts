// The door to lib/bench: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/bench" (eslint enforces it).
export { benchInventory } from "./inventory";
export { benchRequests } from "./requests";
export { benchRevoke } from "./revoke";
export { benchCampaign } from "./campaign";
export { benchBreakGlass } from "./break-glass";
export { benchIngest } from "./ingest";
