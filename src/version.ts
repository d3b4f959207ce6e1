import { createRequire } from "node:module";

const pkg = createRequire(import.meta.url)("../package.json") as { version: string };

/** The running version, from package.json. */
export const APP_VERSION: string = pkg.version;
