/**
 * The baseline of the scale benchmark (bench/scale.ts): a bare Fastify route, in a process of its
 * own as the server is, answering what a health check answers. Listens on PORT (loopback).
 */
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.get("/bare", async () => ({ status: "ok" }));
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
console.log(`bare server listening on ${process.env.PORT}`);
process.once("SIGTERM", () => {
  void app.close().then(() => process.exit(0));
});
