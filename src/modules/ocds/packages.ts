/**
 * What every OCDS package OpenPS serves says of itself, and a stored release as published: its
 * site-relative links made absolute with the deployment's address.
 */
import { EXTENSION_URLS } from "./schema.ts";

/** The OCDS licence of everything published: the Open Government Licence. */
export const LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

/** How the releases and records are presented: the deployment's address and its publisher's name. */
export interface Publication {
  baseUrl: string;
  publisherName: string;
}

/** The release as published: its site-relative links made absolute with the deployment's address. */
export function published(release: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
  const absolute = (value: unknown, key: string): unknown => {
    if (typeof value === "string")
      return key === "url" && value.startsWith("/") ? `${baseUrl}${value}` : value;
    if (Array.isArray(value)) return value.map((v) => absolute(v, ""));
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, absolute(v, k)]));
    return value;
  };
  return absolute(release, "") as Record<string, unknown>;
}

/**
 * A stored release's JSON text as published, without parsing it: each link that starts with "/"
 * made absolute. Safe on the text: inside a JSON string a quote is always escaped, so `"url": "/`
 * can only be a key "url" and the start of its value.
 */
export function publishedText(text: string, baseUrl: string): string {
  return text.replace(/"url": ?"\//g, (match) => `${match.slice(0, -1)}${baseUrl}/`);
}

/** What every package says of itself. */
export interface PackageMeta {
  uri: string;
  version: "1.1";
  extensions: string[];
  publishedDate: string;
  publisher: { name: string; uri: string };
  license: string;
  publicationPolicy: string;
}

export function packageMeta(publication: Publication, uri: string, publishedDate: Date): PackageMeta {
  return {
    uri: `${publication.baseUrl}${uri}`,
    version: "1.1" as const,
    extensions: [...EXTENSION_URLS],
    publishedDate: publishedDate.toISOString(),
    publisher: { name: publication.publisherName, uri: publication.baseUrl },
    license: LICENCE_URL,
    publicationPolicy: `${publication.baseUrl}/open-data#ocds`,
  };
}
