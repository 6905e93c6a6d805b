// JSON.parse for files skillwall reads back (lockfile, state): a "__proto__" key is refused
// rather than silently dropped by the schema, so what validates is exactly what was written.

export function parseJsonNoProto(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (key === "__proto__") throw new SyntaxError('a "__proto__" key is not allowed');
    return value;
  });
}
