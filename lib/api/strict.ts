import { z } from "zod";

/**
 * A domain's input schema as the API's body schema: every object strict (an unknown field is a 400
 * naming it, not silently dropped), through discriminated unions. The domain's own refinements and
 * messages are kept; the domain parses the body again when it is called.
 */
export function strict(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) return schema.strict();
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const def = schema._zod.def;
    return z.discriminatedUnion(
      def.discriminator,
      def.options.map((o) => strict(o as z.ZodType)) as unknown as [z.ZodObject, ...z.ZodObject[]],
      { error: def.error as never },
    );
  }
  return schema;
}

/** Some fields of an object schema (refined or not), as a strict object of their own. */
export function strictPick<S extends z.ZodObject, K extends keyof S["shape"] & string>(schema: S, keys: K[]) {
  return z.strictObject(Object.fromEntries(keys.map((k) => [k, schema.shape[k]])) as Pick<S["shape"], K>);
}
