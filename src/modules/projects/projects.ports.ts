/**
 * What the projects module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import type { Panel } from "../../lib/ports.ts";
import { port } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";

/**
 * Sections of a project's page from other modules (home: the project's tenders, and setting one up),
 * as the reader may see them.
 */
export const projectPanels =
  port<(ctx: Ctx, project: { authorityId: string; projectId: string }) => Promise<Panel | undefined>>(
    "project page panels",
  );
