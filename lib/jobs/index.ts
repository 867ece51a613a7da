// The door to lib/jobs: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/jobs" (eslint enforces it).
export { runDueJobs } from "./run";
export { startScheduler } from "./schedule";
export { runJobsNamed, testControlEnabled } from "./test-control";
export { BREAK_GLASS_TICK_MS } from "./schedule";
