/** Base64 as the JSON API carries file contents. */

/** Base64 to bytes (whitespace ignored), or null when it is not base64. */
export function decodeBase64(text: string | undefined): Uint8Array | null {
  const clean = (text ?? "").replace(/\s+/g, "");
  if (clean === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(clean, "base64"));
}
