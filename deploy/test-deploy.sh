#!/usr/bin/env bash
# Checks the deployment files without installing them:
#   - the systemd unit with `systemd-analyze verify` (any warning fails) and its exposure score,
#     Type=notify with a sensible WatchdogSec=, and a binary that really calls sd_notify;
#   - the udev rule: `udevadm verify` where udev has it (v253+), and always a parser check that
#     also runs the rules against sample dongles (which get /dev/wisun, which do not);
#   - the Home Assistant add-on: its options (the defaults in config.yaml plus the values a user
#     must enter) mapped by options-to-toml.jq, with the Supervisor's broker and with an explicit
#     one, must give configs that `hems2mqtt --check-config` accepts and that say what was asked.
#   deploy/test-deploy.sh [PATH/TO/hems2mqtt]   (default: build it in $BUILD_DIR, else build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
failures=0
pass() { echo "ok: $*"; }
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
skip() { echo "SKIPPED: $*"; }

need=()
command -v jq >/dev/null || need+=(jq)
python3 -c 'import yaml' 2>/dev/null || need+=(python3 python3-yaml)
command -v systemd-analyze >/dev/null || need+=(systemd)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${need[@]}"; } >/dev/null 2>&1 || echo "note: could not install ${need[*]}"
fi
command -v jq >/dev/null || { echo "FAIL: jq is required" >&2; exit 1; }
python3 -c 'import yaml' 2>/dev/null || { echo "FAIL: python3 with yaml is required" >&2; exit 1; }

