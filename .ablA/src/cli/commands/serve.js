/**
 * `fraudlens serve [--model FILE] [--port N] [--workers N] …`: starts the HTTP API. Flags,
 * environment and `.env` are merged and validated by the server's config module (flags win);
 * every flag below is one of its settings. A bad setting stops start-up with exit code 2. The
 * command returns once the server has shut down (SIGTERM/SIGINT), so the process exits 0.
 */
import cluster from 'node:cluster';
import { CommanderError } from 'commander';
import { loadConfig, SETTINGS } from '../../server/config.js';
import { pluginSettings, SERVE_PLUGINS } from '../../server/plugins.js';
import { runPrimary, startServer } from '../../server/start.js';
/** Commander's attribute name for a flag: --log-level → logLevel. */
function attributeOf(flag) {
    return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}
const FLAGGED = SETTINGS.filter((s) => s.flag !== undefined);
export function registerServe(program) {
    const cmd = program
        .command('serve')
        .description('start the HTTP API (port 8000; settings from flags, environment and .env)')
        .option('--env-file <path>', 'read settings from this file (default: .env in the working directory, if any)');
    for (const s of FLAGGED) {
        const arg = s.kind === 'boolean' ? '' : ` <${s.kind === 'list' ? 'names' : s.kind === 'integer' ? 'n' : 'value'}>`;
        cmd.option(`${s.flag}${arg}`, `${s.reason} [${s.key}]`);
    }
    cmd.action(async (opts) => {
        const flags = {};
        for (const s of FLAGGED) {
            const v = opts[attributeOf(s.flag)];
            if (v !== undefined)
                flags[s.key] = v;
        }
        // A configuration mistake surfaces as CONFIG_INVALID, which the CLI reports with exit code 2.
        const config = loadConfig({
            flags,
            extraSettings: pluginSettings(),
            ...(opts.envFile !== undefined ? { envFile: opts.envFile } : {}),
        });
        if (config.workers > 1 && cluster.isPrimary) {
            const code = await runPrimary(config);
            if (code !== 0)
                throw new CommanderError(code, 'fraudlens.workers', 'workers failed');
            return;
        }
        const server = await startServer(config, { plugins: SERVE_PLUGINS.map((r) => r.plugin) });
        const outcome = await server.closed;
        // Past the shutdown timeout a store's client (Redis reconnecting) may still hold the process:
        // the timeout bounds the shutdown, so exit now. Otherwise everything is closed; should a
        // library still hold a handle, do not hang the exit for it.
        if (outcome.timedOut)
            process.exit(process.exitCode ?? 0);
        setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
    });
}
//# sourceMappingURL=serve.js.map