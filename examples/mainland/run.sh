#!/usr/bin/env bash
# The Chinese-mainland workflow on the embedded emulator account, in the order of Alibaba Cloud's getting-started
# guide: qualification, review, signature, review, carrier registration, template, review, send and delivery.
set -euo pipefail
cd "$(dirname "$0")"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-alisms-mainland}"
state_file=".alisms/account.db"
project="alisms-mainland"
signature="示例科技"
template="Login code"
recipient="13800138000"
# Fictitious people of the fictitious entity in Pulumi.dev.yaml: put your own here (they are secrets).
admin_phone="13900001234"
secrets_json=$(cat <<JSON
{"$project:legalPersonName": "张三", "$project:legalPersonIdNumber": "330100199001011234",
 "$project:adminName": "李四", "$project:adminIdNumber": "330100199202025678", "$project:adminPhone": "$admin_phone"}
JSON
)

if command -v pulumi >/dev/null 2>&1; then
  mkdir -p .pulumi-state
  export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
  pulumi stack select dev --create --non-interactive >/dev/null
  python -c 'import json, sys; [print(k.split(":", 1)[1], v) for k, v in json.load(sys.stdin).items()]' \
    <<<"$secrets_json" | while read -r key value; do pulumi config set --secret "$key" "$value"; done
else
  cat >&2 <<'MSG'
pulumi-alisms mainland example: no `pulumi` CLI on PATH (see examples/quickstart/run.sh for why).
  Applying the program through the real provider protocol (apply_without_cli.py: python -m pulumi.dynamic over
  gRPC, no engine) to the embedded account in .alisms/ here; secret config goes in PULUMI_CONFIG.
MSG
fi

# apply THROUGH [KEY=VALUE...]: apply the program's stages 1..THROUGH with extra config (secret: certifyCode).
# A stage once applied stays declared (.alisms/stage), so running this script again only refreshes.
apply() {
  local through="$1" extra="{}"
  shift
  if [ -e .alisms/stage ] && [ "$(cat .alisms/stage)" -gt "$through" ]; then through=$(cat .alisms/stage); fi
  for setting in "$@"; do
    extra=$(python -c 'import json, sys; d = json.loads(sys.argv[1]); k, v = sys.argv[2].split("=", 1); '\
'd[k] = v; print(json.dumps(d))' "$extra" "$setting")
  done
  if command -v pulumi >/dev/null 2>&1; then
    pulumi config set through "$through"
    python -c 'import json, sys; [print(k, v) for k, v in json.loads(sys.argv[1]).items()]' "$extra" |
      while read -r key value; do
        if [ "$key" = certifyCode ]; then pulumi config set --secret "$key" "$value"; else pulumi config set "$key" "$value"; fi
      done
    pulumi up --yes --non-interactive --skip-preview || return 1
  else
    PULUMI_CONFIG=$(python -c 'import json, sys; p = sys.argv[3]; d = {**json.loads(sys.argv[1]), '\
'**{f"{p}:{k}": v for k, v in json.loads(sys.argv[2]).items()}, f"{p}:through": sys.argv[4]}; print(json.dumps(d))' \
      "$secrets_json" "$extra" "$project" "$through") \
    PULUMI_CONFIG_SECRET_KEYS=$(python -c 'import json, sys; print(json.dumps([k for k in json.loads(sys.argv[1])] '\
'+ [sys.argv[2] + ":certifyCode"]))' "$secrets_json" "$project") \
    ALISMS_PROVIDER_STDERR=inherit python apply_without_cli.py dev || return 1
  fi
  echo "$through" >.alisms/stage
}

alisms emulator --state-file "$state_file" review-speed fast   # reviews take seconds, not business days

echo "1. Apply for a qualification"
with_code=()   # certifyCode=<code> once texted; unset when an earlier run submitted the qualification
if apply 1 2>.alisms/first-apply.err; then
  echo "   submitted by an earlier run: no verification code needed"
else
  grep -m1 "certify_code" .alisms/first-apply.err || { cat .alisms/first-apply.err >&2; exit 1; }
  code=$(alisms emulator --state-file "$state_file" outbox --output json | python -c '
import json, re, sys
texts = [m["body"] for m in json.load(sys.stdin) if m["channel"] == "sms" and m["recipient"] == sys.argv[1]]
print(re.search(r"\b(\d{6})\b", texts[-1]).group(1))' "$admin_phone")
  with_code=(certifyCode="$code")
  echo "   the code texted to the administrator's phone is in the emulator outbox: set as the secret certifyCode"
fi

echo "2. Wait for review"
apply 1 "${with_code[@]}"

echo "3. Apply for an SMS signature"
echo "4. Wait for review"
apply 2 "${with_code[@]}" signatureWaitFor=approved

echo "5. Carrier registration"
echo "   sends fail with PORT_NOT_REGISTERED until a carrier has registered the signature"
apply 2 "${with_code[@]}" signatureWaitFor=registered

echo "6. Apply for an SMS template"
apply 3 "${with_code[@]}"

echo "7. Wait for review"
python send.py wait-template "$template"
apply 3 "${with_code[@]}"   # records the approval

echo "8. Send messages and check sending details"
python send.py send "$signature" "$template" "$recipient"

# Hints that work from wherever this directory is (a copy outside the repository too).
here="$PWD"
alisms_cmd="$(command -v alisms || echo alisms)"
python_cmd="$(command -v python || echo python)"  # the interpreter that has pulumi_alisms (make puts .venv first)
cat <<MSG

The embedded account lives in $here/$state_file. Look around, then send again (OTP: at most 1 a minute per number):
  $alisms_cmd emulator --state-file $here/$state_file outbox    # the verification code, the messages sent
  (cd $here && $python_cmd send.py send $signature "$template" $recipient)
  bash $here/run.sh    # again: refreshes (nothing changes) and sends once more
MSG
