# code-server with all of its state in one scratch folder (sourced by run.sh after lib/tools.sh).
# E2E_RUN must name that folder; keep its path short: the server's unix sockets live in it and
# their paths must stay under 108 characters.

# The environment every code-server process gets: no marketplace, no state outside E2E_RUN.
e2e_code_server_env() {
  mkdir -p "$E2E_RUN"/{user-data/User,extensions,xdg-config,xdg-data,xdg-cache,tmp}
  # An empty gallery: no marketplace (Open VSX) queries, which could only fail offline.
  export EXTENSIONS_GALLERY='{}'
  export XDG_CONFIG_HOME="$E2E_RUN/xdg-config" XDG_DATA_HOME="$E2E_RUN/xdg-data" XDG_CACHE_HOME="$E2E_RUN/xdg-cache"
  # The server's IPC sockets and compile cache go to os.tmpdir().
  export TMPDIR="$E2E_RUN/tmp"
  # The AWS chain of the extension host and the language server: the dummy credentials of the S3
  # server a scenario starts (test/support/s3-server.ts), never a real account's; no instance
  # metadata lookups; the datastore and endpoint come from the workspace's settings alone.
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  unset AWS_PROFILE AWS_SESSION_TOKEN TSFLOW_DATASTORE_ROOT TSFLOW_S3_ENDPOINT_URL
}

e2e_code_server_cli() {
  "$E2E_NODE" "$E2E_CODE_SERVER" --config "$E2E_RUN/config.yaml" \
    --user-data-dir "$E2E_RUN/user-data" --extensions-dir "$E2E_RUN/extensions" "$@"
}

# Installs a .vsix into the scratch extensions folder; prints the folder it was unpacked into.
e2e_install_vsix() {
  local vsix=$1 id=$2
  (
    e2e_code_server_env
    e2e_code_server_cli --force --install-extension "$vsix" >"$E2E_RUN/install-extension.log" 2>&1 ||
      { cat "$E2E_RUN/install-extension.log" >&2; exit 1; }
  )
  local dir
  dir=$(find "$E2E_RUN/extensions" -maxdepth 1 -type d -name "$id-*" | head -1)
  [ -n "$dir" ] && [ -f "$dir/package.json" ] || { echo "e2e: $id is not in $E2E_RUN/extensions" >&2; return 1; }
  echo "$dir"
}

# Settings of the test profile: nothing that asks, tips or updates; no auto save (VS Code in a browser
# saves after a delay by default; the desktop does not, and scenarios must not change the workspace);
# and an editor whose typing is literal (no completion accepted on "(" or ")", no auto-closed
# brackets), so scenarios type exactly what they mean.
e2e_user_settings() {
  cat >"$E2E_RUN/user-data/User/settings.json" <<'JSON'
{
  "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "window.restoreWindows": "none",
  "files.autoSave": "off",
  "files.hotExit": "off",
  "git.enabled": false,
  "editor.quickSuggestions": { "other": "off", "comments": "off", "strings": "off" },
  "editor.suggestOnTriggerCharacters": false,
  "editor.acceptSuggestionOnCommitCharacter": false,
  "editor.autoClosingBrackets": "never",
  "editor.parameterHints.enabled": false
}
JSON
}

# Starts code-server on 127.0.0.1:$1 in a session of its own (setsid: its pid is the group id,
# so e2e_stop_code_server stops the extension host and language server with it). Extra arguments go
# to code-server.
e2e_start_code_server() {
  local port=$1
  shift
  (
    e2e_code_server_env
    e2e_user_settings
    export PATH="$E2E_NODE_DIR/bin:$PATH"
    exec setsid "$E2E_NODE" "$E2E_CODE_SERVER" --config "$E2E_RUN/config.yaml" \
      --bind-addr "127.0.0.1:$port" --auth none \
      --disable-telemetry --disable-update-check --disable-workspace-trust \
      --disable-getting-started-override --ignore-last-opened \
      --user-data-dir "$E2E_RUN/user-data" --extensions-dir "$E2E_RUN/extensions" \
      "$@" </dev/null >"$E2E_RUN/code-server.log" 2>&1
  ) &
  echo $! >"$E2E_RUN/code-server.pid"
  local i
  for i in $(seq 1 120); do
    if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
      "http://127.0.0.1:$port/healthz"; then return 0; fi
    kill -0 "$(cat "$E2E_RUN/code-server.pid")" 2>/dev/null || break
    sleep 0.5
  done
  echo "e2e: code-server did not come up on port $port" >&2
  tail -40 "$E2E_RUN/code-server.log" >&2
  return 1
}

# Stops the code-server process group, politely first. Safe to call when none runs.
e2e_stop_code_server() {
  local pid
  pid=$(cat "$E2E_RUN/code-server.pid" 2>/dev/null) || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 40); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$E2E_RUN/code-server.pid"
}
