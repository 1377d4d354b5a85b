#include "support/ha_rules.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace hems::test {
namespace {

using nlohmann::json;
using Names = std::vector<std::string_view>;

// The components hems2mqtt publishes or plans to (meter and LAN appliances).
const std::set<std::string_view> kComponents{"sensor",  "binary_sensor", "button",
                                             "switch",  "number",        "select",
                                             "climate", "light",         "water_heater"};

// Options Home Assistant refuses to set up a component without.
const std::map<std::string_view, Names> kRequired{
    {"sensor", {"state_topic"}},   {"binary_sensor", {"state_topic"}},
    {"button", {"command_topic"}}, {"switch", {"command_topic"}},
    {"number", {"command_topic"}}, {"select", {"command_topic", "options"}},
    {"light", {"command_topic"}},  {"climate", {}},
    {"water_heater", {}},
};

const std::set<std::string_view> kStateClasses{"measurement", "measurement_angle", "total",
                                               "total_increasing"};
const Names kAllStateClasses{"measurement", "total", "total_increasing"};
const Names kTotals{"total", "total_increasing"};
const Names kMeasurement{"measurement"};

// Sensor (and number) device classes with the units and state classes Home Assistant accepts for
// them. An empty unit list means "no unit"; "*" any unit (currencies).
struct ClassRule {
  Names units;
  Names state_classes;
  bool numeric = true;
};

const Names kEnergyUnits{"J",   "kJ",  "MJ",  "GJ",  "mWh",  "Wh",   "kWh",
                         "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal"};
const Names kVolumeUnits{"L", "mL", "gal", "fl. oz.", "m\u00b3", "ft\u00b3", "CCF"};
const Names kPressureUnits{"Pa", "hPa", "kPa", "bar", "cbar", "mbar", "mmHg", "inHg", "psi"};
const Names kMicrogramsPerCubicMetre{"\u00b5g/m\u00b3"};

const std::map<std::string_view, ClassRule> kSensorClasses{
    {"apparent_power", {{"VA"}, kMeasurement}},
    {"aqi", {{}, kMeasurement}},
    {"atmospheric_pressure", {kPressureUnits, kMeasurement}},
    {"battery", {{"%"}, kMeasurement}},
    {"carbon_dioxide", {{"ppm"}, kMeasurement}},
    {"carbon_monoxide", {{"ppm"}, kMeasurement}},
    {"current", {{"A", "mA"}, kMeasurement}},
    {"date", {{}, {}, false}},
    {"duration", {{"d", "h", "min", "s", "ms", "\u00b5s"}, kAllStateClasses}},
    {"energy", {kEnergyUnits, kTotals}},
    {"energy_storage", {kEnergyUnits, kMeasurement}},
    {"enum", {{}, {}, false}},
    {"frequency", {{"Hz", "kHz", "MHz", "GHz"}, kMeasurement}},
    {"gas", {{"m\u00b3", "ft\u00b3", "CCF", "L"}, kTotals}},
    {"humidity", {{"%"}, kMeasurement}},
    {"illuminance", {{"lx"}, kMeasurement}},
    {"moisture", {{"%"}, kMeasurement}},
    {"monetary", {{"*"}, {"total"}}},
    {"pm1", {kMicrogramsPerCubicMetre, kMeasurement}},
    {"pm10", {kMicrogramsPerCubicMetre, kMeasurement}},
    {"pm25", {kMicrogramsPerCubicMetre, kMeasurement}},
    {"power", {{"mW", "W", "kW", "MW", "GW", "TW"}, kMeasurement}},
    {"power_factor", {{"%", ""}, kMeasurement}},
    {"pressure", {kPressureUnits, kMeasurement}},
    {"reactive_power", {{"var", "kvar"}, kMeasurement}},
    {"signal_strength", {{"dB", "dBm"}, kMeasurement}},
    {"temperature", {{"\u00b0C", "\u00b0F", "K"}, kMeasurement}},
    {"timestamp", {{}, {}, false}},
    {"volatile_organic_compounds", {kMicrogramsPerCubicMetre, kMeasurement}},
    {"volatile_organic_compounds_parts", {{"ppm", "ppb"}, kMeasurement}},
    {"voltage", {{"\u00b5V", "mV", "V", "kV", "MV"}, kMeasurement}},
    {"volume", {kVolumeUnits, kTotals}},
    {"volume_storage", {kVolumeUnits, kMeasurement}},
    {"water", {{"CCF", "ft\u00b3", "m\u00b3", "gal", "L"}, kTotals}},
    {"weight", {{"kg", "g", "mg", "\u00b5g", "oz", "lb", "st"}, kAllStateClasses}},
};

const std::map<std::string_view, std::set<std::string_view>> kOtherClasses{
    {"binary_sensor",
     {"battery",
      "battery_charging",
      "carbon_monoxide",
      "cold",
      "connectivity",
      "door",
      "garage_door",
      "gas",
      "heat",
      "light",
      "lock",
      "moisture",
      "motion",
      "moving",
      "occupancy",
      "opening",
      "plug",
      "power",
      "presence",
      "problem",
      "running",
      "safety",
      "smoke",
      "sound",
      "tamper",
      "update",
      "vibration",
      "window"}},
    {"button", {"identify", "restart", "update"}},
    {"switch", {"outlet", "switch"}},
};

const std::set<std::string_view> kDeviceKeys{"identifiers", "connections",    "manufacturer",
                                             "model",       "model_id",       "name",
                                             "hw_version",  "sw_version",     "serial_number",
                                             "via_device",  "suggested_area", "configuration_url"};
const std::set<std::string_view> kOriginKeys{"name", "sw_version", "support_url"};

class Problems {
 public:
  void add(std::string_view rule, const std::string& detail) {
    list_.push_back(std::string(rule) + ": " + detail);
  }
  std::vector<std::string> take() { return std::move(list_); }

