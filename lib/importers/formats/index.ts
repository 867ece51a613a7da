import type { Format } from "../types";
import { awsCredentialReport } from "./aws";
import { azureServicePrincipals, gcpServiceAccountKeys, githubFineGrainedPats } from "./clouds";
import { genericCsv } from "./csv";
import { kubernetesServiceAccounts } from "./kubernetes";

/** Every format `steward import` and the Import page read, by name. */
export const FORMATS: Record<string, Format> = Object.fromEntries(
  [
    awsCredentialReport,
    kubernetesServiceAccounts,
    githubFineGrainedPats,
    gcpServiceAccountKeys,
    azureServicePrincipals,
    genericCsv,
  ].map((f) => [f.name, f]),
);
export const FORMAT_NAMES = Object.keys(FORMATS);
