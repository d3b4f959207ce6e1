/**
 * The next step of the lifecycle, shown where the one before it is: a project's tenders (and
 * setting one up) on the project's page, and a service's projects, their tenders and the contracts
 * that came of them on the service's page. Plugged into the projects and services modules' ports
 * (src/wiring.ts); each reads through the other modules' services, as the reader may see.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Panel } from "../../lib/ports.ts";
import { isAuthorityEditor } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { authorityContracts } from "../contracts/contract-entry.service.ts";
import { projectsOf } from "../projects/projects.service.ts";
import { tendersOf } from "../tenders/tenders.service.ts";

const tenderLine = (t: { id: string; title: string; state: string }) => ({
  id: t.id,
  title: t.title,
  state: t.state,
});

/** A project's tenders, newest first, and for its authority's editors the way to set one up. */
export async function projectTendersPanel(
  ctx: Ctx,
  project: { authorityId: string; projectId: string },
): Promise<Panel> {
  const tenders = (await tendersOf(ctx, project.authorityId)).filter(
    (t) => t.project_id === project.projectId,
  );
  return {
    template: "home/views/partials/project-tenders.njk",
    context: {
      projectTenders: tenders.map(tenderLine),
      projectTendersCanSetUp: isAuthorityEditor(ctx.principal, project.authorityId),
    },
  };
}

/**
 * A service's commissioning as the public sees it: the published projects that include it, each
 * with its tenders and the contracts entered from them. Nothing when there is none.
 */
export async function serviceCommissioningPanel(
  db: Db,
  clock: Clock,
  service: { authorityId: string; serviceId: string },
): Promise<Panel | undefined> {
  const ctx: Ctx = { db, clock, principal: null };
  const projects = (await projectsOf(ctx, service.authorityId)).filter((p) =>
    p.services.some((s) => s.id === service.serviceId),
  );
  if (projects.length === 0) return undefined;
  const [tenders, contracts] = await Promise.all([
    tendersOf(ctx, service.authorityId),
    authorityContracts(ctx, service.authorityId),
  ]);
  return {
    template: "home/views/partials/service-commissioning.njk",
    context: {
      serviceProjects: projects.map((p) => {
        const own = tenders.filter((t) => t.project_id === p.id);
        return {
          id: p.id,
          title: p.title,
          tenders: own.map(tenderLine),
          contracts: contracts.views
            .filter((c) => own.some((t) => t.id === c.contract.tender_id))
            .map((c) => ({ id: c.contract.id, title: c.contract.title })),
        };
      }),
    },
  };
}
