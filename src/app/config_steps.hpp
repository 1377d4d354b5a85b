#pragma once

// The steps of load_config(), in the order it runs them. Each records what it finds in the
// LoadContext instead of stopping, so one run reports every problem.

#include <map>
#include <string>

#include "config_context.hpp"
#include "hems/app/config.hpp"

namespace hems::app::detail {

// Parses the TOML file and copies every known key into `config`. Returns false when the file
// cannot be read or is not valid TOML (nothing else can be checked then).
bool apply_file(Config& config, LoadContext& context);

// Applies the HEMS2MQTT_<SECTION>_<KEY> entries of `env` over the file's values.
void apply_environment(const std::map<std::string, std::string>& env, Config& config,
                       LoadContext& context);

// Reads mqtt.password_file, meter.password_file and meter.id_file into the secret they hold.
void read_secret_files(Config& config, LoadContext& context);

// Checks every value against its rules.
void validate(const Config& config, LoadContext& context);

}  // namespace hems::app::detail
