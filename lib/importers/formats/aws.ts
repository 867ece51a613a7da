import type { Format, ImportRow, ParseError } from "../types";
import { instant, row, textOf, readCsv } from "./common";

// `aws iam generate-credential-report` then `get-credential-report`: a CSV with one row per IAM user
// (and `<root_account>`). Each active access key and signing certificate is a credential Steward
// governs: an identity bound to `<arn>#access_key_<n>` (the report does not carry the key's id).
const REQUIRED = [
  "user",
  "arn",
  "user_creation_time",
  "access_key_1_active",
  "access_key_1_last_rotated",
  "access_key_1_last_used_date",
  "access_key_2_active",
  "access_key_2_last_rotated",
  "access_key_2_last_used_date",
];

export const awsCredentialReport: Format = {
  name: "aws-credential-report",
  label: "AWS IAM credential report (CSV)",
  defaultSystem: "AWS (credential report)",
  systemKind: "aws_account",
  parse(text) {
    const errors: ParseError[] = [];
    const csv = readCsv(text);
    if ("error" in csv) return { rows: [], errors: [csv.error] };
    const { records, header } = csv;
    const missing = REQUIRED.filter((c) => !header.includes(c));
    if (missing.length)
      return {
        rows: [],
        errors: [{ line: 1, message: `Not a credential report: missing the columns ${missing.join(", ")}.` }],
      };
    const rows: ImportRow[] = [];
    for (const { record: r, info } of records) {
      const line = info.lines;
      const user = textOf(r.user, line, "user", errors, 200);
      const arn = textOf(r.arn, line, "arn", errors, 500);
      if (!user || !arn) {
        if (!user) errors.push({ line, message: "user is empty." });
        if (!arn) errors.push({ line, message: "arn is empty." });
        continue;
      }
      if (!/^arn:aws[a-z-]*:iam::\d{12}:(user\/.+|root)$/.test(arn)) {
        errors.push({ line, message: `arn is not an IAM user's ARN: "${arn.slice(0, 80)}".` });
        continue;
      }
      const root = user === "<root_account>";
      const created = instant(r.user_creation_time, line, "user_creation_time", errors);
      for (const n of [1, 2] as const) {
        const active = r[`access_key_${n}_active`];
        if (active !== "true" && active !== "false") {
          errors.push({ line, message: `access_key_${n}_active is "${active}", not true or false.` });
          continue;
        }
        if (active !== "true") continue;
        const service = textOf(r[`access_key_${n}_last_used_service`], line, "last used service", errors, 200);
        const region = textOf(r[`access_key_${n}_last_used_region`], line, "last used region", errors, 100);
        rows.push(
          row({
            line,
            externalId: `${arn}#access_key_${n}`,
            name: `${root ? "root" : user}/access-key-${n}`,
            kind: "api_key",
            createdAt: created,
            lastRotatedAt: instant(r[`access_key_${n}_last_rotated`], line, `access_key_${n}_last_rotated`, errors),
            lastUsedAt: instant(r[`access_key_${n}_last_used_date`], line, `access_key_${n}_last_used_date`, errors),
            purpose:
              service && service !== "N/A"
                ? `Last used with ${service}${region && region !== "N/A" ? ` in ${region}` : ""}.`
                : null,
            warnings: root
              ? ["An access key of the AWS root account: it can do anything in the account; AWS says to delete it."]
              : [],
          }),
        );
      }
      for (const n of [1, 2] as const) {
        if (r[`cert_${n}_active`] !== "true") continue;
        rows.push(
          row({
            line,
            externalId: `${arn}#cert_${n}`,
            name: `${root ? "root" : user}/signing-cert-${n}`,
            kind: "api_key",
            credentialType: "certificate",
            createdAt: created,
            lastRotatedAt: instant(r[`cert_${n}_last_rotated`], line, `cert_${n}_last_rotated`, errors),
            warnings: root ? ["A signing certificate of the AWS root account."] : [],
          }),
        );
      }
    }
    return { rows, errors };
  },
};
