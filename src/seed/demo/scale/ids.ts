/**
 * The ids of the demo scale-up's rows: fixed by what each row is and its ordinal, never random, so
 * the same run makes the same ids (and an interrupted run finds what it already added). Each looks
 * like the demo seeds' fixed ids (a UUID of version 7, `019a…`): `019a5ca1-KKKK-7000-8000-NNNNNNNNNNNN`,
 * KKKK the kind, N the ordinal in hex. A row made from another takes its parent's ordinal times a
 * stride plus its place (a tender's second bid: `tender × 8 + 1`).
 */

const PREFIX = "019a5ca1";

/** Each kind of row the scale-up makes an id for. */
export const KIND = {
  organisation: 0x01,
  organisationUser: 0x02,
  organisationGrant: 0x03,
  staffUser: 0x04,
  staffGrant: 0x05,
  service: 0x06,
  location: 0x10,
  registrationEvent: 0x11,
  inspection: 0x12,
  enforcement: 0x13,
  project: 0x20,
  pipelineNotice: 0x21,
  tender: 0x22,
  criterion: 0x23,
  bid: 0x24,
  award: 0x25,
  contract: 0x26,
} as const;

export type Kind = keyof typeof KIND;

/** How many rows of a kind one parent may have (the ordinal's stride). */
export const STRIDE = {
  /** Events of a location: applied, registered, and perhaps dormant. */
  registrationEvent: 4,
  /** Inspections of a location, and the special measures each may bring in. */
  inspection: 4,
  criterion: 4,
  bid: 8,
} as const;

export function scaleId(kind: Kind, ordinal: number): string {
  if (!Number.isSafeInteger(ordinal) || ordinal < 0 || ordinal >= 2 ** 48)
    throw new RangeError(`A scale-up ordinal must be a whole number from 0 to 2^48, not ${ordinal}`);
  return `${PREFIX}-${KIND[kind].toString(16).padStart(4, "0")}-7000-8000-${ordinal.toString(16).padStart(12, "0")}`;
}

/** The first and last id of a kind: every row of that kind the scale-up made lies between them. */
export function idRange(kind: Kind): { first: string; last: string } {
  const middle = `${PREFIX}-${KIND[kind].toString(16).padStart(4, "0")}-7000-8000-`;
  return { first: `${middle}000000000000`, last: `${middle}ffffffffffff` };
}
