import { checkHeaders, type ExpectedContentType, type ObservedResponse } from './checks.ts';

/** TechEmpower's plaintext rule (toolset/test_types/verifications.py): text/plain, with a UTF-8 charset or none. */
export const PLAIN_CONTENT_TYPE: ExpectedContentType = { label: 'text/plain (charset utf-8 or none)', pattern: /^text\/plain(; ?charset=(UTF|utf)-8)?$/ };

export const PLAINTEXT_BODY = 'Hello, World!';

/**
 * A plaintext response: the headers of every test type with text/plain, and the body exactly
 * `Hello, World!`. TechEmpower accepts any casing and extra bytes (it warns); the harness does
 * not, so every app sends the same 13 bytes (docs/scenarios.md).
 */
export function checkPlaintext(res: ObservedResponse): string[] {
  const body = res.body === PLAINTEXT_BODY ? [] : [`body is ${JSON.stringify(res.body.slice(0, 80))}, expected "${PLAINTEXT_BODY}"`];
  return [...checkHeaders(res, PLAIN_CONTENT_TYPE), ...body];
}
