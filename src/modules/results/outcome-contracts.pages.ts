/**
 * The pages of outcome contracts (issue 19, items 1, 2 and 5): the authority's list and setting one
 * up, a contract with its payment model (each number beside its rule) and its participants a page
 * at a time, a new model version, referring participants (a CSV file, the commissioner's, with an
 * example file), the cohorts' comparison groups (the commissioner records them; the provider reads),
 * the evidence CSV upload (the provider's and the commissioner's), the claims with their working and
 * problems, performance against the minimum and shifting market share; and the provider's list of
 * its outcome contracts. Each form re-renders with its errors.
 */
import { readFile } from "node:fs/promises";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { filesOf } from "../../http/uploads.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { ValidationError } from "../../lib/errors.ts";
import { londonDateTime, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, organisationRoles } from "../access/policies.ts";
import { approvalCeiling, DEFAULT_APPROVAL_CEILING_PENCE } from "./approval-amounts.service.ts";
import {
  eventToWithdraw,
  recordEvidenceCsv,
  referParticipantsCsv,
  referralCsvExample,
  referralForm,
  withdrawEvent,
} from "./intake.service.ts";
import {
  addModelVersion,
  authorityOutcomeContracts,
  comparisonsOf,
  contractClaims,
  contractsToSetUp,
  type OutcomeContractRow,
  outcomeContractUrl,
  outcomeContractView,
  providerOutcomeContracts,
  recordComparison,
  setUpOutcomeContract,
} from "./outcome-contracts.service.ts";
import { contractPerformance, shiftMarketShare } from "./performance.service.ts";
import { MODEL_KINDS, PROVIDER_ROLES } from "./results.service.ts";

type SlugRequest = FastifyRequest<{ Params: { slug: string }; Querystring: { after?: string } }>;
type ContractRequest = FastifyRequest<{
  Params: { slug: string; contractId: string };
  Querystring: { after?: string; refused?: string; notice?: string; cohort?: string; metric?: string };
}>;

const VIEWS = "results/views/contracts";
const MAX_CSV_BYTES = 2 * 1024 * 1024;

/**
 * The CSV file a page's form sent (its `file` field) as text: refused with `missing` when none was
 * chosen, and with `tooLarge` above 2 MB (5,000 lines are well under it: a larger file is not read).
 */
async function csvUpload(request: FastifyRequest, missing: string, tooLarge: string): Promise<string> {
  const file = filesOf(request.body, "file")[0];
  if (!file) throw new ValidationError(missing, [{ field: "file", message: missing }]);
  if (file.size > MAX_CSV_BYTES) throw new ValidationError(tooLarge, [{ field: "file", message: tooLarge }]);
  return (await readFile(file.path)).toString("utf8");
}

/** Events per 100 people, kept in hundredths, as people read them: 14,250 → "142.50". */
function per100(centi: number): string {
  const whole = new Intl.NumberFormat("en-GB").format(Math.trunc(centi / 100));
  return `${whole}.${String(centi % 100).padStart(2, "0")}`;
}

/** Who may see a contract's pages: the service decides (404 first, then 403). */
const contractPeople = afterLookup({
  description: "The authority's commissioners and administrators, and the provider's people",
  signedIn: true,
  check() {},
});

function listed(request: FastifyRequest, c: OutcomeContractRow) {
  const lang = request.locale;
  return {
    url: outcomeContractUrl(c),
    reference: c.reference,
    title: c.title,
    provider: c.provider_name,
    programme: c.programme,
    dates: request.t("results.contracts.dates", {
      from: longDate(c.starts_on, lang),
      to: longDate(c.ends_on, lang),
    }),
    share: formatPercent(c.referral_share_bp),
  };
}

/** The contract's heading and links, shared by its pages. */
async function contractHead(request: ContractRequest, participantsAfter?: string) {
  const { authority } = request;
  const view = await outcomeContractView(ctxOf(request), authority.id, request.params.contractId, {
    after: participantsAfter,
    pageSize: participantsAfter === undefined ? 0 : undefined,
  });
  return { authority, view, contract: listed(request, view.contract), noindex: true };
}

