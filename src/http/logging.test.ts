import { describe, expect, it } from "vitest";
import { redactUrl } from "./logging.ts";

describe("the request log's URL", () => {
  it("keeps query keys and drops their values", () => {
    expect(redactUrl("/search?q=Jane+Smith&page=2")).toBe("/search?q=…&page=…");
    expect(redactUrl("/tenders/019a")).toBe("/tenders/019a");
  });

  it("drops a secret that is part of the path (an invitation's token)", () => {
    const token = "s3cr3t-t0ken_abcdefghijklmnopqrstuvwxyz";
    expect(redactUrl(`/care/invitations/${token}/accept?lang=cy`, [token])).toBe(
      "/care/invitations/…/accept?lang=…",
    );
    expect(redactUrl(`/invitations/${token}`, [token])).toBe("/invitations/…");
  });
});
