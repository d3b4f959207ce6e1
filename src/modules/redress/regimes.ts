/**
 * The complaint regimes (issue 18, item 2) as data: each regime's stages, each stage's steps with
 * how long the body has, from what, how far it may extend, and the rule that says so — in English
 * and Welsh (DOMAIN.md §4 asks for clocks as data per regime, each with its rule named). The
 * clocks themselves are pure functions of these rules and a nation's working-day calendar
 * (clocks.ts). The regimes are England's: Wales, Scotland and Northern Ireland have their own
 * procedures (docs/redress.md says which and what OpenPS does with a body there).
 */

/** Text in both languages. */
export interface Bilingual {
  en: string;
  cy: string;
}

export const REGIME_CODES = [
  "nhs-adult-social-care",
  "housing",
  "children-social-care",
  "council",
  "commissioning",
] as const;
export type RegimeCode = (typeof REGIME_CODES)[number];

/**
 * The regimes a person complains under (the complaint forms offer these). `commissioning` is a
 * provider's complaint about an authority's commissioning decision, made only through its own form
 * (`makeCommissioningComplaint`).
 */
export const PERSON_REGIME_CODES = REGIME_CODES.filter((c) => c !== "commissioning");

export function isRegimeCode(value: unknown): value is RegimeCode {
  return typeof value === "string" && (REGIME_CODES as readonly string[]).includes(value);
}

export const STEP_CODES = ["acknowledge", "respond", "panel"] as const;
export type StepCode = (typeof STEP_CODES)[number];

/** What a step's period counts from: the day the stage was asked for, or the day it was acknowledged. */
export type StepFrom = "received" | "acknowledged";

/** How long a step has: working days on the body's nation calendar, or calendar months. */
export type Span = { workingDays: number } | { months: number };

/**
 * How far a step's deadline may move: by up to so many working days in all, with a reason the
 * complainant is told; or to any later day agreed with the complainant before the period ends.
 */
export type ExtensionRule = { upToWorkingDays: number } | { byAgreement: true };

export interface StepRule {
  step: StepCode;
  within: Span;
  from: StepFrom;
  /** null: the deadline does not move. */
  extension: ExtensionRule | null;
  /**
   * When the period is not a hard limit but a point at which the body owes an explanation (NHS and
   * adult social care: a response after 6 months needs a written reason why, and then comes as soon
   * as it can): the deadline is shown as "an explanation owed", not "overdue".
   */
  explanationOwed?: true;
  source: Bilingual;
}

export interface StageRule {
  stage: number;
  name: Bilingual;
  steps: readonly StepRule[];
  /** The stage is considered by someone who did not consider the stage before it. */
  differentPerson?: true;
  /** How long the complainant has to ask for this stage after the last one's answer; null: no limit set. */
  askWithin: Span | null;
}

export interface TimeLimitRule {
  /** A complaint is made within this many months of the event, or of the complainant knowing of it if later. */
  months: number;
  /** Counted from the later of the event and the day the complainant knew of it. */
  fromKnowing: boolean;
  /** The body may consider a late complaint, with a recorded reason. */
  waivable: boolean;
  source: Bilingual;
}

export const OMBUDSMAN_CODES = ["lgsco", "phso", "housing-ombudsman"] as const;
export type OmbudsmanCode = (typeof OMBUDSMAN_CODES)[number];

export interface RegimeRule {
  code: RegimeCode;
  name: Bilingual;
  /** What it covers, in a sentence a complainant understands. */
  covers: Bilingual;
  stages: readonly StageRule[];
  timeLimit: TimeLimitRule;
  /**
   * The second tier: which ombudsman, by the kind of body complained about; null where it is the
   * independent adjudicator of the service area (complaints about commissioning).
   */
  ombudsman: { nhsBody: OmbudsmanCode | null; otherBody: OmbudsmanCode } | null;
  source: Bilingual;
}

const NHS_ASC_SOURCE: Bilingual = {
  en: "The Local Authority Social Services and National Health Service Complaints (England) Regulations 2009",
  cy: "Rheoliadau Cwynion Gwasanaethau Cymdeithasol Awdurdodau Lleol a’r Gwasanaeth Iechyd Gwladol (Lloegr) 2009",
};

