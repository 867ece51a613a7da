// The door to lib/break-glass: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/break-glass" (eslint enforces it).
export { completePostUseReview, decideBreakGlass, endBreakGlass } from "./change";
export { runBreakGlassClock, tickBreakGlass } from "./clock";
export {
  breakGlassBoard,
  breakGlassSummary,
  getBreakGlass,
  type BreakGlassBoard,
  type BreakGlassDetail,
  type BreakGlassSummary,
  type BreakGlassView,
} from "./read";
export { requestBreakGlass } from "./request";
export { breakGlassInputSchema } from "./input";
