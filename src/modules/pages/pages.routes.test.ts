import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { insertDirectory } from "../../../tests/support/browser.ts";
import { ConflictError, ForbiddenError, UnprocessableError, ValidationError } from "../../lib/errors.ts";

let testApp: TestApp;
const WELSH = { cookie: "lang=cy" };

beforeAll(async () => {
  testApp = await createTestApp();
  const { app } = testApp;
  // Routes that fail as services do, to see each error page.
  app.get("/test/forbidden", async () => {
    throw new ForbiddenError("Only a commissioner can award this tender.");
  });
  app.get("/test/broken", async () => {
    throw new Error("database password is hunter2 at /srv/openps/secret.ts:12");
  });
  app.get("/test/invalid", async () => {
    throw new ValidationError("Check the amount.", [
      { field: "amount", message: "Enter the amount in pounds" },
    ]);
  });
  app.get("/test/conflict", async () => {
    throw new ConflictError("The deadline has passed, so the tender cannot be changed.");
  });
  app.get("/test/unprocessable", async () => {
    throw new UnprocessableError("The weights must add up to 100%.", [
      { field: "weights", message: "The weights add up to 90%" },
    ]);
  });
  await insertDirectory(testApp.database.db);
});

afterAll(async () => {
  await testApp?.close();
});

async function get(url: string, headers: Record<string, string> = {}) {
  return testApp.app.inject({ method: "GET", url, headers });
}

function title(html: string): string {
  return /<title[^>]*>([^<]*)<\/title>/.exec(html)?.[1]?.trim() ?? "";
}