const HOUSING_CODE: Bilingual = {
  en: "The Housing Ombudsman’s Complaint Handling Code (statutory under section 220A of the Housing Act 1996)",
  cy: "Cod Ymdrin â Chwynion yr Ombwdsmon Tai (statudol dan adran 220A o Ddeddf Tai 1996)",
};

const CHILDREN_SOURCE: Bilingual = {
  en: "The Children Act 1989 Representations Procedure (England) Regulations 2006",
  cy: "Rheoliadau Gweithdrefn Sylwadau Deddf Plant 1989 (Lloegr) 2006",
};

const COUNCIL_CODE: Bilingual = {
  en: "The Local Government and Social Care Ombudsman’s Complaint Handling Code (applied from 1 April 2026)",
  cy: "Cod Ymdrin â Chwynion yr Ombwdsmon Llywodraeth Leol a Gofal Cymdeithasol (yn gymwys o 1 Ebrill 2026)",
};

const COMMISSIONING_RULE: Bilingual = {
  en: "OpenPS’s rule for complaints about commissioning (no statute sets one), modelled on the Local Government and Social Care Ombudsman’s Complaint Handling Code",
  cy: "Rheol OpenPS ar gyfer cwynion am gomisiynu (nid oes statud yn gosod un), wedi’i modelu ar God Ymdrin â Chwynion yr Ombwdsmon Llywodraeth Leol a Gofal Cymdeithasol",
};

function cite(base: Bilingual, en: string, cy: string): Bilingual {
  return { en: `${base.en}, ${en}`, cy: `${base.cy}, ${cy}` };
}

/** Stage 1 and stage 2 of a two-stage code (housing, other council services): the same shape. */
function twoStages(
  code: Bilingual,
  where: { ack1: Bilingual; respond1: Bilingual; ack2: Bilingual; respond2: Bilingual },
) {
  return [
    {
      stage: 1,
      name: { en: "Stage 1", cy: "Cam 1" },
      askWithin: null,
      steps: [
        {
          step: "acknowledge",
          within: { workingDays: 5 },
          from: "received",
          extension: null,
          source: cite(code, where.ack1.en, where.ack1.cy),
        },
        {
          step: "respond",
          within: { workingDays: 10 },
          from: "acknowledged",
          extension: { upToWorkingDays: 10 },
          source: cite(code, where.respond1.en, where.respond1.cy),
        },
      ],
    },
    {
      stage: 2,
      name: { en: "Stage 2", cy: "Cam 2" },
      differentPerson: true,
      askWithin: null,
      steps: [
        {
          step: "acknowledge",
          within: { workingDays: 5 },
          from: "received",
          extension: null,
          source: cite(code, where.ack2.en, where.ack2.cy),
        },
        {
          step: "respond",
          within: { workingDays: 20 },
          from: "acknowledged",
          extension: { upToWorkingDays: 20 },
          source: cite(code, where.respond2.en, where.respond2.cy),
        },
      ],
    },
  ] as const satisfies readonly StageRule[];
}

