/**
 * The public bodies' index (`/authorities`): every verified authority that commissions on OpenPS,
 * each linked to its hub, and the regulators and ombudsmen that oversee providers. The lists across
 * every public body (pipeline, consultations, Right to Challenge, contracts) are linked from its page.
 * Public: unverified bodies (anyone may ask for one to be added) are left out until verified.
 */
import type { Ctx } from "../access/context.ts";
import { type Authority, listAuthorities, scopeOfBody } from "../authorities/authorities.service.ts";

export interface PublicBodiesIndex {
  /** The authorities that commission services, by name. */
  authorities: Authority[];
  /** The regulators and ombudsmen, by name. */
  overseers: Authority[];
}

export async function publicBodiesIndex(ctx: Ctx): Promise<PublicBodiesIndex> {
  const verified = (await listAuthorities(ctx.db)).filter((body) => body.verified_at !== null);
  return {
    authorities: verified.filter((body) => scopeOfBody(body.kind).scopeType === "authority"),
    overseers: verified.filter((body) => scopeOfBody(body.kind).scopeType !== "authority"),
  };
}
