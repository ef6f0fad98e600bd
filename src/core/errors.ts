/** Codes of the expected failures every adapter maps to its transport (HTTP status, exit code). */
export type AppErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'not_available'
  | 'insufficient_data';

/** An expected failure with a message a marketer can act on. Bugs stay plain Errors. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}
