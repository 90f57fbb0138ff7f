// Worker-thread entry of /predict's window computation: the TypeScript loader is registered per
// thread, then window-worker.ts runs.
const { register } = await import("tsx/esm/api");
register();
await import("./window-worker.ts");
