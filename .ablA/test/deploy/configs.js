/**
 * The shipped nginx and Prometheus configurations, rewritten for a test: the same directives,
 * with the compose service name `api` replaced by this test's API processes on 127.0.0.1, the
 * listening ports by free ones, and container paths by a temporary directory. A rewrite that no
 * longer finds what it replaces throws, so the tests notice when the shipped files change shape.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployPath, parseYaml, Proc, tempDir, waitUntil, which } from './helpers.js';
/** Replaces every match of `pattern`; throws when there is none. `replace` gets the match and its groups. */
function rewrite(text, pattern, replace, what) {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    if (!global.test(text))
        throw new Error(`shipped config changed: ${what} not found (${pattern})`);
    global.lastIndex = 0;
    return text.replace(global, (...args) => replace(args.filter((a) => typeof a === 'string')));
}
/**
 * Writes nginx.conf (a minimal main context around the shipped server file, as the official
 * image's nginx.conf is) plus the rewritten shipped files into a new directory.
 */
export function writeNginxConfig(options) {
    const dir = tempDir('nginx');
    // Worker processes run as another user when nginx starts as root; they must reach this dir.
    chmodSync(dir, 0o755);
    const file = options.file ?? 'fraudlens.conf';
    let server = readFileSync(deployPath('nginx', file), 'utf8');
    server = rewrite(server, /^([ \t]*)server api:8000([^;]*);/m, (g) => options.upstreamPorts.map((p) => `${g[1]}server 127.0.0.1:${p}${g[2]};`).join('\n'), 'upstream server api:8000');
    server = rewrite(server, /listen 80;/, () => `listen 127.0.0.1:${options.httpPort};`, 'listen 80');
    if (/listen 443 /.test(server)) {
        if (options.httpsPort === undefined)
            throw new Error(`${file} listens on 443: give httpsPort`);
        server = rewrite(server, /listen 443 /, () => `listen 127.0.0.1:${options.httpsPort} `, 'listen 443');
    }
    server = rewrite(server, /include \/etc\/nginx\/fraudlens\/proxy\.conf;/, () => `include ${dir}/proxy.conf;`, 'include of proxy.conf');
    server = server.replaceAll('/etc/nginx/certs/', `${dir}/certs/`);
    writeFileSync(join(dir, 'server.conf'), server);
    copyFileSync(deployPath('nginx', 'proxy.conf'), join(dir, 'proxy.conf'));
    mkdirSync(join(dir, 'certs', 'acme'), { recursive: true });
    const errorLog = join(dir, 'error.log');
    const accessLog = join(dir, 'access.log');
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`).join('\n');
    writeFileSync(join(dir, 'nginx.conf'), [
        'daemon off;',
        'worker_processes 1;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${errorLog} info;`,
        'events { worker_connections 512; }',
        'http {',
        '  default_type application/octet-stream;',
        `  access_log ${accessLog};`,
        temp,
        `  include ${dir}/server.conf;`,
        '}',
        '',
    ].join('\n'));
    return { dir, conf: join(dir, 'nginx.conf'), errorLog, accessLog };
}
export function nginxBinary() {
    const bin = which('nginx');
    if (bin === undefined)
        throw new Error('nginx not found (Debian package nginx)');
    return bin;
}
/** Starts nginx in the foreground on a written configuration and waits until it answers. */
export async function startNginx(setup, httpPort) {
    const proc = new Proc(nginxBinary(), ['-p', setup.dir, '-c', setup.conf, '-e', setup.errorLog]);
    await waitUntil(async () => {
        if (!proc.running)
            throw new Error(`nginx exited:\n${proc.output}\n${readFileSync(setup.errorLog, 'utf8')}`);
        const r = await fetch(`http://127.0.0.1:${httpPort}/nginx-health`, { signal: AbortSignal.timeout(1_000) });
        return r.status === 200;
    }, { timeoutMs: 10_000, intervalMs: 50, message: 'nginx did not answer /nginx-health' });
    return proc;
}
/**
 * deploy/prometheus.yml with the DNS discovery of `api` replaced by static targets on this host,
 * its own scrape target moved to `selfPort`, and a 1 s scrape interval (so a test waits seconds,
 * not the shipped 15 s). Written as JSON, which Prometheus reads as YAML.
 */
export async function writePrometheusConfig(apiPorts, selfPort) {
    const shipped = (await parseYaml(readFileSync(deployPath('prometheus.yml'), 'utf8')));
    const config = structuredClone(shipped);
    config.global.scrape_interval = '1s';
    config.global.scrape_timeout = '1s';
    config.global.evaluation_interval = '1s';
    let rewritten = 0;
    for (const job of config.scrape_configs) {
        const dns = job.dns_sd_configs?.find((d) => d.names.includes('api'));
        if (dns !== undefined) {
            delete job.dns_sd_configs;
            job.static_configs = [{ targets: apiPorts.map((p) => `127.0.0.1:${p}`) }];
            rewritten += 1;
        }
        else if (job.static_configs !== undefined) {
            job.static_configs = job.static_configs.map((s) => ({
                ...s,
                targets: s.targets.map((t) => (t === 'localhost:9090' ? `127.0.0.1:${selfPort}` : t)),
            }));
        }
    }
    if (rewritten !== 1)
        throw new Error(`shipped config changed: expected one job discovering "api" by DNS, found ${rewritten}`);
    const dir = tempDir('prometheus');
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, JSON.stringify(config, null, 2));
    return { dir, file, shipped };
}
//# sourceMappingURL=configs.js.map