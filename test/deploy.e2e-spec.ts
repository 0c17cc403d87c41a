import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parseSettings } from '../src/config/settings';
import { loadAll } from 'js-yaml';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, waitFor } from './support/http-client';
import { RedisServer } from './support/redis-server';
import { redisConnected, startApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const K8S = join(ROOT, 'deploy', 'kubernetes');

type Doc = Record<string, any>;
const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml'));
const text = (file: string) => readFileSync(join(K8S, file), 'utf8');
/** The documents of each manifest file, by file name. */
const byFile: Record<string, Doc[]> = Object.fromEntries(
  files.map((f) => [f, (loadAll(text(f)) as Doc[]).filter(Boolean)]),
);
const docs: Doc[] = Object.values(byFile).flat();
const find = (kind: string, name = 'copilot-proxy') =>
  docs.find((d) => d.kind === kind && d.metadata?.name === name)!;
const findIn = (file: string, kind: string) =>
  byFile[file].find((d) => d.kind === kind)!;

/** An nginx size ("64m", "1024k", "2g", bytes) in bytes; 0 is unlimited. */
const nginxBytes = (size: string) => {
  const match = /^(\d+)([kmg]?)$/i.exec(size.trim());
  if (!match) throw new Error(`not an nginx size: ${size}`);
  const value = Number(match[1]);
  if (value === 0) return Infinity;
  const exponent = ['', 'k', 'm', 'g'].indexOf(match[2].toLowerCase());
  return value * 1024 ** exponent;
};

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

  it('carries SEATS_SECRET from a Secret of its own, optional, whose template holds a placeholder', () => {
    const refs = Object.fromEntries(
      (
        container.env as Array<{
          name: string;
          valueFrom?: { secretKeyRef?: Record<string, unknown> };
        }>
      )
        .filter((e) => e.name.startsWith('SEATS_'))
        .map((e) => [e.name, e.valueFrom?.secretKeyRef]),
    );
    expect(refs).toEqual({
      SEATS_SECRET: {
        name: 'copilot-proxy-seats',
        key: 'SEATS_SECRET',
        optional: true,
      },
      SEATS_SECRET_PREVIOUS: {
        name: 'copilot-proxy-seats',
        key: 'SEATS_SECRET_PREVIOUS',
        optional: true,
      },
    });
    const secret = find('Secret', 'copilot-proxy-seats');
    expect(secret.stringData).toEqual({
      SEATS_SECRET: expect.stringMatching(/^<.*>$/),
    });
    expect(byFile['kustomization.yaml'][0].resources).not.toContain(
      'seats-secret.example.yaml',
    );
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

  it('applies Deployment, Service, HPA, PDB and Redis by default, and no example', () => {
    const kustomization = byFile['kustomization.yaml'][0];
    expect(kustomization.kind).toBe('Kustomization');
    expect(kustomization.namespace).toBeUndefined();
    const resources = kustomization.resources as string[];
    expect(resources).toEqual(
      expect.arrayContaining([
        'deployment.yaml',
        'service.yaml',
        'hpa.yaml',
        'pdb.yaml',
        'redis.yaml',
      ]),
    );
    // Every listed file exists; every manifest that is not an example is listed.
    for (const resource of resources) expect(files).toContain(resource);
    expect(resources.filter((r) => r.endsWith('.example.yaml'))).toEqual([]);
    expect(resources).not.toContain('ingress.example.yaml');
    expect(resources).not.toContain('secret.example.yaml');
    expect(files).toContain('ingress.example.yaml');
    expect(
      files.filter(
        (f) =>
          f !== 'kustomization.yaml' &&
          !f.endsWith('.example.yaml') &&
          !resources.includes(f),
      ),
    ).toEqual([]);
  });

  it('trusts the in-cluster ingress for client addresses (limits count clients, not the ingress)', () => {
    expect(env.TRUST_PROXY).toBe('loopback,uniquelocal');
    const settings = parseSettings({
      COPILOT_TOKEN: 't',
      TRUST_PROXY: env.TRUST_PROXY,
    });
    expect(settings.auth.trustProxy).toBe('loopback,uniquelocal');
  });

  it('never lets cache traffic evict counters: noeviction, the cache bounded well under maxmemory', () => {
    const args = findIn('redis.yaml', 'Deployment').spec.template.spec
      .containers[0].args as string[];
    const arg = (name: string) => args[args.indexOf(name) + 1];
    expect(arg('--maxmemory-policy')).toBe('noeviction');
    const maxMemory = /^(\d+)mb$/.exec(arg('--maxmemory'));
    expect(maxMemory).not.toBeNull();
    const env = Object.fromEntries(
      (
        findIn('deployment.yaml', 'Deployment').spec.template.spec.containers[0]
          .env as Doc[]
      ).map((e) => [e.name, e.value]),
    );
    const cacheBytes = Number(env.RESPONSE_CACHE_MAX_BYTES ?? 64 * 1024 * 1024);
    // Room beside the cache for usage, history and rate-limit counters.
    expect(cacheBytes).toBeLessThanOrEqual(
      Number(maxMemory![1]) * 1024 * 1024 * 0.75,
    );
  });

  it('shares limits, quotas and the cache through the Redis of redis.yaml', () => {
    const redisService = findIn('redis.yaml', 'Service');
    const redisDeployment = findIn('redis.yaml', 'Deployment');
    expect(redisService).toBeDefined();
    expect(redisDeployment).toBeDefined();
    // REDIS_URL is set (not commented out) and names that Service and its port.
    expect(env.REDIS_URL).toBeDefined();
    const url = new URL(env.REDIS_URL);
    expect(url.protocol).toBe('redis:');
    expect(url.hostname).toBe(redisService.metadata.name);
    const servicePorts = (redisService.spec.ports as Doc[]).map((p) => p.port);
    expect(servicePorts).toContain(Number(url.port || 6379));
    // The Service reaches the Redis pods, on the port Redis listens on.
    expect(redisService.spec.selector).toEqual(
      redisDeployment.spec.template.metadata.labels,
    );
    const servicePort = (redisService.spec.ports as Doc[]).find(
      (p) => p.port === Number(url.port || 6379),
    )!;
    const redisPort = (
      redisDeployment.spec.template.spec.containers[0].ports as Doc[]
    ).find(
      (p) =>
        p.name === servicePort.targetPort ||
        p.containerPort === servicePort.targetPort,
    );
    expect(redisPort?.containerPort).toBe(6379);
    // Neither selector picks up the other's pods.
    const proxyLabels = deployment.spec.template.metadata.labels;
    expect(redisService.spec.selector).not.toEqual(proxyLabels);
    expect(find('Service').spec.selector).not.toEqual(
      redisDeployment.spec.template.metadata.labels,
    );
    // The comment says what happens without it.
    expect(text('deployment.yaml')).toMatch(/per replica|each replica/i);
  });

  it('keeps at least one proxy pod through voluntary disruptions', () => {
    const pdb = findIn('pdb.yaml', 'PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.metadata.name).toBe('copilot-proxy');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.maxUnavailable).toBeUndefined();
    expect(pdb.spec.selector).toEqual({
      matchLabels: deployment.spec.selector.matchLabels,
    });
    // It selects the Deployment's pods (and not Redis's).
    expect(deployment.spec.template.metadata.labels).toMatchObject(
      pdb.spec.selector.matchLabels,
    );
    expect(
      findIn('redis.yaml', 'Deployment').spec.template.metadata.labels,
    ).not.toMatchObject(pdb.spec.selector.matchLabels);
    // minAvailable 1 below the smallest replica count: drains still proceed.
    expect(pdb.spec.minAvailable).toBeLessThan(
      find('HorizontalPodAutoscaler').spec.minReplicas,
    );
  });

  it('serves /metrics on its own port, scraped from the pod and not behind the Service', () => {
    const metrics = container.ports.find((p: Doc) => p.name === 'metrics');
    expect(env.METRICS_PORT).toBe('9090');
    expect(metrics).toMatchObject({ containerPort: 9090, protocol: 'TCP' });
    const http = container.ports.find((p: Doc) => p.name === 'http');
    expect(metrics.containerPort).not.toBe(http.containerPort);
    expect(deployment.spec.template.metadata.annotations).toEqual(
      expect.objectContaining({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': env.METRICS_PORT,
        'prometheus.io/path': '/metrics',
      }),
    );
    // The Service clients use exposes the http port only.
    const ports = find('Service').spec.ports as Doc[];
    expect(ports).toHaveLength(1);
    expect(ports[0]).toMatchObject({ name: 'http', targetPort: 'http' });
    for (const port of ports) {
      expect([metrics.name, metrics.containerPort]).not.toContain(
        port.targetPort,
      );
      expect(port.port).not.toBe(metrics.containerPort);
    }
  });

  it('scales on CPU, and documents the active-streams alternative', () => {
    const hpa = findIn('hpa.yaml', 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics).toContainEqual(
      expect.objectContaining({
        type: 'Resource',
        resource: expect.objectContaining({ name: 'cpu' }),
      }),
    );
    const comments = text('hpa.yaml')
      .split('\n')
      .filter((l) => l.trim().startsWith('#'))
      .join('\n');
    expect(comments).toMatch(/CPU/);
    expect(comments).toMatch(/prometheus-adapter/);
    expect(comments).toMatch(/type: Pods/);
    expect(comments).toMatch(/name: copilot_proxy_active_streams/);
    // The metric named there is one the app exports.
    expect(
      readFileSync(join(ROOT, 'src', 'metrics', 'metrics.service.ts'), 'utf8'),
    ).toContain("'copilot_proxy_active_streams'");
  });
});

/** Kubernetes' `$(NAME)` expansion of an env value or an argument. */
const expand = (value: string, vars: Record<string, string>) =>
  value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) =>
    name in vars ? vars[name] : whole,
  );

