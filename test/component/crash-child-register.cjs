// Lets the crash tests run the bot from its TypeScript sources as a child process (`node -r this-file src/main.ts`):
// each .ts file is transpiled as it is required. No type check here: the jest run (ts-jest) and tsc do that.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload run by plain node: require is how it loads modules */
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
};

const extensions = require.extensions;
const others = Object.entries(extensions);
extensions['.ts'] = function compileTypeScript(module, filename) {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
// `./seed` must find seed.ts before seed.json: Node tries the extensions in the order they were registered.
for (const [extension, load] of others) {
  delete extensions[extension];
  extensions[extension] = load;
}
