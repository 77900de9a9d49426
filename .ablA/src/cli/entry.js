/** Process entry of the CLI: runs `main` on the command line and sets the exit code. */
import { main } from './main.js';
process.exitCode = await main(process.argv.slice(2));
//# sourceMappingURL=entry.js.map