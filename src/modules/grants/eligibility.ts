/**
 * A programme's eligibility as data, and the one pure function that judges an applicant against it,
 * naming every rule it fails. The vocabulary is small and general (issue 21's community grants use
 * it too):
 *
 * - `sector-in`: the organisation's sector as the directory shows it (a public service mutual only
 *   with qualifying evidence) is one of `sectors`;
 * - `age-at-most`: the organisation began at most `years` whole years before the day of the
 *   application. When it began is its spin-out date (its mutual evidence): an organisation whose
 *   start the directory does not know fails, saying so, rather than passing unseen;
 * - `fact`: a yes-or-no fact about the organisation that another module knows and supplies through
 *   the `eligibilityFacts` port (grants.ports.ts) — "still on its first contract", say, from the
 *   mutuals module. A fact no module supplies fails, saying it is not known;
 * - `any-of`: at least one of its rules holds ("within 5 years of spin-out, or still on its first
 *   contract"); when none does, each of their failures is named under it.
 *
 * All the top-level rules must hold. The function reads no clock and no database: the caller gives
 * the facts and the day.
 */
import { msg } from "../../lib/messages.ts";

export type EligibilityRule =
  | { kind: "sector-in"; sectors: string[] }
  | { kind: "age-at-most"; years: number }
  | { kind: "fact"; fact: string; label: string }
  | { kind: "any-of"; rules: EligibilityRule[] };

export const RULE_KINDS = ["sector-in", "age-at-most", "fact", "any-of"] as const;

/** What is known of the applicant when it applies. */
export interface ApplicantFacts {
  /** The sector the directory shows. */
  sector: string;
  /** When it began (its spin-out date), YYYY-MM-DD, if known. */
  startedOn: string | null;
  /** Facts supplied by other modules, by name; a name absent is not known. */
  facts: Readonly<Record<string, boolean>>;
}

export type FailureCode = "sector" | "too-old" | "start-unknown" | "fact-false" | "fact-unknown" | "none-of";

export interface EligibilityFailure {
  /** Where the rule is: "2", or "2.1" for the first rule of the third rule's any-of. */
  rule: string;
  code: FailureCode;
  message: string;
  /** The failures of an any-of's rules, each named. */
  within?: EligibilityFailure[];
}

/** Whole years from `from` to `to` (YYYY-MM-DD), as a birthday counts them. */
export function wholeYearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = to.split("-").map(Number) as [number, number, number];
  const years = ty - fy;
  return tm < fm || (tm === fm && td < fd) ? years - 1 : years;
}

function judge(
  rule: EligibilityRule,
  applicant: ApplicantFacts,
  on: string,
  at: string,
): EligibilityFailure[] {
  switch (rule.kind) {
    case "sector-in":
      return rule.sectors.includes(applicant.sector)
        ? []
        : [
            {
              rule: at,
              code: "sector",
              message: msg`The programme is for organisations of these sectors only: ${rule.sectors.join(", ")}`,
            },
          ];
    case "age-at-most": {
      if (!applicant.startedOn)
        return [
          {
            rule: at,
            code: "start-unknown",
            message: msg`The programme is for organisations that began at most ${rule.years} years ago, and the directory does not know when this one began: record its spin-out date with its mutual evidence`,
          },
        ];
      // Strictly fewer whole years than allowed, or exactly that many on the anniversary itself.
      const years = wholeYearsBetween(applicant.startedOn, on);
      const exactly = years === rule.years && on.slice(5) === applicant.startedOn.slice(5);
      return years < rule.years || exactly
        ? []
        : [
            {
              rule: at,
              code: "too-old",
              message: msg`The programme is for organisations that began at most ${rule.years} years ago; this one began on ${applicant.startedOn}`,
            },
          ];
    }
    case "fact": {
      const known = applicant.facts[rule.fact];
      if (known === true) return [];
      return [
        known === false
          ? {
              rule: at,
              code: "fact-false",
              message: msg`The programme asks that ${rule.label}, and this is not so`,
            }
          : {
              rule: at,
              code: "fact-unknown",
              message: msg`The programme asks that ${rule.label}, and the platform does not know it`,
            },
      ];
    }
    case "any-of": {
      const within: EligibilityFailure[] = [];
      for (const [i, inner] of rule.rules.entries()) {
        const failed = judge(inner, applicant, on, `${at}.${i + 1}`);
        if (failed.length === 0) return [];
        within.push(...failed);
      }
      return [
        {
          rule: at,
          code: "none-of",
          message: msg`The organisation meets none of the programme's alternatives`,
          within,
        },
      ];
    }
  }
}

