import { describe, expect, it } from "vitest";
import { plural, pluralWord } from "@/lib/format";
import { field, formValues, optionalText, text } from "./fields";

const form = new FormData();
form.append("email", "  ana@example.com ");
form.append("blank", "   ");
form.append("id", " 6f1c ");
form.append("upload", new Blob(["x"]), "x.txt");

describe("the action kit's form fields", () => {
  it("field: the text as sent, undefined when missing or a file", () => {
    expect(field(form, "email")).toBe("  ana@example.com ");
    expect(field(form, "missing")).toBeUndefined();
    expect(field(form, "upload")).toBeUndefined();
  });

  it("text and optionalText: trimmed, '' or undefined when empty; trim: false passes an id on as sent", () => {
    expect(text(form, "email")).toBe("ana@example.com");
    expect(text(form, "missing")).toBe("");
    expect(optionalText(form, "blank")).toBeUndefined();
    expect(optionalText(form, "missing")).toBeUndefined();
    expect(optionalText(form, "id", { trim: false })).toBe(" 6f1c ");
  });

  it("formValues: the text fields only", () => {
    expect(formValues(form)).toEqual({ email: "  ana@example.com ", blank: "   ", id: " 6f1c " });
  });
});

describe("plural", () => {
  it("counts with the right word, grouping thousands only when asked", () => {
    expect(plural(1, "identity", "identities")).toBe("1 identity");
    expect(plural(0, "identity", "identities")).toBe("0 identities");
    expect(plural(3, "day")).toBe("3 days");
    expect(plural(1234, "identity", "identities")).toBe("1234 identities");
    expect(plural(1234, "identity", "identities", { grouped: true })).toBe("1,234 identities");
    expect(pluralWord(1, "account was", "accounts were")).toBe("account was");
    expect(pluralWord(2, "account was", "accounts were")).toBe("accounts were");
  });
});
