/**
 * Organisation identifiers in org-id schemes (org-id.guide): the scheme code, then the identifier
 * the scheme's register gives, shown together as `GB-COH-01234567`. Each scheme has a format check
 * and a normal form, so "sc123456" and "SC123456" are the same company, and "NIC100002" the same
 * Northern Ireland charity as "100002". Pure functions; no I/O.
 */
import { msg } from "../../lib/messages.ts";

export interface IdentifierScheme {
  code: string;
  /** The register, as people know it. */
  name: string;
  /** The expected format, in words, for error messages and hints. */
  format: string;
  /** An example identifier within the scheme (not a real organisation's). */
  example: string;
  /** Upper-cases, removes spaces and a written prefix; the result is then checked against `pattern`. */
  normalise: (raw: string) => string;
  pattern: RegExp;
  /** The page of the organisation on the public register, where the register has one. */
  registerUrl?: (identifier: string) => string;
}

const compact = (raw: string): string => raw.trim().toUpperCase().replace(/\s+/g, "");

export const IDENTIFIER_SCHEMES: readonly IdentifierScheme[] = [
  {
    code: "GB-COH",
    name: "Companies House",
    format:
      "8 characters: 8 digits (01234567), or 2 letters and 6 digits for Scotland, Northern Ireland and other registers (SC123456, NI012345, OC301234)",
    example: "01234567",
    // Companies House numbers are often written without their leading zeros: pad a short number.
    normalise: (raw) => {
      const value = compact(raw);
      return /^\d{1,7}$/.test(value) ? value.padStart(8, "0") : value;
    },
    pattern: /^(\d{8}|[A-Z]{2}\d{6})$/,
    registerUrl: (id) => `https://find-and-update.company-information.service.gov.uk/company/${id}`,
  },
  {
    code: "GB-CHC",
    name: "Charity Commission for England and Wales",
    format: "6 or 7 digits (1098765), with -1, -2… for a linked charity (1098765-1)",
    example: "1098765",
    normalise: compact,
    pattern: /^\d{6,7}(-\d{1,2})?$/,
    registerUrl: (id) =>
      `https://register-of-charities.charitycommission.gov.uk/charity-search/-/charity-details/${id.split("-")[0]}`,
  },
  {
    code: "GB-SC",
    name: "Scottish Charity Regulator (OSCR)",
    format: "SC and 6 digits (SC012345)",
    example: "SC012345",
    normalise: compact,
    pattern: /^SC\d{6}$/,
    registerUrl: (id) =>
      `https://www.oscr.org.uk/about-charities/search-the-register/charity-details?number=${id}`,
  },
  {
    code: "GB-NIC",
    name: "Charity Commission for Northern Ireland",
    format: "6 digits (100002); written NIC100002 on the register, which is accepted",
    example: "100002",
    normalise: (raw) => compact(raw).replace(/^NIC/, ""),
    pattern: /^\d{6}$/,
    registerUrl: (id) => `https://www.charitycommissionni.org.uk/charity-details/?regid=${id}&subid=0`,
  },
  {
    code: "GB-MPR",
    name: "Mutuals Public Register (FCA)",
    format:
      "the society's number and its register suffix: digits then 1 to 5 letters (31234R for a registered society, 2345RS in Scotland, 123C for a credit union)",
    example: "31234R",
    normalise: compact,
    pattern: /^\d{1,6}[A-Z]{1,5}$/,
  },
  {
    code: "GB-LAE",
    name: "Local authorities in England register",
    format: "3 or 4 letters (KEN, WOT)",
    example: "KEN",
    normalise: compact,
    pattern: /^[A-Z]{3,4}$/,
  },
  {
    code: "GB-PLA",
    name: "Principal local authorities in Wales register",
    format: "3 or 4 letters (CGN, AGY)",
    example: "CGN",
    normalise: compact,
    pattern: /^[A-Z]{3,4}$/,
  },
  {
    code: "GB-LAS",
    name: "Local authorities in Scotland register",
    format: "3 or 4 letters (FIF, EDH)",
    example: "FIF",
    normalise: compact,
    pattern: /^[A-Z]{3,4}$/,
  },
  {
    code: "GB-LANI",
    name: "Local authorities in Northern Ireland register",
    format: "3 or 4 letters (BFS)",
    example: "BFS",
    normalise: compact,
    pattern: /^[A-Z]{3,4}$/,
  },
  {
    code: "GB-GOR",
    name: "Government Organisation Register",
    format: "1 to 3 letters and 1 to 5 digits (D9, PB1204, EA1113)",
    example: "PB1204",
    normalise: compact,
    pattern: /^[A-Z]{1,3}\d{1,5}$/,
  },
  {
    code: "GB-NHS",
    name: "NHS Organisation Data Service (ODS) code",
    format: "3 to 6 letters and digits (RX1, QWE, 8HA03, Y01234)",
    example: "RX1",
    normalise: compact,
    pattern: /^[A-Z0-9]{3,6}$/,
  },
  {
    code: "GB-UKPRN",
    name: "UK Register of Learning Providers (UKPRN)",
    format: "8 digits beginning with 1 (10012345)",
    example: "10012345",
    normalise: compact,
    pattern: /^1\d{7}$/,
  },
  {
    code: "GB-EDU",
    name: "Get Information about Schools (school URN)",
    format: "6 digits (108305)",
    example: "108305",
    normalise: compact,
    pattern: /^\d{6}$/,
    registerUrl: (id) =>
      `https://get-information-schools.service.gov.uk/Establishments/Establishment/Details/${id}`,
  },
];

