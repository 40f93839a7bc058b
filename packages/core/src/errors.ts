/**
 * Errors that logwitness raises on purpose. Every error carries a stable `code`, a message
 * written for an investigator (what was expected, what was found, where), and optional
 * machine-readable `details`. The CLI maps {@link InputError} and friends to exit code 1 and
 * anything else to exit code 2.
 */
export class LogwitnessError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** Bad input from the user: a missing file, an unknown format, an invalid option value. */
export class InputError extends LogwitnessError {}

/** The case file cannot be opened, written or read as expected. */
export class StoreError extends LogwitnessError {}

/** A GeoIP/ASN database cannot be opened or understood. */
export class GeoDataError extends LogwitnessError {}

/** A bug: an invariant of logwitness itself did not hold. */
export class InternalError extends LogwitnessError {}

/** True for errors caused by the user's input or environment rather than by a bug. */
export function isUserError(error: unknown): error is LogwitnessError {
  return error instanceof InputError || error instanceof StoreError || error instanceof GeoDataError;
}