if [ $# -ge 1 ]; then
  bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  build=${BUILD_DIR:-$root/build}
  cmake -S "$root" -B "$build" >/dev/null
  cmake --build "$build" -j"$(nproc)" --target hems2mqtt >/dev/null
  bin=$build/src/app/hems2mqtt
fi
[ -x "$bin" ] || { echo "FAIL: no hems2mqtt binary at $bin" >&2; exit 1; }
work=$(mktemp -d /tmp/hems2mqtt-test-deploy.XXXXXX)
trap 'rm -rf "$work"' EXIT

# ---- systemd ------------------------------------------------------------------------------------
unit=$root/deploy/systemd/hems2mqtt.service
if command -v systemd-analyze >/dev/null; then
  # verify checks that ExecStart exists, so point the unit at the binary under test.
  sed "s|/usr/bin/hems2mqtt|$bin|g" "$unit" >"$work/hems2mqtt.service"
  if out=$(systemd-analyze verify "$work/hems2mqtt.service" 2>&1) && [ -z "$out" ]; then
    pass "systemd-analyze verify hems2mqtt.service"
  else
    fail "systemd-analyze verify: $out"
  fi
  for key in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes SupplementaryGroups=dialout \
    StateDirectory=hems2mqtt Restart=on-failure Type=notify NotifyAccess=main; do
    grep -qx "$key" "$unit" || fail "unit lacks $key"
  done
  # A watchdog the daemon can keep: it pings every WatchdogSec/2 from its loop, whose steps block
  # for at most a few seconds; much under 20 s would risk restarts for nothing.
  watchdog=$(sed -n 's/^WatchdogSec=\([0-9]*\)s\{0,1\}$/\1/p' "$unit")
  if [ -z "$watchdog" ]; then
    fail "unit lacks WatchdogSec=<seconds>"
  elif [ "$watchdog" -lt 20 ] || [ "$watchdog" -gt 600 ]; then
    fail "WatchdogSec=$watchdog is outside 20..600 s"
  else
    pass "Type=notify with WatchdogSec=$watchdog"
  fi
  # Type=notify waits for READY=1: a binary built without sd_notify would never start.
  if command -v nm >/dev/null; then
    imports=$(nm -D --undefined-only "$bin" 2>/dev/null || true)
    if grep -qw sd_notify <<<"$imports"; then
      pass "hems2mqtt calls sd_notify"
    else
      fail "hems2mqtt does not call sd_notify, but the unit is Type=notify"
    fi
  else
    skip "nm not available (binutils): not checked that hems2mqtt calls sd_notify"
  fi
  if exposure=$(systemd-analyze security --offline=true "$work/hems2mqtt.service" 2>/dev/null |
    grep -o 'Overall exposure level.*'); then
    echo "   $exposure"
  fi
else
  skip "systemd-analyze not available"
fi

# ---- udev ---------------------------------------------------------------------------------------
rules=$root/deploy/udev/99-wisun-dongle.rules
if udevadm verify --help >/dev/null 2>&1; then
  if out=$(udevadm verify "$rules" 2>&1); then pass "udevadm verify"; else fail "udevadm verify: $out"; fi
else
  echo "   (udevadm verify needs udev 253+; using the parser check only)"
fi
if python3 - "$rules" <<'PY'; then pass "udev rule syntax and matching"; else fail "udev rule check"; fi
import fnmatch, re, sys

MATCH_KEYS = {"ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "KERNELS", "DRIVERS", "ATTR", "ATTRS", "ENV"}
ASSIGN_KEYS = {"SYMLINK", "GROUP", "MODE", "OWNER", "ENV", "GOTO", "LABEL", "TAG", "RUN"}
token = re.compile(r'\s*([A-Z]+)(?:\{([^}]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(,|$)')

def parse(path):
    rules, labels, errors = [], set(), []
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pos, pairs = 0, []
        while pos < len(line):
            m = token.match(line, pos)
            if not m:
                errors.append(f"{path}:{number}: cannot parse at: {line[pos:]!r}")
                break
            key, attr, op, value, _ = m.groups()
            matching = op in ("==", "!=")
            if matching and key not in MATCH_KEYS or not matching and key not in ASSIGN_KEYS:
                errors.append(f"{path}:{number}: {key} cannot be used with {op}")
            if key in ("ATTRS", "ATTR", "ENV") and not attr:
                errors.append(f"{path}:{number}: {key} needs {{name}}")
            if key == "MODE" and not re.fullmatch(r"0[0-7]{3}", value):
                errors.append(f"{path}:{number}: bad MODE {value}")
            if value.count("[") != value.count("]"):
                errors.append(f"{path}:{number}: unbalanced [] in {value}")
            if key == "LABEL":
                labels.add(value)
            pairs.append((key, attr, op, value))
            pos = m.end()
        rules.append((number, pairs))
    for number, pairs in rules:
        for key, _, _, value in pairs:
            if key == "GOTO" and value not in labels:
                errors.append(f"{path}:{number}: GOTO to missing LABEL {value}")
    return rules, errors

def matches(pattern, value):
    return any(fnmatch.fnmatchcase(value, p) for p in pattern.split("|"))

def run(rules, device):
    """Applies the rules to one device; returns its symlinks."""
    symlinks, skip_to = [], None
    for _, pairs in rules:
        if skip_to:
            if any(k == "LABEL" and v == skip_to for k, _, _, v in pairs):
                skip_to = None
            continue
        ok = True
        for key, attr, op, value in pairs:
            if op not in ("==", "!="):
                continue
            actual = device.get(f"{key}{{{attr}}}" if attr else key, "")
            if matches(value, actual) != (op == "=="):
                ok = False
        if not ok:
            continue
        for key, _, op, value in pairs:
            if key == "SYMLINK":
                symlinks.append(value)
            if key == "GOTO":
                skip_to = value
    return symlinks

rules, errors = parse(sys.argv[1])
for e in errors:
    print(e)
cases = [  # (product string, kernel name, should get /dev/wisun)
    ("RS-WSUHA-P", "ttyUSB0", True), ("BP35C2", "ttyUSB1", True), ("WSR35A1-00", "ttyUSB0", True),
    ("RL7023 Stick-D/IPS", "ttyUSB0", True), ("RL7023 Stick-D/DSS", "ttyACM0", True),
    ("RS-WSUHA-J11", "ttyUSB0", False), ("BP35C2-J11-T01", "ttyUSB0", False),
    ("FT232R USB UART", "ttyUSB0", False), ("RS-WSUHA-P", "ttyS0", False),
]
for product, kernel, wanted in cases:
    device = {"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": kernel, "ATTRS{product}": product}
    got = "wisun" in run(rules, device)
    if got != wanted:
        errors.append(f"{product} on {kernel}: /dev/wisun {'given' if got else 'not given'}")
        print(errors[-1])
removed = {"ACTION": "remove", "SUBSYSTEM": "tty", "KERNEL": "ttyUSB0", "ATTRS{product}": "BP35C2"}
if run(rules, removed):
    errors.append("a remove event creates a symlink")
    print(errors[-1])
sys.exit(1 if errors else 0)
PY

# ---- Home Assistant add-on ----------------------------------------------------------------------
addon=$root/deploy/homeassistant-addon
# The defaults from config.yaml, plus what the user must enter (null there).
if python3 - "$addon/config.yaml" >"$work/options.json" <<'PY'
import json, sys, yaml
config = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
options = config["options"]
required = {"device": "/dev/serial/by-id/usb-RATOC_Systems__Ltd._RS-WSUHA-P-if00-port0",
            "id": "3F8A2C5E7B1D4096A8C3E5F7092B4D6E", "password": "SIMULATORPW1"}
for key, value in required.items():
    assert options["meter"][key] is None, f"meter.{key} should be left for the user"
    options["meter"][key] = value
# Every option must be in the schema, and every schema key must be mapped by the jq program.
def leaves(tree, prefix=""):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from leaves(value, prefix + key + ".")
        else:
            yield prefix + key
schema = set(leaves(config["schema"]))
assert set(leaves(options)) <= schema, set(leaves(options)) - schema
jq_text = open(sys.argv[1].replace("config.yaml", "options-to-toml.jq"), encoding="utf-8").read()
unmapped = [k for k in schema if not any(f".{part}" in jq_text for part in [k.split(".")[-1]])]
assert not unmapped, f"schema keys not mapped: {unmapped}"
json.dump(options, sys.stdout)
PY
then :; else fail "add-on config.yaml options/schema/mapping consistency"; fi
[ -s "$work/options.json" ] || { echo "FAIL: no add-on options to map" >&2; exit 1; }

map_options() { jq -r -f "$addon/options-to-toml.jq" "$1" >"$2"; }

# 1. Broker from the Supervisor, with a password that needs escaping in TOML.
MQTT_SERVICE_HOST=core-mosquitto MQTT_SERVICE_PORT=8883 MQTT_SERVICE_USERNAME=addons \
  MQTT_SERVICE_PASSWORD='pa"ss\word' MQTT_SERVICE_SSL=true \
  map_options "$work/options.json" "$work/supervisor.toml"
if "$bin" --check-config --config "$work/supervisor.toml" >"$work/check.log" 2>&1; then
  pass "add-on options + Supervisor broker -> config accepted by --check-config"
else
  fail "--check-config rejected the add-on config: $(cat "$work/check.log")"
fi
printed=$("$bin" --print-config --config "$work/supervisor.toml" 2>&1 || true)
for want in 'server = "mqtts://core-mosquitto:8883"' 'username = "addons"' 'state_dir = "/data"' \
  'device = "/dev/serial/by-id/usb-RATOC_Systems__Ltd._RS-WSUHA-P-if00-port0"' \
  'discovery_language = "en"'; do
  grep -qF "$want" <<<"$printed" || fail "mapped config lacks: $want"
done
grep -qF 'password = "pa\"ss\\word"' "$work/supervisor.toml" || fail "MQTT password escaping"

# 2. An explicit broker beats the Supervisor's; LAN options come through.
jq '.mqtt.server = "mqtt://192.0.2.5:1884" | .mqtt.username = "u" | .lan = {enabled: true,
  interface: "eth0", ipv6: false} | .log_level = "debug" | .meter.dialect = "bp35a1"
  | .mqtt.discovery_language = "ja"' \
  "$work/options.json" >"$work/explicit.json"
MQTT_SERVICE_HOST=core-mosquitto MQTT_SERVICE_PORT=1883 map_options "$work/explicit.json" \
  "$work/explicit.toml"
if "$bin" --check-config --config "$work/explicit.toml" >"$work/check.log" 2>&1; then
  printed=$("$bin" --print-config --config "$work/explicit.toml" 2>&1 || true)
  for want in 'server = "mqtt://192.0.2.5:1884"' 'interface = "eth0"' 'dialect = "bp35a1"' \
    'level = "debug"' 'discovery_language = "ja"'; do
    grep -qF "$want" <<<"$printed" || fail "explicit-broker config lacks: $want"
  done
  pass "add-on options with an explicit broker and LAN settings -> accepted"
else
  fail "--check-config rejected the explicit-broker config: $(cat "$work/check.log")"
fi

# 3. No broker at all is refused by the mapping, not turned into a bad config.
if map_options "$work/options.json" "$work/none.toml" 2>/dev/null; then
  fail "mapping without any broker should fail"
else
  pass "no broker -> the mapping refuses"
fi

# 4. The example's placeholder credentials typed into the add-on are refused at once, with a
#    message that says so (the add-on's run.sh stops on --check-config's exit 2).
jq '.meter.id = "00112233445566778899AABBCCDDEEFF" | .meter.password = "0123456789AB"' \
  "$work/options.json" >"$work/placeholder.json"
MQTT_SERVICE_HOST=core-mosquitto MQTT_SERVICE_PORT=1883 map_options "$work/placeholder.json" \
  "$work/placeholder.toml"
status=0
"$bin" --check-config --config "$work/placeholder.toml" >"$work/check.log" 2>&1 || status=$?
if [ $status -eq 2 ] && grep -q "meter.id is still the example's placeholder" "$work/check.log" &&
  grep -q "meter.password is still the example's placeholder" "$work/check.log"; then
  pass "the example's placeholder credentials -> refused with exit 2"
else
  fail "placeholder credentials: exit $status, $(cat "$work/check.log")"
fi

if [ $failures -gt 0 ]; then
  echo "test-deploy: $failures failure(s)"
  exit 1
fi
echo "test-deploy: all checks passed"
