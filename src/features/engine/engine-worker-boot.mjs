// Worker-thread entry of the parallel feature engine: the precompiled worker from dist/ when it
// matches the sources exactly (scripts/bundle.mjs), else engine-worker.ts through the TypeScript
// loader, which is registered per thread.
import { freshBundle } from "../../../scripts/bundle.mjs";

const bundle = process.env.MLF_NO_BUNDLE ? null : freshBundle("engine-worker");
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./engine-worker.ts");
}
