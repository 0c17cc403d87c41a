import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest } from './support/http-client';
import { startApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const K8S = join(ROOT, 'deploy', 'kubernetes');

type Doc = Record<string, any>;
const docs: Doc[] = readdirSync(K8S)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => loadAll(readFileSync(join(K8S, f), 'utf8')) as Doc[])
  .filter(Boolean);
const find = (kind: string, name = 'copilot-proxy') =>
  docs.find((d) => d.kind === kind && d.metadata?.name === name)!;

describe('Kubernetes manifests', () => {
  const deployment = find('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(
    (container.env as Array<{ name: string; value: string }>).map((e) => [
      e.name,
      e.value,
    ]),
  );

  it('has no namespace baked in', () => {
    expect(docs.every((d) => d.metadata?.namespace === undefined)).toBe(true);
  });

  it('probes the app’s real endpoints on its real port', async () => {
    const port = container.ports.find((p: Doc) => p.name === 'http');
    expect(port.containerPort).toBe(Number(env.PROXY_PORT));
    expect(env.HOST).toBe('0.0.0.0');
    expect(container.readinessProbe.httpGet).toEqual({
      path: '/readyz',
      port: 'http',
    });
    expect(container.livenessProbe.httpGet).toEqual({
      path: '/healthz',
      port: 'http',
    });
    // Those paths answer 200 on the app itself.
    const fake = await new FakeCopilotApi().start();
    const app = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      PROXY_API_KEYS: 'k',
    });
    try {
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect((await rawRequest(app.url + probe.httpGet.path)).status).toBe(
          200,
        );
      }
    } finally {
      await app.close();
      await fake.stop();
    }
  });

  it('gives the drain its time: grace period above SHUTDOWN_TIMEOUT_MS plus the preStop pause', () => {
    const drainSeconds = Number(env.SHUTDOWN_TIMEOUT_MS) / 1000;
    const preStop = container.lifecycle.preStop.sleep.seconds;
    expect(preStop).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(
      drainSeconds + preStop,
    );
  });

  it('runs two non-root replicas with a read-only root filesystem and resources', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.resources.requests).toEqual(
      expect.objectContaining({
        cpu: expect.any(String),
        memory: expect.any(String),
      }),
    );
    expect(container.resources.limits.memory).toBeDefined();
  });

  it('takes secrets from the Secret template, which holds placeholders only', () => {
    const secret = find('Secret', 'copilot-proxy-secrets');
    expect(container.envFrom).toEqual([
      { secretRef: { name: 'copilot-proxy-secrets' } },
    ]);
    expect(Object.keys(secret.stringData).sort()).toEqual([
      'GITHUB_TOKEN',
      'PROXY_API_KEYS',
    ]);
    expect(
      Object.values(secret.stringData).every((v) => /^<.*>$/.test(String(v))),
    ).toBe(true);
  });

  it('wires the Service and the autoscaler to the Deployment', () => {
    const service = find('Service');
    expect(service.spec.selector).toEqual(
      deployment.spec.template.metadata.labels,
    );
    expect(service.spec.ports[0].targetPort).toBe('http');
    const hpa = find('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'copilot-proxy',
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);
  const final = stages.at(-1)!;
  const instructions = (kind: string) =>
    final.split('\n').filter((l) => l.startsWith(kind + ' '));

  it('is multi-stage, and the final stage installs production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final).toMatch(/npm ci --omit=dev/);
    expect(final).toMatch(/COPY --from=build \/app\/dist/);
  });

  it('runs as a non-root user', () => {
    const users = instructions('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/USER (root|0)\b/);
  });

  it('starts dist/main.js under an init as PID 1', () => {
    const entrypoint = JSON.parse(
      instructions('ENTRYPOINT').at(-1)!.slice('ENTRYPOINT '.length),
    ) as string[];
    expect(entrypoint[0]).toMatch(/tini|dumb-init/);
    const cmd = JSON.parse(
      instructions('CMD').at(-1)!.slice('CMD '.length),
    ) as string[];
    expect(cmd).toEqual(['node', 'dist/main.js']);
    expect(final).toMatch(/apt-get install[^\n]*tini/);
  });

  it('listens on all interfaces on 8080 and checks /healthz', () => {
    expect(final).toMatch(/HOST=0\.0\.0\.0/);
    expect(instructions('EXPOSE')).toEqual(['EXPOSE 8080']);
    expect(final).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
  });
});
