/** The options every command accepts (DESIGN §4), as yargs sees them. */
export interface GlobalArgs {
  readonly case: string;
  readonly geoDb: readonly string[] | undefined;
  readonly networks: string | undefined;
  readonly json: boolean;
  readonly csv: boolean;
  readonly tz: string;
}
