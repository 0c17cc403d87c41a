/** What the status page shows: nothing secret, nothing that identifies a token. */
export interface Status {
  name: string;
  version: string;
  upstream: string;
  token: { ready: boolean; detail: string };
  keys: 'on' | 'off';
  models: number | undefined;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The status page: plain HTML, no script, no inline style. */
export function statusPage(status: Status): string {
  const row = (name: string, value: string) =>
    `<tr><th>${escape(name)}</th><td>${escape(value)}</td></tr>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(status.name)}</title>
</head>
<body>
<h1>${escape(status.name)} ${escape(status.version)}</h1>
<p>A gateway to the GitHub Copilot API. Point an OpenAI client at <code>/v1</code>, an Anthropic client (Claude Code) at <code>/</code>.</p>
<table>
${row('upstream', status.upstream)}
${row('Copilot token', `${status.token.ready ? 'ready' : 'not ready'}: ${status.token.detail}`)}
${row('client keys', status.keys)}
${row('models', status.models === undefined ? 'not fetched yet' : String(status.models))}
</table>
<ul>
<li><a href="/dashboard">Usage dashboard</a></li>
<li><a href="/usage">/usage</a> (JSON; a key when keys are on)</li>
<li><a href="/readyz">/readyz</a> (readiness)</li>
</ul>
</body>
</html>
`;
}
