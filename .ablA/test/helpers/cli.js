/** Runs the compiled CLI in a child process, as a user would, and captures what it prints. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
/** The compiled entry, found beside this compiled helper (works from any outDir). */
export const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/entry.js', import.meta.url));
export function runCli(args, options = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
            env: options.env ?? process.env,
            cwd: options.cwd,
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d.toString()));
        child.stderr.on('data', (d) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
}
//# sourceMappingURL=cli.js.map