/**
 * An OCDS 1.1 release of a contracting process as it stands: a pure function of what the public may
 * see of it (`ProcessSnapshot`, gathered by process.service.ts through each module's public views),
 * so nothing sealed or private can reach a release — bids before opening are not in the snapshot at
 * all; after opening, only how many there were.
 *
 * Every release is a full snapshot (the standard allows either a snapshot or only what changed): the
 * record's compiled release is then simply the latest state, and the versioned release shows each
 * field's history. Fields the standard has no place for are OpenPS's documented extension fields
 * (docs/open-data.md): `tender.reservedParticipation` (s.33, after the Other Requirements
 * extension's field of that name), `tender.tupe`, `awards[].standstillPeriod`,
 * `awards[].fewerThanThreeBidsJustification`, `awards[].consortium`, `contracts[].termination`,
 * `contracts[].implementation.milestones[].kpiRating` and
 * `contracts[].implementation.transactions[].paymentPeriod` (the month an outcome payment paid for).
 *
 * Amounts are in pounds (the pence stored, divided by 100: exact to two places); document links are
 * site-relative and made absolute with the deployment's address when served (ocds.service.ts).
 */

/** The release tags, in the order of the standard's releaseTag codelist. */
export const RELEASE_TAGS = [
  "planning",
  "planningUpdate",
  "tender",
  "tenderAmendment",
  "tenderUpdate",
  "tenderCancellation",
  "award",
  "awardUpdate",
  "awardCancellation",
  "contract",
  "contractUpdate",
  "contractAmendment",
  "implementation",
  "implementationUpdate",
  "contractTermination",
] as const;
export type ReleaseTag = (typeof RELEASE_TAGS)[number];

/** A party as the process names it: an authority or an organisation. */
export interface PartyRef {
  /** OpenPS's id of the authority or organisation. */
  id: string;
  name: string;
  /** Its org-id identifier (GB-COH-…, GB-LAE-…), when known. */
  orgId: string | null;
  kind: "authority" | "organisation";
}

export interface ProcessSnapshot {
  ocid: string;
  buyer: PartyRef;
  /** The commissioning project, when this process is the project's (its first tender's). */
  planning: {
    projectId: string;
    title: string;
    description: string;
    need: string;
    estimatedValuePence: bigint;
    dates: { marketEngagement: string; tender: string; award: string; start: string };
    participants: PartyRef[];
    pageUrl: string;
    publishedAt: Date | null;
  } | null;
  classification: {
    cpv: string;
    description: string;
    category: string;
    area: { code: string; name: string };
  };
  tender: {
    id: string;
    title: string;
    description: string;
    procedure: "open" | "competitive-flexible";
    stages: string;
    status: "published" | "cancelled";
    cancelReason: string | null;
    publishedAt: Date;
    cancelledAt: Date | null;
    clarificationDeadline: Date;
    submissionDeadline: Date;
    reserved: boolean;
    contractTermMonths: number;
    tupe: {
      applies: boolean;
      staffCount: number | null;
      annualCostPence: bigint | null;
      terms: string;
      pensionTerms: string;
    };
    pricing: { mode: string; fixedPricePence: bigint | null; tariff: string; vat: string };
    lots: { id: string; title: string; description: string; estimatedValuePence: bigint }[];
    conditions: string[];
    criteria: { id: string; parentId: string | null; kind: string; title: string; weightBp: number }[];
    documents: { id: string; title: string; mediaType: string; uploadedAt: Date; url: string }[];
    amendments: { id: string; number: number; reason: string; changed: string[]; madeAt: Date }[];
    /** How many bids were opened: null until the bids are opened (sealed until then). */
    bidsOpened: { count: number; openedAt: Date } | null;
    pageUrl: string;
  } | null;
  award: {
    id: string;
    status: "awarded" | "suspended" | "contracted" | "withdrawn";
    decidedAt: Date;
    standstillEndsAt: Date;
    noticePublishedAt: Date;
    valuePence: bigint;
    supplier: PartyRef;
    consortium: {
      name: string;
      role: "partner" | "subcontractor";
      shareBp: number;
      organisationId: string | null;
    }[];
    fewerThanThreeBidsJustification: string | null;
    withdrawnReason: string | null;
    noticeUrl: string;
  } | null;
  contract: {
    id: string;
    title: string;
    description: string;
    valuePence: bigint;
    startsOn: string;
    endsOn: string;
    enteredAt: Date;
    state: "not-started" | "active" | "ended" | "terminated";
    terminatedOn: string | null;
    terminationReason: string | null;
    paymentMechanism: string;
    documents: { position: number; title: string; mediaType: string; uploadedAt: Date; url: string }[];
    amendments: { number: number; reason: string; amendedAt: Date; changed: string[] }[];
    ratings: {
      kpi: number;
      kpiName: string;
      period: number;
      periodEndsOn: string;
      rating: string;
      ratedAt: Date;
    }[];
    /** Payment by results: what the contract's outcome contract paid the provider (its ledger's payments and corrections). */
    payments?: {
      id: string;
      kind: "payment" | "correction";
      /** Signed: a correction below zero was paid back. */
      amountPence: bigint;
      paidOn: string;
      recordedAt: Date;
      /** The month a payment run paid for. */
      period: { start: string; end: string } | null;
      payee: PartyRef;
    }[];
    pageUrl: string;
  } | null;
}

