/** node-postgres's conversion of a JavaScript value to a query parameter (pg/lib/utils.js, untyped). */
declare module "pg/lib/utils.js" {
  const utils: {
    /** null for null and undefined; a Buffer as it is (sent as binary); anything else as PostgreSQL's text. */
    prepareValue(value: unknown): string | Buffer | null;
  };
  export default utils;
}
