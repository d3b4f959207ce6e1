/**
 * The public bodies' index (`/authorities`): every verified authority that commissions on OpenPS,
 * each linked to its hub, the regulators and ombudsmen that oversee providers, and the consumer
 * champions that speak for the people who use services (each linked to its page, `/champions/{id}`).
 * The lists across every public body (pipeline, consultations, Right to Challenge, contracts) are
 * linked from its page.
 * Public: unverified bodies (anyone may ask for one to be added) are left out until verified.
 */
import type { Ctx } from "../access/context.ts";
import { type Authority, listAuthorities, scopeOfBody } from "../authorities/authorities.service.ts";

export interface PublicBodiesIndex {
  /** The authorities that commission services, by name. */
  authorities: Authority[];
  /** The regulators and ombudsmen, by name. */
  overseers: Authority[];
  /** The consumer champions, by name. */
  champions: Authority[];
}

export async function publicBodiesIndex(ctx: Ctx): Promise<PublicBodiesIndex> {
  const verified = (await listAuthorities(ctx.db)).filter((body) => body.verified_at !== null);
  return {
    authorities: verified.filter((body) => scopeOfBody(body.kind).scopeType === "authority"),
    overseers: verified.filter((body) =>
      ["regulator", "ombudsman"].includes(scopeOfBody(body.kind).scopeType),
    ),
    champions: verified.filter((body) => scopeOfBody(body.kind).scopeType === "champion"),
  };
}
