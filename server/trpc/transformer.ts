import superjson from 'superjson';

/** True when JSON carries `v` unchanged: finite numbers, strings, booleans, null, plain arrays and objects. */
function isPlainJson(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (const x of v) if (!isPlainJson(x)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in v) if (!isPlainJson((v as Record<string, unknown>)[k])) return false;
      return true;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return false;
  }
}

interface Payload {
  json: unknown;
  meta?: unknown;
}

/**
 * superjson's wire format, without its cost where it adds nothing. Our API sends integer
 * milliseconds, not Dates, so most payloads are plain JSON: those skip superjson's annotation walk
 * (10× a JSON.stringify for a page of tracks) and its defensive deep copy on the way in. Anything
 * else (a Date, a Map, undefined, NaN) goes through superjson unchanged, so clients that use plain
 * superjson read every answer.
 */
export const transformer = {
  serialize(v: unknown): Payload {
    return isPlainJson(v) ? { json: v } : superjson.serialize(v);
  },
  deserialize(p: Payload): unknown {
    // the payload was just parsed from the wire: nothing else holds it, so no copy is needed
    return p.meta ? superjson.deserialize(p as Parameters<typeof superjson.deserialize>[0], { inPlace: true }) : p.json;
  },
};
