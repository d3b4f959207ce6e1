/**
 * The vocabulary of barriers (issue 20, item 5; DOMAIN.md §7): the kinds a barrier is logged as,
 * and which of them an authority can fix itself. Labels and hints are in `locales/en.json` and
 * `cy.json` (`barriers.kinds.<code>`). A kind an authority cannot fix (VAT treatment: national
 * policy; access to capital, skills) is still answered by it — it can say what it does about it —
 * but tender set-up shows an authority only the open barriers of the kinds it can fix.
 */
export interface BarrierKind {
  code: string;
  /** Whether the authority can remove it itself (contract size, payment terms, TUPE disclosure). */
  authorityCanFix: boolean;
}

export const BARRIER_KINDS: readonly BarrierKind[] = [
  { code: "vat-treatment", authorityCanFix: false },
  { code: "tupe-not-disclosed", authorityCanFix: true },
  { code: "pensions", authorityCanFix: true },
  { code: "access-to-capital", authorityCanFix: false },
  { code: "contract-size", authorityCanFix: true },
  { code: "working-capital", authorityCanFix: true },
  { code: "payment-terms", authorityCanFix: true },
  { code: "parent-body-opposition", authorityCanFix: true },
  { code: "skills", authorityCanFix: false },
  { code: "other", authorityCanFix: false },
];

export const BARRIER_KIND_CODES: readonly string[] = BARRIER_KINDS.map((k) => k.code);

/** The kinds an authority can fix, by code. */
export const FIXABLE_KINDS: readonly string[] = BARRIER_KINDS.filter((k) => k.authorityCanFix).map(
  (k) => k.code,
);

export function isBarrierKind(code: string): boolean {
  return BARRIER_KIND_CODES.includes(code);
}
