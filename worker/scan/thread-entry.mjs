// Worker-thread bootstrap: Node 20 does not hand the tsx loader to threads, so register it here
// (with the project's tsconfig for the @/ alias), then load the TypeScript thread module.
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
