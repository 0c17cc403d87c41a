import { Api, API_PATHS } from './ir';

/**
 * Which API a client's request goes to for a model: its own when the model
 * lists it (native: the client's bytes), else the one the bridge translates to —
 * Messages to Chat, else to Responses; Chat to Responses; Responses to Chat. A
 * model without `supported_endpoints` is served on Chat only. With no way across,
 * the request goes as it came and Copilot's own error comes back.
 */
export function routeFor(
  client: Api,
  endpoints: readonly string[] | undefined,
): Api {
  const served = (api: Api) =>
    (endpoints ?? [API_PATHS.chat]).includes(API_PATHS[api]);
  if (served(client)) return client;
  const ways: Record<Api, Api[]> = {
    messages: ['chat', 'responses'],
    chat: ['responses'],
    responses: ['chat'],
  };
  return ways[client].find(served) ?? client;
}
