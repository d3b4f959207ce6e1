/**
 * Passwords: the rules a new password must meet, and hashing with Argon2id (Node 24's built-in
 * `crypto.argon2`).
 *
 * Rules (NCSC and NIST SP 800-63B): at least 12 characters, at most 256, not a commonly used
 * password, not the email address; no composition rules (no "one capital, one symbol").
 *
 * Hashes are PHC strings, `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, so the parameters travel
 * with each hash: raise `ARGON2_PARAMETERS` and `needsRehash` says which stored hashes to replace
 * (done at the next successful sign-in). Verification recomputes the hash with the stored
 * parameters and compares in constant time.
 */
import { argon2, randomBytes, timingSafeEqual } from "node:crypto";
import type { FieldError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** OWASP's recommended minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_PARAMETERS = { memory: 19_456, passes: 2, parallelism: 1 } as const;
const SALT_BYTES = 16;
const TAG_BYTES = 32;
const ARGON2_VERSION = 19;

/**
 * Passwords of 12 characters or more found near the top of breached-password lists. Short ones
 * are already refused by the length rule. Compared without regard to case.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "123456789012",
  "1234567890123",
  "12345678901234",
  "123456789abc",
  "123123123123",
  "000000000000",
  "111111111111",
  "121212121212",
  "abc123456789",
  "abcdefghijkl",
  "abcd1234abcd",
  "password1234",
  "password12345",
  "password123456",
  "password123!",
  "passwordpassword",
  "passw0rd1234",
  "p@ssw0rd1234",
  "p@ssword1234",
  "qwerty123456",
  "qwerty1234567",
  "qwertyqwerty",
  "qwertyuiop12",
  "qwertyuiop123",
  "qwertyuiopas",
  "1q2w3e4r5t6y",
  "1qaz2wsx3edc",
  "zaq12wsxcde3",
  "asdfghjkl123",
  "asdfasdfasdf",
  "iloveyou1234",
  "letmein12345",
  "welcome12345",
  "welcome123456",
  "changeme1234",
  "administrator",
  "adminadmin12",
  "football1234",
  "baseball1234",
  "monkey123456",
  "sunshine1234",
  "princess1234",
  "dragon123456",
  "superman1234",
  "trustno1trustno1",
  "correcthorsebatterystaple",
  "liverpool1234",
  "chelsea123456",
  "arsenal123456",
  "manchesterunited",
  "unitedkingdom",
  "greatbritain",
  "passwordopenps",
  "openps123456",
  "openpsopenps",
]);

/** Unicode passwords are compared in one normal form, whatever keyboard typed them. */
export function normalisePassword(password: string): string {
  return password.normalize("NFKC");
}

/** What is wrong with a new password, as form errors on `field` (none when it is acceptable). */
export function passwordProblems(password: string, email: string, field = "password"): FieldError[] {
  const normal = normalisePassword(password);
  const length = [...normal].length;
  if (length === 0) return [{ field, message: msg`Enter a password` }];
  if (length < PASSWORD_MIN_LENGTH) {
    return [{ field, message: msg`Password must be ${PASSWORD_MIN_LENGTH} characters or more` }];
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return [{ field, message: msg`Password must be ${PASSWORD_MAX_LENGTH} characters or fewer` }];
  }
  const lower = normal.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/u.test(lower)) {
    return [{ field, message: msg`This password is too common. Choose one that is harder to guess` }];
  }
  if (email.trim() !== "" && lower === email.trim().toLowerCase()) {
    return [{ field, message: msg`Your password must not be your email address` }];
  }
  return [];
}

function deriveArgon2id(
  password: string,
  salt: Buffer,
  params: { memory: number; passes: number; parallelism: number },
  tagLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      "argon2id",
      { message: normalisePassword(password), nonce: salt, tagLength, ...params },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

const b64 = (buffer: Buffer): string => buffer.toString("base64").replace(/=+$/, "");

/** An Argon2id hash of the password, as a PHC string with its parameters and salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveArgon2id(password, salt, ARGON2_PARAMETERS, TAG_BYTES);
  const { memory, passes, parallelism } = ARGON2_PARAMETERS;
  return `$argon2id$v=${ARGON2_VERSION}$m=${memory},t=${passes},p=${parallelism}$${b64(salt)}$${b64(key)}`;
}

interface ParsedHash {
  memory: number;
  passes: number;
  parallelism: number;
  salt: Buffer;
  key: Buffer;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parseHash(hash: string): ParsedHash | undefined {
  const match = PHC.exec(hash);
  if (!match) return undefined;
  const [, m, t, p, salt, key] = match;
  return {
    memory: Number(m),
    passes: Number(t),
    parallelism: Number(p),
    salt: Buffer.from(salt ?? "", "base64"),
    key: Buffer.from(key ?? "", "base64"),
  };
}

/** Whether the password matches the stored hash; false for a hash in a form we do not know. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed || parsed.key.length < 16 || parsed.salt.length < 8) return false;
  const { salt, key, ...params } = parsed;
  const candidate = await deriveArgon2id(password, salt, params, key.length);
  return timingSafeEqual(candidate, key);
}

/** Whether a stored hash was made with weaker parameters than today's, so should be replaced. */
export function needsRehash(hash: string): boolean {
  const parsed = parseHash(hash);
  if (!parsed) return true;
  return (
    parsed.memory < ARGON2_PARAMETERS.memory ||
    parsed.passes < ARGON2_PARAMETERS.passes ||
    parsed.parallelism < ARGON2_PARAMETERS.parallelism ||
    parsed.key.length < TAG_BYTES
  );
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification against a throwaway hash, so that an unknown email address
 * takes as long to refuse as a wrong password.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummy);
  return false;
}
