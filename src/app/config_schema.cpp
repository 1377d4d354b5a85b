#include "config_schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <numeric>

namespace hems::app::detail {
namespace {

// Captureless lambdas that return the field they name; `+` turns them into function pointers.
#define HEMS_STRING(expr) StringField(+[](Config& c) -> std::string& { return c.expr; })
#define HEMS_INT(expr) IntField(+[](Config& c) -> int& { return c.expr; })
#define HEMS_BOOL(expr) BoolField(+[](Config& c) -> bool& { return c.expr; })
#define HEMS_NUMBER(expr) NumberField(+[](Config& c) -> double& { return c.expr; })
#define HEMS_LIST(expr) \
  StringListField(+[](Config& c) -> std::vector<std::string>& { return c.expr; })
#define HEMS_MAP(expr) \
  StringMapField(+[](Config& c) -> std::map<std::string, std::string>& { return c.expr; })
#define HEMS_OPTIONAL_LIST(expr) \
  OptionalStringListField(       \
      +[](Config& c) -> std::optional<std::vector<std::string>>& { return c.expr; })

const std::array kKeys{
    KeySpec{"mqtt", "server", HEMS_STRING(mqtt.server)},
    KeySpec{"mqtt", "base_topic", HEMS_STRING(mqtt.base_topic)},
    KeySpec{"mqtt", "discovery_prefix", HEMS_STRING(mqtt.discovery_prefix)},
    KeySpec{"mqtt", "discovery_language", HEMS_STRING(mqtt.discovery_language)},
    KeySpec{"mqtt", "client_id", HEMS_STRING(mqtt.client_id)},
    KeySpec{"mqtt", "username", HEMS_STRING(mqtt.username)},
    KeySpec{"mqtt", "password", HEMS_STRING(mqtt.password), true},
    KeySpec{"mqtt", "password_file", HEMS_STRING(mqtt.password_file)},
    KeySpec{"mqtt", "ca_file", HEMS_STRING(mqtt.ca_file)},
    KeySpec{"mqtt", "cert_file", HEMS_STRING(mqtt.cert_file)},
    KeySpec{"mqtt", "key_file", HEMS_STRING(mqtt.key_file)},
    KeySpec{"mqtt", "keepalive", HEMS_INT(mqtt.keepalive)},
    KeySpec{"mqtt", "retain", HEMS_BOOL(mqtt.retain)},
    KeySpec{"meter", "enabled", HEMS_BOOL(meter.enabled)},
    KeySpec{"meter", "name", HEMS_STRING(meter.name)},
    KeySpec{"meter", "device", HEMS_STRING(meter.device)},
    KeySpec{"meter", "dialect", HEMS_STRING(meter.dialect)},
    KeySpec{"meter", "id", HEMS_STRING(meter.id), true},
    KeySpec{"meter", "id_file", HEMS_STRING(meter.id_file)},
    KeySpec{"meter", "password", HEMS_STRING(meter.password), true},
    KeySpec{"meter", "password_file", HEMS_STRING(meter.password_file)},
    KeySpec{"meter", "state_dir", HEMS_STRING(meter.state_dir)},
    KeySpec{"meter", "instant_interval", HEMS_INT(meter.instant_interval)},
    KeySpec{"meter", "energy_interval", HEMS_INT(meter.energy_interval)},
    KeySpec{"meter", "scan_duration_max", HEMS_INT(meter.scan_duration_max)},
    KeySpec{"meter", "response_timeout", HEMS_NUMBER(meter.response_timeout)},
    KeySpec{"meter", "request_tries", HEMS_INT(meter.request_tries)},
    KeySpec{"lan", "enabled", HEMS_BOOL(lan.enabled)},
    KeySpec{"lan", "interface", HEMS_STRING(lan.interface)},
    KeySpec{"lan", "ipv6", HEMS_BOOL(lan.ipv6)},
    KeySpec{"lan", "hosts", HEMS_LIST(lan.hosts)},
    KeySpec{"lan", "poll_interval", HEMS_INT(lan.poll_interval)},
    KeySpec{"lan", "timeout", HEMS_NUMBER(lan.timeout)},
    KeySpec{"lan", "names", HEMS_MAP(lan.names)},
    KeySpec{"lan", "allow_set", HEMS_OPTIONAL_LIST(lan.allow_set)},
    KeySpec{"http", "listen", HEMS_STRING(http.listen)},
    KeySpec{"log", "level", HEMS_STRING(log.level)},
};

#undef HEMS_STRING
#undef HEMS_INT
#undef HEMS_BOOL
#undef HEMS_NUMBER
#undef HEMS_LIST
#undef HEMS_MAP
#undef HEMS_OPTIONAL_LIST

constexpr std::array<std::string_view, 5> kSections{"mqtt", "meter", "lan", "http", "log"};

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::span<const KeySpec> all_keys() {
  return kKeys;
}

std::span<const std::string_view> all_sections() {
  return kSections;
}

const KeySpec* find_key(std::string_view section, std::string_view key) {
  for (const KeySpec& spec : kKeys) {
    if (spec.section == section && spec.key == key)
      return &spec;
  }
  return nullptr;
}

std::string dotted_name(const KeySpec& spec) {
  return std::string(spec.section) + "." + std::string(spec.key);
}

std::string env_name(const KeySpec& spec) {
  return "HEMS2MQTT_" + upper(spec.section) + "_" + upper(spec.key);
}

std::string_view type_description(const Field& field) {
  switch (field.index()) {
    case 0:
      return "a string";
    case 1:
      return "an integer";
    case 2:
      return "true or false";
    case 3:
      return "a number";
    case 4:
    case 6:
      return "an array of strings";
    default:
      return "a table of strings";
  }
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  // A typo changes a few characters; beyond that the suggestion would only confuse.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (!best || best_distance > limit)
    return std::nullopt;
  return best;
}

}  // namespace hems::app::detail
