"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { safeCallbackUrl, signIn } from "@/lib/auth";

// Only same-site paths may be a destination after sign-in (no open redirect).
const callbackUrl = z.unknown().transform(safeCallbackUrl);

const demoForm = z.object({ email: z.string().email(), callbackUrl });

export async function demoSignInAction(formData: FormData) {
  const parsed = demoForm.safeParse({ email: formData.get("email"), callbackUrl: formData.get("callbackUrl") ?? "/" });
  if (!parsed.success) redirect("/signin?error=CredentialsSignin");
  try {
    await signIn("demo", { email: parsed.data.email, redirectTo: parsed.data.callbackUrl });
  } catch (e) {
    // Success is a redirect (rethrown); a refusal becomes a message on the sign-in page.
    if (e instanceof AuthError) redirect(`/signin?error=${encodeURIComponent(e.type)}`);
    throw e;
  }
}

export async function oidcSignInAction(formData: FormData) {
  await signIn("oidc", { redirectTo: safeCallbackUrl(formData.get("callbackUrl")) });
}
