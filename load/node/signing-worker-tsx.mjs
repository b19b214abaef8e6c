// The signing worker from the sources (tests, tsx): on Node 20 a worker thread gets no tsx hooks from
// its parent, so this plain module loads the TypeScript entry through tsx's API. The build bundles
// signing-worker.ts into dist/signing-worker.js, which the helper starts directly.
import { tsImport } from 'tsx/esm/api';

await tsImport('./signing-worker.ts', import.meta.url);
