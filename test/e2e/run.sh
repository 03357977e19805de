#!/usr/bin/env bash
# The e2e tier: the packaged extension in a real VS Code (code-server, driven by Chromium).
#
#   tools      Debian packages, Node 24 and code-server, cached in $TSFLOW_E2E_CACHE (lib/tools.sh)
#   build      npm run build, and the extension-host suite into dist/test/e2e (build-suite.ts)
#   package    scripts/package-vsix.mjs (vsce, .vscodeignore's allow-list) -> a .vsix
#   install    the .vsix into a scratch code-server profile
#   workspace  two copies of examples/ as `tsflow init` projects (workspace.ts)
#   start      code-server on 127.0.0.1, smoke-test driver on
#   host-tests mocha in the extension host (suite/*.test.ts), through host-tests.ts
#   scenarios  Playwright scenarios as a user (scenarios/*.ts), through ui.ts
#   stop       always, with everything it started
#
# Exit status: non-zero if any step or test fails. Screenshots, logs and timings: test-results/e2e/.
# Environment: TSFLOW_E2E_CACHE (tools), TSFLOW_E2E_GREP (run only matching tests and scenarios),
# TSFLOW_E2E_PORT (default: a free one), TSFLOW_E2E_KEEP=1 (keep the scratch folder).
set -euo pipefail
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
OUT=$ROOT/test-results/e2e
# shellcheck source=lib/tools.sh
source "$E2E_DIR/lib/tools.sh"
# shellcheck source=lib/code-server.sh
source "$E2E_DIR/lib/code-server.sh"
cd "$ROOT"

rm -rf "$OUT"
mkdir -p "$OUT"
# In /tmp rather than $TMPDIR: code-server's socket paths under it must stay short.
E2E_RUN=$(mktemp -d /tmp/tsflow-e2e.XXXXXX)
TIMINGS=$OUT/timings.txt
STARTED=$(date +%s.%N)
CURRENT_STEP=""
TEST_PID=""
FAILED=()

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
timing() { printf 'e2e: %-11s %7ss  %s\n' "$1" "$2" "$3" | tee -a "$TIMINGS"; }

# A step that must succeed: a failure ends the run (set -e), and the EXIT trap says which step.
step() {
  local name=$1 t0
  shift
  t0=$(date +%s.%N)
  CURRENT_STEP=$name
  echo "e2e: -- $name"
  "$@"
  CURRENT_STEP=""
  timing "$name" "$(seconds_since "$t0")" ok
}

# A step of tests: a failure is counted and the run goes on to the next.
tests() {
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s.%N)
  echo "e2e: -- $name"
  # In the background, so that a signal reaches the trap now, not when the tests are over.
  "$@" &
  TEST_PID=$!
  wait "$TEST_PID" || rc=$?
  TEST_PID=""
  if [ "$rc" = 0 ]; then timing "$name" "$(seconds_since "$t0")" passed; else
    timing "$name" "$(seconds_since "$t0")" "FAILED (exit $rc)"
    FAILED+=("$name")
  fi
}

finish() {
  local rc=$?
  [ -n "$CURRENT_STEP" ] && timing "$CURRENT_STEP" "" "FAILED (exit $rc)"
  if [ -n "$TEST_PID" ]; then
    # Interrupted during the tests: they close their browser on SIGTERM; after 10 s, no more asking.
    kill -TERM "$TEST_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 40); do
      kill -0 "$TEST_PID" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL "$TEST_PID" 2>/dev/null || true
  fi
  local t0
  t0=$(date +%s.%N)
  e2e_stop_code_server
  [ -f "$E2E_RUN/code-server.log" ] && cp "$E2E_RUN/code-server.log" "$OUT/"
  timing stop "$(seconds_since "$t0")" ok
  if [ "${TSFLOW_E2E_KEEP:-}" = 1 ]; then echo "e2e: scratch folder kept: $E2E_RUN"; else rm -rf "$E2E_RUN"; fi
  timing total "$(seconds_since "$STARTED")" "$([ "$rc" = 0 ] && echo passed || echo FAILED)"
  echo "e2e: screenshots and logs in ${OUT#"$ROOT"/}/"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

build() {
  npm run --silent build
  node --import tsx test/e2e/build-suite.ts
}

package() {
  # The same packaging as `npm run package` (which builds first: build ran above).
  node scripts/package-vsix.mjs --out "$E2E_RUN/tsflow.vsix"
}

install() {
  local id
  id=$(node -p 'const p = require("./package.json"); `${p.publisher}.${p.name}`')
  EXTENSION_DIR=$(e2e_install_vsix "$E2E_RUN/tsflow.vsix" "$id")
  echo "installed into ${EXTENSION_DIR#"$E2E_RUN"/}"
}

workspaces() {
  node --import tsx test/e2e/workspace.ts "$E2E_RUN/host/flows" >/dev/null
  node --import tsx test/e2e/workspace.ts "$E2E_RUN/ui/flows" >/dev/null
}

start() {
  PORT=${TSFLOW_E2E_PORT:-$(free_port)}
  # The smoke-test driver makes the workbench honour the `payload` of the extension-host tests.
  e2e_start_code_server "$PORT" --vscode-option enable-smoke-test-driver
  export TSFLOW_E2E_URL=http://127.0.0.1:$PORT TSFLOW_E2E_OUT=$OUT TSFLOW_E2E_CHROMIUM=$E2E_CHROMIUM
  # Chromium's throwaway profiles go with the scratch folder, even when a test process is killed.
  export TMPDIR=$E2E_RUN/tmp
  echo "code-server $E2E_CODE_SERVER_VERSION on $TSFLOW_E2E_URL"
}

step tools e2e_tools
step build build
step package package
step install install
step workspace workspaces
step start start
# The suite runs in the installed extension's folder: it tests the .vsix, not the working tree.
tests host-tests node --import tsx test/e2e/host-tests.ts "$EXTENSION_DIR" "$ROOT/dist/test/e2e/index.js" "$E2E_RUN/host/flows"
tests scenarios node --import tsx test/e2e/ui.ts "$E2E_RUN/ui/flows"

if [ ${#FAILED[@]} -gt 0 ]; then
  echo "e2e: failed: ${FAILED[*]}"
  exit 1
fi
