// Where the tests find torchvision's Python sources (they analyse them; they never run them). One
// place decides, so every suite that needs them agrees and fails with the same instructions when
// they are missing instead of skipping: LAYER_LENS_TORCHVISION_ROOT when set, else Debian's
// python3-torchvision, else the copy scripts/setup.mjs unpacks into .vscode-test/torchvision.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..');

/** Debian's site folder for /usr/bin/python3, where python3-torchvision installs `torchvision/`. */
export const debianDistPackages = '/usr/lib/python3/dist-packages';

/** Where scripts/setup.mjs unpacks Debian's package on a machine that does not have it installed. */
export const unpackedDistPackages = join(repoRoot, '.vscode-test', 'torchvision', 'usr', 'lib', 'python3', 'dist-packages');

/** What a test that needs torchvision's sources fails with when there are none. */
export const missingTorchvisionMessage =
  "torchvision's sources are missing: install Debian's python3-torchvision, run `npm install` (its set-up unpacks them into .vscode-test/torchvision), or set LAYER_LENS_TORCHVISION_ROOT";

function holdsTorchvision(dir: string): boolean {
  return existsSync(join(dir, 'torchvision', 'models', 'resnet.py'));
}

/**
 * The folder that contains the `torchvision/` package, or undefined when there is none. A set
 * LAYER_LENS_TORCHVISION_ROOT is the only candidate, so a run aimed at one copy never reads another.
 */
export function findTorchvisionRoot(): string | undefined {
  const chosen = process.env.LAYER_LENS_TORCHVISION_ROOT;
  if (chosen) return holdsTorchvision(chosen) ? chosen : undefined;
  return [debianDistPackages, unpackedDistPackages].find(holdsTorchvision);
}

/** As findTorchvisionRoot, but throws an Error with the install instructions when there is none. */
export function requireTorchvisionRoot(): string {
  const found = findTorchvisionRoot();
  if (found) return found;
  const chosen = process.env.LAYER_LENS_TORCHVISION_ROOT;
  throw new Error(chosen ? `LAYER_LENS_TORCHVISION_ROOT=${chosen} has no torchvision/models/resnet.py; ${missingTorchvisionMessage}` : missingTorchvisionMessage);
}

/**
 * A path recorded on a Debian machine (fixtures, reproducer notes) moved to the copy this machine
 * has; other paths are returned unchanged. Throws the install instructions when there is no copy.
 */
export function relocateTorchvisionPath(recorded: string): string {
  const prefix = `${debianDistPackages}/torchvision/`;
  if (!recorded.startsWith(prefix)) return recorded;
  return join(requireTorchvisionRoot(), recorded.slice(debianDistPackages.length + 1));
}
