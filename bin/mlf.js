#!/usr/bin/env node
// Entry point for `npx mlf`: the precompiled build in dist/ when it matches the sources exactly
// (scripts/bundle.mjs), else the TypeScript sources through the tsx loader.
import { freshBundle } from "../scripts/bundle.mjs";

const bundle = process.env.MLF_NO_BUNDLE ? null : freshBundle("main");
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
