import type { Json } from '../ir';

/**
 * A tool's JSON schema as Copilot takes it: an object schema without
 * `properties` (Claude Code's tools that take no arguments) gets
 * `properties: {}` (C13: "object schema missing properties"); any other goes
 * as it is.
 */
export function withProperties(parameters: Json): Json {
  return parameters.type === 'object' && parameters.properties === undefined
    ? { ...parameters, properties: {} }
    : parameters;
}
