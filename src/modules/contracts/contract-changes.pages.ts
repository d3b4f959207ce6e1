/**
 * Amending and terminating a contract: the authority's commissioners and administrators record an
 * amendment (value, dates, scope, KPIs added) or a termination, each with its reason; each form
 * re-renders with its errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, formPage } from "../../http/forms.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import { amendContract, contractToChange, terminateContract } from "./contract-changes.service.ts";
import { contractsCtxOf } from "./contracts.context.ts";
import { AMENDMENT_KPI_ROWS, formValues, forPage, kpisFromForm, money } from "./contracts.pages.ts";
import { KPI_FREQUENCIES } from "./contracts.table.ts";

type ContractRequest = FastifyRequest<{ Params: { slug: string; contractId: string } }>;

/**
 * The page's context: the contract, as the pages show it, its current value, whether it is reserved
 * to mutuals (5 years at most), and the rows of KPIs an amendment may add.
 */
async function changeContext(request: ContractRequest) {
  const { authority } = request;
  const view = await contractToChange(ctxOf(request), authority.id, request.params.contractId);
  return {
    authority,
    contract: forPage(request, view),
    currentValue: money(view.contract.value_pence),
    reserved: view.reserved,
    frequencies: KPI_FREQUENCIES,
    kpiRows: Array.from({ length: AMENDMENT_KPI_ROWS }, (_, i) => i),
    firstKpi: view.kpis.length + 1,
  };
}

export function contractChangePages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/contracts/:contractId/amend", {
    who: afterLookup(authorityEditors),
    template: "contracts/views/amend.njk",
    context: changeContext,
    values: () => ({}),
    read: (body) => formValues(body),
    submit: async (request: ContractRequest, values, { authority, contract }) => {
      await amendContract(contractsCtxOf(request), authority.id, contract.contract.id, {
        reason: field(values, "reason"),
        value: field(values, "value"),
        startsOn: dateField(values, "startsOn"),
        endsOn: dateField(values, "endsOn"),
        scope: field(values, "scope"),
        kpis: kpisFromForm(values, AMENDMENT_KPI_ROWS),
      });
      return `${contract.url}?notice=amended#amendments`;
    },
  });

  formPage(app, "/authorities/:slug/contracts/:contractId/terminate", {
    who: afterLookup(authorityEditors),
    template: "contracts/views/terminate.njk",
    context: changeContext,
    values: () => ({}),
    read: (body) => formValues(body),
    submit: async (request: ContractRequest, values, { authority, contract }) => {
      await terminateContract(contractsCtxOf(request), authority.id, contract.contract.id, {
        reason: field(values, "reason"),
        terminatedOn: dateField(values, "terminatedOn"),
      });
      return `${contract.url}?notice=terminated`;
    },
  });
}
