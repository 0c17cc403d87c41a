import { FakeCopilotApi } from '../test/support/fake-copilot-api';

/** The test fake as a process of its own, so it does not share the load generator's loop. */
void new FakeCopilotApi({
  copilotTokens: ['bench-copilot-token'],
  recordRequests: false,
})
  .start(Number(process.env.PORT ?? 0))
  .then((fake) => {
    process.stdout.write(`listening on ${fake.url}\n`);
  });
