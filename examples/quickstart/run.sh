#!/usr/bin/env bash
# The main job: apply the quickstart program to the embedded emulator account.
set -euo pipefail
cd "$(dirname "$0")"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-alisms-quickstart}"
state_file=".alisms/account.db"

if command -v pulumi >/dev/null 2>&1; then
  mkdir -p .pulumi-state
  export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
  pulumi stack select dev --create --non-interactive
  pulumi up --yes --non-interactive
  pulumi stack output
else
  cat >&2 <<'MSG'
pulumi-alisms quickstart: no `pulumi` CLI on PATH.
  The Pulumi CLI is a prebuilt binary that no package registry reachable here publishes (not PyPI,
  npm or Debian), and its installer downloads from the Pulumi site, which this machine cannot reach.
  Install it from https://www.pulumi.com/docs/install/ and run `make quickstart` again for `pulumi up`.
  Meanwhile: applying the same program through the real provider protocol (python -m pulumi.dynamic
  over gRPC, no engine) to the embedded account in examples/quickstart/.alisms/. Replacements and
  removed resources need the CLI; secret config comes from PULUMI_CONFIG (see README.md, Quickstart).
MSG
  # The provider's progress lines (waits, retries) on this terminal, as `pulumi up` shows them.
  ALISMS_PROVIDER_STDERR=inherit python apply_without_cli.py dev
fi

# Hints that work from wherever this directory is (a copy outside the repository too).
here="$PWD"
alisms_cmd="$(command -v alisms || echo alisms)"
cat <<MSG

The embedded account lives in $here/$state_file. Play the carrier, then apply again:
  $alisms_cmd emulator --state-file $here/$state_file approve <registration id or template code>
  $alisms_cmd emulator --state-file $here/$state_file outbox    # the contact's verification code
  bash $here/run.sh    # refresh: records the new status
MSG