const BY_CODE = new Map(IDENTIFIER_SCHEMES.map((scheme) => [scheme.code, scheme]));

export function identifierScheme(code: string): IdentifierScheme | undefined {
  return BY_CODE.get(code.trim().toUpperCase());
}

export type IdentifierCheck =
  | { ok: true; scheme: string; identifier: string; orgId: string }
  | { ok: false; message: string };

/** Checks an identifier against its scheme's format, giving its normal form or what is expected. */
export function checkIdentifier(schemeCode: string, raw: string): IdentifierCheck {
  const scheme = identifierScheme(schemeCode);
  if (!scheme) {
    return {
      ok: false,
      message: msg`Choose a known identifier scheme: ${IDENTIFIER_SCHEMES.map((s) => s.code).join(", ")}`,
    };
  }
  const identifier = scheme.normalise(raw);
  if (identifier === "") return { ok: false, message: msg`Enter the ${scheme.name} identifier` };
  if (!scheme.pattern.test(identifier)) {
    return {
      ok: false,
      message: msg`Enter a ${scheme.name} identifier (${scheme.code}) in the right format: ${scheme.format}`,
    };
  }
  return { ok: true, scheme: scheme.code, identifier, orgId: `${scheme.code}-${identifier}` };
}

/**
 * Splits an identifier in org-id form ("GB-COH-01234567") into scheme and identifier, using the
 * longest known scheme code it starts with. Undefined when it starts with no known scheme.
 */
export function splitOrgId(orgId: string): { scheme: string; identifier: string } | undefined {
  const value = orgId.trim().toUpperCase();
  const scheme = [...IDENTIFIER_SCHEMES]
    .sort((a, b) => b.code.length - a.code.length)
    .find((s) => value.startsWith(`${s.code}-`));
  if (!scheme) return undefined;
  return { scheme: scheme.code, identifier: value.slice(scheme.code.length + 1) };
}

export function orgIdOf(scheme: string, identifier: string): string {
  return `${scheme}-${identifier}`;
}

export function registerUrlOf(scheme: string, identifier: string): string | undefined {
  return identifierScheme(scheme)?.registerUrl?.(identifier);
}
