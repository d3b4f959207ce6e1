/**
 * An authority's hub (`/authorities/{slug}`): where its commissioning is found, in the order the
 * work happens — the services it commissions, the contracts ending, its projects, consultations and
 * Right to Challenge, its tenders and awards, its contracts — each with how many there are as the
 * reader may see them, and, for the people who act for it, what they can start. What each count
 * holds is the listing service's own (the same list its page shows), so the hub never disagrees.
 */
import { hasRole, isAuthorityEditor } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { isCareStaff } from "../care/care.service.ts";
import { registerOf as challengeRegisterOf } from "../challenges/registers.service.ts";
import { authorityConsultations } from "../consultations/consultations.service.ts";
import { authorityContracts } from "../contracts/contract-entry.service.ts";
import { projectsPage } from "../projects/projects.service.ts";
import { pipeline, registerOf as serviceRegisterOf } from "../services/services.service.ts";
import { tenderList } from "../tenders/views.service.ts";

/** One step of the lifecycle on the hub: where it is, and how many it holds. */
export interface HubSection {
  key: "services" | "pipeline" | "projects" | "consultations" | "challenges" | "tenders" | "contracts";
  path: string;
  count: number;
  /** How many of them are open now (consultations, tenders), or ready for the next step (awards). */
  active?: number;
}

export interface AuthorityHub {
  authority: Authority;
  sections: HubSection[];
  /** The reader acts for the authority in its commissioning: what they may start. */
  canEdit: boolean;
  /** The reader administers the authority: its people. */
  canManagePeople: boolean;
  /** The reader is one of its care staff: the people it supports. */
  canSupportPeople: boolean;
}

export async function authorityHub(ctx: Ctx, authority: Authority): Promise<AuthorityHub> {
  const id = authority.id;
  const base = `/authorities/${authority.slug}`;
  const [services, ending, projects, consultations, challenges, tenders, contracts] = await Promise.all([
    serviceRegisterOf(ctx, id),
    pipeline(ctx, id),
    projectsPage(ctx, id),
    authorityConsultations(ctx, id, {}),
    challengeRegisterOf(ctx, id),
    tenderList(ctx, id),
    authorityContracts(ctx, id),
  ]);
  return {
    authority,
    sections: [
      { key: "services", path: `${base}/services`, count: services.length },
      { key: "pipeline", path: `${base}/pipeline`, count: ending.rows.length },
      { key: "projects", path: `${base}/projects`, count: projects.projects.length },
      {
        key: "consultations",
        path: `${base}/consultations`,
        count: consultations.consultations.length,
        active: consultations.consultations.filter((c) => c.state === "open").length,
      },
      { key: "challenges", path: `${base}/right-to-challenge`, count: challenges.challenges.length },
      {
        key: "tenders",
        path: `${base}/tenders`,
        count: tenders.tenders.length,
        active: tenders.tenders.filter((t) => t.state === "open").length,
      },
      {
        key: "contracts",
        path: `${base}/contracts`,
        count: contracts.views.length,
        active: contracts.ready.length,
      },
    ],
    canEdit: isAuthorityEditor(ctx.principal, id),
    canManagePeople: hasRole(ctx.principal, ["authority-admin", "platform-admin"], id),
    canSupportPeople: isCareStaff(ctx.principal, id),
  };
}
