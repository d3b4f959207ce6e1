/**
 * The words the demo scale-up builds its made-up names, addresses and texts from: the demo areas
 * (src/seed/data/areas-demo.csv) with towns and postcode districts in each, people's names, and the
 * parts of organisations', locations' and tenders' names. Fictional throughout, in the style of the
 * demo seeds; the real areas of the demo file get real postcode districts, so that searching by a
 * district finds something there.
 */
import { DEMO_AREA } from "../areas.ts";

export type Country = "england" | "wales" | "scotland" | "northern-ireland";

export interface Town {
  name: string;
  /** Postcode districts (outward codes) in the town. */
  districts: readonly string[];
}

export interface Place {
  /** The area's GSS code (a demo area). */
  area: string;
  country: Country;
  towns: readonly Town[];
  /** How often organisations and locations are placed here, against the others. */
  weight: number;
}

const town = (name: string, ...districts: string[]): Town => ({ name, districts });

/** Where made-up organisations and locations are: the local areas of the demo file. */
export const PLACES: readonly Place[] = [
  {
    area: DEMO_AREA.westshire,
    country: "england",
    weight: 14,
    towns: [
      town("Wesford", "WS1", "WS2", "WS3", "WS4", "WS5", "WS9"),
      town("Castlebury", "WS7"),
      town("Ashcombe", "WS10"),
    ],
  },
  {
    area: DEMO_AREA.westshireVale,
    country: "england",
    weight: 6,
    towns: [town("Vale Cross", "WS6"), town("Hollin Green", "WS11")],
  },
  {
    area: DEMO_AREA.kelderby,
    country: "england",
    weight: 5,
    towns: [town("Kelderby", "WS8"), town("Thornwick", "WS12")],
  },
  {
    area: DEMO_AREA.millbrook,
    country: "england",
    weight: 12,
    towns: [
      town("Millbrook", "MB1", "MB2", "MB3", "MB4", "MB5"),
      town("Lower Ashby", "MB8"),
      town("Fennbridge", "MB6", "MB7"),
    ],
  },
  {
    area: DEMO_AREA.glanmor,
    country: "wales",
    weight: 8,
    towns: [town("Aberglan", "GM1", "GM2", "GM4"), town("Llanfor", "GM3"), town("Pentrefach", "GM5")],
  },
  {
    area: DEMO_AREA.strathlorn,
    country: "scotland",
    weight: 8,
    towns: [town("Port Lorn", "LR1", "LR2"), town("Kilbrae", "LR3"), town("Inverlorn", "LR4")],
  },
  {
    area: DEMO_AREA.loughCarrig,
    country: "northern-ireland",
    weight: 3,
    towns: [town("Carrigmore", "BT79"), town("Ballyrush", "BT78")],
  },
  { area: "E06000001", country: "england", weight: 4, towns: [town("Hartlepool", "TS24", "TS25", "TS26")] },
  {
    area: "E09000001",
    country: "england",
    weight: 3,
    towns: [town("London", "EC1A", "EC2V", "EC3M", "EC4Y")],
  },
  {
    area: "E10000016",
    country: "england",
    weight: 9,
    towns: [
      town("Maidstone", "ME14", "ME15"),
      town("Canterbury", "CT1", "CT2"),
      town("Tunbridge Wells", "TN1", "TN2"),
      town("Ashford", "TN23", "TN24"),
    ],
  },
  {
    area: "E07000008",
    country: "england",
    weight: 5,
    towns: [town("Cambridge", "CB1", "CB2", "CB3", "CB4", "CB5")],
  },
  {
    area: "W06000008",
    country: "wales",
    weight: 3,
    towns: [town("Aberystwyth", "SY23"), town("Cardigan", "SA43")],
  },
  {
    area: "W06000015",
    country: "wales",
    weight: 5,
    towns: [town("Cardiff", "CF10", "CF11", "CF14", "CF24")],
  },
  {
    area: "S12000036",
    country: "scotland",
    weight: 5,
    towns: [town("Edinburgh", "EH1", "EH3", "EH6", "EH11")],
  },
  {
    area: "S12000047",
    country: "scotland",
    weight: 4,
    towns: [town("Kirkcaldy", "KY1", "KY2"), town("Dunfermline", "KY11", "KY12")],
  },
  {
    area: "N09000003",
    country: "northern-ireland",
    weight: 4,
    towns: [town("Belfast", "BT1", "BT5", "BT7", "BT9")],
  },
];

