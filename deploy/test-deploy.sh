#!/usr/bin/env bash
# Checks the deployment files without installing them:
#   - the systemd unit with `systemd-analyze verify` (any warning fails) and its exposure score,
#     Type=notify with a sensible WatchdogSec=, and a binary that really calls sd_notify;
#   - the udev rule: `udevadm verify` where udev has it (v253+), and always a parser check that
#     also runs the rules against sample dongles (which get /dev/wisun, which do not);
#   - the Home Assistant add-on repository (deploy/check-addon.py: repository.yaml, config.yaml,
#     schema and options, en/ja translations of every option, files), and its options mapped by
#     options-to-toml.jq (the defaults plus what a user must enter, and every option set), with
#     the Supervisor's broker and with an explicit one, must give configs that
#     `hems2mqtt --check-config` accepts and that say what was asked;
#   - the version: `hems2mqtt --version` and every copy scripts/release-metadata.py keeps agree
#     with CMakeLists.txt, and that check notices a copy that does not.
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
  # Type=notify waits for READY=1: a binary built without the notifier would never start. It
  # speaks sd_notify's protocol itself (src/app/service/systemd_notifier.cpp), so the sign is the
  # variable it reads; the UnderServiceManager integration tests check what it sends.
  if grep -aq 'NOTIFY_SOCKET' "$bin"; then
    pass "hems2mqtt speaks the sd_notify protocol (reads NOTIFY_SOCKET)"
  else
    fail "hems2mqtt does not read NOTIFY_SOCKET, but the unit is Type=notify"
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
# The repository and the add-on as the Supervisor reads them; writes options.json (defaults plus
# what the user must enter) and full.json (every option set).
if python3 "$root/deploy/check-addon.py" "$root" "$work"; then
  pass "add-on repository, config, schema, options, translations (en, ja), files"
else
  fail "add-on checks (above)"
fi
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

# 2b. Every option set (full.json): the LAN lists, names, polling, retain and the TLS files come
#     through. allow_set only where this bridge knows [lan] allow_set (it is newer than some).
allow_probe=$work/allow-probe.toml
printf '[mqtt]\nserver = "mqtt://127.0.0.1"\n[meter]\nenabled = false\n[lan]\nallow_set = []\n' \
  >"$allow_probe"
full=$work/full.json
if ! "$bin" --check-config --config "$allow_probe" >/dev/null 2>&1; then
  echo "   (this hems2mqtt has no [lan] allow_set: its mapping is checked as text only)"
  jq 'del(.lan.allow_set)' "$work/full.json" >"$work/full-no-allow.json"
  full=$work/full-no-allow.json
fi
map_options "$work/full.json" "$work/full-text.toml"
grep -qxF 'allow_set = ["living_ac/*", "0x026B/target_water_heating_temperature"]' \
  "$work/full-text.toml" || fail "lan.allow_set is not mapped to [lan] allow_set"
jq '.lan.allow_set = []' "$work/full.json" >"$work/empty-allow.json"
map_options "$work/empty-allow.json" "$work/empty-allow.toml"
if grep -q '^allow_set' "$work/empty-allow.toml"; then
  fail "an empty lan.allow_set should leave the bridge's default"
fi
map_options "$full" "$work/full.toml"
if "$bin" --check-config --config "$work/full.toml" >"$work/check.log" 2>&1; then
  printed=$("$bin" --print-config --config "$work/full.toml" 2>&1 || true)
  for want in 'server = "mqtts://broker.example:8883"' 'retain = false' \
    'ca_file = "/ssl/ca.pem"' 'cert_file = "/ssl/client.pem"' 'key_file = "/ssl/client.key"' \
    'hosts = ["192.0.2.10", "192.0.2.11"]' 'poll_interval = 30' 'ipv6 = false' \
    '"00000b_2619b574/0x013001" = "living_ac"' '"192.0.2.11/0x026B01" = "water_heater"' \
    'dialect = "bp35c0"' 'level = "debug"'; do
    grep -qF "$want" <<<"$printed" || fail "full-options config lacks: $want"
  done
  pass "every add-on option set -> accepted, and each one in the effective config"
else
  fail "--check-config rejected the full add-on config: $(cat "$work/check.log")"
fi

# 2c. run.sh refuses a B-route ID that is not 32 hex characters before anything else (the option
#     is a password field, so the Supervisor cannot check it).
id_pattern=$(grep -o "meter.id')\" =~ [^ ]*" "$addon/run.sh" | head -n 1 | sed 's/.* =~ //')
if [ -z "$id_pattern" ]; then
  fail "run.sh does not check meter.id with =~"