export const REGIMES: readonly RegimeRule[] = [
  {
    code: "nhs-adult-social-care",
    name: { en: "NHS and adult social care", cy: "GIG a gofal cymdeithasol i oedolion" },
    covers: {
      en: "Care and treatment from the NHS, and adult social care arranged or paid for by a council, whoever provides it.",
      cy: "Gofal a thriniaeth gan y GIG, a gofal cymdeithasol i oedolion a drefnir neu a delir amdano gan gyngor, pwy bynnag sy’n ei ddarparu.",
    },
    source: NHS_ASC_SOURCE,
    timeLimit: {
      months: 12,
      fromKnowing: true,
      waivable: true,
      source: cite(NHS_ASC_SOURCE, "regulation 12", "rheoliad 12"),
    },
    ombudsman: { nhsBody: "phso", otherBody: "lgsco" },
    stages: [
      {
        stage: 1,
        name: { en: "The body’s response", cy: "Ymateb y corff" },
        askWithin: null,
        steps: [
          {
            step: "acknowledge",
            within: { workingDays: 3 },
            from: "received",
            extension: null,
            source: cite(NHS_ASC_SOURCE, "regulation 13(2)", "rheoliad 13(2)"),
          },
          {
            step: "respond",
            within: { months: 6 },
            from: "received",
            extension: { byAgreement: true },
            explanationOwed: true,
            source: cite(NHS_ASC_SOURCE, "regulation 14", "rheoliad 14"),
          },
        ],
      },
    ],
  },
  {
    code: "housing",
    name: { en: "Social housing", cy: "Tai cymdeithasol" },
    covers: {
      en: "A social landlord’s homes and services: repairs, tenancy, neighbourhood, the landlord’s own conduct.",
      cy: "Cartrefi a gwasanaethau landlord cymdeithasol: atgyweirio, tenantiaeth, y gymdogaeth, ymddygiad y landlord ei hun.",
    },
    source: HOUSING_CODE,
    timeLimit: {
      months: 12,
      fromKnowing: true,
      waivable: true,
      source: cite(HOUSING_CODE, "its exclusions", "ei eithriadau"),
    },
    ombudsman: { nhsBody: null, otherBody: "housing-ombudsman" },
    stages: twoStages(HOUSING_CODE, {
      ack1: { en: "paragraph 6.2", cy: "paragraff 6.2" },
      respond1: { en: "paragraphs 6.3 and 6.4", cy: "paragraffau 6.3 a 6.4" },
      ack2: { en: "paragraph 6.11", cy: "paragraff 6.11" },
      respond2: { en: "section 6, stage 2", cy: "adran 6, cam 2" },
    }),
  },
  {
    code: "children-social-care",
    name: { en: "Children’s social care", cy: "Gofal cymdeithasol i blant" },
    covers: {
      en: "A council’s social services for children and families, including children in care and care leavers.",
      cy: "Gwasanaethau cymdeithasol cyngor i blant a theuluoedd, gan gynnwys plant mewn gofal a rhai sy’n gadael gofal.",
    },
    source: CHILDREN_SOURCE,
    timeLimit: {
      months: 12,
      fromKnowing: false,
      waivable: true,
      source: cite(CHILDREN_SOURCE, "regulation 9", "rheoliad 9"),
    },
    ombudsman: { nhsBody: null, otherBody: "lgsco" },
    stages: [
      {
        stage: 1,
        name: { en: "Stage 1: local resolution", cy: "Cam 1: datrys yn lleol" },
        askWithin: null,
        steps: [
          {
            step: "respond",
            within: { workingDays: 10 },
            from: "received",
            extension: { upToWorkingDays: 10 },
            source: cite(CHILDREN_SOURCE, "regulation 14", "rheoliad 14"),
          },
        ],
      },
      {
        stage: 2,
        name: { en: "Stage 2: investigation", cy: "Cam 2: ymchwiliad" },
        differentPerson: true,
        askWithin: { workingDays: 20 },
        steps: [
          {
            step: "respond",
            within: { workingDays: 25 },
            from: "received",
            extension: { upToWorkingDays: 40 },
            source: cite(CHILDREN_SOURCE, "regulation 17", "rheoliad 17"),
          },
        ],
      },
      {
        stage: 3,
        name: { en: "Stage 3: review panel", cy: "Cam 3: panel adolygu" },
        differentPerson: true,
        askWithin: { workingDays: 20 },
        steps: [
          {
            step: "panel",
            within: { workingDays: 30 },
            from: "received",
            extension: null,
            source: cite(CHILDREN_SOURCE, "regulation 19(4)", "rheoliad 19(4)"),
          },
        ],
      },
    ],
  },
  {
    code: "council",
    name: { en: "Other council services", cy: "Gwasanaethau eraill y cyngor" },
    covers: {
      en: "Any other service a council provides or commissions: waste, highways, planning, education services, benefits administration.",
      cy: "Unrhyw wasanaeth arall y mae cyngor yn ei ddarparu neu’n ei gomisiynu: gwastraff, priffyrdd, cynllunio, gwasanaethau addysg, gweinyddu budd-daliadau.",
    },
    source: COUNCIL_CODE,
    timeLimit: {
      months: 12,
      fromKnowing: true,
      waivable: true,
      source: cite(COUNCIL_CODE, "its exclusions", "ei eithriadau"),
    },
    ombudsman: { nhsBody: null, otherBody: "lgsco" },
    stages: twoStages(COUNCIL_CODE, {
      ack1: { en: "stage 1", cy: "cam 1" },
      respond1: { en: "stage 1", cy: "cam 1" },
      ack2: { en: "stage 2", cy: "cam 2" },
      respond2: { en: "stage 2", cy: "cam 2" },
    }),
  },
  {
    code: "commissioning",
    name: { en: "Commissioning", cy: "Comisiynu" },
    covers: {
      en: "A provider’s complaint about how an authority commissioned a service: a tender it ran, or a contract the provider holds.",
      cy: "Cwyn darparwr am y ffordd y comisiynodd awdurdod wasanaeth: tendr a gynhaliodd, neu gontract sydd gan y darparwr.",
    },
    source: COMMISSIONING_RULE,
    // Not a bar to proceedings under the Procurement Act 2023 (s.106: 30 days from knowing), which a
    // complaint neither replaces nor pauses (docs/redress.md).
    timeLimit: {
      months: 12,
      fromKnowing: true,
      waivable: true,
      source: cite(COMMISSIONING_RULE, "its time limit", "ei derfyn amser"),
    },
    ombudsman: null,
    stages: [
      {
        stage: 1,
        name: { en: "The authority’s response", cy: "Ymateb yr awdurdod" },
        askWithin: null,
        steps: [
          {
            step: "acknowledge",
            within: { workingDays: 5 },
            from: "received",
            extension: null,
            source: cite(COMMISSIONING_RULE, "acknowledgement", "cydnabod"),
          },
          {
            step: "respond",
            within: { workingDays: 10 },
            from: "acknowledged",
            extension: { upToWorkingDays: 10 },
            source: cite(COMMISSIONING_RULE, "response", "ymateb"),
          },
        ],
      },
    ],
  },
];

