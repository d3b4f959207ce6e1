/**
 * Builds the Fastify application: infrastructure first (errors, forms, views and assets, OpenAPI),
 * then the modules, in an explicit order. `server.ts` only listens.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import { registerAssets } from "./http/assets.ts";
import { registerCompression } from "./http/compression.ts";
import type { AppDeps } from "./http/context.ts";
import { registerCsrf } from "./http/csrf.ts";
import { registerErrorHandling } from "./http/errors.ts";
import { loggerOptions } from "./http/logging.ts";
import { registerOpenApi } from "./http/openapi.ts";
import { registerRouteList } from "./http/routes.ts";
import { keptCompilers } from "./http/schema-compilers.ts";
import { registerSecurityHeaders } from "./http/security-headers.ts";
import { registerTextInputCheck } from "./http/text-input.ts";
import { registerUploadGate, registerUploads } from "./http/uploads.ts";
import { registerViews } from "./http/views.ts";
import { accessRoutes } from "./modules/access/access.routes.ts";
import { verificationRoutes } from "./modules/access/verification.routes.ts";
import { accountsRoutes } from "./modules/accounts/accounts.routes.ts";
import { registerAuthentication } from "./modules/accounts/authentication.ts";
import { auditRoutes } from "./modules/audit/audit.routes.ts";
import { registerAuthorityParam } from "./modules/authorities/authority-param.ts";
import { awardRoutes } from "./modules/award/award.routes.ts";
import { barriersRoutes } from "./modules/barriers/barriers.routes.ts";
import { budgetsRoutes } from "./modules/budgets/budgets.routes.ts";
import { careRoutes } from "./modules/care/care.routes.ts";
import { challengesRoutes } from "./modules/challenges/challenges.routes.ts";
import { choiceRoutes } from "./modules/choice/choice.routes.ts";
import { communityAssetsRoutes } from "./modules/community-assets/community-assets.routes.ts";
import { communityBudgetsRoutes } from "./modules/community-budgets/community-budgets.routes.ts";
import { complianceRoutes } from "./modules/compliance/compliance.routes.ts";
import { consultationsRoutes } from "./modules/consultations/consultations.routes.ts";
import { contractsRoutes } from "./modules/contracts/contracts.routes.ts";
import { datasetsRoutes } from "./modules/datasets/datasets.routes.ts";
import { delegationsRoutes } from "./modules/delegations/delegations.routes.ts";
import { demoClockRoutes } from "./modules/demo-clock/demo-clock.routes.ts";
import { evaluationRoutes } from "./modules/evaluation/evaluation.routes.ts";
import { grantsRoutes } from "./modules/grants/grants.routes.ts";
import { healthRoutes } from "./modules/health/health.routes.ts";
import { homeRoutes } from "./modules/home/home.routes.ts";
import { inboxRoutes } from "./modules/inbox/inbox.routes.ts";
import { integrityRoutes } from "./modules/integrity/integrity.routes.ts";
import { marketRoutes } from "./modules/market/market.routes.ts";
import { mutualsRoutes } from "./modules/mutuals/mutuals.routes.ts";
import { externalOcdsRoutes } from "./modules/ocds/external.routes.ts";
import { ocdsRoutes } from "./modules/ocds/ocds.routes.ts";
import { opportunitiesRoutes } from "./modules/opportunities/opportunities.routes.ts";
import { organisationsRoutes } from "./modules/organisations/organisations.routes.ts";
import { pagesRoutes } from "./modules/pages/pages.routes.ts";
import { prizeRoutes } from "./modules/prize/prize.routes.ts";
import { projectsRoutes } from "./modules/projects/projects.routes.ts";
import { figuresRoutes as redressFiguresRoutes } from "./modules/redress/figures.routes.ts";
import { ombudsmanRoutes } from "./modules/redress/ombudsman.routes.ts";
import { redressRoutes } from "./modules/redress/redress.routes.ts";
import { remediesRoutes } from "./modules/redress/remedies.routes.ts";
import { regulationRoutes } from "./modules/regulation/regulation.routes.ts";
import { reportsRoutes } from "./modules/reports/reports.routes.ts";
import { approvalAmountsRoutes } from "./modules/results/approval-amounts.routes.ts";
import { auditsRoutes } from "./modules/results/audits.routes.ts";
import { outcomeContractsRoutes } from "./modules/results/outcome-contracts.routes.ts";
import { runsRoutes as resultsRunsRoutes } from "./modules/results/runs.routes.ts";
import { servicesRoutes } from "./modules/services/services.routes.ts";
import { standardsRoutes } from "./modules/standards/standards.routes.ts";
import { tendersRoutes } from "./modules/tenders/tenders.routes.ts";
import { voiceRoutes } from "./modules/voice/voice.routes.ts";
import { wireModules } from "./wiring.ts";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  wireModules();
  const app = Fastify({
    logger: loggerOptions(deps.config),
    genReqId: (raw) => {
      const incoming = raw.headers["x-request-id"];
      return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Fastify accepts a number of hops too (proxy-addr), though its types leave numbers out.
    trustProxy: deps.config.trustProxy as boolean | string[],
    bodyLimit: deps.config.maxUploadBytes,
    routerOptions: { ignoreTrailingSlash: true },
    // Report every field at fault at once, not only the first.
    ajv: { customOptions: { allErrors: true } },
    // Each schema compiled once a process, however many apps it builds (the tests build many).
    schemaController: { compilersFactory: keptCompilers },
  });
  app.decorate("deps", deps);
  // Every route, as registered, with who may call it and the API scope it needs: the authorisation
  // matrix test checks that none is left out, the schema test that every API route declares its schemas.
  registerRouteList(app);
  // Text the database cannot store (NUL, a lone surrogate) is refused with 400 on every route.
  registerTextInputCheck(app);
  app.decorateRequest("actor", null as never);
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request, reply) => {
    request.principal = null;
    request.actor = { type: "public", id: null };
    reply.header("x-request-id", request.id);
  });

  // Infrastructure
  registerErrorHandling(app);
  await registerSecurityHeaders(app);
  // Pages and other text sent compressed as the browser accepts (assets are compressed once, ahead).
  registerCompression(app);
  await app.register(formbody);
  await registerUploads(app, {
    maxBytes: deps.config.maxUploadBytes,
    directory: path.join(deps.config.dataDir, "uploads"),
  });
  await registerAssets(app);
  await registerViews(app);
  await registerCsrf(app);
  // Who is asking, and the authority a route is about: set before any route runs.
  await registerAuthentication(app);
  registerAuthorityParam(app);
  // Files are read only after who is asking and the page's authority are known, and let in.
  registerUploadGate(app, deps.config.maxUploadBytes);
  await registerOpenApi(app);

  // Modules
  await app.register(healthRoutes);
  await app.register(auditRoutes);
  await app.register(pagesRoutes);
  await app.register(accountsRoutes);
  await app.register(verificationRoutes);
  await app.register(accessRoutes);
  await app.register(organisationsRoutes);
  await app.register(inboxRoutes);
  // Demo mode only: the demo clock's page, API and banner.
  await app.register(demoClockRoutes);
  await app.register(servicesRoutes);
  await app.register(projectsRoutes);
  await app.register(consultationsRoutes);
  await app.register(challengesRoutes);
  await app.register(tendersRoutes);
  await app.register(opportunitiesRoutes);
  await app.register(complianceRoutes);
  await app.register(evaluationRoutes);
  await app.register(awardRoutes);
  await app.register(contractsRoutes);
  await app.register(careRoutes);
  await app.register(choiceRoutes);
  await app.register(budgetsRoutes);
  await app.register(homeRoutes);
  await app.register(regulationRoutes);
  await app.register(ocdsRoutes);
  await app.register(externalOcdsRoutes);
  await app.register(datasetsRoutes);
  await app.register(marketRoutes);
  await app.register(integrityRoutes);
  await app.register(reportsRoutes);
  await app.register(voiceRoutes);
  await app.register(redressRoutes);
  await app.register(remediesRoutes);
  await app.register(ombudsmanRoutes);
  await app.register(redressFiguresRoutes);
  await app.register(outcomeContractsRoutes);
  await app.register(auditsRoutes);
  await app.register(resultsRunsRoutes);
  await app.register(approvalAmountsRoutes);
  await app.register(grantsRoutes);
  await app.register(mutualsRoutes);
  // Barriers to entry (issue 20, item 5): the register, its answers, the national figures.
  await app.register(barriersRoutes);
  await app.register(standardsRoutes);
  await app.register(prizeRoutes);
  // Assets of community value (issue 21, part 1): the register, nominations, the council's decisions, the moratorium.
  await app.register(communityAssetsRoutes);
  // Community budgets (issue 21, item 4): pooled funds of partners, a double-entry ledger, what each partner's money did.
  await app.register(communityBudgetsRoutes);
  // Delegation to neighbourhood councils (issue 21, item 6): delegated services, delivery reports, the open figures.
  await app.register(delegationsRoutes);

  return app;
}
