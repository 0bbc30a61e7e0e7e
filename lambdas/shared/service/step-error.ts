import { z } from 'zod';

/** The Cause of a Lambda error as the lambda:invoke integration passes it: the function's error payload, as JSON. */
const LambdaErrorCause = z.looseObject({ errorType: z.string().optional(), errorMessage: z.string().optional() });

/**
 * The readable part of a Step Functions error Cause: a Lambda error's `errorMessage` (never its stack trace), or
 * the Cause as it is when it is Step Functions' own plain text (States.Timeout, ...).
 */
export function causeDetail(cause: string): string {
  try {
    const parsed = LambdaErrorCause.safeParse(JSON.parse(cause));
    if (parsed.success && parsed.data.errorMessage !== undefined) return parsed.data.errorMessage;
  } catch {
    // plain text
  }
  return cause;
}
