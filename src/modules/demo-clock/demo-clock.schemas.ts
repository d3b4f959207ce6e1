/** The demo clock API's request and response schemas (TypeBox). */
import { Type } from "typebox";

export const MoveBody = Type.Object(
  {
    days: Type.Integer({
      description:
        "How many whole days to move the clock forward: from 1 to 365. It never moves back (400): reset it to return to the real time.",
    }),
  },
  { additionalProperties: false },
);

export const DemoClockResponse = Type.Object({
  daysAhead: Type.Integer({
    minimum: 0,
    description: "Whole days ahead of the real time; 0 at the real time",
  }),
  now: Type.String({ format: "date-time", description: "The time OpenPS takes it to be" }),
  realNow: Type.String({ format: "date-time", description: "The real time" }),
});
