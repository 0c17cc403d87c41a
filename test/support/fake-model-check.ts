import { endpointsOf, FakeModel } from './fake-models';

/** What the model check decided: the model to answer as, or the refusal to send. */
export type ModelCheck =
  | { ok: true; model: string }
  | { ok: false; model: unknown; status: 400; body: string };

/** Copilot's refusal of a model another API serves, by the API asked (texts seen on the wire). */
function unsupportedApi(id: string, path: string): object {
  if (path === '/responses') {
    return {
      error: {
        message: `model ${id} does not support Responses API.`,
        code: 'unsupported_api_for_model',
        type: 'invalid_request_error',
      },
    };
  }
  return {
    error: {
      message: `model "${id}" is not accessible via the ${path} endpoint`,
      code: 'unsupported_api_for_model',
    },
  };
}

const NOT_SUPPORTED = {
  error: {
    message: 'The requested model is not supported.',
    code: 'model_not_supported',
    param: 'model',
    type: 'invalid_request_error',
  },
};

/**
 * Copilot's model check on an inference route (`path`): a body without `model` is
 * answered as `fallback`; a `model` the account does not list (any non-string
 * included) gets 400 `model_not_supported`; a listed one whose
 * `supported_endpoints` lack `path` gets 400 `unsupported_api_for_model`. The body of
 * a refusal is JSON and a newline, as Copilot sends it (with `text/plain`).
 */
export function checkModel(
  models: readonly FakeModel[],
  path: string,
  requested: unknown,
  fallback: string,
): ModelCheck {
  if (requested === undefined) return { ok: true, model: fallback };
  const model =
    typeof requested === 'string'
      ? models.find((m) => m.id === requested)
      : undefined;
  if (!model) {
    return {
      ok: false,
      model: requested,
      status: 400,
      body: `${JSON.stringify(NOT_SUPPORTED)}\n`,
    };
  }
  if (!endpointsOf(model).includes(path)) {
    return {
      ok: false,
      model: requested,
      status: 400,
      body: `${JSON.stringify(unsupportedApi(model.id, path))}\n`,
    };
  }
  return { ok: true, model: model.id };
}
