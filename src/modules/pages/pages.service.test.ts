import { describe, expect, it } from "vitest";
import { describeApi, schemaType } from "./pages.service.ts";

describe("describeApi", () => {
  const document = {
    info: { title: "OpenPS API", version: "1.2.3" },
    tags: [
      { name: "platform", description: "Health and version" },
      { name: "tenders", description: "Commissioning" },
    ],
    paths: {
      "/api/v1/tenders/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        get: {
          tags: ["tenders"],
          summary: "One tender",
          parameters: [{ name: "lang", in: "query", schema: { type: "string", enum: ["en", "cy"] } }],
          responses: { "404": { description: "Not found" }, "200": { description: "The tender" } },
        },
        delete: { tags: ["tenders"], deprecated: true, responses: {} },
      },
      "/api/v1/health": { get: { tags: ["platform"], summary: "Health", responses: { "200": {} } } },
      "/api/v1/misc": {
        post: { requestBody: { required: true, content: { "application/json": {} } }, responses: {} },
      },
    },
  };

  it("groups operations by tag in the document's order, then the untagged", () => {
    const api = describeApi(document);
    expect(api.title).toBe("OpenPS API");
    expect(api.version).toBe("1.2.3");
    expect(api.operationCount).toBe(4);
    expect(api.groups.map((group) => group.name)).toEqual(["platform", "tenders", undefined]);
    expect(api.groups[1]?.operations.map((op) => `${op.method} ${op.path}`)).toEqual([
      "GET /api/v1/tenders/{id}",
      "DELETE /api/v1/tenders/{id}",
    ]);
  });

  it("merges path and operation parameters and sorts responses by status", () => {
    const get = describeApi(document).groups[1]?.operations[0];
    expect(get?.id).toBe("get-api-v1-tenders-id");
    expect(get?.parameters).toEqual([
      { name: "id", in: "path", type: "string (uuid)", required: true, description: "" },
      { name: "lang", in: "query", type: "string: en, cy", required: false, description: "" },
    ]);
    expect(get?.responses).toEqual([
      { status: "200", description: "The tender" },
      { status: "404", description: "Not found" },
    ]);
    expect(describeApi(document).groups[1]?.operations[1]?.deprecated).toBe(true);
  });

  it("names a response by its status when it has no description of its own", () => {
    const health = describeApi({
      paths: { "/h": { get: { responses: { "503": { description: "Default Response" }, "200": {} } } } },
    });
    expect(health.groups[0]?.operations[0]?.responses).toEqual([
      { status: "200", description: "OK" },
      { status: "503", description: "Service Unavailable" },
    ]);
  });

  it("describes a request body", () => {
    const post = describeApi(document).groups[2]?.operations[0];
    expect(post?.requestBody).toEqual({
      required: true,
      contentTypes: ["application/json"],
      description: "",
    });
  });

  it("names types, arrays and references", () => {
    expect(schemaType({ type: "array", items: { $ref: "#/components/schemas/Tender" } })).toBe(
      "array of Tender",
    );
    expect(schemaType({ type: ["string", "null"] })).toBe("string or null");
    expect(schemaType(undefined)).toBe("");
  });

  it("copes with an empty document", () => {
    expect(describeApi({})).toEqual({ title: "API", version: "", groups: [], operationCount: 0 });
  });
});
