// Native addons (better-sqlite3) compile with node-gyp when no prebuilt binary can
// be downloaded. node-gyp would then download Node's headers, which an offline
// machine cannot do; point it at the headers installed with Node instead. pnpm
// passes only an allowlist of environment variables to build scripts, so the
// setting goes through extraEnv rather than .npmrc.
const fs = require('node:fs');
const path = require('node:path');

function nodeDirWithHeaders() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  // process.execPath is <prefix>/bin/node; headers live in <prefix>/include/node.
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_version.h')) ? prefix : undefined;
}

module.exports = {
  hooks: {
    updateConfig(config) {
      const nodedir = nodeDirWithHeaders();
      if (!nodedir) return config;
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: nodedir } };
    },
  },
};
