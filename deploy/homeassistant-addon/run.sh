#!/usr/bin/with-contenv bashio
# shellcheck shell=bash
# Add-on entry point: add-on options + the Supervisor's MQTT service -> config.toml -> bridge.
set -euo pipefail

# The B-route ID is a password field, so the Supervisor cannot check its form; say what is wrong
# before anything else, and never show the value.
if ! [[ "$(bashio::config 'meter.id')" =~ ^[0-9A-Fa-f]{32}$ ]]; then
  bashio::exit.nok "meter.id must be the B-route ID from your utility: 32 hexadecimal characters" \
    "(0-9, A-F), without spaces or hyphens."
fi

if bashio::config.is_empty 'mqtt.server'; then
  if ! bashio::services.available mqtt; then
    bashio::exit.nok "No MQTT broker: install the Mosquitto add-on or set mqtt.server."
  fi
  MQTT_SERVICE_HOST=$(bashio::services mqtt host)
  MQTT_SERVICE_PORT=$(bashio::services mqtt port)
  MQTT_SERVICE_USERNAME=$(bashio::services mqtt username)
  MQTT_SERVICE_PASSWORD=$(bashio::services mqtt password)
  MQTT_SERVICE_SSL=$(bashio::services mqtt ssl)
  export MQTT_SERVICE_HOST MQTT_SERVICE_PORT MQTT_SERVICE_USERNAME MQTT_SERVICE_PASSWORD \
    MQTT_SERVICE_SSL
  bashio::log.info "Using the Supervisor's MQTT broker at ${MQTT_SERVICE_HOST}:${MQTT_SERVICE_PORT}"
fi

# The config holds secrets: only root reads it, and it lives in /run, not in /data's backups.
umask 077
config=/run/hems2mqtt/config.toml
mkdir -p "${config%/*}"
jq -r -f /usr/share/hems2mqtt/options-to-toml.jq /data/options.json >"$config"
if ! hems2mqtt --check-config --config "$config"; then
  bashio::exit.nok "The options do not make a valid configuration (see above)."
fi
exec hems2mqtt --config "$config"