else
  before=$failures
  for id in 3F8A2C5E7B1D4096A8C3E5F7092B4D6E 3f8a2c5e7b1d4096a8c3e5f7092b4d6e; do
    [[ $id =~ $id_pattern ]] || fail "run.sh refuses the good B-route ID $id"
  done
  for id in 3F8A2C5E7B1D4096A8C3E5F7092B4D6 3F8A-2C5E7B1D4096A8C3E5F7092B4D6E \
    3F8A2C5E7B1D4096A8C3E5F7092B4D6G ""; do
    if [[ $id =~ $id_pattern ]]; then fail "run.sh accepts the bad B-route ID '$id'"; fi
  done
  [ "$failures" -eq "$before" ] && pass "run.sh checks the B-route ID's form"
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

# ---- compose ------------------------------------------------------------------------------------
# The dongle must survive re-plugging: no `devices:` (resolved once, at start), but the host's /dev
# with the USB serial majors allowed, and the device named under it.
compose_ok=0
python3 - "$root/docker/compose.yaml" "$root/docker/compose.demo.yaml" <<'PY' || compose_ok=$?
import sys, yaml
ok = True
def need(cond, text):
    global ok
    if not cond:
        print(f"FAIL: {text}")
        ok = False
compose = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
service = compose["services"]["hems2mqtt"]
need("devices" not in service, "compose.yaml passes devices: (gone after a re-plug)")
need({"c 188:* rmw", "c 166:* rmw"} <= set(service.get("device_cgroup_rules", [])),
     "compose.yaml does not allow ttyUSB (188) and ttyACM (166)")
need("/dev:/host/dev:ro" in service.get("volumes", []), "compose.yaml does not mount /dev")
need(str(service.get("environment", {}).get("HEMS2MQTT_METER_DEVICE", "")).startswith(
    "/host/dev/serial/by-id/"), "compose.yaml: HEMS2MQTT_METER_DEVICE is not under /host/dev")
need(service.get("network_mode") == "host", "compose.yaml: not on the host network")
demo = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))
for name in ("simulator", "hems2mqtt"):
    need(demo["services"][name]["image"] == service["image"],
         f"compose.demo.yaml: {name} runs another image than compose.yaml")
sys.exit(0 if ok else 1)
PY
if [ $compose_ok -eq 0 ]; then
  pass "compose files: re-plug-safe dongle, published image"
else
  fail "compose files"
fi

# ---- release metadata and the version -----------------------------------------------------------
version=$(python3 "$root/scripts/release-metadata.py" --root "$root" --print version)
if [ "$("$bin" --version)" = "hems2mqtt $version" ]; then
  pass "hems2mqtt --version says $version, as CMakeLists.txt"
else
  fail "hems2mqtt --version says '$("$bin" --version)', CMakeLists.txt $version"
fi
# The check must notice a copy that disagrees (here the add-on's version) and the stamp mend it.
meta=$work/meta
for path in CMakeLists.txt CHANGELOG.md repository.yaml docker/Dockerfile docker/compose.yaml \
  docker/compose.demo.yaml deploy/homeassistant-addon/config.yaml \
  deploy/homeassistant-addon/Dockerfile deploy/homeassistant-addon/CHANGELOG.md; do
  mkdir -p "$meta/$(dirname "$path")"
  cp "$root/$path" "$meta/$path"
done
sed -i 's/^version: ".*"$/version: "9.9.9"/' "$meta/deploy/homeassistant-addon/config.yaml"
if python3 "$root/scripts/release-metadata.py" --root "$meta" >"$work/meta.log" 2>&1; then
  fail "release-metadata.py did not notice the add-on's version 9.9.9"
elif ! python3 "$root/scripts/release-metadata.py" --root "$meta" --stamp >"$work/meta.log" 2>&1 ||
  ! grep -qx "version: \"$version\"" "$meta/deploy/homeassistant-addon/config.yaml"; then
  fail "release-metadata.py --stamp did not mend it: $(cat "$work/meta.log")"
elif python3 "$root/scripts/release-metadata.py" --root "$meta" --owner someone-else \
  >/dev/null 2>&1; then
  fail "release-metadata.py --owner accepted another registry owner"
else
  pass "release-metadata.py notices a disagreeing copy, stamps it, and checks the owner"
fi

if [ $failures -gt 0 ]; then
  echo "test-deploy: $failures failure(s)"
  exit 1
fi
echo "test-deploy: all checks passed"
