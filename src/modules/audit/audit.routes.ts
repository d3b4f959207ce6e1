/**
 * The audit trail as open data: the latest anchored head of each chain with the public key that
 * signs them (src/modules/audit/anchors.ts), so that anyone keeping a copy can later prove that a
 * chain was cut short or rewritten.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { anyone, api } from "../../http/routes.ts";
import { anchorKey, anchorPublicKey, latestAnchors } from "./anchors.ts";

const Anchors = Type.Object({
  publicKey: Type.String({ description: "Ed25519 public key, SPKI DER in base64url" }),
  algorithm: Type.Literal("Ed25519 over the RFC 8785 canonical JSON of authorityId, seq, hash, anchoredAt"),
  anchors: Type.Array(
    Type.Object({
      authorityId: Type.String({ format: "uuid" }),
      seq: Type.String({ description: "The number of events in the chain when it was anchored" }),
      hash: Type.String({ description: "SHA-256 of the chain's last event, hex" }),
      anchoredAt: Type.String({ format: "date-time" }),
      signature: Type.String({ description: "base64url" }),
    }),
  ),
});

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/api/v1/audit/anchors",
    api(
      { who: anyone },
      {
        operationId: "listAuditAnchors",
        tags: ["platform"],
        summary: "The latest signed head of each audit chain",
        description:
          "Each chain's head (its length and last hash) as last anchored outside the database, signed. Keep copies: a later chain that no longer has an anchored event, or has it with another hash, was cut short or rewritten.",
        response: { 200: Anchors },
      },
    ),
    async (request) => {
      const dataDir = request.server.deps.config.dataDir;
      const key = anchorKey(dataDir);
      return {
        publicKey: anchorPublicKey(key),
        algorithm: "Ed25519 over the RFC 8785 canonical JSON of authorityId, seq, hash, anchoredAt" as const,
        anchors: latestAnchors(dataDir, key),
      };
    },
  );
}
