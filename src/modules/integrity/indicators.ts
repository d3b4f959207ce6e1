/**
 * The integrity indicators as data: each indicator's code, name and meaning, what it is not, its
 * thresholds — each a value with its unit and the reason for it beside it — and its sources, in
 * English and Welsh. One place to read and to change: the pure functions (flags.ts) take their
 * thresholds from here, the pages and `GET /api/v1/integrity/indicators` show them from here.
 *
 * A flag is a reason to look, never a verdict: each says why it was raised (the values it was
 * raised on) and what it does not show. See docs/integrity.md.
 */

/** Text in both of the service's languages. */
export interface Text {
  en: string;
  cy: string;
}

export const INDICATOR_CODES = [
  "single-bid",
  "fewer-than-three-bids",
  "short-submission-period",
  "late-amendment",
  "award-above-estimate",
  "supplier-concentration",
  "right-to-challenge-unprocured",
] as const;
export type IndicatorCode = (typeof INDICATOR_CODES)[number];

export const THRESHOLD_UNITS = ["bids", "days", "percent", "awards", "months"] as const;
export type ThresholdUnit = (typeof THRESHOLD_UNITS)[number];

export interface Threshold {
  /** Its name within the indicator (the key its functions read it by). */
  name: string;
  value: number;
  unit: ThresholdUnit;
  /** Why this value: the rule or source it comes from, or OpenPS's choice and why. */
  reason: Text;
}

/** Where an indicator comes from: its title (a Welsh description of an English document in Welsh). */
export interface Source {
  title: Text;
  url: string;
}

export interface Indicator {
  code: IndicatorCode;
  /** What it is raised on: one contracting process; an authority's awards in a market; an authority. */
  scope: "process" | "market" | "authority";
  name: Text;
  /** What it means when it is raised. */
  meaning: Text;
  /** What it does not show. */
  notA: Text;
  thresholds: readonly Threshold[];
  /** The OCDS fields it reads (of a compiled release), or where else its data comes from. */
  reads: readonly string[];
  sources: readonly Source[];
}

const CARDINAL = "https://github.com/open-contracting/cardinal-rs/blob/main/docs/cli/indicators/R";
const OCP_RED_FLAGS: Source = {
  title: {
    en: "Open Contracting Partnership and Development Gateway, Red flags for integrity: giving the green light to open data solutions (2016)",
    cy: "Y Bartneriaeth Contractio Agored a Development Gateway, canllaw baneri coch ar gyfer uniondeb gyda data agored (2016, yn Saesneg)",
  },
  url: "https://www.open-contracting.org/resources/red-flags-integrity-giving-green-light-open-data-solutions/",
};
const CRI: Source = {
  title: {
    en: "Fazekas, Tóth and King, An Objective Corruption Risk Index Using Public Procurement Data, European Journal on Criminal Policy and Research (2016)",
    cy: "Fazekas, Tóth a King, mynegai risg llygredd gwrthrychol o ddata caffael cyhoeddus (2016, yn Saesneg)",
  },
  url: "https://link.springer.com/article/10.1007/s10610-016-9308-z",
};