/** The first line Redis answers to `PING` on a fresh connection. */
function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().split('\r\n')[0]);
    });
    socket.once('error', reject);
  });
}

describe('Kubernetes: a working quota setup (issue 27, item 9)', () => {
  const deployment = find('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const envList = container.env as Doc[];
  const envOf = (name: string) => envList.find((e) => e.name === name)!;
  const secretOf = (name: string) => find('Secret', name);
  const redisDeployment = findIn('redis.yaml', 'Deployment');
  const redisContainer = redisDeployment.spec.template.spec.containers[0];

  it('mounts the keys file from a Secret where PROXY_KEYS_FILE points, and the example parses with quotas', () => {
    const path = envOf('PROXY_KEYS_FILE').value as string;
    const volume = (pod.volumes as Doc[]).find(
      (v) => v.secret?.secretName === 'copilot-proxy-keys',
    )!;
    expect(volume).toBeDefined();
    const mount = (container.volumeMounts as Doc[]).find(
      (m) => m.name === volume.name,
    )!;
    expect(mount.readOnly).toBe(true);
    const item = (volume.secret.items as Doc[])[0];
    expect(`${mount.mountPath}/${item.path}`).toBe(path);
    const keysYaml = secretOf('copilot-proxy-keys').stringData[item.key];
    expect(typeof keysYaml).toBe('string');
    const settings = parseSettings(
      { COPILOT_TOKEN: 't', PROXY_KEYS_FILE: path },
      {
        readFile: (file) => {
          expect(file).toBe(path);
          return keysYaml;
        },
      },
    );
    const keys = settings.auth.clientKeys;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.quota !== undefined)).toBe(true);
  });

  it('gives Redis a password from a Secret, and the proxy the same one in REDIS_URL', async () => {
    const fromSecret = (e: Doc) => e.valueFrom?.secretKeyRef;
    const proxyRef = fromSecret(envOf('REDIS_PASSWORD'));
    const redisRef = fromSecret(
      (redisContainer.env as Doc[]).find((e) => e.name === 'REDIS_PASSWORD')!,
    );
    expect(proxyRef).toEqual({ name: 'copilot-proxy-redis', key: 'password' });
    expect(redisRef).toEqual(proxyRef);
    expect(secretOf('copilot-proxy-redis').stringData.password).toMatch(
      /^<.*>$/,
    );
    // $(REDIS_PASSWORD) is expanded only when defined above REDIS_URL.
    const names = envList.map((e) => e.name);
    expect(names.indexOf('REDIS_PASSWORD')).toBeLessThan(
      names.indexOf('REDIS_URL'),
    );
    expect(envOf('REDIS_URL').value).toContain('$(REDIS_PASSWORD)');

    // Run the manifest's Redis command line and the proxy's REDIS_URL, expanded
    // as Kubernetes would, on this machine.
    const vars = { REDIS_PASSWORD: 'c0ffee-0123456789abcdef' };
    const args = (redisContainer.args as string[]).map((a) => expand(a, vars));
    expect(args).toContain('--requirepass');
    const redis = await RedisServer.start(args);
    const fake = await new FakeCopilotApi().start();
    const url = new URL(expand(envOf('REDIS_URL').value, vars));
    expect(url.password).toBe(vars.REDIS_PASSWORD);
    url.host = `127.0.0.1:${redis.port}`;
    const app = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      REDIS_URL: url.href,
    });
    try {
      expect(await ping(redis.port)).toMatch(/^-NOAUTH/);
      await waitFor(() => redisConnected(app));
    } finally {
      await app.close();
      await fake.stop();
      await redis.stop();
    }
  });

  it('lets only the proxy’s pods reach Redis', () => {
    const policy = find('NetworkPolicy', 'copilot-proxy-redis');
    expect(policy.apiVersion).toBe('networking.k8s.io/v1');
    expect(policy.spec.podSelector.matchLabels).toEqual(
      redisDeployment.spec.template.metadata.labels,
    );
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    const rules = policy.spec.ingress as Doc[];
    expect(rules).toHaveLength(1);
    expect(rules[0].from).toEqual([
      { podSelector: { matchLabels: deployment.spec.selector.matchLabels } },
    ]);
    expect(rules[0].ports).toEqual([{ protocol: 'TCP', port: 6379 }]);
    expect(byFile['kustomization.yaml'][0].resources).toContain(
      'networkpolicy.yaml',
    );
  });

  it('gives a slow start its time before liveness counts', () => {
    expect(container.startupProbe.httpGet).toEqual({
      path: '/healthz',
      port: 'http',
    });
    const { periodSeconds, failureThreshold } = container.startupProbe;
    expect(periodSeconds * failureThreshold).toBeGreaterThanOrEqual(30);
  });

  it('names the image through a kustomize images: entry, with a tag', () => {
    const images = byFile['kustomization.yaml'][0].images as Doc[];
    const entry = images.find((i) => i.name === container.image)!;
    expect(entry).toBeDefined();
    expect(entry.newName).toMatch(/\//);
    expect(entry.newTag).toMatch(/^\d+\.\d+\.\d+$/);
    expect(String(container.image)).not.toContain(':');
  });

  it('has the ingress example agree with the deployment’s TRUST_PROXY', () => {
    const trust = envOf('TRUST_PROXY').value as string;
    const mentions = text('ingress.example.yaml')
      .split('\n')
      .filter((l) => l.includes('TRUST_PROXY'));
    expect(mentions.length).toBeGreaterThan(0);
    const quoted = mentions.flatMap((l) =>
      [...l.matchAll(/"([^"]*)"/g)].map((m) => m[1]),
    );
    expect(quoted).toEqual([trust]);
  });
});

