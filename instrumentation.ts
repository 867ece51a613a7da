// Runs once when a server process starts: the lifecycle jobs are scheduled (pg-boss) unless
// STEWARD_JOBS=off. A failure to start them is logged, never fatal: pages keep working, and
// `steward jobs run` does the same work by hand.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.STEWARD_JOBS === "off") return;
  const [{ getConnection }, { startScheduler }] = await Promise.all([import("@/db"), import("@/lib/jobs")]);
  try {
    await startScheduler(getConnection());
  } catch (e) {
    console.error(`steward jobs: not started: ${e instanceof Error ? e.message : String(e)}`);
  }
}
