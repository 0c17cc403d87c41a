import { API_PATHS, UntranslatableError, type Api } from '../ir';

/**
 * The errors a user can act on. A reader refuses what the client sent that no
 * other API can carry; a writer what its upstream API has no place for.
 */
export function notCarried(
  field: string,
  model: string,
  clientApi: Api,
  what: string,
): UntranslatableError {
  const path = API_PATHS[clientApi];
  return new UntranslatableError(
    field,
    `model ${model} is not served on ${path}, and the API it is served on has no ${what}; remove it or use a model served on ${path}`,
  );
}

export function notSupportedUpstream(
  field: string,
  model: string,
  upstreamApi: Api,
  what: string,
): UntranslatableError {
  return new UntranslatableError(
    field,
    `model ${model} is served on ${API_PATHS[upstreamApi]}, which has no ${what}; remove it or use a model served on the API you call`,
  );
}
