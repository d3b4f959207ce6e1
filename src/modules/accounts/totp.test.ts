import { describe, expect, it } from "vitest";
import {
  acceptTotp,
  groupedSecret,
  looksLikeRecoveryCode,
  newRecoveryCode,
  newTotpSecret,
  qrCodeSvg,
  recoveryCodeHash,
  totpCode,
  totpStep,
  totpUri,
} from "./totp.ts";

const secret = newTotpSecret();
const at = new Date("2026-11-22T10:00:10Z");
const seconds = (n: number) => new Date(at.getTime() + n * 1000);

describe("TOTP codes", () => {
  it("makes a 160-bit base32 secret and an otpauth address for apps", () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = totpUri(secret, "ann@example.org");
    expect(uri).toMatch(/^otpauth:\/\/totp\/OpenPS:ann%40example\.org\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain("period=30");
    expect(uri).toContain("digits=6");
    expect(groupedSecret("ABCDEFGHIJ")).toBe("ABCD EFGH IJ");
  });

  it("accepts the current code, and the step before and after, but not two steps away", () => {
    const now = totpCode(secret, at);
    expect(now).toMatch(/^\d{6}$/);
    expect(acceptTotp(secret, now, at, null)).toBe(totpStep(at));
    expect(acceptTotp(secret, totpCode(secret, seconds(-30)), at, null)).toBe(totpStep(at) - 1);
    expect(acceptTotp(secret, totpCode(secret, seconds(30)), at, null)).toBe(totpStep(at) + 1);
    expect(acceptTotp(secret, totpCode(secret, seconds(-60)), at, null)).toBeNull();
    expect(acceptTotp(secret, totpCode(secret, seconds(60)), at, null)).toBeNull();
  });

  it("ignores spaces people type, and refuses anything that is not 6 digits", () => {
    const code = totpCode(secret, at);
    expect(acceptTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at, null)).not.toBeNull();
    expect(acceptTotp(secret, "12345", at, null)).toBeNull();
    expect(acceptTotp(secret, "abcdef", at, null)).toBeNull();
  });

  it("does not accept a code again, nor an older one, once a step has been used", () => {
    const code = totpCode(secret, at);
    const step = acceptTotp(secret, code, at, null);
    expect(step).not.toBeNull();
    // Replayed within its window (10 seconds later, same code): refused.
    expect(acceptTotp(secret, code, seconds(10), step)).toBeNull();
    expect(acceptTotp(secret, totpCode(secret, seconds(-30)), at, step)).toBeNull();
    // The next step's code is fine.
    expect(acceptTotp(secret, totpCode(secret, seconds(30)), seconds(30), step)).toBe((step as number) + 1);
  });

  it("draws the QR code as inline SVG", async () => {
    const svg = await qrCodeSvg(totpUri(secret, "ann@example.org"));
    expect(svg).toMatch(/^<svg [^>]*viewBox/);
    expect(svg).not.toContain("<script");
  });
});

describe("recovery codes", () => {
  it("are 16 unambiguous characters in groups, different each time, stored as a hash of their letters", () => {
    const codes = Array.from({ length: 50 }, newRecoveryCode);
    expect(new Set(codes).size).toBe(50);
    for (const code of codes) {
      expect(code).toMatch(/^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/);
      expect(looksLikeRecoveryCode(code)).toBe(true);
    }
    const code = codes[0] as string;
    expect(recoveryCodeHash(code.toUpperCase().replaceAll("-", " "))).toBe(recoveryCodeHash(code));
    expect(recoveryCodeHash(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(looksLikeRecoveryCode("123456")).toBe(false);
  });
});
