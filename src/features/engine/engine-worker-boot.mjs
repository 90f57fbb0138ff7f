// Worker-thread entry of the parallel feature engine: the TypeScript loader is registered per thread,
// so this plain-JS file registers it, then runs the worker module (engine-worker.ts).
import { register } from "tsx/esm/api";

register();
await import("./engine-worker.ts");
