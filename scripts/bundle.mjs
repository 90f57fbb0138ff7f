/**
 * A precompiled build of the CLI, used only while it matches the sources exactly.
 *
 * `node bin/mlf.js` runs TypeScript through tsx, which costs ~0.35 s of start-up per command (and
 * again in each feature worker thread): compiling every module, resolving hundreds of package files.
 * `node scripts/bundle.mjs` (run by `npm ci` / `npm install` as `prepare`, and by scripts/setup.sh)
 * bundles the two entry points, src/cli/main.ts and the feature engine's worker, with esbuild (the
 * compiler tsx itself uses) into dist/<hash>/, and writes dist/bundle.json: the hash and the list of
 * every file it was built from (our sources, tsconfig.json, package.json, this script, and the
 * package.json of each package bundled in).
 *
 * `freshBundle(name)` (bin/mlf.js and the worker's boot file) checks those files: when each still
 * has the size and mtime recorded at build time (and was not modified within 2 s before it) the
 * build is used at once (~2 ms of stats); otherwise the files are hashed (~25 ms) and the build is
 * used only when the hash matches; failing that the caller falls back to tsx. Editing, adding (it
 * must be imported by an edited file to matter) or deleting a source therefore never leaves a stale
 * build in use: the next command runs from source until the build is redone. A source edited while
 * esbuild runs fails the build (the text compiled is compared with the file afterwards).
 *
 * Semantics are kept: `import.meta.url` / `dirname` / `filename` in our sources are rewritten to
 * the source file's own location (relative to the bundle, so the checkout may move), so paths
 * computed from them are the same as under tsx. Packages are bundled only from an allow-list of
 * plain-JavaScript packages that load nothing relative to their own files; everything else (native
 * modules: DuckDB's bindings, zeromq, onnxruntime) is imported from node_modules at run time.
 *
 * Usage: node scripts/bundle.mjs [--force] [--check] [--strict]
 *   --check: exit 1 when stale, build nothing; --strict: exit 1 when the build fails (by default a
 *   failed build is a warning: mlf then runs from the sources).
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const ENTRIES = { main: "src/cli/main.ts", "engine-worker": "src/features/engine/engine-worker.ts" };
/** Always part of the hash: what shapes the output besides the sources. */
const BUILD_FILES = [
  "scripts/bundle.mjs",
  "tsconfig.json",
  "package.json",
  "node_modules/esbuild/package.json",
];
/** Plain-JavaScript packages bundled in (checked: no import.meta, __dirname, native code or assets). */
const BUNDLED_PACKAGES = new Set([
  "zod",
  "commander",
  "yaml",
  "apache-arrow",
  "flatbuffers",
  "tslib",
  "json-with-bigint",
  "@duckdb/node-api",
  "@msgpack/msgpack",
]);
/** Old builds are removed only after this long: a running command may still load their chunks. */
const KEEP_OLD_MS = 24 * 3600 * 1000;

/** Hash of the listed files (repository-relative), or null when one is missing. */
export function hashFiles(files) {
  return snapshot(files)?.hash ?? null;
}

/**
 * The listed files' hash, with each file's size and modification time taken before it was read: a
 * later check that finds every stat unchanged needs no hashing (an edit changes the mtime; one made
 * while the file was being read leaves a stat that no longer matches, so it is hashed again).
 */
export function snapshot(files) {
  const hash = createHash("sha256");
  const stats = [];
  const at = Date.now();
  for (const file of files) {
    let content;
    let stat;
    try {
      stat = statSync(join(ROOT, file));
      content = readFileSync(join(ROOT, file));
    } catch {
      return null;
    }
    stats.push([stat.size, stat.mtimeMs]);
    hash.update(`${file}\0${content.byteLength}\0`);
    hash.update(content);
  }
  return { hash: hash.digest("hex"), stats, at };
}

/**
 * Whether every file still has the size and mtime recorded at `at`. A file modified within a couple of
 * seconds before that is never trusted on its stat (mtimes advance in coarse ticks, so an edit right
 * after the snapshot could keep the same mtime; git treats its index the same way).
 */
function statsMatch(files, stats, at) {
  if (!Array.isArray(stats) || stats.length !== files.length || typeof at !== "number") return false;
  for (let k = 0; k < files.length; k++) {
    let stat;
    try {
      stat = statSync(join(ROOT, files[k]));
    } catch {
      return false;
    }
    if (stat.size !== stats[k][0] || stat.mtimeMs !== stats[k][1] || stat.mtimeMs >= at - 2000) return false;
  }
  return true;
}

/**
 * file:// URL of the bundled entry `name` ("main" or "engine-worker") when dist/ holds a build of
 * exactly the current sources, else null. Every file's stat is checked (~2 ms); only when one
 * differs are the files hashed (~25 ms), so a touched but unchanged file costs a hash, not the build.
 */
export function freshBundle(name, dist = DIST) {
  let state;
  try {
    state = JSON.parse(readFileSync(join(dist, "bundle.json"), "utf8"));
  } catch {
    return null;
  }
  if (typeof state?.hash !== "string" || !Array.isArray(state.files) || typeof state.dir !== "string")
    return null;
  const entry = join(dist, state.dir, `${name}.mjs`);
  if (!existsSync(entry)) return null;
  if (!statsMatch(state.files, state.stats, state.at) && hashFiles(state.files) !== state.hash) return null;
  return pathToFileURL(entry).href;
}

