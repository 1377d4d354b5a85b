# Add-on options (/data/options.json) -> hems2mqtt config.toml.
#   jq -r -f options-to-toml.jq /data/options.json > /run/hems2mqtt/config.toml
# The broker the Supervisor offers comes in as $ENV.MQTT_SERVICE_{HOST,PORT,USERNAME,PASSWORD,SSL}
# and is used when mqtt.server is empty. Strings are written with tojson: a JSON string is also
# a valid TOML basic string (and quoted key), so quotes and backslashes in passwords stay intact.
# Every option in config.yaml's schema is mapped here; deploy/test-deploy.sh checks that.

def str: tojson;
def opt(f; default): (f // default);
def nonempty: . != null and . != "";
def list_of_strings: "[" + (map(tojson) | join(", ")) + "]";
# TLS files are named as under Home Assistant's /ssl folder (mapped read-only); a relative name is
# taken to be in it.
def ssl_path: if nonempty and (startswith("/") | not) then "/ssl/" + . else (. // "") end;

.mqtt as $m
| .meter as $meter
| (.lan // {}) as $lan
| ($ENV.MQTT_SERVICE_HOST // "") as $svc_host
| (if ($m.server | nonempty) then
     {server: $m.server, username: opt($m.username; ""), password: opt($m.password; "")}
   elif ($svc_host | nonempty) then
     {server: ((if ($ENV.MQTT_SERVICE_SSL // "false") == "true" then "mqtts" else "mqtt" end)
               + "://" + $svc_host + ":" + ($ENV.MQTT_SERVICE_PORT // "1883")),
      username: ($ENV.MQTT_SERVICE_USERNAME // ""),
      password: ($ENV.MQTT_SERVICE_PASSWORD // "")}
   else error("no MQTT broker: set mqtt.server or install the Mosquitto add-on")
   end) as $broker
| [
    "# Written by the hems2mqtt add-on from its options; edits here are overwritten.",
    "[mqtt]",
    "server = \($broker.server | str)",
    "username = \($broker.username | str)",
    "password = \($broker.password | str)",
    "base_topic = \(opt($m.base_topic; "hems2mqtt") | str)",
    "discovery_prefix = \(opt($m.discovery_prefix; "homeassistant") | str)",
    "discovery_language = \(opt($m.discovery_language; "en") | str)",
    "retain = \(if $m.retain == null then true else $m.retain end)",
    "ca_file = \($m.ca_file | ssl_path | str)",
    "cert_file = \($m.cert_file | ssl_path | str)",
    "key_file = \($m.key_file | ssl_path | str)",
    "",
    "[meter]",
    "enabled = true",
    "device = \($meter.device | str)",
    "id = \($meter.id | str)",
    "password = \($meter.password | str)",
    "dialect = \(opt($meter.dialect; "auto") | str)",
    "instant_interval = \(opt($meter.instant_interval; 10))",
    "energy_interval = \(opt($meter.energy_interval; 60))",
    "state_dir = \"/data\"",
    "",
    "[lan]",
    "enabled = \(opt($lan.enabled; false))",
    "interface = \(opt($lan.interface; "") | str)",
    "ipv6 = \(if $lan.ipv6 == null then true else $lan.ipv6 end)",
    "hosts = \(opt($lan.hosts; []) | list_of_strings)",
    "poll_interval = \(opt($lan.poll_interval; 60))",
    # Left out when empty, so the bridge's default (what Home Assistant's entities control) holds.
    (if (opt($lan.allow_set; []) | length) > 0 then
       "allow_set = \($lan.allow_set | list_of_strings)"
     else empty end),
    "",
    "[lan.names]",
    (opt($lan.names; [])[] | "\(.object | str) = \(.id | str)"),
    "",
    "[log]",
    "level = \(opt(.log_level; "info") | str)"
  ]
| .[]
