/**
 * deploy/kubernetes/, offline: the base and the production overlay rendered (test/deploy/kustomize.ts)
 * and every manifest validated against the Kubernetes API schemas (kubernetes-models, generated
 * from the Kubernetes OpenAPI; the ServiceMonitor from the prometheus-operator CRD). Then what a
 * cluster cannot tell us before it is too late: the manifests match the server. Every environment
 * name is a setting of src/server/config.ts (or of a serve plugin) and the values pass its checks;
 * the container ports are the configured ones; the probes and the ServiceMonitor path are routes a
 * real server answers (readiness turning 503 while it drains); the grace period covers preStop and
 * the drain; selectors select. The KServe ServingRuntime example gets the same checks of names.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';

import { loadConfig, SETTINGS } from '../../src/server/config.js';
import { pluginSettings } from '../../src/server/plugins.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { v2GrpcClient } from '../server/grpc-client.js';
import { MODEL_PATH, REPO } from './helpers.js';
import { kustomizeRoot, podContainers, renderKustomization, type Container, type Manifest } from './kustomize.js';

/** After FRAUDLENS_SHUTDOWN_TIMEOUT_MS the process still has to exit (cut sockets, stop Redis clients). */
const EXIT_MARGIN_S = 2;
/** Environment names the image reads that are not server settings. */
const RUNTIME_NAMES = new Set(['NODE_COMPILE_CACHE', 'NODE_ENV']);

/** The schema-checked model class of each kind this deployment uses. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

function validate(m: Manifest): void {
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  assert.ok(Model, `${m.apiVersion} ${m.kind} has no schema here`);
  new Model(structuredClone(m) as never).validate();
}

const SETTING_KEYS = new Set([...SETTINGS, ...pluginSettings()].map((s) => s.key));
const root = kustomizeRoot(REPO);
const OVERLAYS = { base: join(root, 'base'), production: join(root, 'overlays', 'production') };

const one = (ms: Manifest[], kind: string, name = 'fraudlens'): Manifest => {
  const found = ms.filter((m) => m.kind === kind && m.metadata.name === name);
  assert.equal(found.length, 1, `${kind}/${name}`);
  return found[0];
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet: { path: string; port: string };
}
type ApiContainer = Container & {
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  envFrom: { configMapRef: { name: string } }[];
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
};

function apiContainer(ms: Manifest[]): ApiContainer {
  const c = podContainers(one(ms, 'Deployment')).find((x) => x.name === 'fraudlens');
  assert.ok(c);
  return c as ApiContainer;
}

/** The settings the API container starts with: its ConfigMap, then its literal env values. */
function settingsOf(ms: Manifest[]): Record<string, string> {
  const c = apiContainer(ms);
  const values: Record<string, string> = {};
  for (const from of c.envFrom)
    Object.assign(values, (one(ms, 'ConfigMap', from.configMapRef.name).data ?? {}) as Record<string, string>);
  for (const e of c.env) if (e.value !== undefined) values[e.name] = e.value;
  return values;
}