function packageOf(path) {
  const parts = path.split("/");
  return path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Rewrites import.meta.url / dirname / filename to the source file's own location, and records the
 * text of every source compiled (in `compiled`) to prove the build matches the files it lists.
 */
function sourceLocation(outdir, compiled) {
  return {
    name: "mlf-source-location",
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        compiled.set(args.path, text);
        if (!text.includes("import.meta")) return { contents: text, loader: "ts" };
        const rel = relative(outdir, args.path).split(sep).join("/");
        const url = `new URL(${JSON.stringify(rel)}, import.meta.url)`;
        let contents = text
          .replace(/\bimport\.meta\.url\b/g, `${url}.href`)
          .replace(/\bimport\.meta\.filename\b/g, `__mlfFileURLToPath(${url})`)
          .replace(/\bimport\.meta\.dirname\b/g, `__mlfDirname(__mlfFileURLToPath(${url}))`);
        const unsupported = /\bimport\.meta\.(?!url\b)\w+/.exec(contents.replaceAll(`${url}`, ""));
        if (unsupported) {
          throw new Error(
            `${args.path}: ${unsupported[0]} is not supported in the bundle (use import.meta.url)`,
          );
        }
        if (contents.includes("__mlfFileURLToPath")) {
          contents = `import { fileURLToPath as __mlfFileURLToPath } from "node:url";\nimport { dirname as __mlfDirname } from "node:path";\n${contents}`;
        }
        return { contents, loader: "ts" };
      });
    },
  };
}

/**
 * zod's classic API and core re-export every message locale (`z.locales`, 60-odd languages, half of
 * zod's code): the bundle keeps English only, the one zod itself uses, so that loading a config does not
 * first parse and compile the rest (~10 ms of every start-up). Nothing here reads `z.locales`.
 */
const zodEnglishOnly = {
  name: "mlf-zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      const from = args.importer.split(sep).join("/");
      if (!/\/zod\/v4\/(classic\/external|core\/index)\.js$/.test(from)) return undefined;
      return { path: join(dirname(args.importer), "..", "locales", "en.js"), namespace: "mlf-zod-locales" };
    });
    build.onLoad({ filter: /.*/, namespace: "mlf-zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

/** Bundled packages stay in; every other package is imported from node_modules at run time. */
const externals = {
  name: "mlf-externals",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:") || !BUNDLED_PACKAGES.has(packageOf(args.path))) {
        return { path: args.path, external: true };
      }
      return undefined;
    });
  },
};

/** Builds into `dist` (default: the repository's dist/); returns the build's directory name. */
export async function buildBundle(dist = DIST) {
  const esbuild = await import("esbuild");
  const tmp = join(dist, `.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  const compiled = new Map();
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      outdir: tmp,
      outExtension: { ".js": ".mjs" },
      sourcemap: "linked",
      metafile: true,
      logLevel: "warning",
      // CommonJS packages bundled into ESM still call require for Node built-ins.
      banner: {
        js: 'import { createRequire as __mlfCreateRequire } from "node:module"; const require = __mlfCreateRequire(import.meta.url);',
      },
      // Every output lands in dist/<dir>/: source locations are relative to that depth.
      plugins: [externals, zodEnglishOnly, sourceLocation(join(dist, "x"), compiled)],
    });
    // Modules a plugin made up (namespace:path) are not files: their real inputs are listed too.
    const inputs = Object.keys(result.metafile.inputs)
      .filter((p) => !/^[a-z-]+:/.test(p))
      .map((p) => p.split(sep).join("/"));
    const sources = inputs.filter((p) => !p.startsWith("node_modules/")).sort();
    const packages = [
      ...new Set(inputs.filter((p) => p.startsWith("node_modules/")).map(packageJsonOf)),
    ].sort();
    const files = [...BUILD_FILES, ...sources, ...packages];
    const snap = snapshot(files);
    if (snap === null) throw new Error("a bundle input vanished during the build");
    // A source edited while esbuild ran would be recorded with text the build does not hold.
    for (const [path, text] of compiled) {
      if (readFileSync(path, "utf8") !== text)
        throw new Error(`${path} changed during the build: run it again`);
    }
    const { hash, stats, at } = snap;
    const dir = hash.slice(0, 16);
    const target = join(dist, dir);
    if (existsSync(target)) rmSync(tmp, { recursive: true, force: true });
    else renameSync(tmp, target);
    const state = join(dist, `.bundle.json.tmp-${process.pid}`);
    writeFileSync(state, `${JSON.stringify({ hash, dir, files, stats, at })}\n`);
    renameSync(state, join(dist, "bundle.json"));
    pruneOldBuilds(dist, dir);
    return { dir, sources: sources.length, packages: packages.length };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** node_modules/<pkg>/package.json for a bundled file (the package's version stands for its files). */
function packageJsonOf(path) {
  const rest = path.slice("node_modules/".length);
  return `node_modules/${packageOf(rest)}/package.json`;
}

function pruneOldBuilds(dist, keep) {
  const now = Date.now();
  for (const name of readdirSync(dist)) {
    if (name === keep || name === "bundle.json") continue;
    const path = join(dist, name);
    if (now - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const args = process.argv.slice(2);
  const fresh = freshBundle("main") !== null && freshBundle("engine-worker") !== null;
  if (args.includes("--check")) {
    process.stdout.write(fresh ? "bundle is up to date\n" : "bundle is stale or missing\n");
    process.exitCode = fresh ? 0 : 1;
  } else if (fresh && !args.includes("--force")) {
    process.stdout.write("bundle is up to date\n");
  } else {
    const t0 = performance.now();
    try {
      const built = await buildBundle();
      process.stdout.write(
        `bundled ${built.sources} sources and ${built.packages} packages into dist/${built.dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
      );
    } catch (e) {
      // Not fatal (npm ci, setup): without a build, mlf runs from the sources through tsx.
      process.stderr.write(
        `warning: the precompiled CLI was not built (${e instanceof Error ? e.message : e}); mlf runs from the TypeScript sources\n`,
      );
      process.exitCode = args.includes("--strict") ? 1 : 0;
    }
  }
}