/** Every rule the applicant fails, on the day `on` (YYYY-MM-DD): none when it is eligible. */
export function eligibilityFailures(
  rules: readonly EligibilityRule[],
  applicant: ApplicantFacts,
  on: string,
): EligibilityFailure[] {
  return rules.flatMap((rule, i) => judge(rule, applicant, on, `${i + 1}`));
}

/** The names of the facts the rules ask other modules for. */
export function factsAsked(rules: readonly EligibilityRule[]): string[] {
  const out = new Set<string>();
  const walk = (r: EligibilityRule) => {
    if (r.kind === "fact") out.add(r.fact);
    if (r.kind === "any-of") r.rules.forEach(walk);
  };
  rules.forEach(walk);
  return [...out];
}

/**
 * The rules as sent (JSON), checked: each a known kind with what it needs. Answers the rules, or
 * the problems found, each naming the rule.
 */
export function checkRules(
  value: unknown,
  sectors: readonly string[],
): { rules: EligibilityRule[] } | { problems: string[] } {
  const problems: string[] = [];
  const check = (r: unknown, at: string, depth: number): EligibilityRule | undefined => {
    const o = (r ?? {}) as Record<string, unknown>;
    switch (o.kind) {
      case "sector-in": {
        const list = Array.isArray(o.sectors) ? o.sectors : [];
        if (list.length === 0 || !list.every((s) => typeof s === "string" && sectors.includes(s))) {
          problems.push(msg`Rule ${at}: list one or more of the directory's sectors`);
          return undefined;
        }
        return { kind: "sector-in", sectors: list as string[] };
      }
      case "age-at-most":
        if (!Number.isInteger(o.years) || (o.years as number) < 0 || (o.years as number) > 200) {
          problems.push(msg`Rule ${at}: give the most years as a whole number from 0 to 200`);
          return undefined;
        }
        return { kind: "age-at-most", years: o.years as number };
      case "fact":
        if (
          typeof o.fact !== "string" ||
          !/^[a-z][a-z0-9.-]{0,79}$/.test(o.fact) ||
          typeof o.label !== "string" ||
          o.label.trim() === "" ||
          o.label.length > 200
        ) {
          problems.push(
            msg`Rule ${at}: name the fact (lower-case letters, digits, dots and hyphens) and say what it asks, in up to 200 characters`,
          );
          return undefined;
        }
        return { kind: "fact", fact: o.fact, label: o.label.trim() };
      case "any-of": {
        const inner = Array.isArray(o.rules) ? o.rules : [];
        if (depth > 0 || inner.length < 2) {
          problems.push(msg`Rule ${at}: an any-of holds two or more rules, and is not inside another`);
          return undefined;
        }
        const rules = inner.map((x, i) => check(x, `${at}.${i + 1}`, depth + 1));
        return rules.every((x) => x !== undefined)
          ? { kind: "any-of", rules: rules as EligibilityRule[] }
          : undefined;
      }
      default:
        problems.push(msg`Rule ${at}: the kind is one of sector-in, age-at-most, fact or any-of`);
        return undefined;
    }
  };
  if (!Array.isArray(value) || value.length > 20)
    return { problems: [msg`Give the eligibility as a list of up to 20 rules`] };
  const rules = value.map((r, i) => check(r, `${i + 1}`, 0));
  return problems.length > 0 ? { problems } : { rules: rules as EligibilityRule[] };
}
