/**
 * What the accounts module lets the modules above it take part in (see src/lib/ports.ts); they are
 * connected in src/wiring.ts.
 */
import { port } from "../../lib/ports.ts";

export interface DemoAccount {
  id: string;
  /** A role name (`accounts.demo.roles.<role>` names it on the sign-in page). */
  role: string;
  /** Roles held as well (named the same way). */
  also?: readonly string[];
  /** The name of what the roles act for; none for platform-wide roles. */
  actsFor?: string;
  displayName: string;
  email: string;
}

/**
 * The demo accounts the sign-in page offers in demo mode, with their shared published password
 * (the demo seed, src/seed/demo/users.ts).
 */
export const demoAccounts =
  port<() => { password: string; accounts: readonly DemoAccount[] }>("demo accounts");

/** Every demo account plugged in, with the password (the last one plugged; they share one). */
export function listDemoAccounts(): { password: string; accounts: DemoAccount[] } {
  const lists = demoAccounts.handlers.map((h) => h());
  return { password: lists.at(-1)?.password ?? "", accounts: lists.flatMap((l) => [...l.accounts]) };
}
