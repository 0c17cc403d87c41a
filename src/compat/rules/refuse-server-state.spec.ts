import { ProxyError } from '../../errors/proxy-error';
import { runRule } from '../__fixtures__/run-rule';
import { refuseServerState } from './refuse-server-state';

describe('R3 refuse-server-state', () => {
  it.each(['previous_response_id', 'conversation'])(
    'refuses %s with a 400 that says why',
    (field) => {
      let error: unknown;
      try {
        runRule(
          refuseServerState,
          'responses',
          `{"model":"gpt-5","${field}":"resp_1","input":"hi"}`,
        );
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ProxyError);
      expect((error as ProxyError).status).toBe(400);
      expect((error as ProxyError).code).toBe('no_server_state');
      expect((error as ProxyError).message).toContain(
        `no server state for /responses, so ${field}`,
      );
    },
  );

  it('lets a null or absent one pass', () => {
    expect(
      runRule(
        refuseServerState,
        'responses',
        '{"previous_response_id":null,"input":"hi"}',
      ).changed,
    ).toBe(false);
  });
});
