// Live direct-use connectors as OpenAI chat-completions `tools`. The model only
// sees a slug of each connector's name; the slug maps back to the connector id
// so a tool call can never name a connector that was not offered.

export type ToolInputType = 'string' | 'integer' | 'decimal' | 'boolean';

export interface ToolDataInput {
  name: string;
  type: ToolInputType;
  description?: string | null;
  required: boolean;
  // The pipeline fills a missing input from its default, so the model need not supply it.
  default?: string | number | boolean | null;
}

export interface ToolConnector {
  id: string;
  name: string;
  description: string | null;
  dataInputs: ToolDataInput[];
}

export interface JsonSchemaProperty {
  type: 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  default?: string | number | boolean;
}

export interface ChatTool {
  type: 'function';
  function: {
    name: string;
    description: string;
    parameters: {
      type: 'object';
      properties: Record<string, JsonSchemaProperty>;
      required: string[];
      additionalProperties: false;
    };
  };
}

export interface ConnectorTools {
  tools: ChatTool[];
  connectorIdByToolName: Map<string, string>;
  toolNameByConnectorId: Map<string, string>;
}

export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_TOOL_NAME = 64;

const JSON_TYPES: Record<ToolInputType, JsonSchemaProperty['type']> = {
  string: 'string',
  integer: 'integer',
  decimal: 'number',
  boolean: 'boolean',
};

export function connectorTools(connectors: readonly ToolConnector[]): ConnectorTools {
  const tools: ChatTool[] = [];
  const connectorIdByToolName = new Map<string, string>();
  const toolNameByConnectorId = new Map<string, string>();
  // Case-insensitive: "Balance" and "balance" side by side would confuse a model even if the API allowed both.
  const taken = new Set<string>();
  for (const connector of connectors) {
    const name = uniqueName(toolSlug(connector.name), taken);
    taken.add(name.toLowerCase());
    connectorIdByToolName.set(name, connector.id);
    toolNameByConnectorId.set(connector.id, name);
    tools.push({
      type: 'function',
      function: {
        name,
        // An empty description would leave the model nothing to choose by; the name is the next best thing.
        description: connector.description?.trim() || connector.name,
        parameters: parametersSchema(connector.dataInputs),
      },
    });
  }
  return { tools, connectorIdByToolName, toolNameByConnectorId };
}

export function toolSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, MAX_TOOL_NAME)
    .replace(/[_-]+$/, '');
  return slug || 'connector';
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = base.slice(0, MAX_TOOL_NAME - suffix.length) + suffix;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

function parametersSchema(inputs: readonly ToolDataInput[]): ChatTool['function']['parameters'] {
  const properties: Record<string, JsonSchemaProperty> = {};
  const required: string[] = [];
  for (const input of inputs) {
    const property: JsonSchemaProperty = { type: JSON_TYPES[input.type] };
    const description = input.description?.trim();
    if (description) property.description = description;
    const fallback = defaultValue(input);
    if (fallback !== undefined) property.default = fallback;
    properties[input.name] = property;
    if (input.required && fallback === undefined) required.push(input.name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

// Stored defaults are text (connector-input.ts); the schema states them in the input's JSON type.
function defaultValue(input: ToolDataInput): string | number | boolean | undefined {
  const value = input.default;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || input.type === 'string') return value;
  if (input.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : undefined;
  const number = Number(value);
  return Number.isFinite(number) && (input.type === 'decimal' || Number.isSafeInteger(number)) ? number : undefined;
}
