// `node --import ./scripts/ts-register.mjs apps/drill-server/src/main.ts` runs the server from source (no build).
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
