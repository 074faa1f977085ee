// Code the Data tab proposes for the two problems the product docs name: Unix
// timestamps the AI agent cannot read as dates, and payloads too big for it to
// use well. Each suggestion is complete, runnable code-block Python.
export interface CodeSuggestion {
  kind: 'convert_timestamps' | 'trim_payload';
  title: string;
  reason: string;
  code: string;
}

const SECONDS = [946_684_800, 4_102_444_800]; // 2000-01-01 .. 2100-01-01
const MILLISECONDS = [SECONDS[0]! * 1000, SECONDS[1]! * 1000];
const TIME_KEY = /(^|_)(at|date|time|timestamp|created|updated|expires?|due|start|end|period|since|until|paid|canceled|cancelled|ended|trial|birthday|dob)($|_)/i;
// Never worth handing to the AI agent, and some are secrets.
const NOISE_KEY = /^(object|livemode|metadata|client_secret|secret|password|token|api_key)$/i;

const LIMITS = { bytes: 2000, fields: 25, items: 10, depth: 4 };
const KEEP_ITEMS = 5;
const KEEP_DEPTH = 3;
const KEEP_FIELDS = 15;

interface Shape {
  seconds: Set<string>;
  milliseconds: Set<string>;
  fields: number;
  longestArray: number;
  depth: number;
}

function walk(value: unknown, depth: number, shape: Shape): void {
  shape.depth = Math.max(shape.depth, depth);
  if (depth > 20) return;
  if (Array.isArray(value)) {
    shape.longestArray = Math.max(shape.longestArray, value.length);
    for (const item of value) walk(item, depth + 1, shape);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    shape.fields += 1;
    if (typeof item === 'number' && Number.isInteger(item) && TIME_KEY.test(key)) {
      if (item >= SECONDS[0]! && item < SECONDS[1]!) shape.seconds.add(key);
      else if (item >= MILLISECONDS[0]! && item < MILLISECONDS[1]!) shape.milliseconds.add(key);
    }
    walk(item, depth + 1, shape);
  }
}

const pythonList = (names: Iterable<string>) => JSON.stringify([...names].sort());
const isEmpty = (v: unknown) => v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

function timestampCode(shape: Shape): string {
  return `import datetime

SECONDS = set(${pythonList(shape.seconds)})
MILLISECONDS = set(${pythonList(shape.milliseconds)})

def readable(value, divisor):
    return datetime.datetime.fromtimestamp(value / divisor, datetime.timezone.utc).isoformat()

def convert(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            number = isinstance(item, (int, float)) and not isinstance(item, bool)
            if number and key in SECONDS:
                out[key] = readable(item, 1)
            elif number and key in MILLISECONDS:
                out[key] = readable(item, 1000)
            else:
                out[key] = convert(item)
        return out
    if isinstance(value, list):
        return [convert(item) for item in value]
    return value

return convert(inputs['data'])
`;
}

function keptFields(data: Record<string, unknown>): string[] {
  const candidates = Object.entries(data).filter(([key, value]) => !NOISE_KEY.test(key) && !isEmpty(value));
  // Plain values first (ids, statuses, amounts), then the small objects and lists.
  const plain = candidates.filter(([, v]) => typeof v !== 'object').map(([k]) => k);
  const nested = candidates.filter(([, v]) => typeof v === 'object').map(([k]) => k);
  return [...plain, ...nested].slice(0, KEEP_FIELDS);
}

function trimCode(data: unknown): string {
  const keep = data !== null && typeof data === 'object' && !Array.isArray(data) ? keptFields(data as Record<string, unknown>) : [];
  return `KEEP = ${pythonList(keep)}  # edit: the fields customers ask about
MAX_ITEMS = ${KEEP_ITEMS}
MAX_DEPTH = ${KEEP_DEPTH}

def empty(value):
    return value is None or value == '' or value == [] or value == {}

def trim(value, depth):
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return None
        return {key: trim(item, depth + 1) for key, item in value.items() if not empty(item)}
    if isinstance(value, list):
        return [trim(item, depth + 1) for item in value[:MAX_ITEMS]]
    return value

data = inputs['data']
if isinstance(data, dict) and KEEP:
    return {key: trim(data[key], 1) for key in KEEP if key in data}
return trim(data, 0)
`;
}

export function suggestCode(data: unknown): CodeSuggestion[] {
  const shape: Shape = { seconds: new Set(), milliseconds: new Set(), fields: 0, longestArray: 0, depth: 0 };
  walk(data, 0, shape);
  const suggestions: CodeSuggestion[] = [];
  const stamps = [...shape.seconds, ...shape.milliseconds];
  if (stamps.length > 0) {
    suggestions.push({
      kind: 'convert_timestamps',
      title: 'Convert Unix timestamps to readable dates',
      reason: `${stamps.length} field(s) hold Unix timestamps (${stamps.slice(0, 5).join(', ')}${stamps.length > 5 ? ', …' : ''}); the AI agent reads them as plain numbers. This converts them to ISO 8601 dates (UTC), nested ones too.`,
      code: timestampCode(shape),
    });
  }
  const bytes = JSON.stringify(data ?? null).length;
  const problems = [
    bytes > LIMITS.bytes && `${(bytes / 1024).toFixed(1)} KB of JSON`,
    shape.fields > LIMITS.fields && `${shape.fields} fields`,
    shape.longestArray > LIMITS.items && `lists of up to ${shape.longestArray} items`,
    shape.depth > LIMITS.depth && `${shape.depth} levels of nesting`,
  ].filter(Boolean);
  if (problems.length > 0) {
    suggestions.push({
      kind: 'trim_payload',
      title: 'Keep only the fields that matter',
      reason: `The response has ${problems.join(', ')}; large payloads slow the AI agent down and bury the answer. This keeps the listed fields, drops empty values, shortens lists to ${KEEP_ITEMS} items and nesting to ${KEEP_DEPTH} levels.`,
      code: trimCode(data),
    });
  }
  return suggestions;
}