const pounds = (pence: bigint) => Number(pence) / 100;
const money = (pence: bigint) => ({ amount: pounds(pence), currency: "GBP" });
const iso = (at: Date) => at.toISOString();
/** A London date as the start (or end) of that day, in the form the schema asks (date-time). */
const dayStart = (date: string) => `${date}T00:00:00Z`;
const dayEnd = (date: string) => `${date}T23:59:59Z`;

/** A party's id within the process: its org-id identifier when known, else OpenPS's own. */
export function partyId(party: PartyRef): string {
  return party.orgId ?? `openps-${party.kind}-${party.id}`;
}

function party(ref: PartyRef, roles: string[]): Record<string, unknown> {
  const scheme = ref.orgId ? ref.orgId.split("-").slice(0, 2).join("-") : null;
  return {
    id: partyId(ref),
    name: ref.name,
    ...(ref.orgId && scheme
      ? { identifier: { scheme, id: ref.orgId.slice(scheme.length + 1), legalName: ref.name } }
      : {}),
    roles,
  };
}

/** Parties with the same id merged, their roles joined (a buyer may also be a payer, say). */
function mergedParties(parties: Record<string, unknown>[]): Record<string, unknown>[] {
  const byId = new Map<string, Record<string, unknown>>();
  for (const p of parties) {
    const held = byId.get(p.id as string);
    if (!held) byId.set(p.id as string, { ...p });
    else held.roles = [...new Set([...(held.roles as string[]), ...(p.roles as string[])])];
  }
  return [...byId.values()];
}

function tenderStatus(s: ProcessSnapshot): string {
  const t = s.tender;
  if (!t) return "planned";
  if (t.status === "cancelled") return "cancelled";
  return s.award && s.award.status !== "withdrawn" ? "complete" : "active";
}

function awardStatus(status: NonNullable<ProcessSnapshot["award"]>["status"]): string {
  if (status === "withdrawn") return "cancelled";
  return status === "contracted" ? "active" : "pending";
}

function contractStatus(state: NonNullable<ProcessSnapshot["contract"]>["state"]): string {
  if (state === "not-started") return "pending";
  return state === "active" ? "active" : "terminated";
}

const MILESTONE_STATUS: Record<string, string> = {
  good: "met",
  "approaching-target": "partiallyMet",
  "requires-improvement": "notMet",
  inadequate: "notMet",
};

