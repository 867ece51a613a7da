import type { Page } from "@playwright/test";
import type { PersonaKey } from "../../lib/auth/personas";

/** The `as` fixture: a persona's signed-in page. */
export type As = (key: PersonaKey) => Promise<Page>;

/** `persona`'s signed-in page, opened at `url`. */
export async function openAs(as: As, persona: PersonaKey, url: string): Promise<Page> {
  const page = await as(persona);
  await page.goto(url);
  return page;
}
