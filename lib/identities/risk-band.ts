/** Risk bands, for colour and words: the one place the thresholds live (client-safe, no SQL). */
export function riskBand(score: number): "high" | "medium" | "low" {
  return score >= 60 ? "high" : score >= 30 ? "medium" : "low";
}