export const INDICATORS: readonly Indicator[] = [
  {
    code: "single-bid",
    scope: "process",
    name: { en: "A single bid", cy: "Un cynnig yn unig" },
    meaning: {
      en: "Only one bid was received for a tender open to competition: no one competed with the winner.",
      cy: "Dim ond un cynnig a ddaeth i law ar gyfer tendr a oedd yn agored i gystadleuaeth: ni chystadlodd neb â’r enillydd.",
    },
    notA: {
      en: "It does not show that anyone kept bidders away. A specialised service or a small market may draw one bid however open the tender.",
      cy: "Nid yw’n dangos bod neb wedi cadw cynigwyr draw. Gall gwasanaeth arbenigol neu farchnad fach ddenu un cynnig, waeth pa mor agored yw’r tendr.",
    },
    thresholds: [
      {
        name: "bids",
        value: 1,
        unit: "bids",
        reason: {
          en: "Exactly one bid in an open or competitive procedure: the Open Contracting Partnership’s Cardinal flags a process whose number of tenderers is one (R018), after the single-bidder measure of the corruption risk index.",
          cy: "Un cynnig yn union mewn gweithdrefn agored neu gystadleuol: mae Cardinal y Bartneriaeth Contractio Agored yn codi baner ar broses ag un tendrwr (R018), yn dilyn mesur un cynigydd y mynegai risg llygredd.",
        },
      },
    ],
    reads: ["tender.numberOfTenderers", "bids.statistics[measure=bids]", "tender.procurementMethod"],
    sources: [
      {
        title: {
          en: "Cardinal, R018: Single bid received",
          cy: "Cardinal, R018: un cynnig wedi dod i law (yn Saesneg)",
        },
        url: `${CARDINAL}/018.md`,
      },
      CRI,
      OCP_RED_FLAGS,
    ],
  },
  {
    code: "fewer-than-three-bids",
    scope: "process",
    name: { en: "Fewer than three bids", cy: "Llai na thri chynnig" },
    meaning: {
      en: "Fewer than three bids were received, or the award went ahead with fewer than three compliant bids. The authority’s page says how often it published a justification for that.",
      cy: "Daeth llai na thri chynnig i law, neu aeth y dyfarniad yn ei flaen gyda llai na thri chynnig cydymffurfiol. Mae tudalen yr awdurdod yn dweud pa mor aml y cyhoeddodd gyfiawnhad dros hynny.",
    },
    notA: {
      en: "It does not show that the award was wrong: a justification may explain why fewer providers could bid, and it is published with the award.",
      cy: "Nid yw’n dangos bod y dyfarniad yn anghywir: gall cyfiawnhad egluro pam mai llai o ddarparwyr a allai gynnig, ac fe’i cyhoeddir gyda’r dyfarniad.",
    },
    thresholds: [
      {
        name: "bids",
        value: 3,
        unit: "bids",
        reason: {
          en: "Raised below this number: the Open Public Services White Paper asks commissioners to seek and consider at least three providers, and OpenPS starts evaluation with fewer than three compliant bids only with a justification, published with the award.",
          cy: "Fe’i codir o dan y nifer hwn: mae Papur Gwyn Gwasanaethau Cyhoeddus Agored yn gofyn i gomisiynwyr geisio ac ystyried o leiaf dri darparwr, a dim ond gyda chyfiawnhad, a gyhoeddir gyda’r dyfarniad, y mae OpenPS yn dechrau gwerthuso gyda llai na thri chynnig cydymffurfiol.",
        },
      },
    ],
    reads: [
      "tender.numberOfTenderers",
      "bids.statistics[measure=bids]",
      "awards[].fewerThanThreeBidsJustification",
    ],
    sources: [
      {
        title: {
          en: "Open Public Services White Paper (Cm 8145, 2011)",
          cy: "Papur Gwyn Gwasanaethau Cyhoeddus Agored (Cm 8145, 2011)",
        },
        url: "https://www.gov.uk/government/publications/open-public-services-white-paper",
      },
      OCP_RED_FLAGS,
    ],
  },
  {
    code: "short-submission-period",
    scope: "process",
    name: { en: "A submission period at the legal minimum", cy: "Cyfnod cyflwyno ar yr isafswm cyfreithiol" },
    meaning: {
      en: "The time between the tender notice and the deadline for bids was at, or close to, the shortest the law allows.",
      cy: "Roedd yr amser rhwng yr hysbysiad tendr a’r dyddiad cau ar gyfer cynigion ar yr isafswm y mae’r gyfraith yn ei ganiatáu, neu’n agos ato.",
    },
    notA: {
      en: "It does not show a breach: the period was within the law. A short period favours bidders who knew the tender was coming; a simple service may need no more.",
      cy: "Nid yw’n dangos toriad: roedd y cyfnod o fewn y gyfraith. Mae cyfnod byr yn ffafrio cynigwyr a wyddai fod y tendr ar y ffordd; efallai nad oes angen mwy ar wasanaeth syml.",
    },
    thresholds: [
      {
        name: "legalMinimum",
        value: 25,
        unit: "days",
        reason: {
          en: "The Procurement Act 2023’s minimum tendering period (section 54) for an open procedure whose tender documents are all published with the tender notice and whose tenders are submitted electronically, as on OpenPS, which refuses a shorter period (OPENPS_TENDER_MINIMUM_DAYS, 25 unless set).",
          cy: "Isafswm cyfnod tendro Deddf Caffael 2023 (adran 54) ar gyfer gweithdrefn agored y cyhoeddir ei holl ddogfennau tendr gyda’r hysbysiad tendr ac y cyflwynir ei thendrau’n electronig, fel ar OpenPS, sy’n gwrthod cyfnod byrrach (OPENPS_TENDER_MINIMUM_DAYS, 25 oni osodir fel arall).",
        },
      },
      {
        name: "margin",
        value: 3,
        unit: "days",
        reason: {
          en: "A period less than this much longer than the minimum was set at the minimum in effect (a deadline moved to the end of a week, say); a longer one was chosen with time to spare. OpenPS’s choice.",
          cy: "Gosodwyd cyfnod sy’n llai na hyn yn hwy na’r isafswm ar yr isafswm i bob pwrpas (dyddiad cau wedi’i symud i ddiwedd wythnos, er enghraifft); dewiswyd un hwy gydag amser wrth gefn. Dewis OpenPS.",
        },
      },
    ],
    reads: ["tender.tenderPeriod.startDate", "tender.tenderPeriod.endDate", "tender.procurementMethod"],
    sources: [
      {
        title: {
          en: "Procurement Act 2023, section 54 (time limits)",
          cy: "Deddf Caffael 2023, adran 54 (terfynau amser)",
        },
        url: "https://www.legislation.gov.uk/ukpga/2023/54/section/54",
      },
      {
        title: {
          en: "Cabinet Office, Procurement Act 2023 guidance: time periods",
          cy: "Swyddfa’r Cabinet, canllawiau Deddf Caffael 2023 ar gyfnodau amser",
        },
        url: "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-procure-phase/time-periods-html",
      },
      {
        title: {
          en: "Cardinal, R003: Short submission period",
          cy: "Cardinal, R003: cyfnod cyflwyno byr (yn Saesneg)",
        },
        url: `${CARDINAL}/003.md`,
      },
    ],
  },
  {
    code: "late-amendment",
    scope: "process",
    name: { en: "An amendment late in the period", cy: "Diwygiad yn hwyr yn y cyfnod" },
    meaning: {
      en: "The tender was amended with little time left before the deadline for bids, and the deadline was not moved to give bidders time.",
      cy: "Diwygiwyd y tendr heb fawr o amser ar ôl cyn y dyddiad cau ar gyfer cynigion, ac ni symudwyd y dyddiad cau i roi amser i gynigwyr.",
    },
    notA: {
      en: "It does not show that the amendment favoured anyone: a late correction may help every bidder. Read the amendment and its reason.",
      cy: "Nid yw’n dangos bod y diwygiad wedi ffafrio neb: gall cywiriad hwyr helpu pob cynigydd. Darllenwch y diwygiad a’i reswm.",
    },
    thresholds: [
      {
        name: "daysBeforeDeadline",
        value: 10,
        unit: "days",
        reason: {
          en: "Less time than this before the deadline leaves bidders little to rework their bids: once a bid has arrived OpenPS moves the deadline at least this far for an amendment (OPENPS_TENDER_AMENDMENT_DAYS, 10 unless set), and the Procurement Act 2023 asks authorities to have regard to any modification when setting time limits (section 54(1)).",
          cy: "Mae llai o amser na hyn cyn y dyddiad cau yn gadael fawr o amser i gynigwyr ailweithio eu cynigion: unwaith y bydd cynnig wedi dod i law mae OpenPS yn symud y dyddiad cau o leiaf hyn ar gyfer diwygiad (OPENPS_TENDER_AMENDMENT_DAYS, 10 oni osodir fel arall), ac mae Deddf Caffael 2023 yn gofyn i awdurdodau ystyried unrhyw addasiad wrth osod terfynau amser (adran 54(1)).",
        },
      },
    ],
    reads: ["tender.amendments[].date", "tender.tenderPeriod.endDate"],
    sources: [
      {
        title: {
          en: "Procurement Act 2023, section 54 (time limits)",
          cy: "Deddf Caffael 2023, adran 54 (terfynau amser)",
        },
        url: "https://www.legislation.gov.uk/ukpga/2023/54/section/54",
      },
      OCP_RED_FLAGS,
    ],
  },
  {
    code: "award-above-estimate",
    scope: "process",
    name: { en: "An award above the estimate", cy: "Dyfarniad uwchlaw’r amcangyfrif" },
    meaning: {
      en: "The value awarded is well above the value the authority itself published as its estimate: of the tender, of its lots, or of the planned procurement.",
      cy: "Mae’r gwerth a ddyfarnwyd ymhell uwchlaw’r gwerth a gyhoeddodd yr awdurdod ei hun fel ei amcangyfrif: o’r tendr, o’i lotiau, neu o’r caffael arfaethedig.",
    },
    notA: {
      en: "It does not show overpayment: the scope may have grown, or the estimate may have been out of date. It is a question to ask of the award.",
      cy: "Nid yw’n dangos gordalu: efallai fod y cwmpas wedi tyfu, neu fod yr amcangyfrif wedi dyddio. Mae’n gwestiwn i’w ofyn am y dyfarniad.",
    },
    thresholds: [
      {
        name: "over",
        value: 10,
        unit: "percent",
        reason: {
          en: "More above the authority’s own estimate than an estimate made in good faith usually misses by. OpenPS’s choice; red flag lists name a winning price much higher than the cost estimate.",
          cy: "Mwy uwchlaw amcangyfrif yr awdurdod ei hun nag y mae amcangyfrif a wnaed yn ddidwyll fel arfer yn methu o’r nod. Dewis OpenPS; mae rhestrau baneri coch yn enwi pris buddugol llawer uwch na’r amcangyfrif o’r gost.",
        },
      },
    ],
    reads: ["awards[].value", "tender.value", "tender.lots[].value", "planning.budget.amount"],
    sources: [
      {
        title: {
          en: "Indicator toolbox: winning bid price much higher than cost estimates",
          cy: "Blwch offer dangosyddion: pris buddugol llawer uwch na’r amcangyfrif o’r gost (yn Saesneg)",
        },
        url: "https://indicatortoolbox.eu/indicators/?page=1&tags=statistics",
      },
      OCP_RED_FLAGS,
    ],
  },
  {
    code: "supplier-concentration",
    scope: "market",
    name: {
      en: "One supplier’s share of an authority’s awards in a market",
      cy: "Cyfran un cyflenwr o ddyfarniadau awdurdod mewn marchnad",
    },
    meaning: {
      en: "One supplier won a large share of the value the authority awarded in one market (the service’s CPV code) in a financial year. Raised on each of that supplier’s awards there.",
      cy: "Enillodd un cyflenwr gyfran fawr o’r gwerth a ddyfarnodd yr awdurdod mewn un farchnad (cod CPV y gwasanaeth) mewn blwyddyn ariannol. Fe’i codir ar bob un o ddyfarniadau’r cyflenwr hwnnw yno.",
    },
    notA: {
      en: "It does not show favouritism: the supplier may simply have offered the best value each time, or be the only one in the area.",
      cy: "Nid yw’n dangos ffafriaeth: efallai mai’r cyflenwr a gynigiodd y gwerth gorau bob tro, neu mai ef yw’r unig un yn yr ardal.",
    },
    thresholds: [
      {
        name: "share",
        value: 40,
        unit: "percent",
        reason: {
          en: "Competition law takes dominance to be unlikely below a 40% share of a market (European Commission, guidance on its enforcement priorities under Article 82 EC, 2009/C 45/02, paragraph 14): above it, one supplier holds what would be a dominant share of this authority’s spending in the market. The winner’s share of a buyer’s contracts is the outcome the corruption risk index measures.",
          cy: "Mae cyfraith cystadleuaeth yn ystyried goruchafiaeth yn annhebygol o dan gyfran o 40% o farchnad (y Comisiwn Ewropeaidd, canllawiau ar ei flaenoriaethau gorfodi o dan Erthygl 82 CE, 2009/C 45/02, paragraff 14): uwchlaw hynny, mae gan un cyflenwr yr hyn a fyddai’n gyfran oruchaf o wariant yr awdurdod hwn yn y farchnad. Cyfran yr enillydd o gontractau prynwr yw’r canlyniad y mae’r mynegai risg llygredd yn ei fesur.",
        },
      },
      {
        name: "minimumAwards",
        value: 3,
        unit: "awards",
        reason: {
          en: "With fewer awards in the market in the year, a share says little: of two awards, one supplier always has at least half.",
          cy: "Gyda llai o ddyfarniadau yn y farchnad yn y flwyddyn, nid yw cyfran yn dweud fawr: o ddau ddyfarniad, mae gan un cyflenwr o leiaf hanner bob amser.",
        },
      },
      {
        name: "period",
        value: 12,
        unit: "months",
        reason: {
          en: "Counted over the financial year of each award’s date (1 April to 31 March), the year authorities budget and report in.",
          cy: "Fe’i cyfrifir dros flwyddyn ariannol dyddiad pob dyfarniad (1 Ebrill i 31 Mawrth), y flwyddyn y mae awdurdodau’n cyllidebu ac yn adrodd ynddi.",
        },
      },
    ],
    reads: [
      "buyer.id",
      "tender.items[].classification",
      "awards[].suppliers",
      "awards[].value",
      "awards[].date",
    ],
    sources: [
      {
        title: {
          en: "European Commission, Guidance on the Commission’s enforcement priorities in applying Article 82 of the EC Treaty (2009/C 45/02)",
          cy: "Y Comisiwn Ewropeaidd, canllawiau ar ei flaenoriaethau gorfodi wrth gymhwyso Erthygl 82 o Gytuniad y CE (2009/C 45/02)",
        },
        url: "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52009XC0224(01)",
      },
      CRI,
      OCP_RED_FLAGS,
    ],
  },
  {
    code: "right-to-challenge-unprocured",
    scope: "authority",
    name: {
      en: "Right to Challenge accepted but never procured",
      cy: "Hawl i Herio wedi’i derbyn ond heb ei chaffael",
    },
    meaning: {
      en: "The authority accepted an expression of interest under the Community Right to Challenge, but the procurement exercise it must then run has not started within the period the authority itself published.",
      cy: "Derbyniodd yr awdurdod fynegiant o ddiddordeb o dan yr Hawl Gymunedol i Herio, ond nid yw’r ymarfer caffael y mae’n rhaid iddo ei gynnal wedyn wedi dechrau o fewn y cyfnod a gyhoeddodd yr awdurdod ei hun.",
    },
    notA: {
      en: "It does not show bad faith: the procurement may have started outside OpenPS and not been recorded, or the service may have changed.",
      cy: "Nid yw’n dangos drwg fwriad: efallai fod y caffael wedi dechrau y tu allan i OpenPS heb ei gofnodi, neu fod y gwasanaeth wedi newid.",
    },
    thresholds: [
      {
        name: "daysAfterLatestStart",
        value: 0,
        unit: "days",
        reason: {
          en: "Raised the day after the latest start the authority’s own Right to Challenge policy allows (Localism Act 2011, sections 81 to 86): an accepted expression of interest must be followed by a procurement exercise within the period it published.",
          cy: "Fe’i codir y diwrnod ar ôl y dyddiad dechrau olaf y mae polisi Hawl i Herio’r awdurdod ei hun yn ei ganiatáu (Deddf Lleoliaeth 2011, adrannau 81 i 86): rhaid i ymarfer caffael ddilyn mynegiant o ddiddordeb a dderbyniwyd o fewn y cyfnod a gyhoeddodd.",
        },
      },
    ],
    reads: [
      "The challenges module: accepted expressions of interest and their projects’ procurement windows",
    ],
    sources: [
      {
        title: {
          en: "Localism Act 2011, Part 5, Chapter 2 (Community Right to Challenge)",
          cy: "Deddf Lleoliaeth 2011, Rhan 5, Pennod 2 (yr Hawl Gymunedol i Herio)",
        },
        url: "https://www.legislation.gov.uk/ukpga/2011/20/part/5/chapter/2",
      },
    ],
  },
];

/** The indicator with this code. */
export function indicatorOf(code: IndicatorCode): Indicator {
  const indicator = INDICATORS.find((i) => i.code === code);
  if (!indicator) throw new Error(`No integrity indicator ${code}`);
  return indicator;
}

/** A threshold's value, by its indicator and name. */
export function threshold(code: IndicatorCode, name: string): number {
  const found = indicatorOf(code).thresholds.find((t) => t.name === name);
  if (!found) throw new Error(`The integrity indicator ${code} has no threshold ${name}`);
  return found.value;
}

export function isIndicatorCode(value: unknown): value is IndicatorCode {
  return typeof value === "string" && (INDICATOR_CODES as readonly string[]).includes(value);
}
