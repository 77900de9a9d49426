/**
 * The directory holding fraudlens's package.json, found from this module's own location, so
 * bundled files (demo model and data, the built dashboard) resolve the same from src/ or dist/src/
 * and whatever the working directory; falls back to the working directory when none is found.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
function findPackageRoot() {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json'))) {
        const up = dirname(dir);
        if (up === dir)
            return process.cwd();
        dir = up;
    }
    return dir;
}
export const PACKAGE_ROOT = findPackageRoot();
//# sourceMappingURL=package-root.js.map