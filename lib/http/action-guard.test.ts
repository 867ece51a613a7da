import { describe, expect, it } from "vitest";
import { ACTION_BODY_LIMIT, refuseUnreadableAction } from "./action-guard";

const HOST = "steward.example";
const BOUNDARY = "----b";
const form = (fields: Record<string, string>, end = "\r\n") =>
  Object.entries(fields)
    .map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join("") + `--${BOUNDARY}--${end}`;

function post(path: string, body: string, headers: Record<string, string>): [Request, string] {
  return [new Request(`http://${HOST}${path}`, { method: "POST", body, headers: { host: HOST, ...headers } }), path];
}
const multipart = { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, origin: `http://${HOST}` };
const fetchAction = {
  "next-action": "60ce8bf55aed0507bae287d8a3b72d157f07562e48",
  "content-type": "text/plain;charset=UTF-8",
  origin: `http://${HOST}`,
};

describe("server-action requests Next.js would answer with a 500", () => {
  it("lets well-formed forms and fetch actions through, and anything that is not an action", async () => {
    expect(
      await refuseUnreadableAction(...post("/requests/new", form({ $ACTION_KEY: "k", name: "svc-a" }), multipart)),
    ).toBeNull();
    expect(await refuseUnreadableAction(...post("/requests/new", JSON.stringify(["$K1"]), fetchAction))).toBeNull();
    // No Origin: not a browser; Next lets it through and so does this.
    expect(
      await refuseUnreadableAction(
        ...post("/requests/new", form({ a: "b" }), { "content-type": multipart["content-type"] }),
      ),
    ).toBeNull();
    expect(
      await refuseUnreadableAction(
        ...post("/identities/export", "q=x", { "content-type": "application/x-www-form-urlencoded" }),
      ),
    ).toBeNull();
    expect(
      await refuseUnreadableAction(
        ...post("/api/v1/connectors/webhook/callback", "garbage", { ...multipart, origin: "http://elsewhere.example" }),
      ),
    ).toBeNull();
  });

  it("refuses a multipart body that does not parse with 400 (no closing CRLF, no boundary, garbage)", async () => {
    for (const [body, type] of [
      [form({ name: "svc-a" }, "\r"), multipart["content-type"]],
      ["x", "multipart/form-data"],
      ["garbage", multipart["content-type"]],
    ] as const) {
      const refused = await refuseUnreadableAction(
        ...post("/requests/new", body, { ...multipart, "content-type": type }),
      );
      expect(refused?.status).toBe(400);
      expect(await refused?.text()).toBe("That form could not be read.");
    }
  });

  it("refuses a fetch action whose text body is not JSON with 400, and a multipart one that does not parse", async () => {
    expect((await refuseUnreadableAction(...post("/requests/new", "{garbage", fetchAction)))?.status).toBe(400);
    expect(
      (
        await refuseUnreadableAction(
          ...post("/requests/new", "garbage", { ...fetchAction, "content-type": multipart["content-type"] }),
        )
      )?.status,
    ).toBe(400);
  });

  it("refuses another site's form with 403 and a body over 1 MB with 413", async () => {
    for (const origin of ["http://elsewhere.example", "null", "not a url"]) {
      expect(
        (await refuseUnreadableAction(...post("/signin", form({ a: "b" }), { ...multipart, origin })))?.status,
      ).toBe(403);
    }
    const big = form({ purpose: "a".repeat(ACTION_BODY_LIMIT) });
    const refused = await refuseUnreadableAction(...post("/requests/new", big, multipart));
    expect(refused?.status).toBe(413);
    expect(await refused?.text()).toBe("That form is too large (at most 1 MB).");
  });

  it("leaves the request's own body unread for Next", async () => {
    const [request, path] = post("/requests/new", form({ name: "svc-a" }), multipart);
    expect(await refuseUnreadableAction(request, path)).toBeNull();
    expect((await request.formData()).get("name")).toBe("svc-a");
  });
});

describe("the proxy", () => {
  it("answers those requests itself, with its headers, before Next.js reads them; a good form goes on", async () => {
    const { NextRequest } = await import("next/server");
    const { proxy } = await import("@/proxy");
    // Signed in (any session cookie: the proxy only sends cookieless visitors to sign-in), so without
    // the guard each of these goes on to Next.js.
    const at = (body: string, headers: Record<string, string>) =>
      new NextRequest(`http://${HOST}/requests/new`, {
        method: "POST",
        body,
        headers: { host: HOST, cookie: "authjs.session-token=x", ...headers },
      });

    const unreadable = await proxy(at(form({ name: "svc-a" }, "\r"), multipart));
    expect(unreadable.status).toBe(400);
    expect(unreadable.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await proxy(at(form({ a: "b" }), { ...multipart, origin: "http://elsewhere.example" }))).status).toBe(403);

    const good = await proxy(at(form({ name: "svc-a" }), multipart));
    expect(good.status).toBe(200);
    expect(good.headers.get("x-middleware-next")).toBe("1");
  });
});