export function outcomeContractPages(app: FastifyInstance): void {
  const base = "/authorities/:slug/outcome-contracts";
  const one = `${base}/:contractId`;

  app.get(base, page({ who: authorityEditors }), async (request: SlugRequest, reply) => {
    const { contracts, next } = await authorityOutcomeContracts(ctxOf(request), request.authority.id, {
      after: request.query.after,
    });
    const { ceilingPence } = await approvalCeiling(ctxOf(request), request.authority.id);
    await reply.page(`${VIEWS}/list.njk`, {
      authority: request.authority,
      ceiling: formatPence(ceilingPence),
      contracts: contracts.map((c) => listed(request, c)),
      next: next ? `?after=${next}` : null,
      noindex: true,
    });
  });

  formPage(app, `${base}/new`, {
    who: authorityEditors,
    template: `${VIEWS}/new.njk`,
    context: async (request: SlugRequest) => {
      const { ceilingPence } = await approvalCeiling(ctxOf(request), request.authority.id);
      return {
        authority: request.authority,
        platformContracts: await contractsToSetUp(ctxOf(request), request.authority.id),
        ceiling: formatPence(ceilingPence),
        defaultAmount: formatPence(
          ceilingPence < DEFAULT_APPROVAL_CEILING_PENCE ? ceilingPence : DEFAULT_APPROVAL_CEILING_PENCE,
        ),
        noindex: true,
      };
    },
    read: (body) => ({
      contractId: field(body, "contractId"),
      fund: field(body, "fund"),
      organisationId: field(body, "organisationId"),
      reference: field(body, "reference"),
      title: field(body, "title"),
      programme: field(body, "programme"),
      startsOn: dateField(body, "startsOn"),
      endsOn: dateField(body, "endsOn"),
      secondApprovalAbove: field(body, "secondApprovalAbove"),
      ...Object.fromEntries(
        ["startsOn", "endsOn"].flatMap((d) =>
          ["day", "month", "year"].map((p) => [`${d}-${p}`, field(body, `${d}-${p}`)]),
        ),
      ),
    }),
    submit: async (request: SlugRequest, v) => {
      const id = await setUpOutcomeContract(ctxOf(request), request.authority.id, v);
      return `/authorities/${request.authority.slug}/outcome-contracts/${id}?notice=set-up`;
    },
    fieldOf: (f) => (f === "startsOn" || f === "endsOn" ? `${f}-day` : f),
  });

  app.get(one, page({ who: contractPeople }), async (request: ContractRequest, reply) => {
    const head = await contractHead(request, request.query.after ?? "");
    const lang = request.locale;
    const { view } = head;
    await reply.page(`${VIEWS}/contract.njk`, {
      ...head,
      notice: ["set-up", "model-added"].includes(request.query.notice ?? "")
        ? request.query.notice
        : undefined,
      fund: view.contract.fund,
      comparisons: view.cohortMetrics.length > 0,
      fromContract: view.contract.contract_id
        ? `/authorities/${view.contract.authority_slug}/contracts/${view.contract.contract_id}`
        : null,
      approvalAbove: formatPence(view.contract.second_approval_above_pence),
      commissioner: view.commissioner,
      payer: view.payer,
      pendingRaise: view.pendingRaise
        ? { to: formatPence(view.pendingRaise.toPence), by: view.pendingRaise.proposedByName }
        : null,
      models: view.models.map((m) => ({
        ...m,
        effectiveFrom: longDate(m.effectiveFrom, lang),
        inForce: m.version === view.inForce,
      })),
      participants: view.participants.map((p) => ({
        reference: p.reference,
        group: p.payment_group,
        cohort: p.cohort ?? "",
        referredOn: longDate(p.referred_on, lang),
      })),
      next: view.nextParticipants ? `?after=${view.nextParticipants}#participants` : null,
    });
  });

  formPage(app, `${one}/models/new`, {
    who: contractPeople,
    template: `${VIEWS}/model.njk`,
    context: async (request: ContractRequest) => ({ ...(await contractHead(request)), kinds: MODEL_KINDS }),
    read: (body) => ({
      kind: field(body, "kind"),
      definition: field(body, "definition"),
      effectiveFrom: dateField(body, "effectiveFrom"),
      reason: field(body, "reason"),
      ...Object.fromEntries(
        ["day", "month", "year"].map((p) => [`effectiveFrom-${p}`, field(body, `effectiveFrom-${p}`)]),
      ),
    }),
    submit: async (request: ContractRequest, v, { view }) => {
      await addModelVersion(ctxOf(request), request.authority.id, view.contract.id, v);
      return `${outcomeContractUrl(view.contract)}?notice=model-added#model`;
    },
    fieldOf: (f) =>
      f === "effectiveFrom" ? "effectiveFrom-day" : f?.startsWith("definition") ? "definition" : f,
  });

  formPage(app, `${one}/referrals`, {
    who: contractPeople,
    uploads: true,
    template: `${VIEWS}/referrals.njk`,
    context: async (request: ContractRequest) => {
      const head = await contractHead(request);
      const form = await referralForm(ctxOf(request), request.authority.id, head.view.contract.id);
      return { ...head, form, result: null };
    },
    read: () => ({}),
    submit: async (request: ContractRequest, v, context, reply) => {
      const content = await csvUpload(
        request,
        msg`Choose the CSV file of participants`,
        msg`The file is larger than 2 MB: send at most 5,000 participants a file`,
      );
      const result = await referParticipantsCsv(
        ctxOf(request),
        request.authority.id,
        context.view.contract.id,
        content,
      );
      await reply.page(`${VIEWS}/referrals.njk`, { ...context, values: v, result });
      return "";
    },
  });

  app.get(
    `${one}/referrals/example.csv`,
    page({ who: contractPeople }),
    async (request: ContractRequest, reply) => {
      const csv = await referralCsvExample(ctxOf(request), request.authority.id, request.params.contractId);
      await reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="referrals-example.csv"')
        .send(csv);
    },
  );

  formPage(app, `${one}/comparisons`, {
    who: contractPeople,
    template: `${VIEWS}/comparisons.njk`,
    context: async (request: ContractRequest) => {
      const head = await contractHead(request);
      const lang = request.locale;
      const { metrics, comparisons } = await comparisonsOf(
        ctxOf(request),
        request.authority.id,
        head.view.contract.id,
      );
      return {
        ...head,
        commissioner: head.view.commissioner,
        notice: request.query.notice === "recorded",
        metrics,
        recorded: comparisons,
        comparisons: comparisons.map((c) => ({
          cohort: c.cohort,
          metric: c.metric,
          rate: per100(c.ratePer100Centi),
          groupSize: new Intl.NumberFormat("en-GB").format(c.groupSize),
          source: c.source,
          recordedBy: c.recordedByName,
          recordedAt: londonDateTime(c.recordedAt, lang),
          changeUrl: `?${new URLSearchParams({ cohort: c.cohort, metric: c.metric })}#record`,
        })),
      };
    },
    // "Change" on a row fills the form with its figure; otherwise the model's metric, when it has one.
    values: (request: ContractRequest, { recorded, metrics }) => {
      const c = recorded.find((r) => r.cohort === request.query.cohort && r.metric === request.query.metric);
      return c
        ? {
            cohort: c.cohort,
            metric: c.metric,
            ratePer100: per100(c.ratePer100Centi).replaceAll(",", ""),
            groupSize: String(c.groupSize),
            source: c.source,
          }
        : {
            cohort: "",
            metric: metrics.length === 1 ? (metrics[0] ?? "") : "",
            ratePer100: "",
            groupSize: "",
            source: "",
          };
    },
    read: (body) => ({
      cohort: field(body, "cohort"),
      metric: field(body, "metric"),
      ratePer100: field(body, "ratePer100"),
      groupSize: field(body, "groupSize"),
      source: field(body, "source"),
    }),
    submit: async (request: ContractRequest, v, { view }) => {
      await recordComparison(ctxOf(request), request.authority.id, view.contract.id, v);
      return `${outcomeContractUrl(view.contract)}/comparisons?notice=recorded`;
    },
  });

  formPage(app, `${one}/evidence`, {
    who: contractPeople,
    uploads: true,
    template: `${VIEWS}/evidence.njk`,
    context: async (request: ContractRequest) => {
      const head = await contractHead(request);
      return { ...head, commissioner: head.view.commissioner, result: null };
    },
    values: () => ({ source: "" }),
    read: (body) => ({ source: field(body, "source") }),
    submit: async (request: ContractRequest, v, context, reply) => {
      const content = await csvUpload(
        request,
        msg`Choose the CSV file of events`,
        msg`The file is larger than 2 MB: send at most 5,000 events a file`,
      );
      const source = context.view.commissioner
        ? v.source === "data-match"
          ? "data-match"
          : "commissioner"
        : undefined;
      const result = await recordEvidenceCsv(
        ctxOf(request),
        request.authority.id,
        context.view.contract.id,
        content,
        source,
      );
      await reply.page(`${VIEWS}/evidence.njk`, { ...context, values: v, result });
      return "";
    },
  });

  app.get(`${one}/claims`, page({ who: contractPeople }), async (request: ContractRequest, reply) => {
    const head = await contractHead(request);
    const refused = request.query.refused === "yes";
    const lang = request.locale;
    const { claims, next } = await contractClaims(
      ctxOf(request),
      request.authority.id,
      head.view.contract.id,
      {
        after: request.query.after,
        refused,
      },
    );
    await reply.page(`${VIEWS}/claims.njk`, {
      ...head,
      refused,
      notice: request.query.notice === "withdrawn" ? "withdrawn" : null,
      claims: claims.map((c) => ({
        participant: c.participant,
        contractWide: c.contractWide,
        contractWideRule: c.rule,
        contractWideMetric: c.metric,
        rule: c.metric ? `${c.rule} (${c.metric})` : c.rule,
        seq: c.seq,
        period: longDate(c.period, lang),
        achievedOn: longDate(c.achievedOn, lang),
        version: c.modelVersion,
        amount: formatPence(c.amountPence),
        events: c.events.map((e) => ({
          // The commissioner withdraws any event; the provider its own.
          withdrawUrl:
            head.view.commissioner || e.source === "provider"
              ? `${head.contract.url}/events/${e.id}/withdraw`
              : null,
          kind: e.kind,
          occurredOn: longDate(e.occurredOn, lang),
          source: e.source,
          value: e.value,
          metric: e.metric,
        })),
        problems: c.problems,
        valid: c.valid,
      })),
      next: next ? `?after=${next}${refused ? "&refused=yes" : ""}` : null,
    });
  });

  formPage(app, `${one}/events/:eventId/withdraw`, {
    who: contractPeople,
    template: `${VIEWS}/withdraw.njk`,
    context: async (request: ContractRequest) => {
      const head = await contractHead(request);
      const { eventId } = request.params as ContractRequest["params"] & { eventId: string };
      const event = await eventToWithdraw(
        ctxOf(request),
        request.authority.id,
        head.view.contract.id,
        eventId,
      );
      return { ...head, event: { ...event, occurredOnText: longDate(event.occurredOn, request.locale) } };
    },
    read: (body) => ({ reason: field(body, "reason") }),
    submit: async (request: ContractRequest, v, context) => {
      await withdrawEvent(
        ctxOf(request),
        request.authority.id,
        context.view.contract.id,
        context.event.id,
        v,
      );
      return `${context.contract.url}/claims?notice=withdrawn`;
    },
  });

  app.get(`${one}/performance`, page({ who: contractPeople }), async (request: ContractRequest, reply) => {
    const head = await contractHead(request);
    const p = await contractPerformance(ctxOf(request), request.authority.id, head.view.contract.id);
    const lang = request.locale;
    await reply.page(`${VIEWS}/performance.njk`, {
      ...head,
      minimum: p.minimum ? { ...p.minimum, rate: formatPercent(p.minimum.rateBp) } : null,
      countedAt: p.countedAt ? londonDateTime(p.countedAt, lang) : null,
      notice: request.query.notice,
      belowMinimum: p.belowMinimum,
      months: p.months.map((m) => ({
        month: longDate(m.month, lang).replace(/^1 /, ""),
        referred: m.referred,
        achieved: m.achieved,
        rate: formatPercent(m.rateBp),
        complete: m.complete,
        below: m.below,
      })),
      programme: p.programme.map((c) => listed(request, c)),
    });
  });

  formPage(app, `${one}/share`, {
    who: contractPeople,
    template: `${VIEWS}/share.njk`,
    context: async (request: ContractRequest) => {
      const head = await contractHead(request);
      const p = await contractPerformance(ctxOf(request), request.authority.id, head.view.contract.id);
      return {
        ...head,
        others: p.programme
          .filter((c) => c.id !== head.view.contract.id)
          .map((c) => ({ id: c.id, ...listed(request, c) })),
      };
    },
    read: (body) => ({
      toContractId: field(body, "toContractId"),
      share: field(body, "share"),
      effectiveFrom: dateField(body, "effectiveFrom"),
      reason: field(body, "reason"),
      ...Object.fromEntries(
        ["day", "month", "year"].map((p) => [`effectiveFrom-${p}`, field(body, `effectiveFrom-${p}`)]),
      ),
    }),
    submit: async (request: ContractRequest, v, { view }) => {
      await shiftMarketShare(ctxOf(request), request.authority.id, view.contract.id, v, {
        email: request.server.deps.mailer !== undefined,
      });
      return `${outcomeContractUrl(view.contract)}/performance?notice=shifted`;
    },
    fieldOf: (f) => (f === "effectiveFrom" ? "effectiveFrom-day" : f),
  });

  app.get(
    "/organisations/:id/outcome-contracts",
    page({
      who: organisationRoles(
        PROVIDER_ROLES,
        "see this provider's outcome contracts",
        "The provider's people",
      ),
    }),
    async (request: FastifyRequest<{ Params: { id: string }; Querystring: { after?: string } }>, reply) => {
      const { contracts, next } = await providerOutcomeContracts(ctxOf(request), request.params.id, {
        after: request.query.after,
      });
      await reply.page(`${VIEWS}/provider.njk`, {
        contracts: contracts.map((c) => ({ ...listed(request, c), authority: c.authority_slug })),
        next: next ? `?after=${next}` : null,
        noindex: true,
      });
    },
  );
}