/** The release of `snapshot` with this id, date and tags (in the codelist's order). */
export function buildRelease(
  snapshot: ProcessSnapshot,
  release: { id: string; date: Date; tags: readonly ReleaseTag[] },
): Record<string, unknown> {
  const s = snapshot;
  const buyerParty = party(s.buyer, ["buyer", "procuringEntity"]);
  const parties = [buyerParty];
  const out: Record<string, unknown> = {
    ocid: s.ocid,
    id: release.id,
    date: iso(release.date),
    tag: RELEASE_TAGS.filter((t) => release.tags.includes(t)),
    initiationType: "tender",
    language: "en",
  };
  out.buyer = { id: buyerParty.id, name: s.buyer.name };

  if (s.planning) {
    const p = s.planning;
    for (const participant of p.participants) parties.push(party(participant, ["buyer"]));
    out.planning = {
      rationale: p.need,
      budget: { description: p.description, amount: money(p.estimatedValuePence) },
      documents: [
        {
          id: `project-${p.projectId}`,
          documentType: "procurementPlan",
          title: p.title,
          url: p.pageUrl,
          format: "text/html",
        },
      ],
      milestones: [
        {
          id: "market-engagement",
          title: "Market engagement",
          type: "engagement",
          dueDate: dayStart(p.dates.marketEngagement),
        },
        { id: "tender", title: "Tender published", type: "timeline", dueDate: dayStart(p.dates.tender) },
        { id: "award", title: "Contract awarded", type: "timeline", dueDate: dayStart(p.dates.award) },
        { id: "start", title: "Service starts", type: "delivery", dueDate: dayStart(p.dates.start) },
      ],
    };
  }

  const item = {
    id: "1",
    description: s.classification.category,
    classification: { scheme: "CPV", id: s.classification.cpv, description: s.classification.description },
    deliveryLocation: { description: s.classification.area.name },
  };

  if (s.tender) {
    const t = s.tender;
    const topCriteria = t.criteria.filter((c) => c.parentId === null);
    const priceOnly = topCriteria.length > 0 && topCriteria.every((c) => c.kind === "price");
    const lotsValue = t.lots.reduce((sum, lot) => sum + lot.estimatedValuePence, 0n);
    out.tender = {
      id: t.id,
      title: t.title,
      description: t.description,
      status: tenderStatus(s),
      procuringEntity: { id: buyerParty.id, name: s.buyer.name },
      items: [item],
      ...(t.lots.length > 0 ? { value: money(lotsValue) } : {}),
      procurementMethod: t.procedure === "open" ? "open" : "selective",
      procurementMethodDetails:
        t.procedure === "open" ? "Open procedure" : `Competitive flexible procedure: ${t.stages}`.trim(),
      mainProcurementCategory: "services",
      awardCriteria: priceOnly ? "priceOnly" : "ratedCriteria",
      awardCriteriaDetails: topCriteria.map((c) => `${c.title} (${c.kind}): ${c.weightBp / 100}%`).join("; "),
      submissionMethod: ["electronicSubmission"],
      submissionMethodDetails: "Sealed bids through OpenPS, opened by two people after the deadline.",
      tenderPeriod: { startDate: iso(t.publishedAt), endDate: iso(t.submissionDeadline) },
      enquiryPeriod: { startDate: iso(t.publishedAt), endDate: iso(t.clarificationDeadline) },
      eligibilityCriteria: t.conditions.join("\n"),
      contractPeriod: { durationInDays: Math.round(t.contractTermMonths * 30.4375) },
      ...(t.bidsOpened ? { numberOfTenderers: t.bidsOpened.count } : {}),
      documents: [
        {
          id: `notice-${t.id}`,
          documentType: "tenderNotice",
          title: t.title,
          url: t.pageUrl,
          format: "text/html",
          datePublished: iso(t.publishedAt),
        },
        ...t.documents.map((d) => ({
          id: d.id,
          documentType: "biddingDocuments",
          title: d.title,
          url: d.url,
          format: d.mediaType,
          datePublished: iso(d.uploadedAt),
        })),
      ],
      amendments: t.amendments.map((a) => ({
        id: String(a.number),
        date: iso(a.madeAt),
        rationale: a.reason,
        description: `Changed: ${a.changed.join(", ")}`,
      })),
      lots: t.lots.map((lot) => ({
        id: lot.id,
        title: lot.title,
        description: lot.description,
        value: money(lot.estimatedValuePence),
        status: tenderStatus(s),
      })),
      ...(t.reserved ? { reservedParticipation: ["publicServiceMissionOrganization"] } : {}),
      tupe: {
        applies: t.tupe.applies,
        staffCount: t.tupe.staffCount,
        annualCost: t.tupe.annualCostPence === null ? null : money(t.tupe.annualCostPence),
        terms: t.tupe.terms,
        pensionTerms: t.tupe.pensionTerms,
      },
      ...(t.status === "cancelled" && t.cancelReason
        ? { statusDetails: `Cancelled: ${t.cancelReason}` }
        : {}),
    };
    if (t.bidsOpened)
      out.bids = {
        statistics: [
          { id: "bids", measure: "bids", value: t.bidsOpened.count, date: iso(t.bidsOpened.openedAt) },
        ],
      };
  }

  if (s.award) {
    const a = s.award;
    const supplier = party(a.supplier, ["supplier"]);
    parties.push(supplier);
    const partners = a.consortium
      .filter((m) => m.role === "partner" && m.organisationId !== null)
      .map((m) =>
        party({ id: m.organisationId as string, name: m.name, orgId: null, kind: "organisation" }, [
          "supplier",
        ]),
      );
    parties.push(...partners);
    out.awards = [
      {
        id: a.id,
        title: s.tender?.title ?? "",
        status: awardStatus(a.status),
        ...(a.status === "withdrawn" && a.withdrawnReason
          ? { statusDetails: `Withdrawn: ${a.withdrawnReason}` }
          : {}),
        date: iso(a.decidedAt),
        value: money(a.valuePence),
        suppliers: [
          { id: supplier.id, name: a.supplier.name },
          ...partners.map((p) => ({ id: p.id, name: p.name })),
        ],
        items: [item],
        documents: [
          {
            id: `award-notice-${a.id}`,
            documentType: "awardNotice",
            title: `Contract award notice: ${s.tender?.title ?? ""}`,
            url: a.noticeUrl,
            format: "text/html",
            datePublished: iso(a.noticePublishedAt),
          },
        ],
        standstillPeriod: { startDate: iso(a.noticePublishedAt), endDate: iso(a.standstillEndsAt) },
        fewerThanThreeBidsJustification: a.fewerThanThreeBidsJustification,
        consortium: a.consortium.map((m) => ({ name: m.name, role: m.role, share: m.shareBp / 10_000 })),
      },
    ];
  }

  if (s.contract && s.award) {
    const c = s.contract;
    const payments = c.payments ?? [];
    if (payments.length > 0) parties.push(party(s.buyer, ["payer"]));
    for (const p of payments) parties.push(party(p.payee, ["payee"]));
    out.contracts = [
      {
        id: c.id,
        awardID: s.award.id,
        title: c.title,
        description: c.description,
        status: contractStatus(c.state),
        period: { startDate: dayStart(c.startsOn), endDate: dayEnd(c.terminatedOn ?? c.endsOn) },
        value: money(c.valuePence),
        dateSigned: iso(c.enteredAt),
        items: [item],
        documents: [
          {
            id: `contract-notice-${c.id}`,
            documentType: "contractNotice",
            title: c.title,
            url: c.pageUrl,
            format: "text/html",
            datePublished: iso(c.enteredAt),
          },
          ...c.documents.map((d) => ({
            id: `document-${d.position}`,
            documentType: "contractSigned",
            title: d.title,
            url: d.url,
            format: d.mediaType,
            datePublished: iso(d.uploadedAt),
          })),
        ],
        amendments: c.amendments.map((a) => ({
          id: String(a.number),
          date: iso(a.amendedAt),
          rationale: a.reason,
          description: a.changed.length > 0 ? `Changed: ${a.changed.join(", ")}` : "",
        })),
        ...(c.terminatedOn
          ? { termination: { date: dayStart(c.terminatedOn), rationale: c.terminationReason ?? "" } }
          : {}),
        implementation: {
          milestones: c.ratings.map((r) => ({
            id: `kpi-${r.kpi}-period-${r.period}`,
            title: r.kpiName,
            type: "reporting",
            status: MILESTONE_STATUS[r.rating] ?? "notMet",
            dueDate: dayEnd(r.periodEndsOn),
            dateMet: iso(r.ratedAt),
            kpiRating: r.rating,
          })),
          ...(payments.length > 0
            ? {
                transactions: payments.map((p) => ({
                  id: p.id,
                  date: dayStart(p.paidOn),
                  value: money(p.amountPence),
                  payer: { id: buyerParty.id, name: s.buyer.name },
                  payee: { id: partyId(p.payee), name: p.payee.name },
                  ...(p.period
                    ? {
                        paymentPeriod: { startDate: dayStart(p.period.start), endDate: dayEnd(p.period.end) },
                      }
                    : {}),
                })),
              }
            : {}),
        },
      },
    ];
  }

  out.parties = mergedParties(parties);
  return out;
}