for (const [overlay, dir] of Object.entries(OVERLAYS)) {
  describe(`deploy/kubernetes ${overlay}`, () => {
    const ms = renderKustomization(dir);

    test('every manifest is valid against the Kubernetes schemas, names unique per kind', () => {
      for (const m of ms) validate(m);
      const ids = ms.map((m) => `${m.kind}/${m.metadata.name}`);
      assert.deepEqual(ids, [...new Set(ids)]);
      const kinds = new Set(ms.map((m) => m.kind));
      for (const kind of ['Deployment', 'Service', 'ConfigMap', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'])
        assert.ok(kinds.has(kind), kind);
    });

    test('every environment name is a setting of the server and the values pass its checks', () => {
      const c = apiContainer(ms);
      const names = [...Object.keys(settingsOf(ms)), ...c.env.map((e) => e.name)];
      const foreign = names.filter((n) => !SETTING_KEYS.has(n) && !RUNTIME_NAMES.has(n));
      assert.deepEqual(foreign, [], 'names the server does not read');
      for (const e of c.env.filter((x) => x.valueFrom?.secretKeyRef !== undefined)) {
        const ref = e.valueFrom!.secretKeyRef!;
        assert.equal(ref.key, e.name, 'the Secret key is the setting name');
        assert.equal(SETTINGS.find((s) => s.key === e.name)?.secret, true, `${e.name} is a secret setting`);
      }
      // The container's paths do not exist here; the rest is checked as the server would at start.
      const env: Record<string, string> = { ...settingsOf(ms), MODEL_PATH };
      for (const k of RUNTIME_NAMES) delete env[k];
      const config = loadConfig({ env, envFile: null, extraSettings: pluginSettings() });
      assert.equal(config.port, 8000);
      assert.equal(config.grpcPort, 8081);
    });

    test('container ports are the configured ones; the Service, PDB and HPA select and target the Deployment', () => {
      const deployment = one(ms, 'Deployment');
      const c = apiContainer(ms);
      const settings = settingsOf(ms);
      const port = (name: string) => c.ports.find((p) => p.name === name)?.containerPort;
      assert.equal(port('http'), Number(settings.API_PORT));
      assert.equal(port('grpc'), Number(settings.FRAUDLENS_GRPC_PORT));
      const podLabels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata
        .labels;
      const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
      const service = one(ms, 'Service').spec as {
        selector: Record<string, string>;
        ports: { name: string; targetPort: string }[];
      };
      assert.ok(selects(service.selector));
      for (const p of service.ports) assert.ok(port(p.targetPort) !== undefined, `Service targetPort ${p.targetPort}`);
      assert.ok(
        selects(
          (one(ms, 'PodDisruptionBudget').spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
        ),
      );
      const hpa = one(ms, 'HorizontalPodAutoscaler').spec as {
        scaleTargetRef: { kind: string; name: string };
        minReplicas: number;
      };
      assert.deepEqual(hpa.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
      assert.ok(hpa.minReplicas >= 2, 'the PDB lets one pod go and one still answers');
    });

    test('terminationGracePeriodSeconds covers the preStop pause, the drain (FRAUDLENS_SHUTDOWN_TIMEOUT_MS) and the exit', () => {
      const spec = (one(ms, 'Deployment').spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template
        .spec;
      const c = apiContainer(ms);
      const [sleep, seconds] = c.lifecycle.preStop.exec.command;
      assert.equal(sleep, 'sleep');
      const config = loadConfig({
        env: { ...settingsOf(ms), MODEL_PATH, NODE_COMPILE_CACHE: undefined },
        envFile: null,
        extraSettings: pluginSettings(),
      });
      assert.ok(
        spec.terminationGracePeriodSeconds >= Number(seconds) + config.shutdownTimeoutMs / 1000 + EXIT_MARGIN_S,
        `${spec.terminationGracePeriodSeconds} s < ${seconds} s + ${config.shutdownTimeoutMs} ms + ${EXIT_MARGIN_S} s`,
      );
    });
  });
}

describe('the manifests against a real server', () => {
  const ms = renderKustomization(OVERLAYS.base);
  const c = apiContainer(ms);
  let server: RunningServer;
  before(async () => {
    // The base's settings, on free ports of this host (the port numbers were checked above).
    const env: Record<string, string> = {
      ...settingsOf(ms),
      MODEL_PATH,
      LOG_LEVEL: 'silent',
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      FRAUDLENS_GRPC_PORT: '0',
    };
    delete env.NODE_COMPILE_CACHE;
    server = await startServer(loadConfig({ env, envFile: null, extraSettings: pluginSettings() }), { handleSignals: false });
  });
  after(async () => {
    await server?.shutdown('test');
  });

  test('the startup, liveness and readiness probes answer 200; readiness turns 503 while draining, liveness stays 200', async () => {
    const probes = { startup: c.startupProbe, liveness: c.livenessProbe, readiness: c.readinessProbe };
    for (const [name, probe] of Object.entries(probes)) {
      assert.equal(probe.httpGet.port, 'http', name);
      assert.equal((await fetch(`${server.url}${probe.httpGet.path}`)).status, 200, `${name} ${probe.httpGet.path}`);
    }
    server.app.fraudlens.state.draining = true;
    try {
      assert.equal((await fetch(`${server.url}${c.readinessProbe.httpGet.path}`)).status, 503);
      assert.equal((await fetch(`${server.url}${c.livenessProbe.httpGet.path}`)).status, 200);
    } finally {
      server.app.fraudlens.state.draining = false;
    }
  });

  test('the gRPC port serves the Open Inference Protocol', async () => {
    const client = v2GrpcClient(server.grpcPort!);
    try {
      assert.deepEqual(await client.call('ServerReady', {}), { ready: true });
    } finally {
      client.close();
    }
  });

  test("the ServiceMonitor's path serves Prometheus text with the series the request-rate autoscaling reads", async () => {
    const production = renderKustomization(OVERLAYS.production);
    const monitor = one(production, 'ServiceMonitor').spec as {
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path: string }[];
    };
    const service = one(production, 'Service');
    assert.ok(Object.entries(monitor.selector.matchLabels).every(([k, v]) => service.metadata.labels?.[k] === v));
    const servicePorts = (service.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
    await fetch(`${server.url}/health`);
    for (const e of monitor.endpoints) {
      assert.ok(servicePorts.includes(e.port), e.port);
      const res = await fetch(`${server.url}${e.path}`);
      assert.equal(res.status, 200);
      const text = await res.text();
      const adapter = readFileSync(join(root, 'prometheus-adapter-rules.yaml'), 'utf8');
      const series = /seriesQuery: '([a-z_]+)\{/.exec(adapter)?.[1];
      assert.ok(series !== undefined);
      assert.match(text, new RegExp(`^${series}\\{`, 'm'), `${series} in /metrics`);
      const hpa = one(production, 'HorizontalPodAutoscaler').spec as {
        metrics: { type: string; pods?: { metric: { name: string } } }[];
      };
      const custom = hpa.metrics.find((m) => m.type === 'Pods')?.pods?.metric.name;
      assert.equal(custom, /as: '([a-z_]+)'/.exec(adapter)?.[1], 'the HPA reads the metric the adapter rule makes');
    }
  });
});

describe('deploy/kubernetes/kserve: the ServingRuntime example', () => {
  const docs = parseAllDocuments(readFileSync(join(root, 'kserve', 'serving-runtime.yaml'), 'utf8')).map(
    (d) => d.toJS() as Manifest,
  );
  const runtime = docs.find((d) => d.kind === 'ServingRuntime')!;
  const service = docs.find((d) => d.kind === 'InferenceService')!;

  test('speaks v2 and grpc-v2 with settings the server reads, on the port it listens on', () => {
    const spec = runtime.spec as {
      protocolVersions: string[];
      supportedModelFormats: { name: string }[];
      containers: { env: { name: string; value: string }[]; ports: { containerPort: number }[]; args: string[] }[];
    };
    assert.deepEqual(spec.protocolVersions, ['v2', 'grpc-v2']);
    const [container] = spec.containers;
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    assert.deepEqual(
      Object.keys(env).filter((n) => !SETTING_KEYS.has(n)),
      [],
    );
    const config = loadConfig({ env: { ...env, MODEL_PATH }, envFile: null, extraSettings: pluginSettings() });
    assert.equal(container.ports[0].containerPort, config.port);
    assert.ok(config.grpcPort !== null);
    assert.match(env.MODEL_PATH, /^\/mnt\/models\//, 'where KServe puts the model');
    assert.deepEqual(container.args, ['serve']);
    const isvc = service.spec as {
      predictor: { model: { runtime: string; modelFormat: { name: string }; protocolVersion: string } };
    };
    assert.equal(isvc.predictor.model.runtime, runtime.metadata.name);
    assert.ok(spec.supportedModelFormats.some((f) => f.name === isvc.predictor.model.modelFormat.name));
    assert.equal(service.metadata.name, config.modelName, 'KServe routes /v2/models/{InferenceService name}');
  });
});

test('the validator refuses what a cluster would refuse (a port given as text)', () => {
  const [deployment] = renderKustomization(OVERLAYS.base).filter((m) => m.kind === 'Deployment');
  const broken = structuredClone(deployment);
  (podContainers(broken)[0] as ApiContainer).ports[0].containerPort = 'http' as unknown as number;
  assert.throws(() => validate(broken), /containerPort must be integer/);
});
