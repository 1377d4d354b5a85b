#!/usr/bin/with-contenv bashio
# shellcheck shell=bash
# Add-on entry point: add-on options + the Supervisor's MQTT service -> /config.toml -> bridge.
set -euo pipefail

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

umask 077
jq -r -f /usr/share/hems2mqtt/options-to-toml.jq /data/options.json >/config.toml
if ! hems2mqtt --check-config --config /config.toml; then
  bashio::exit.nok "The options do not make a valid configuration (see above)."
fi
exec hems2mqtt --config /config.toml
