/**
 * Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) from an authenticator app:
 * SHA-1, 6 digits, 30-second steps, accepting the step before and after the current one for clock
 * drift. A code is accepted only for a step later than the last one accepted, so an overheard code
 * cannot be replayed within its window. Recovery codes are 16 random characters, shown once and
 * stored as SHA-256.
 */
import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { sha256 } from "../../lib/secrets.ts";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now that are accepted. */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "OpenPS";

/** A new random 160-bit secret, in base32 (what authenticator apps take when typed in). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = "OpenPS"): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The time step (30-second period since 1970) an instant falls in. */
export function totpStep(at: Date): number {
  return TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: at.getTime() });
}

/** The code an authenticator shows at this instant (tests and the demo use it). */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}

/** Spaces and hyphens people type are ignored. */
export function normaliseCode(code: string): string {
  return code.replaceAll(/[\s-]/g, "");
}

/**
 * The step of a valid code, or null. A code whose step is not after `lastStep` (already used, or
 * older than one already used) is refused.
 */
export function acceptTotp(
  secretBase32: string,
  code: string,
  at: Date,
  lastStep: number | null,
): number | null {
  const token = normaliseCode(code);
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secretBase32).validate({ token, timestamp: at.getTime(), window: TOTP_WINDOW });
  if (delta === null) return null;
  const step = totpStep(at) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, accountLabel: string): string {
  return totp(secretBase32, accountLabel).toString();
}

/** The QR code of an otpauth:// address as inline SVG (no script, no external image). */
export async function qrCodeSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** The secret in groups of four, for people who type it into their app. */
export function groupedSecret(secretBase32: string): string {
  return secretBase32.match(/.{1,4}/g)?.join(" ") ?? secretBase32;
}

/** Letters and digits that cannot be confused with each other (no 0/o, 1/l/i). */
const RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

/** A new recovery code like `k7mw-2xq9-vb3h-p4nd` (about 79 bits). */
export function newRecoveryCode(): string {
  const bytes = randomBytes(16);
  let code = "";
  for (let i = 0; i < 16; i++) {
    // 256 is not a multiple of 31: a slight bias, irrelevant at this length.
    code += RECOVERY_ALPHABET[(bytes[i] ?? 0) % RECOVERY_ALPHABET.length];
    if (i % 4 === 3 && i < 15) code += "-";
  }
  return code;
}

/** How a recovery code is stored and looked up: lower case, without spaces or hyphens, SHA-256. */
export function recoveryCodeHash(code: string): string {
  return sha256(`recovery:${normaliseCode(code).toLowerCase()}`);
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{16}$/i.test(normaliseCode(code));
}
