/**
 * A request path reduced to a fixed family, so metric labels never carry ids,
 * queries or anything a client chose.
 */
export type RouteClass =
  | 'chat'
  | 'responses'
  | 'messages'
  | 'models'
  | 'embeddings'
  | 'service'
  | 'other';

export function routeClass(url: string): RouteClass {
  const path =
    url.startsWith('/v1/') && !url.startsWith('/v1/messages')
      ? url.slice(3)
      : url;
  if (path.startsWith('/chat/completions')) return 'chat';
  if (path.startsWith('/responses')) return 'responses';
  if (path.startsWith('/v1/messages')) return 'messages';
  if (path.startsWith('/models')) return 'models';
  if (path.startsWith('/embeddings')) return 'embeddings';
  if (
    path === '/healthz' ||
    path === '/readyz' ||
    path === '/metrics' ||
    /^\/(healthz|readyz|metrics)[/?]/.test(path)
  ) {
    return 'service';
  }
  return 'other';
}