/** Areas wider than a place, served by the larger organisations. */
export const WIDE_AREAS: Readonly<Record<Country, readonly string[]>> = {
  england: [DEMO_AREA.england, "E12000009", DEMO_AREA.unitedKingdom],
  wales: ["W92000004", DEMO_AREA.unitedKingdom],
  scotland: ["S92000003", DEMO_AREA.unitedKingdom],
  "northern-ireland": ["N92000002", DEMO_AREA.unitedKingdom],
};

/** The letters of a postcode's inward code (never C, I, K, M, O or V). */
export const INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

export const STREETS = [
  "High Street",
  "Station Road",
  "Church Lane",
  "Mill Lane",
  "Market Place",
  "London Road",
  "Park Road",
  "Victoria Street",
  "Queen Street",
  "Bridge Street",
  "Chapel Row",
  "Castle Street",
  "North Road",
  "Meadow Way",
  "Orchard Close",
  "Canal Wharf",
  "Abbey Road",
  "Elm Grove",
  "Oak Avenue",
  "School Lane",
  "Manor Road",
  "Hill Street",
  "Brook Street",
  "The Green",
] as const;

export const BUILDINGS = [
  "The Old School",
  "Riverside House",
  "Unit 3, Enterprise Park",
  "The Courtyard",
  "Suite 2, Brook House",
  "Community Centre",
  "The Coach House",
  "Kingfisher House",
] as const;

const VILLAGE_STARTS = [
  "Ash",
  "Brook",
  "Oak",
  "Elm",
  "Thorn",
  "Hollin",
  "Fenn",
  "Kel",
  "Stan",
  "Whit",
  "Red",
  "Black",
  "Hay",
  "Long",
  "Marsh",
  "Ald",
  "Bur",
  "Cot",
  "Dun",
  "Fair",
  "Gold",
  "Kings",
  "Bright",
  "Wil",
] as const;
const VILLAGE_ENDS = [
  "ford",
  "by",
  "ton",
  "ley",
  "combe",
  "field",
  "bridge",
  "wick",
  "ham",
  "stead",
  "well",
  "bury",
  "thorpe",
  "worth",
  "den",
  "hurst",
] as const;

/** Made-up village names (Ashford, Brookley, Thornwick…): 384 of them. */
export const VILLAGES: readonly string[] = VILLAGE_STARTS.flatMap((start) =>
  VILLAGE_ENDS.map((end) => start + end),
);

export const FIRST_NAMES = [
  "Aisha",
  "Ben",
  "Carys",
  "Daniel",
  "Eleanor",
  "Farhan",
  "Grace",
  "Harry",
  "Isla",
  "Jack",
  "Kiran",
  "Laura",
  "Mohammed",
  "Niamh",
  "Owen",
  "Priya",
  "Rhys",
  "Sarah",
  "Tom",
  "Uzma",
  "Victoria",
  "William",
  "Yusuf",
  "Zoe",
  "Amara",
  "Callum",
  "Deborah",
  "Euan",
  "Fiona",
  "Gareth",
  "Hannah",
  "Ifan",
  "Joanne",
  "Liam",
  "Megan",
  "Nathan",
  "Olivia",
  "Patrick",
  "Ruth",
  "Sean",
] as const;

export const SURNAMES = [
  "Ahmed",
  "Bennett",
  "Campbell",
  "Davies",
  "Evans",
  "Fletcher",
  "Graham",
  "Hughes",
  "Iqbal",
  "Jones",
  "Kaur",
  "Lewis",
  "Morgan",
  "Nolan",
  "O'Neill",
  "Patel",
  "Quinn",
  "Roberts",
  "Singh",
  "Thomas",
  "Walsh",
  "Young",
  "Hartley",
  "Marsh",
  "Okafor",
  "Kowalski",
  "MacLeod",
  "Rees",
  "Doyle",
  "Whitfield",
  "Ellery",
  "Grant",
  "Price",
  "Shah",
  "Carter",
  "Murray",
  "Stewart",
  "Brennan",
  "Lloyd",
  "Fraser",
] as const;

