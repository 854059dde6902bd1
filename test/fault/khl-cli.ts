// The CLI from source, exactly as bin/k8s-harden-lab.js runs the built one (no process.exit: a
// process that does not end on its own is what the fault suite looks for).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
