import { anyone, EMPTY_FORM, platformAdmin, type RuleSet } from "../rules.ts";

// The matrix's app is in demo mode (seeded), so the demo clock's routes are there; outside demo mode
// they are not (src/modules/demo-clock/demo-clock.test.ts). The matrix never moves the clock: the
// other rules' answers depend on the time.
export const demoClock: RuleSet = {
  rules: {
    "GET /admin/demo-clock": platformAdmin(200),
    "POST /admin/demo-clock": platformAdmin(EMPTY_FORM),
    // At the real time already: nothing to reset, back to the page.
    "POST /admin/demo-clock/reset": platformAdmin(303),
    "GET /api/v1/demo-clock": anyone(200),
    // 400: no move of 0 days.
    "POST /api/v1/demo-clock/forward": platformAdmin(400),
    "POST /api/v1/demo-clock/reset": platformAdmin(200),
  },
  apiBodies: {
    "POST /api/v1/demo-clock/forward": JSON.stringify({ days: 0 }),
  },
};