/** Brands of the made-up national companies. */
export const BRANDS = [
  "Clearway",
  "Carewell",
  "Northgate",
  "Meridian",
  "Sovereign",
  "Apex",
  "Kingsgate",
  "Beacon",
  "Horizon",
  "Lanterna",
  "Pinnacle",
  "Summit",
  "Evergreen",
  "Harbour",
  "Keystone",
  "Compass",
] as const;

/** What organisations of each category are called, and what their people do, per service category. */
export const CATEGORY_WORDS: Readonly<Record<string, { names: readonly string[]; does: string }>> = {
  "adult-social-care": {
    names: ["Care and Support", "Supported Living", "Adult Care"],
    does: "care and support for adults",
  },
  "domiciliary-care": {
    names: ["Home Care", "Homecare", "Care at Home"],
    does: "personal care in people's own homes",
  },
  "residential-care": {
    names: ["Care Homes", "Residential Care", "Nursing Homes"],
    does: "residential and nursing care",
  },
  "learning-disability-support": {
    names: ["Supported Living", "Independent Living", "Disability Support"],
    does: "support for disabled people to live independently",
  },
  "childrens-services": {
    names: ["Family Support", "Fostering", "Children's Services"],
    does: "fostering and family support",
  },
  "youth-services": {
    names: ["Youth Services", "Youth Work", "Young People"],
    does: "youth clubs and youth work",
  },
  "send-transport": {
    names: ["School Transport", "Travel Assistance", "Passenger Transport"],
    does: "home to school transport",
  },
  "community-transport": {
    names: ["Community Transport", "Dial-a-Ride", "Community Buses"],
    does: "community buses and volunteer drivers",
  },
  "employment-support": {
    names: ["Employment Support", "Skills and Work", "Work Programmes"],
    does: "employment support and training",
  },
  probation: {
    names: ["Rehabilitation Services", "Community Justice", "Second Chances"],
    does: "rehabilitation and resettlement",
  },
  "community-health": {
    names: ["Community Health", "Community Nursing", "Therapy Services"],
    does: "community nursing and therapies",
  },
  "mental-health": {
    names: ["Mental Health Support", "Wellbeing Services", "Mind Matters"],
    does: "mental health and wellbeing support",
  },
  "drug-and-alcohol": {
    names: ["Recovery Services", "Drug and Alcohol Services", "Recovery Pathways"],
    does: "drug and alcohol treatment and recovery",
  },
  "public-health": {
    names: ["Health Improvement", "Healthy Living", "Public Health Services"],
    does: "stop smoking, weight management and health checks",
  },
  "housing-support": {
    names: ["Housing Support", "Tenancy Support", "Homes"],
    does: "housing-related support and tenancy sustainment",
  },
  homelessness: {
    names: ["Homelessness Services", "Housing Advice", "Night Shelter"],
    does: "homelessness prevention and emergency accommodation",
  },
  "carers-support": {
    names: ["Carers Support", "Carers' Centre", "Carers Network"],
    does: "breaks, advice and peer support for unpaid carers",
  },
  "advice-services": {
    names: ["Advice Services", "Citizens Advice", "Money Advice"],
    does: "free advice on benefits, debt and housing",
  },
  libraries: {
    names: ["Library Services", "Libraries", "Reading Rooms"],
    does: "libraries, mobile libraries and archives",
  },
  leisure: {
    names: ["Leisure", "Sport and Leisure", "Active Living"],
    does: "leisure centres, pools and exercise on referral",
  },
  "school-meals": { names: ["School Meals", "Catering", "Kitchens"], does: "freshly cooked school meals" },
  parks: {
    names: ["Grounds Maintenance", "Parks and Gardens", "Green Spaces"],
    does: "parks, grounds and green spaces",
  },
  "waste-collection": {
    names: ["Recycling", "Waste Services", "Reuse and Recycling"],
    does: "waste collection and recycling",
  },
  "street-cleansing": {
    names: ["Street Cleansing", "Cleansing Services", "Clean Streets"],
    does: "street cleansing and litter picking",
  },
  "highways-maintenance": {
    names: ["Highways", "Road Maintenance", "Surfacing"],
    does: "road repairs, gritting and verges",
  },
  "it-services": {
    names: ["Digital", "IT Services", "Data Services"],
    does: "digital services, hosting and support",
  },
};

