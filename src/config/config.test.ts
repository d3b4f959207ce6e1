import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("configuration", () => {
  it("has working defaults: embedded database under ./data, demo data only when asked for", () => {
    const config = loadConfig({}, "/srv/openps");
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      baseUrl: "http://localhost:3000",
      dataDir: "/srv/openps/data",
      databaseUrl: undefined,
      demo: false,
      smtp: undefined,
      trustProxy: false,
    });
    expect(loadConfig({ OPENPS_DEMO: "true" }).demo).toBe(true);
  });

  it("names every bad setting at once, saying what it should be", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", OPENPS_DEMO: "maybe", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toBe('PORT must be a whole number from 1 to 65535 (it is "eighty")');
    expect(problems.join("\n")).toMatch(/DATABASE_URL must be a PostgreSQL address/);
    expect(problems.join("\n")).toMatch(/OPENPS_DEMO must be true or false/);
    expect(problems.join("\n")).toMatch(/LOG_LEVEL must be one of/);
  });

  it("takes the OCDS publisher and the ocid prefix a deployment registered, refusing one that is not a prefix", () => {
    const config = loadConfig({
      OPENPS_OCDS_PUBLISHER: "Westshire County Council",
      OPENPS_OCID_PREFIX: "ocds-213czf",
    });
    expect([config.ocdsPublisher, config.ocidPrefix]).toEqual(["Westshire County Council", "ocds-213czf"]);
    expect(loadConfig({}).ocidPrefix).toBe("ocds-openps");
    expect(loadConfig({}).ocdsPublishAtStart).toBe(true);
    expect(loadConfig({ OPENPS_OCDS_PUBLISH_AT_START: "false" }).ocdsPublishAtStart).toBe(false);
    let error: unknown;
    try {
      loadConfig({ OPENPS_OCID_PREFIX: "ocds-openps-" });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(
        /^OPENPS_OCID_PREFIX must be an OCDS prefix: "ocds-" and six lower-case letters or digits/,
      ),
    ]);
  });

  it("reads SMTP, the public address and the data directory", () => {
    const config = loadConfig({
      SMTP_URL: "smtp://user:pw@mail.example.org:587",
      MAIL_FROM: "Council <noreply@council.example.org>",
      OPENPS_BASE_URL: "https://openps.example.org/",
      OPENPS_DATA_DIR: "/var/lib/openps",
    });
    expect(config.smtp).toEqual({
      url: "smtp://user:pw@mail.example.org:587",
      from: "Council <noreply@council.example.org>",
    });
    expect(config.baseUrl).toBe("https://openps.example.org");
    expect(config.dataDir).toBe("/var/lib/openps");
  });

  it("believes reverse proxies only as told", () => {
    expect(loadConfig({ OPENPS_TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ OPENPS_TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ OPENPS_TRUST_PROXY: "10.0.0.1, 10.1.0.0/16" }).trustProxy).toEqual([
      "10.0.0.1",
      "10.1.0.0/16",
    ]);
    expect(() => loadConfig({ OPENPS_TRUST_PROXY: "the load balancer" })).toThrow(
      /OPENPS_TRUST_PROXY must be/,
    );
  });
});