/** The tags of a release that says all a process has reached at once (a process published late). */
export function stagesReached(s: ProcessSnapshot): ReleaseTag[] {
  const tags: ReleaseTag[] = [];
  if (s.planning) tags.push("planning");
  if (s.tender) {
    tags.push("tender");
    if (s.tender.amendments.length > 0) tags.push("tenderAmendment");
    if (s.tender.status === "cancelled") tags.push("tenderCancellation");
  }
  if (s.award) tags.push(s.award.status === "withdrawn" ? "awardCancellation" : "award");
  if (s.contract) {
    tags.push("contract");
    if (s.contract.amendments.length > 0) tags.push("contractAmendment");
    if (s.contract.ratings.length > 0 || (s.contract.payments ?? []).length > 0) tags.push("implementation");
    if (s.contract.terminatedOn) tags.push("contractTermination");
  }
  return tags;
}

/** When the process last changed, as far as its snapshot says (undefined when it says nothing). */
export function lastChanged(s: ProcessSnapshot): Date | undefined {
  const dates = [
    s.planning?.publishedAt,
    s.tender?.publishedAt,
    s.tender?.cancelledAt,
    s.tender?.bidsOpened?.openedAt,
    ...(s.tender?.amendments.map((a) => a.madeAt) ?? []),
    s.award?.decidedAt,
    s.contract?.enteredAt,
    ...(s.contract?.amendments.map((a) => a.amendedAt) ?? []),
    ...(s.contract?.ratings.map((r) => r.ratedAt) ?? []),
    ...(s.contract?.payments?.map((p) => p.recordedAt) ?? []),
  ].filter((d): d is Date => d instanceof Date);
  return dates.length === 0 ? undefined : new Date(Math.max(...dates.map((d) => d.getTime())));
}