/** The service categories the regulator's register covers (its regime), for care providers. */
export const CARE_CATEGORIES = [
  "adult-social-care",
  "domiciliary-care",
  "residential-care",
  "learning-disability-support",
  "mental-health",
  "community-health",
] as const;

export const CAUSES = ["Trust", "Foundation", "Association", "Network", "Partnership", "Project"] as const;

export const GROUPS = [
  "Community Association",
  "Residents' Association",
  "Lunch Club",
  "Community Group",
  "Good Neighbours",
  "Volunteer Centre",
] as const;

/** What tenders are for, per category: a title's first words. */
export const TENDER_SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  "adult-social-care": [
    "Supported living for adults",
    "Day opportunities for adults",
    "Extra care housing support",
  ],
  "domiciliary-care": ["Home care", "Reablement at home", "Night-time home care", "Live-in care"],
  "residential-care": ["Residential care beds", "Nursing care beds", "Respite care beds"],
  "learning-disability-support": [
    "Supported living for people with learning disabilities",
    "Shared lives scheme",
  ],
  "childrens-services": [
    "Independent fostering",
    "Family support service",
    "Short breaks for disabled children",
  ],
  "youth-services": ["Youth work", "Detached youth work", "Youth centres"],
  "send-transport": ["Home to school transport routes", "Passenger assistants for SEND transport"],
  "community-transport": ["Dial-a-ride service", "Community transport grants"],
  "employment-support": ["Employment support programme", "Skills bootcamps", "Supported employment"],
  probation: ["Accommodation for prison leavers", "Unpaid work placements", "Resettlement support"],
  "community-health": ["Community nursing", "Community physiotherapy", "Wheelchair service"],
  "mental-health": ["Community mental health support", "Crisis café", "Talking therapies"],
  "drug-and-alcohol": ["Drug and alcohol treatment", "Young people's substance misuse service"],
  "public-health": ["Stop smoking service", "Weight management service", "NHS health checks"],
  "housing-support": ["Floating housing support", "Tenancy sustainment service"],
  homelessness: ["Rough sleeper outreach", "Homelessness prevention", "Emergency accommodation"],
  "carers-support": ["Carers' support service", "Carers' breaks"],
  "advice-services": ["Advice and information service", "Debt and welfare advice"],
  libraries: ["Library service", "Mobile library service"],
  leisure: ["Leisure centre management", "Swimming pool operation"],
  "school-meals": ["School meals", "Catering for primary schools"],
  parks: ["Grounds maintenance", "Parks and open spaces maintenance"],
  "waste-collection": [
    "Waste and recycling collection",
    "Garden waste collection",
    "Household waste recycling centres",
  ],
  "street-cleansing": ["Street cleansing", "Litter and fly-tipping clearance"],
  "highways-maintenance": ["Highways maintenance", "Winter gritting", "Street lighting maintenance"],
  "it-services": ["Case management system", "Website hosting and support", "Digital services partner"],
};

export const INSPECTORS = [
  "A. Inspector",
  "B. Inspector",
  "C. Inspector",
  "D. Inspector",
  "E. Inspector",
  "F. Inspector",
  "G. Inspector",
  "H. Inspector",
] as const;

export const CANCEL_REASONS = [
  "The budget for this service was withdrawn when the council set its budget.",
  "The specification is being rewritten after feedback from bidders and the people who use the service.",
  "The service will now be commissioned jointly with a neighbouring authority.",
  "Too few organisations registered interest to run a fair competition; we will engage the market again.",
] as const;

export const EXCLUSION_REASONS = [
  "The insurance certificate supplied does not cover employer's liability of £5 million.",
  "The bid does not show the registration this service needs.",
  "The financial information asked for was not supplied.",
] as const;
