export type DomainErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'PRECONDITION' | 'UNAVAILABLE' | 'UNAUTHORIZED' | 'INTERNAL';

/** Errors domain code throws; transports (tRPC, jobs, HTTP) map the code, never the class. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string | number) {
    super('NOT_FOUND', `${entity} not found: ${String(id)}`, { entity, id });
  }
}
export class ConflictError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, details);
  }
}
export class InvalidError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID', message, details);
  }
}
export class PreconditionError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('PRECONDITION', message, details);
  }
}
export class UnavailableError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('UNAVAILABLE', message, details);
  }
}
export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('UNAUTHORIZED', message);
  }
}
/** Reschedules a job without spending an attempt. */
export class RetryLaterError extends DomainError {
  constructor(
    readonly delayMs: number,
    message = 'retry later',
  ) {
    super('UNAVAILABLE', message, { delayMs });
  }
}

export function fail(error: Error): never {
  throw error;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