export function regimeOf(code: RegimeCode): RegimeRule {
  const regime = REGIMES.find((r) => r.code === code);
  if (!regime) throw new RangeError(`No complaint regime ${code}`);
  return regime;
}

export function stageOf(regime: RegimeRule, stage: number): StageRule {
  const found = regime.stages.find((s) => s.stage === stage);
  if (!found) throw new RangeError(`${regime.name.en} has no stage ${stage}`);
  return found;
}

export function stepOf(stage: StageRule, step: StepCode): StepRule | undefined {
  return stage.steps.find((s) => s.step === step);
}

/** The last stage: after its answer the complainant may go to the ombudsman. */
export function lastStage(regime: RegimeRule): number {
  return regime.stages[regime.stages.length - 1]?.stage ?? 1;
}

export interface OmbudsmanRule {
  code: OmbudsmanCode;
  name: Bilingual;
  remit: Bilingual;
  /** A complaint is brought within this many months of the complainant knowing of the matter. */
  timeLimitMonths: number;
  /** What the time limit counts from: the complainant knowing of the matter, or the body's final response. */
  timeLimitFrom: "knowing" | "final-response";
  /** Only through a Member of Parliament, for these kinds of body (the "MP filter"). */
  mpReferralFor: readonly "government-department"[];
  source: Bilingual;
}

