/** The home module's API schemas (TypeBox): a person's work, `GET /api/v1/me/tasks`. */
import { Type } from "typebox";
import { Instant, IsoDate, Nullable, Strings, Uuid } from "../../http/schemas.ts";
import { TASK_ROWS } from "../../lib/tasks.ts";
import type { AssignmentState } from "../evaluation/tasks.service.ts";
import { TASKS_SHOWN } from "./work.service.ts";

const ASSIGNMENT_STATES = [
  "awaiting-opening",
  "awaiting-compliance",
  "declare",
  "score",
  "submitted",
  "awarded",
  "cancelled",
] as const satisfies readonly AssignmentState[];

const Due = Type.Object(
  {
    at: Instant,
    day: Nullable(IsoDate),
  },
  {
    description:
      "When it falls due: `at` the instant (for a day, the end of that day in London), `day` the London day when the deadline is a whole day",
  },
);

const TaskResponse = Type.Object(
  {
    kind: Type.String({ description: 'What is to be done, like "confirm-opening" or "rate-kpi"' }),
    text: Type.String({ description: "What is to be done, in words, in the language asked for" }),
    about: Type.Object(
      {
        type: Type.String({
          description: '"tender", "award", "contract", "inspection" or "expression-of-interest"',
        }),
        id: Uuid,
        title: Type.String(),
        body: Type.String({ description: "The authority or regulator whose it is" }),
      },
      { description: "What it concerns" },
    ),
    href: Type.String({ description: "The page where it is done: a path on this site" }),
    due: Nullable(Due),
    overdue: Type.Boolean(),
    details: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
      description: "The values in its text: names, numbers, instants (ISO 8601) and London days (YYYY-MM-DD)",
    }),
  },
  { description: "A task" },
);

const More = Type.Integer({ minimum: 0, description: "How many more there are than those listed" });

const AssignmentResponse = Type.Object({
  tender: Type.Object({
    authorityId: Uuid,
    id: Uuid,
    title: Type.String(),
    authorityName: Type.String(),
    href: Type.String(),
  }),
  state: Strings(ASSIGNMENT_STATES),
  href: Type.String({ description: "The tender's evaluation page" }),
  assignedAt: Instant,
  due: Nullable(Due),
});

const BidResponse = Type.Object({
  tender: Type.Object({
    authorityId: Uuid,
    id: Uuid,
    title: Type.String(),
    authorityName: Type.String(),
    href: Type.String(),
    state: Strings(["draft", "open", "closed", "opened", "cancelled"] as const),
    stage: Type.String({ description: 'Where it stands, in words ("Awarded: in standstill", …)' }),
    submissionDeadline: Instant,
  }),
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
  receipt: Type.Object({
    bidId: Uuid,
    receivedAt: Instant,
    sha256: Type.String({ description: "The SHA-256 of the sealed content: the receipt" }),
    status: Type.String(),
  }),
  href: Type.String({ description: "The bid's confirmation page, with its receipt" }),
  outcome: Nullable(
    Type.Object({
      outcome: Strings(["won", "ranked", "excluded"] as const),
      rank: Nullable(Type.Integer()),
      href: Type.String({ description: "The organisation's assessment summaries" }),
    }),
  ),
});

export const WorkResponse = Type.Object({
  todo: Type.Array(TaskResponse, {
    description: `What is yours to do, the soonest deadline first, those without one last (at most ${TASKS_SHOWN})`,
  }),
  waiting: Type.Array(TaskResponse, {
    description: `What you started that is waiting for someone else (at most ${TASKS_SHOWN})`,
  }),
  more: Type.Object({ todo: More, waiting: More }),
  assigned: Nullable(
    Type.Object(
      { assignments: Type.Array(AssignmentResponse), more: More },
      {
        description: `For evaluators (null otherwise): the tenders assigned to you, latest first (at most ${TASK_ROWS})`,
      },
    ),
  ),
  bids: Nullable(
    Type.Object(
      { bids: Type.Array(BidResponse), more: More },
      {
        description: `For the people of organisations (null otherwise, and for a token without bids:read): their current bids (on at most ${TASK_ROWS} tenders)`,
      },
    ),
  ),
});
