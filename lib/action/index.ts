// The action kit: every server action in app/**/actions.ts is built with actorAction.
export { actorAction, type ActionOptions, type Done, type Paths } from "./action";
export { field, fields, formValues, optionalText, text } from "./fields";
export type { ActionError, ActionResult, FormState } from "./result";
