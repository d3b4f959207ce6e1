/** For service tests: the domain error a call was refused with (and a failure if it was not refused). */
import type { DomainError } from "../../src/lib/errors.ts";

export async function refused(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error("Expected the call to be refused");
}
