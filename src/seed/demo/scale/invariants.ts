/**
 * The invariants the scaled demo data must hold — the rules the services keep, checked over the
 * whole database (or the scaled rows, where the demo seeds deliberately hold a state a check would
 * call wrong: a location still applying, a draft report): run at the end of every scale-up, and
 * exported for tests. Foreign keys, checks and triggers hold by the database itself; these are the
 * rules it cannot say. Each reports how many rows break it and a few of them.
 */
import type { Db } from "../../../db/database.ts";
import { verifyAuditChains } from "../../../modules/audit/audit.service.ts";
import { openOne, unwrapDataKey } from "../../../modules/tenders/bids.service.ts";
import type { TenderKeyring } from "../../../modules/tenders/sealing.ts";
import {
  countOfKind,
  INVARIANT_QUERIES,
  type InvariantName,
  sampleBids,
  scaleRuns,
} from "./scale.repository.ts";

export interface InvariantResult {
  name: string;
  /** What holds, in words. */
  rule: string;
  ok: boolean;
  failures: number;
  /** A few of the rows at fault (their ids). */
  examples: string[];
}

const RULES: Readonly<Record<InvariantName, string>> = {
  organisationsComplete:
    "every scaled organisation has a service category, an area it serves and an administrator",
  mutualsHaveEvidence: "every scaled public service mutual has the evidence behind its claim",
  primaryIdentifiers: "every organisation's primary identifier is its primary identifier row",
  locationsRated:
    "every scaled registered or dormant location has a published inspection report (a current rating)",
  ratingsAggregated:
    "every inspection's overall rating follows the aggregation rules and the breach cap, unless the inspector departed with a reason",
  inadequateInSpecialMeasures:
    "every scaled location rated Inadequate at its latest inspection is in special measures",
  tenderDates:
    "every tender was published before its deadline and opened after it; every bid was received after publication and before the deadline",
  openedBidsRead: "every current bid of an opened tender was opened (its integrity recorded)",
  complianceComplete:
    "every tender in evaluation has a compliance decision for each current bid, counts that match them, and a justification exactly when fewer than three bids are compliant",
  awardsToBestBid:
    "every award is to a current, compliant bid of its own tender, ranked first in the assessments, decided after the opening",
  contractsFromAwards:
    "every contract's award is of the contract's tender, marked contracted with it, to the same supplier, and the contract was entered after standstill",
  contractKpis: "every contract awarded or worth over £5 million has at least three KPIs",
  regulatedActivities:
    "every scaled award for a regulated activity is to a provider holding a current registration for it",
  lifecycleInOrder:
    "every scaled awarded tender was published, closed, opened, awarded and (if contracted) started in that order, the contract after standstill",
};

/**
 * Checks every invariant. With `keys` (the deployment's master keys), also opens a sample of the
 * scaled bids with their tenders' keys. The audit chains are verified as `openps audit verify` does.
 */
export async function checkScaleInvariants(
  db: Db,
  options: { keys?: TenderKeyring; sample?: number } = {},
): Promise<InvariantResult[]> {
  const results: InvariantResult[] = [];
  for (const name of Object.keys(INVARIANT_QUERIES) as InvariantName[]) {
    const found = await INVARIANT_QUERIES[name](db);
    results.push({
      name,
      rule: RULES[name],
      ok: found.count === 0,
      failures: found.count,
      examples: found.examples,
    });
  }
  results.push(await countsHold(db));
  if (options.keys) results.push(await bidsOpen(db, options.keys, options.sample ?? 24));
  const chains = await verifyAuditChains(db);
  const broken = chains.filter((c) => !c.ok);
  results.push({
    name: "auditChains",
    rule: "every audit chain is intact (as openps audit verify checks)",
    ok: broken.length === 0,
    failures: broken.length,
    examples: broken.slice(0, 5).map((c) => `${c.authorityId} at ${c.brokenAt?.seq}: ${c.brokenAt?.problem}`),
  });
  return results;
}

/** Every run recorded has made what it planned (an interrupted one: no more than it planned). */
async function countsHold(db: Db): Promise<InvariantResult> {
  const runs = await scaleRuns(db);
  const planned = (kind: "organisations" | "locations" | "tenders", finished: boolean) =>
    runs.filter((r) => (r.finished_at !== null) === finished).reduce((n, r) => n + r.planned[kind], 0);
  const examples: string[] = [];
  for (const [kind, table, idKind] of [
    ["organisations", "organisations", "organisation"],
    ["locations", "registrations", "location"],
    ["tenders", "tenders", "tender"],
  ] as const) {
    const found = await countOfKind(db, table, idKind);
    const done = planned(kind, true);
    if (found < done || found > done + planned(kind, false))
      examples.push(`${kind}: ${found} in the database, ${done} planned by the finished runs`);
  }
  return {
    name: "countsAsPlanned",
    rule: "the database holds as many scaled organisations, locations and tenders as the runs planned",
    ok: examples.length === 0,
    failures: examples.length,
    examples,
  };
}

/** A sample of the scaled bids opens with its tender's keys, as the bid it was sealed for. */
async function bidsOpen(db: Db, keys: TenderKeyring, sample: number): Promise<InvariantResult> {
  const examples: string[] = [];
  let failures = 0;
  for (const bid of await sampleBids(db, sample)) {
    const privateKey = await unwrapDataKey({ db, keys }, bid.authority_id, bid.tender_id);
    const opened = openOne(privateKey, bid);
    privateKey.fill(0);
    const bidder = opened.content?.bidder.organisationId;
    if (opened.integrity !== "verified" || (bid.organisation_id !== null && bid.organisation_id !== bidder)) {
      failures += 1;
      if (examples.length < 5) examples.push(bid.id);
    }
  }
  return {
    name: "sealedBidsOpen",
    rule: "scaled bids open with their own tender's keys, as the bid they were sealed for, matching their receipts",
    ok: failures === 0,
    failures,
    examples,
  };
}
