// The test issuer's own pages (e2e/support/oidc-provider.mjs): sign-in, and how a page is sent.

export function escape(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Test IdP</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}[role=alert]{color:#a00}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export function loginPage(uid, { login = "", error = "" } = {}) {
  return page(
    "Sign in",
    `<h1>Sign in to Test IdP</h1>
<p>Any email address and any password will do.</p>
${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="login">Email</label>
  <input id="login" name="login" type="text" autocomplete="username" value="${escape(login)}" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <label for="subject">Subject (the account's id; the email when empty)</label>
  <input id="subject" name="subject" type="text">
  <label><input name="verified" type="checkbox" checked style="display:inline;width:auto"> Email verified</label>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Cancel</button></form>`,
  );
}

export async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

export function send(res, status, html) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(html);
}
