/**
 * What every response must carry (src/http/security-headers.ts), and for a page, that nothing in it
 * needs the Content Security Policy loosened: no inline styles, and no inline script without the
 * response's nonce. `headerProblems` lists what is wrong (empty when all is well); the browser
 * tests' server checks every page it serves with it (browser.ts), the security suite every page
 * and JSON answer it asks for.
 */
export function headerProblems(
  headers: Record<string, string | string[] | number | undefined>,
  body?: string,
): string[] {
  const problems: string[] = [];
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(", ") : value === undefined ? undefined : String(value);
  };
  const expectHeader = (name: string, test: RegExp) => {
    const value = header(name);
    if (value === undefined || !test.test(value)) problems.push(`${name}: ${value ?? "(missing)"}`);
  };
  const csp = header("content-security-policy") ?? "";
  expectHeader("content-security-policy", /frame-ancestors 'none'/);
  for (const directive of [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ])
    if (!csp.includes(directive)) problems.push(`content-security-policy lacks ${directive}`);
  if (/'unsafe-inline'|'unsafe-eval'|\*/.test(csp)) problems.push(`content-security-policy is loose: ${csp}`);
  expectHeader("x-frame-options", /^DENY$/);
  expectHeader("x-content-type-options", /^nosniff$/);
  expectHeader("referrer-policy", /^no-referrer$/);
  expectHeader("permissions-policy", /camera=\(\)/);
  expectHeader("cross-origin-opener-policy", /^same-origin$/);
  const type = header("content-type") ?? "";
  if (body !== undefined && type.startsWith("text/html")) {
    const nonce = /script-src [^;]*'nonce-([^']+)'/.exec(csp)?.[1];
    if (/<style[\s>]/i.test(body)) problems.push("an inline <style> element");
    const styled = /<[a-z][^>]*\sstyle\s*=/i.exec(body);
    if (styled) problems.push(`an inline style attribute: ${styled[0].slice(0, 80)}`);
    for (const script of body.matchAll(/<script\b([^>]*)>/gi)) {
      const attributes = script[1] ?? "";
      if (/\ssrc\s*=/.test(attributes)) continue;
      if (!nonce || !attributes.includes(`nonce="${nonce}"`))
        problems.push(`an inline script without the response's nonce: ${script[0]}`);
    }
  }
  return problems;
}
