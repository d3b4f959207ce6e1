/**
 * Ports: how a module lets the modules above it take part, without importing them.
 *
 * Dependencies point one way (docs/architecture.md): a module imports only the modules below it.
 * When a lower module needs something only a higher one knows — a reaction to its own change (a
 * tender published: alerts for saved searches), something to show on its page (a panel on an
 * organisation's profile: its ratings, its contracts), or a question (may this evaluator read the
 * opened bids?) — it declares a port in its `<module>.ports.ts` and calls it. The higher module
 * plugs its handler in at start-up, in `src/wiring.ts`, the one place where modules are connected.
 *
 * Handlers run in the caller's transaction when given one, so a reaction commits or rolls back with
 * the change that caused it. Plugging the same handler twice plugs it once.
 */

export interface Port<H extends (...args: never[]) => unknown> {
  readonly name: string;
  /** Connects a handler (at start-up, from `src/wiring.ts`). */
  plug(handler: H): void;
  /** The handlers plugged in, in the order they were plugged. */
  readonly handlers: readonly H[];
}

export function port<H extends (...args: never[]) => unknown>(name: string): Port<H> {
  const handlers: H[] = [];
  return {
    name,
    plug(handler) {
      if (!handlers.includes(handler)) handlers.push(handler);
    },
    handlers,
  };
}

/** Runs every handler in turn (a reaction): nothing happens when none is plugged. */
export async function notifyAll<A extends unknown[]>(
  p: Port<(...args: A) => Promise<void>>,
  ...args: A
): Promise<void> {
  for (const handler of p.handlers) await handler(...args);
}

/** Every handler's answer, in plugging order, leaving out those with nothing to say (undefined). */
export async function collect<A extends unknown[], R>(
  p: Port<(...args: A) => Promise<R | undefined>>,
  ...args: A
): Promise<R[]> {
  const out: R[] = [];
  for (const handler of p.handlers) {
    const answer = await handler(...args);
    if (answer !== undefined) out.push(answer);
  }
  return out;
}

/** A question exactly one module answers: throws when none (or more than one) is plugged. */
export function answerer<H extends (...args: never[]) => unknown>(p: Port<H>): H {
  const [handler, ...more] = p.handlers;
  if (!handler || more.length > 0)
    throw new Error(
      `The port "${p.name}" needs exactly one handler and has ${p.handlers.length}: connect it in src/wiring.ts (wireModules).`,
    );
  return handler;
}

/** Something a higher module shows on a lower module's page: its template and what it needs. */
export interface Panel {
  /** A Nunjucks template of the higher module, included in the page. */
  template: string;
  /** Merged into the page's context. */
  context: Record<string, unknown>;
}

/** The page context for a list of panels: their templates in order, and their contexts merged. */
export function panelsContext(panels: readonly Panel[]): Record<string, unknown> {
  return { ...Object.assign({}, ...panels.map((p) => p.context)), panels: panels.map((p) => p.template) };
}
