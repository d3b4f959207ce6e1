/**
 * The OWASP set of response headers, on every response (@fastify/helmet):
 * - a Content Security Policy that allows only the service's own assets: scripts from this origin
 *   and the one inline script of the GOV.UK template, by a nonce made for each response
 *   (`reply.cspNonce.script`, given to the layout as `cspNonce`); no inline styles, no plugins, no
 *   other origins; forms post only here; no page may be framed (`frame-ancestors 'none'`, and
 *   `X-Frame-Options: DENY` for older browsers);
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, the cross-origin opener and
 *   resource policies, and a `Permissions-Policy` that turns off the browser features the service
 *   never uses;
 * - `Strict-Transport-Security` (two years, subdomains) when the site is served over https
 *   (`OPENPS_BASE_URL`), and `upgrade-insecure-requests` with it.
 */
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/** Browser features OpenPS never uses, turned off for its pages and anything they load. */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "publickey-credentials-get=()",
  "screen-wake-lock=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  const https = app.deps.config.baseUrl.startsWith("https://");
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        ...(https ? { "upgrade-insecure-requests": [] } : {}),
      },
    },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    strictTransportSecurity: https ? { maxAge: 63_072_000, includeSubDomains: true } : false,
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("permissions-policy", PERMISSIONS_POLICY);
  });
}