 private:
  std::vector<std::string> list_;
};

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool is_id(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_id_char);
}

// Home Assistant's entity id slug: [a-z0-9_], no leading/trailing '_', no "__".
bool is_entity_slug(std::string_view text) {
  if (text.empty() || text.front() == '_' || text.back() == '_' ||
      text.find("__") != std::string_view::npos)
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool contains(const Names& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string list(const Names& names) {
  std::string out;
  for (auto name : names)
    out += (out.empty() ? "" : ", ") + std::string(name.empty() ? "(none)" : name);
  return out.empty() ? "(none)" : out;
}

bool non_empty_string(const json& value) {
  return value.is_string() && !value.get<std::string>().empty();
}

std::optional<std::string> string_at(const json& config, const char* key) {
  if (auto it = config.find(key); it != config.end() && it->is_string())
    return it->get<std::string>();
  return std::nullopt;
}

// <prefix>/<component>/<node_id>/<object_id>/config. Returns the component.
std::string check_topic(const std::string& topic, Problems& problems) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = topic.find('/', start);
    parts.push_back(topic.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  if (topic.find_first_of("+#") != std::string::npos || topic.find('\0') != std::string::npos)
    problems.add("topic", "'" + topic + "' contains a wildcard or NUL");
  if (parts.size() < 5 || parts.back() != "config") {
    problems.add("topic",
                 "'" + topic + "' is not <prefix>/<component>/<node_id>/<object_id>/config");
    return {};
  }
  const std::size_t n = parts.size();
  for (std::size_t i = 0; i + 4 < n; ++i) {
    if (parts[i].empty())
      problems.add("topic", "'" + topic + "' has an empty prefix level");
  }
  const std::string& component = parts[n - 4];
  if (!kComponents.contains(component))
    problems.add("topic", "component '" + component + "' is not one we check");
  if (!is_id(parts[n - 3]))
    problems.add("topic", "node_id '" + parts[n - 3] + "' is not [a-zA-Z0-9_-]+");
  if (!is_id(parts[n - 2]))
    problems.add("topic", "object_id '" + parts[n - 2] + "' is not [a-zA-Z0-9_-]+");
  return component;
}

void check_required(const std::string& component, const json& config, Problems& problems) {
  const auto rule = kRequired.find(component);
  if (rule == kRequired.end())
    return;
  for (auto key : rule->second) {
    if (!config.contains(key))
      problems.add("required", component + " needs '" + std::string(key) + "'");
  }
  // Home Assistant takes a climate or water heater without any command topic, but an appliance
  // that cannot be controlled belongs in sensors: our own rule.
  if (component == "climate" || component == "water_heater") {
    const bool controllable =
        std::any_of(config.items().begin(), config.items().end(),
                    [](const auto& item) { return item.key().ends_with("_command_topic"); });
    if (!controllable)
      problems.add("required", component + " needs at least one *_command_topic");
  }
}

void check_topics(const json& config, Problems& problems) {
  for (const auto& item : config.items()) {
    const std::string& key = item.key();
    if (!key.ends_with("_topic"))
      continue;
    if (!non_empty_string(item.value())) {
      problems.add("config", "'" + key + "' must be a non-empty topic string");
      continue;
    }
    // Home Assistant publishes to command topics: no wildcards there.
    if (key.ends_with("command_topic") &&
        item.value().get<std::string>().find_first_of("+#") != std::string::npos)
      problems.add("config", "'" + key + "' has a wildcard");
  }
}

void check_sensor_classes(const std::string& component, const json& config, Problems& problems) {
  const auto device_class = string_at(config, "device_class");
  const auto unit = string_at(config, "unit_of_measurement");
  const auto state_class = string_at(config, "state_class");
  if (config.contains("unit_of_measurement") && !unit)
    problems.add("unit", "unit_of_measurement must be a string");
  if (config.contains("state_class") && !state_class)
    problems.add("state_class", "state_class must be a string");

  if (component == "number" && state_class)
    problems.add("state_class", "number entities take no state_class");
  if (state_class && !kStateClasses.contains(*state_class))
    problems.add("state_class", "'" + *state_class + "' is not a state class");
  if (state_class == "measurement_angle" && unit != "\u00b0")
    problems.add("unit", "state class measurement_angle needs the unit \u00b0");

  if (config.contains("options")) {
    const json& options = config["options"];
    if (!options.is_array() || options.empty())
      problems.add("options", "options must be a non-empty list");
    if (component == "sensor" && device_class != "enum")
      problems.add("options", "options need device_class enum");
    if (component == "sensor" && (unit || state_class))
      problems.add("options", "options exclude unit_of_measurement and state_class");
  }
  if (config.contains("last_reset_value_template") && state_class != "total")
    problems.add("state_class", "last_reset_value_template needs state_class total");

  if (!device_class) {
    if (config.contains("device_class") && !config["device_class"].is_null())
      problems.add("device_class", "device_class must be a string");
    return;
  }
  const auto rule = kSensorClasses.find(*device_class);
  if (rule == kSensorClasses.end() || (component == "number" && !rule->second.numeric)) {
    problems.add("device_class", "'" + *device_class + "' is not a " + component + " device class");
    return;
  }
  const ClassRule& accepted = rule->second;
  if (device_class == "enum" && !config.contains("options"))
    problems.add("options", "device_class enum needs options");
  if (!contains(accepted.units, "*")) {
    const bool unit_ok = unit ? contains(accepted.units, *unit)
                              : (accepted.units.empty() || contains(accepted.units, ""));
    if (!unit_ok)
      problems.add("unit", "device_class " + *device_class + " takes " + list(accepted.units) +
                               ", not '" + unit.value_or("(none)") + "'");
  }
  if (state_class && component == "sensor" && !contains(accepted.state_classes, *state_class))
    problems.add("state_class", "device_class " + *device_class + " takes " +
                                    list(accepted.state_classes) + ", not '" + *state_class + "'");
}

void check_other_classes(const std::string& component, const json& config, Problems& problems) {
  const auto rule = kOtherClasses.find(component);
  const auto device_class = string_at(config, "device_class");
  if (device_class && rule != kOtherClasses.end() && !rule->second.contains(*device_class))
    problems.add("device_class", "'" + *device_class + "' is not a " + component + " device class");
  if (device_class && rule == kOtherClasses.end())
    problems.add("device_class", component + " takes no device_class");
  for (const char* key : {"unit_of_measurement", "state_class"}) {
    if (config.contains(key))
      problems.add(key == std::string_view("state_class") ? "state_class" : "unit",
                   component + " takes no " + key);
  }
}

void check_entity_category(const std::string& component, const json& config, Problems& problems) {
  if (!config.contains("entity_category"))
    return;
  const auto category = string_at(config, "entity_category");
  if (category != "config" && category != "diagnostic") {
    problems.add("entity_category", "must be config or diagnostic");
    return;
  }
  // Home Assistant refuses read-only entities in the config category.
  if (category == "config" && (component == "sensor" || component == "binary_sensor"))
    problems.add("entity_category", component + " cannot be in the config category");
}

void check_availability(const json& config, Problems& problems) {
  if (config.contains("availability") && config.contains("availability_topic"))
    problems.add("availability", "availability and availability_topic exclude each other");
  if (config.contains("availability_mode")) {
    const auto mode = string_at(config, "availability_mode");
    if (mode != "all" && mode != "any" && mode != "latest")
      problems.add("availability", "availability_mode must be all, any or latest");
  }
  if (!config.contains("availability"))
    return;
  const json& entries = config["availability"];
  if (!entries.is_array() || entries.empty()) {
    problems.add("availability", "availability must be a non-empty list");
    return;
  }
  for (const json& entry : entries) {
    if (!entry.is_object() || !entry.contains("topic") || !non_empty_string(entry["topic"]))
      problems.add("availability", "every availability entry needs a topic");
    else if (entry["topic"].get<std::string>().find_first_of("+#") != std::string::npos)
      problems.add("availability", "availability topic has a wildcard");
  }
}

void check_device(const json& config, Problems& problems) {
  if (!config.contains("device")) {
    problems.add("device", "no device block");
    return;
  }
  const json& device = config["device"];
  if (!device.is_object()) {
    problems.add("device", "device must be an object");
    return;
  }
  const json identifiers = device.value("identifiers", json());
  if (!identifiers.is_array() || identifiers.empty() ||
      !std::all_of(identifiers.begin(), identifiers.end(), non_empty_string))
    problems.add("device", "identifiers must be a non-empty list of strings");
  for (const auto& item : device.items()) {
    if (!kDeviceKeys.contains(item.key()))
      problems.add("device", "unknown key '" + item.key() + "'");
    else if (item.key() != "identifiers" && item.key() != "connections" &&
             !item.value().is_string())
      problems.add("device", "'" + item.key() + "' must be a string");
  }
}

void check_origin(const json& config, Problems& problems) {
  if (!config.contains("origin"))
    return;  // optional for Home Assistant; hems2mqtt always sends it, the tests check that
  const json& origin = config["origin"];
  if (!origin.is_object() || !origin.contains("name") || !non_empty_string(origin["name"])) {
    problems.add("origin", "origin needs a name");
    return;
  }
  for (const auto& item : origin.items()) {
    if (!kOriginKeys.contains(item.key()))
      problems.add("origin", "unknown key '" + item.key() + "'");
  }
}

void check_entity_id(const std::string& component, const json& config, Problems& problems) {
  if (config.contains("default_entity_id")) {
    const auto id = string_at(config, "default_entity_id").value_or("");
    const auto dot = id.find('.');
    if (dot == std::string::npos || id.substr(0, dot) != component ||
        !is_entity_slug(std::string_view(id).substr(dot + 1)))
      problems.add("default_entity_id", "'" + id + "' is not " + component + ".<slug>");
  } else if (config.contains("object_id")) {
    problems.add("default_entity_id",
                 "object_id alone is ignored since Home Assistant 2026.4; add default_entity_id");
  }
}

void check_ranges(const json& config, Problems& problems) {
  for (auto [low, high] : {std::pair{"min", "max"}, std::pair{"min_temp", "max_temp"}}) {
    if (config.contains(low) && config.contains(high) && config[low].is_number() &&
        config[high].is_number() && config[low].get<double>() >= config[high].get<double>())
      problems.add("range", std::string(low) + " must be below " + high);
  }
  if (config.contains("temperature_unit")) {
    const auto unit = string_at(config, "temperature_unit");
    if (unit != "C" && unit != "F")
      problems.add("range", "temperature_unit must be C or F");
  }
}

}  // namespace

std::vector<std::string> check_discovery(const std::string& topic, const json& config) {
  Problems problems;
  const std::string component = check_topic(topic, problems);
  if (!config.is_object() || config.empty()) {
    problems.add("config", "payload must be a non-empty JSON object");
    return problems.take();
  }
  if (!non_empty_string(config.value("unique_id", json())))
    problems.add("unique_id", "unique_id missing or empty");
  if (config.contains("name") && !config["name"].is_string() && !config["name"].is_null())
    problems.add("config", "name must be a string or null");
  if (config.contains("json_attributes_template") && !config.contains("json_attributes_topic"))
    problems.add("json_attributes", "json_attributes_template without json_attributes_topic");
  check_required(component, config, problems);
  check_topics(config, problems);
  if (component == "sensor" || component == "number")
    check_sensor_classes(component, config, problems);
  else if (!component.empty())
    check_other_classes(component, config, problems);
  check_entity_category(component, config, problems);
  check_availability(config, problems);
  check_device(config, problems);
  check_origin(config, problems);
  check_entity_id(component, config, problems);
  check_ranges(config, problems);
  return problems.take();
}

std::vector<std::string> check_unique_ids(const std::vector<json>& configs) {
  std::vector<std::string> problems;
  std::map<std::string, int> seen;
  for (const json& config : configs) {
    const json id = config.is_object() ? config.value("unique_id", json()) : json();
    if (!non_empty_string(id)) {
      problems.push_back("unique_id: a config has no unique_id");
      continue;
    }
    if (++seen[id.get<std::string>()] == 2)
      problems.push_back("unique_id: '" + id.get<std::string>() + "' is used more than once");
  }
  return problems;
}

}  // namespace hems::test