describe('Ingress example', () => {
  const ingress = findIn('ingress.example.yaml', 'Ingress');
  const annotations = ingress?.metadata?.annotations as Record<string, string>;
  const nginx = (name: string) =>
    annotations[`nginx.ingress.kubernetes.io/${name}`];

  it('is an ingress-nginx Ingress routed to the Service’s http port', () => {
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    const service = find('Service');
    const backends = (ingress.spec.rules as Doc[]).flatMap((r) =>
      (r.http.paths as Doc[]).map((p) => p.backend.service),
    );
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of backends) {
      expect(backend.name).toBe(service.metadata.name);
      expect(
        (service.spec.ports as Doc[]).some(
          (p) =>
            (backend.port.name !== undefined && p.name === backend.port.name) ||
            (backend.port.number !== undefined &&
              p.port === backend.port.number),
        ),
      ).toBe(true);
    }
  });

  it('lets streams stay silent as long as the proxy does', () => {
    const idleSeconds =
      Number(
        Object.fromEntries(
          (
            find('Deployment').spec.template.spec.containers[0].env as Doc[]
          ).map((e) => [e.name, e.value]),
        ).UPSTREAM_IDLE_TIMEOUT_MS ?? 300_000,
      ) / 1000;
    for (const name of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(typeof nginx(name)).toBe('string');
      expect(Number(nginx(name))).toBeGreaterThanOrEqual(
        Math.max(300, idleSeconds),
      );
    }
  });

  it('buffers neither responses nor requests, and takes 32 MiB bodies', () => {
    expect(nginx('proxy-buffering')).toBe('off');
    expect(nginx('proxy-request-buffering')).toBe('off');
    expect(nginxBytes(nginx('proxy-body-size'))).toBeGreaterThanOrEqual(
      32 * 1024 * 1024,
    );
  });

  it('explains each annotation in a comment', () => {
    const lines = text('ingress.example.yaml').split('\n');
    for (const key of Object.keys(annotations)) {
      const at = lines.findIndex((l) => l.trim().startsWith(`${key}:`));
      expect(at).toBeGreaterThan(0);
      expect(lines[at - 1].trim()).toMatch(/^#/);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1)!;
  const instructions = (kind: string) =>
    final.split('\n').filter((l) => l.startsWith(kind + ' '));

  it('builds and runs on a maintained Node LTS line newer than 20', () => {
    const images = dockerfile
      .split('\n')
      .filter((l) => l.startsWith('FROM '))
      .map((l) => /^FROM\s+(?:--platform=\S+\s+)?(\S+)/.exec(l)![1]);
    expect(images.length).toBe(stages.length);
    const majors = images.map((image) => {
      const match = /^node:(\d+)(?:[.-]|$)/.exec(image);
      expect(match).not.toBeNull();
      return Number(match![1]);
    });
    const finalMajor = majors.at(-1)!;
    // LTS lines are the even majors; 20 left maintenance on 2026-04-30.
    expect(finalMajor).toBeGreaterThanOrEqual(22);
    expect(finalMajor % 2).toBe(0);
    // The build stage compiles with the Node the image runs.
    expect(new Set(majors)).toEqual(new Set([finalMajor]));
  });

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