describe("the layout", () => {
  it("has the generic header, our icons, and no crown or GOV.UK branding", async () => {
    const response = await get("/");
    const html = response.body;
    expect(html).toContain('class="govuk-generic-header"');
    expect(html).toMatch(/govuk-generic-header__homepage-link">\s*OpenPS\s*</);
    expect(html).not.toMatch(/govuk-header__|govuk-logo|govuk-crest|govuk-footer__crown|crown/i);
    expect(html).not.toMatch(/GOV\.UK|Open Government Licence v3\.0<\/a>, except|Crown copyright|og:image/);
    expect(html).not.toContain("/images/favicon");
    expect(html).toMatch(/<link rel="icon" sizes="any" href="\/assets\/favicon-[0-9a-f]{16}\.svg"/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/application-[0-9a-f]{16}\.css">/);
    expect(html).toMatch(/<script type="module" src="\/assets\/init-[0-9a-f]{16}\.mjs"><\/script>/);
  });

  it("has the skip link, the navigation, the phase banner and the footer links", async () => {
    const html = (await get("/open-data")).body;
    expect(html).toContain('<a href="#main-content" class="govuk-skip-link"');
    expect(html).toContain('id="main-content"');
    // The service name goes home; the navigation holds the sections, the header the account links.
    expect(html).toMatch(/<a href="\/" class="govuk-generic-header__homepage-link">OpenPS<\/a>/);
    expect(html).toMatch(/href="\/open-data" aria-current="page">\s*<strong[^>]*>Open data<\/strong>/);
    expect(html).toMatch(
      /<a class="govuk-service-navigation__link" href="\/opportunities">\s*Opportunities\s*<\/a>/,
    );
    expect(html).toMatch(
      /<a class="govuk-service-navigation__link" href="\/authorities">\s*Public bodies\s*<\/a>/,
    );
    expect(html).toMatch(/<a class="openps-header__account-link" href="\/sign-in">Sign in<\/a>/);
    expect(html).not.toContain('href="/tasks"');
    // What left the navigation is in the footer.
    for (const href of [
      "/authorities",
      "/consultations",
      "/pipeline",
      "/right-to-challenge",
      "/contracts",
      "/regulators",
    ])
      expect(html).toContain(`<a class="govuk-footer__link" href="${href}"`);
    expect(html).not.toContain('href="/providers"');
    expect(html).toContain("govuk-phase-banner");
    expect(html).toMatch(/Alpha\s*<\/strong>/);
    expect(html).toContain(
      'This is a new service. <a class="govuk-link" href="/feedback">Help us improve it</a>.',
    );
    for (const [href, text] of [
      ["/accessibility", "Accessibility statement"],
      ["/privacy", "Privacy notice"],
      ["/cookies", "Cookies"],
      ["/open-data", "Open data"],
      ["/api/docs", "API"],
    ]) {
      expect(html).toContain(`<a class="govuk-footer__link" href="${href}"`);
      expect(html).toContain(`>${text}</a>`);
    }
    expect(html).toContain(
      "OpenPS is open-source software. Content is published by the public bodies that use it.",
    );
  });

  it("switches to Welsh with ?lang=cy: a cookie, and back to the same page", async () => {
    const response = await get("/cookies?lang=cy");
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/cookies");
    expect(response.headers["set-cookie"]).toBe("lang=cy; Path=/; Max-Age=31536000; SameSite=Lax");
    const back = await get("/open-data?lang=en&x=1", WELSH);
    expect(back.headers.location).toBe("/open-data?x=1");
    expect(back.headers["set-cookie"]).toMatch(/^lang=en;/);
  });

  it("ignores a language it does not have", async () => {
    const response = await get("/cookies?lang=fr");
    expect(response.statusCode).toBe(200);
    expect(response.headers["set-cookie"]).toBeUndefined();
  });

  it("shows the layout and the body in Welsh", async () => {
    const response = await get("/cookies", WELSH);
    const html = response.body;
    expect(html).toContain('<html lang="cy"');
    expect(response.headers["content-language"]).toBe("cy");
    expect(html).toContain("Neidio i’r prif gynnwys");
    expect(html).toMatch(/>\s*Cyrff cyhoeddus\s*</);
    expect(html).toMatch(/Alffa\s*<\/strong>/);
    expect(html).toContain("Helpwch ni i’w wella");
    for (const text of ["Datganiad hygyrchedd", "Hysbysiad preifatrwydd", "Cwcis", "Data agored"]) {
      expect(html).toContain(`>${text}</a>`);
    }
    expect(html).toMatch(/<main class="govuk-main-wrapper" id="main-content">/);
    expect(html).toMatch(/<title>Cwcis – OpenPS<\/title>/);
    expect(html).toMatch(/href="\/cookies\?lang=en" rel="alternate" lang="en" hreflang="en">English/);
  });

  it("takes Welsh from Accept-Language when there is no cookie", async () => {
    const html = (await get("/", { "accept-language": "cy-GB,cy;q=0.9,en;q=0.5" })).body;
    expect(html).toContain('<html lang="cy"');
  });
});

describe("the public pages", () => {
  it.each([
    ["/", "Open public services – OpenPS", "Public bodies using this OpenPS"],
    [
      "/accessibility",
      "Accessibility statement for OpenPS – OpenPS",
      "Equality and Human Rights Commission (EHRC)",
    ],
    ["/privacy", "Privacy notice – OpenPS", "never published"],
    ["/cookies", "Cookies – OpenPS", "Remembers whether you chose English or Welsh"],
    ["/open-data", "Open data – OpenPS", "Open Contracting Data Standard (OCDS) 1.1"],
    ["/feedback", "Give feedback on OpenPS – OpenPS", "contact the public body that runs the service"],
    ["/api/docs", "OpenPS API – OpenPS", 'href="/api/docs/platform"'],
    ["/api/docs/platform", "platform – OpenPS API – OpenPS", "/api/v1/health"],
  ])("%s", async (url, expectedTitle, text) => {
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(title(response.body)).toBe(expectedTitle);
    expect(response.body).toContain(text);
    expect(response.body.match(/<h1 /g)).toHaveLength(1);
  });

  it.each([
    "/",
    "/accessibility",
    "/privacy",
    "/cookies",
    "/open-data",
    "/feedback",
    "/api/docs",
    "/api/docs/platform",
  ])("%s in Welsh: the layout and the body in Welsh, nothing marked as English", async (url) => {
    const response = await get(url, WELSH);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<html lang="cy"');
    expect(response.body).toContain("Neidio i’r prif gynnwys");
    expect(response.body).toContain(">Datganiad hygyrchedd</a>");
    expect(response.body).not.toMatch(/<main[^>]*lang="en"/);
  });

  it("shows the public bodies and the organisations by sector on the home page", async () => {
    const html = (await get("/")).body;
    expect(html).toContain(
      '<a class="govuk-link" href="https://www.ceredigion.gov.uk/">Ceredigion County Council</a>',
    );
    expect(html).toMatch(/>\s*Fife Council\s*<\/th>/);
    expect(html).toContain("Unitary authority");
    expect(html).toContain("Scotland");
    expect(html).toContain("The directory lists 3 organisations");
    // The two "mutuals" have no recorded evidence: they are not counted as mutuals (issue 3, item 8).
    expect(html).toMatch(
      /Public service mutual \(employee-led spin-out\)<\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric openps-figure">0</,
    );
    expect(html).toMatch(/Sector not confirmed \(a mutual without recorded evidence\)<\/th>\s*<td[^>]*>2</);
    expect(html).toMatch(/Charity<\/th>\s*<td[^>]*>1</);
    expect(html).toMatch(/Co-operative<\/th>\s*<td[^>]*>0</);
    expect(html).toMatch(/Total<\/th>\s*<td[^>]*>3</);
  });

  it("shows an authority's Welsh name, marked as Welsh, in Welsh", async () => {
    const html = (await get("/", WELSH)).body;
    expect(html).toMatch(
      /<th scope="row" class="govuk-table__header" lang="cy">\s*<a [^>]*>Cyngor Sir Ceredigion<\/a>/,
    );
  });

  it("lists every operation of the OpenAPI document on the API pages, each area on its own", async () => {
    const document = (await get("/api/openapi.json")).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const index = (await get("/api/docs")).body;
    const areas = [...index.matchAll(/href="(\/api\/docs\/[a-z0-9-]+)"/g)].map((match) => match[1] as string);
    expect(areas.length).toBeGreaterThan(1);
    const pages = await Promise.all(areas.map((area) => get(area)));
    expect(pages.map((page) => page.statusCode)).toEqual(areas.map(() => 200));
    const html = pages.map((page) => page.body).join("\n");
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ["get", "post", "put", "patch", "delete"].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
    expect(operations.length).toBeGreaterThan(1);
    for (const { method, path } of operations) {
      expect(html).toMatch(new RegExp(`>${method}</strong>\\s*<code>${path}</code>`));
    }
    expect(index).toContain('href="/api/openapi.json"');
    expect(html).toContain("Whether the service and its database are ready");
    expect(document.paths["/api/docs"]).toBeUndefined();
    expect((await get("/api/docs/no-such-area")).statusCode).toBe(404);
  });
});

describe("error pages", () => {
  it("404: page not found, in English and Welsh", async () => {
    const response = await get("/no-such-page");
    expect(response.statusCode).toBe(404);
    expect(title(response.body)).toBe("Page not found – OpenPS");
    expect(response.body).toContain("If you typed the web address, check it is correct.");
    expect(response.body).toContain('<a class="govuk-link" href="/">go to the home page</a>');

    const welsh = await get("/no-such-page", WELSH);
    expect(welsh.statusCode).toBe(404);
    expect(title(welsh.body)).toBe("Ni ellir dod o hyd i’r dudalen – OpenPS");
    expect(welsh.body).toContain('<html lang="cy"');
    expect(welsh.body).not.toMatch(/<main[^>]*lang="en"/);
  });

  it("403: no permission, with the reason marked as English in Welsh", async () => {
    const response = await get("/test/forbidden");
    expect(response.statusCode).toBe(403);
    expect(title(response.body)).toBe("You do not have permission to view this page – OpenPS");
    expect(response.body).toContain("Only a commissioner can award this tender.");
    const welsh = await get("/test/forbidden", WELSH);
    expect(title(welsh.body)).toBe("Nid oes gennych ganiatâd i weld y dudalen hon – OpenPS");
    expect(welsh.body).toContain(
      '<p class="govuk-body" lang="en">Only a commissioner can award this tender.</p>',
    );
  });

  it("500: sorry, with a reference and nothing of the error itself", async () => {
    const response = await get("/test/broken", { "x-request-id": "ref-12345678" });
    expect(response.statusCode).toBe(500);
    expect(title(response.body)).toBe("Sorry, there is a problem with the service – OpenPS");
    expect(response.body).toContain("Try again later.");
    expect(response.body).toContain("<strong>ref-12345678</strong>");
    expect(response.body).not.toMatch(/hunter2|secret\.ts|database password|at \//);
    const welsh = await get("/test/broken", WELSH);
    expect(title(welsh.body)).toBe("Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth – OpenPS");
    expect(welsh.body).toContain("Rhowch gynnig arall arni yn nes ymlaen.");
  });

  it("400: the problem, an error summary and the Error: title prefix", async () => {
    const response = await get("/test/invalid");
    expect(response.statusCode).toBe(400);
    expect(title(response.body)).toBe("Error: There is a problem with your request – OpenPS");
    expect(response.body).toContain('class="govuk-error-summary"');
    expect(response.body).toContain("There is a problem");
    expect(response.body).toContain("Enter the amount in pounds");
    expect(response.body).toContain("Check the amount.");
    const welsh = await get("/test/invalid", WELSH);
    expect(title(welsh.body)).toBe("Gwall: Mae problem gyda’ch cais – OpenPS");
    expect(welsh.body).toContain('<span lang="en">Enter the amount in pounds</span>');
  });

  it("409 and 422: their own headings", async () => {
    const conflict = await get("/test/conflict");
    expect(conflict.statusCode).toBe(409);
    expect(title(conflict.body)).toBe("This cannot be done at the moment – OpenPS");
    expect(conflict.body).toContain("The deadline has passed");
    expect(conflict.body).not.toContain("govuk-error-summary");
    const unprocessable = await get("/test/unprocessable");
    expect(unprocessable.statusCode).toBe(422);
    expect(title(unprocessable.body)).toBe("Error: Check the information you gave – OpenPS");
    expect(unprocessable.body).toContain("The weights add up to 90%");
  });

  it("keeps JSON errors for the API", async () => {
    const response = await get("/api/v1/nothing-here");
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("assets", () => {
  it("serves the stylesheet, scripts and icons at versioned URLs with a year-long cache", async () => {
    const html = (await get("/")).body;
    const urls = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers["cache-control"], url).toBe("public, max-age=31536000, immutable");
    }
    const css = await get(urls.find((url) => url.endsWith(".css")) as string);
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(css.body).toContain("system-ui,-apple-system");
    expect(css.body).not.toMatch(/GDS Transport|govuk-crest|\.woff/);
  });

  it("starts govuk-frontend from our module script", async () => {
    const html = (await get("/")).body;
    const init = /src="(\/assets\/init-[0-9a-f]+\.mjs)"/.exec(html)?.[1] as string;
    const script = await get(init);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    const govuk = /from "(\/assets\/govuk-frontend-[0-9a-f]+\.min\.js)"/.exec(script.body)?.[1] as string;
    expect(script.body).toContain("initAll()");
    const library = await get(govuk);
    expect(library.statusCode).toBe(200);
    expect(library.body).toContain("initAll");
  });

  it("sends pages and assets compressed as the browser accepts, the same once decompressed", async () => {
    const plain = await get("/");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Cookie, Accept-Language, Accept-Encoding");
    const br = await get("/", { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toBe("Cookie, Accept-Language, Accept-Encoding");
    const page = zlib.brotliDecompressSync(br.rawPayload).toString();
    // The same page but for the request id and the CSP nonce each response has.
    const same = (html: string) => html.replace(/[0-9a-f-]{32,36}/g, "x");
    expect(same(page)).toBe(same(plain.body));
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    const gzip = await get("/", { "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(same(zlib.gunzipSync(gzip.rawPayload).toString())).toBe(same(plain.body));

    const stylesheet = /href="(\/assets\/application-[0-9a-f]+\.css)"/.exec(plain.body)?.[1] as string;
    const css = await get(stylesheet);
    const cssBr = await get(stylesheet, { "accept-encoding": "br" });
    expect(cssBr.headers["content-encoding"]).toBe("br");
    expect(cssBr.headers.vary).toBe("Accept-Encoding");
    expect(cssBr.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(zlib.brotliDecompressSync(cssBr.rawPayload).toString()).toBe(css.body);
    expect(cssBr.rawPayload.length).toBeLessThan(css.rawPayload.length / 5);
    // Too small to be worth it: as it is.
    const robots = await get("/robots.txt", { "accept-encoding": "br" });
    expect(robots.headers["content-encoding"]).toBeUndefined();
    expect(robots.body).toContain("User-agent: *");
  });

  it("serves no crown images and nothing unknown", async () => {
    for (const url of [
      "/assets/images/govuk-crest.svg",
      "/assets/images/favicon.ico",
      "/assets/rebrand/x.png",
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
    const favicon = await get("/favicon.ico");
    expect(favicon.statusCode).toBe(200);
    expect(favicon.headers["content-type"]).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
  });
});
