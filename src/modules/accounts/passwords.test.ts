import { argon2Sync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ARGON2_PARAMETERS,
  hashPassword,
  needsRehash,
  PASSWORD_MIN_LENGTH,
  passwordProblems,
  verifyNothing,
  verifyPassword,
} from "./passwords.ts";

describe("password hashing with Argon2id", () => {
  it("stores a PHC string with its parameters and a random salt, and verifies only the right password", async () => {
    const hash = await hashPassword("a long enough passphrase");
    const { memory, passes, parallelism } = ARGON2_PARAMETERS;
    expect(hash).toMatch(
      new RegExp(
        `^\\$argon2id\\$v=19\\$m=${memory},t=${passes},p=${parallelism}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`,
      ),
    );
    expect(await hashPassword("a long enough passphrase")).not.toBe(hash);
    expect(await verifyPassword("a long enough passphrase", hash)).toBe(true);
    expect(await verifyPassword("a long enough passphrasE", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("verifies with the parameters stored in the hash, and says when they are weaker than today's", async () => {
    // A hash made years ago with less memory and one pass: it still verifies, but should be replaced.
    const salt = randomBytes(16);
    const key = argon2Sync("argon2id", {
      message: "another passphrase here",
      nonce: salt,
      memory: 8192,
      passes: 1,
      parallelism: 1,
      tagLength: 32,
    });
    const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
    const weak = `$argon2id$v=19$m=8192,t=1,p=1$${b64(salt)}$${b64(key)}`;
    expect(await verifyPassword("another passphrase here", weak)).toBe(true);
    expect(await verifyPassword("another passphrase HERE", weak)).toBe(false);
    expect(needsRehash(weak)).toBe(true);
    // Altering the stored parameters breaks the hash.
    expect(await verifyPassword("another passphrase here", weak.replace("m=8192", "m=16384"))).toBe(false);
    expect(needsRehash("$2b$10$bcrypt.hash.from.somewhere.else")).toBe(true);
    expect(await verifyPassword("anything at all here", "not a hash")).toBe(false);
  });

  it("compares Unicode passwords in one normal form", async () => {
    const composed = "caf\u00e9 au lait please";
    const decomposed = "cafe\u0301 au lait please";
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it("spends the time of a verification for unknown accounts, and always fails", async () => {
    expect(await verifyNothing("whatever it was")).toBe(false);
  });
});

describe("password rules", () => {
  const messages = (password: string, email = "ann@example.org") =>
    passwordProblems(password, email).map((p) => p.message);

  it(`needs ${PASSWORD_MIN_LENGTH} characters or more, and no more than 256`, () => {
    expect(messages("")).toEqual(["Enter a password"]);
    expect(messages("elevenchars")).toEqual([`Password must be ${PASSWORD_MIN_LENGTH} characters or more`]);
    expect(messages("twelve chars")).toEqual([]);
    expect(messages(`${"x".repeat(257)}y`)).toEqual(["Password must be 256 characters or fewer"]);
  });

  it("has no composition rules: long lower-case words are fine", () => {
    expect(messages("purple monkey dishwasher")).toEqual([]);
  });

  it("refuses common passwords, one repeated character, and the email address", () => {
    expect(messages("Password1234")).toEqual([
      "This password is too common. Choose one that is harder to guess",
    ]);
    expect(messages("qwertyuiop123")).toHaveLength(1);
    expect(messages("aaaaaaaaaaaaaa")).toHaveLength(1);
    expect(messages("Ann@Example.org", "ann@example.org")).toEqual([
      "Your password must not be your email address",
    ]);
  });

  it("names the field the error is about", () => {
    expect(passwordProblems("short", "a@b.c", "newPassword")[0]?.field).toBe("newPassword");
  });
});
