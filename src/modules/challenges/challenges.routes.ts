/**
 * The Community Right to Challenge's routes (issue 4, items 6–9), by section, each as pages and as
 * the JSON API: the registers and an EOI's page (`registers.*`), the policy and windows
 * (`policy.*`), the body's expressions of interest (`expressions.*`), employees' staff email domains
 * and co-signatures (`employees.*`), and the authority's consideration, modification and decision
 * (`decisions.*`). Each route states who may call it and
 * calls one service; the services decide every rule.
 */
import type { FastifyInstance } from "fastify";
import { decisionsPages } from "./decisions.pages.ts";
import { decisionsRoutes } from "./decisions.routes.ts";
import { employeesPages } from "./employees.pages.ts";
import { employeesRoutes } from "./employees.routes.ts";
import { expressionsPages } from "./expressions.pages.ts";
import { expressionsRoutes } from "./expressions.routes.ts";
import { policyPages } from "./policy.pages.ts";
import { policyRoutes } from "./policy.routes.ts";
import { registersPages } from "./registers.pages.ts";
import { registersRoutes } from "./registers.routes.ts";

export async function challengesRoutes(app: FastifyInstance): Promise<void> {
  registersPages(app);
  policyPages(app);
  expressionsPages(app);
  employeesPages(app);
  decisionsPages(app);
  registersRoutes(app);
  policyRoutes(app);
  expressionsRoutes(app);
  employeesRoutes(app);
  decisionsRoutes(app);
}
