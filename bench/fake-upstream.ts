import type { Exchange } from '../test/support/fake-http';
import { FakeCopilotApi } from '../test/support/fake-copilot-api';
import { churningResponses } from './churning-responses';

/** The test fake as a process of its own, so it does not share the load generator's loop. */
const fake = new FakeCopilotApi({
  copilotTokens: ['bench-copilot-token'],
  recordRequests: false,
});

// A Responses stream as the real Copilot sends it (churning ids), beside the fake's own routes.
const routes = fake as unknown as { route(ex: Exchange): void };
const route = routes.route.bind(fake);
routes.route = (ex) =>
  ex.url.pathname === '/responses' && ex.req.headers['x-bench-churn'] === '1'
    ? churningResponses(ex)
    : route(ex);

void fake.start(Number(process.env.PORT ?? 0)).then((started) => {
  process.stdout.write(`listening on ${started.url}\n`);
});
