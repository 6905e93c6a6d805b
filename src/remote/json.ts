// JSON.parse for files skillwall reads back (lockfile, state): a "__proto__" key is refused
// rather than silently dropped by the schema, so what validates is exactly what was written.

export function parseJsonNoProto(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (key === "__proto__") throw new SyntaxError('a "__proto__" key is not allowed');
    return value;
  });
}

/**
 * JSON text checked against a zod schema; any problem becomes the caller's error (with the
 * first three issues as "path: message"), so a corrupt file is never silently reset.
 */
export function parseValidatedJson<T>(
  text: string,
  schema: {
    safeParse(data: unknown):
      | { success: true; data: T }
      | {
          success: false;
          error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };
        };
  },
  corrupt: (detail: string, cause: unknown) => Error,
): T {
  let data: unknown;
  try {
    data = parseJsonNoProto(text);
  } catch (cause) {
    throw corrupt(`not JSON (${(cause as Error).message})`, cause);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw corrupt(where, parsed.error);
  }
  return parsed.data;
}