export const OMBUDSMEN: readonly OmbudsmanRule[] = [
  {
    code: "lgsco",
    name: {
      en: "Local Government and Social Care Ombudsman",
      cy: "Yr Ombwdsmon Llywodraeth Leol a Gofal Cymdeithasol",
    },
    remit: {
      en: "Councils in England, and all adult social care, self-funded included.",
      cy: "Cynghorau yn Lloegr, a phob gofal cymdeithasol i oedolion, gan gynnwys gofal a ariennir gan yr unigolyn.",
    },
    timeLimitMonths: 12,
    timeLimitFrom: "knowing",
    mpReferralFor: [],
    source: {
      en: "Local Government Act 1974, Part 3 (sections 26(5) and 26B) and Part 3A",
      cy: "Deddf Llywodraeth Leol 1974, Rhan 3 (adrannau 26(5) a 26B) a Rhan 3A",
    },
  },
  {
    code: "phso",
    name: {
      en: "Parliamentary and Health Service Ombudsman",
      cy: "Yr Ombwdsmon Seneddol a Gwasanaeth Iechyd",
    },
    remit: {
      en: "The NHS in England directly; UK government departments and their agencies only when a Member of Parliament refers the complaint.",
      cy: "Y GIG yn Lloegr yn uniongyrchol; adrannau llywodraeth y DU a’u hasiantaethau dim ond pan fo Aelod Seneddol yn cyfeirio’r gŵyn.",
    },
    timeLimitMonths: 12,
    timeLimitFrom: "knowing",
    mpReferralFor: ["government-department"],
    source: {
      en: "Health Service Commissioners Act 1993, section 9; Parliamentary Commissioner Act 1967, sections 5(1) and 6(3)",
      cy: "Deddf Comisiynwyr y Gwasanaeth Iechyd 1993, adran 9; Deddf y Comisiynydd Seneddol 1967, adrannau 5(1) a 6(3)",
    },
  },
  {
    code: "housing-ombudsman",
    name: { en: "Housing Ombudsman", cy: "Yr Ombwdsmon Tai" },
    remit: {
      en: "Social landlords in England (housing associations, and councils as landlords), and voluntary members.",
      cy: "Landlordiaid cymdeithasol yn Lloegr (cymdeithasau tai, a chynghorau fel landlordiaid), ac aelodau gwirfoddol.",
    },
    timeLimitMonths: 12,
    timeLimitFrom: "final-response",
    mpReferralFor: [],
    source: {
      en: "Housing Act 1996, Schedule 2; the Housing Ombudsman Scheme",
      cy: "Deddf Tai 1996, Atodlen 2; Cynllun yr Ombwdsmon Tai",
    },
  },
];

export function ombudsmanOf(code: OmbudsmanCode): OmbudsmanRule {
  const found = OMBUDSMEN.find((o) => o.code === code);
  if (!found) throw new RangeError(`No ombudsman ${code}`);
  return found;
}

/**
 * The independent adjudicator of complaints about commissioning (the White Paper's), one per service
 * area: its rule is OpenPS's (no statute sets one) — a complaint brought within 12 months of knowing,
 * as the LGSCO's. Which authority is the adjudicator of an area, the platform administrators say
 * (second-tier.service.ts).
 */
export const ADJUDICATOR = {
  code: "adjudicator",
  name: { en: "Independent adjudicator", cy: "Dyfarnwr annibynnol" },
  remit: {
    en: "Providers' complaints about how an authority commissioned a service, in its service area.",
    cy: "Cwynion darparwyr am y ffordd y comisiynodd awdurdod wasanaeth, yn ei faes gwasanaeth.",
  },
  timeLimitMonths: 12,
  timeLimitFrom: "knowing",
  mpReferralFor: [],
  source: COMMISSIONING_RULE,
} as const satisfies Omit<OmbudsmanRule, "code"> & { code: "adjudicator" };

/** A second-tier scheme: one of the three ombudsmen, or the adjudicator. */
export type SecondTierCode = OmbudsmanCode | "adjudicator";
export type SecondTierRule = Omit<OmbudsmanRule, "code"> & { code: SecondTierCode };

/** The three ombudsmen and the adjudicator, as pages name them. */
export const SECOND_TIER_RULES: readonly SecondTierRule[] = [...OMBUDSMEN, ADJUDICATOR];

export function secondTierRuleOf(code: SecondTierCode): SecondTierRule {
  return code === "adjudicator" ? ADJUDICATOR : ombudsmanOf(code);
}
