// Fuzzes the configuration loader with a TOML file and HEMS2MQTT_* environment variables from
// one input: the TOML text up to the first NUL, then one NAME=VALUE per line (the prefix
// HEMS2MQTT_ is added when missing). The environment is a map handed to load_config(), never the
// process's own; the TOML goes to a file in a private directory made once.
//
// Invariants: loading twice gives the same result; a problem's line lies within the file; a
// secret set through the environment (mqtt.password, meter.id, meter.password) appears in no
// problem, warning or rendered configuration, other than where the same text shows with a
// different secret (a secret "interface = " matches the rendered [lan] section, harmlessly).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_input.hpp"
#include "hems/app/config.hpp"

namespace {

using hems::fuzz::fail;
using hems::fuzz::FuzzInput;

const std::string& config_path() {
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/hems-fuzz-config-XXXXXX";
    if (!mkdtemp(dir.data()))
      fail("cannot make a directory for the config file");
    return dir + "/config.toml";
  }();
  return path;
}

// The directory goes when the process does.
void remove_config_dir() {
  std::filesystem::remove_all(std::filesystem::path(config_path()).parent_path());
}

std::string describe(
    const std::expected<hems::app::Config, std::vector<hems::app::ConfigProblem>>& result) {
  std::string text;
  if (!result) {
    for (const auto& problem : result.error())
      text += problem.to_string() + "\n";
    return text;
  }
  for (const auto& warning : result->warnings)
    text += warning.to_string() + "\n";
  return text + hems::app::render_config(*result);
}

// Secrets long enough to be told apart from the rest of the text, and found nowhere else in the
// input (a secret that is also a key name would show up innocently), each with its variable.
std::vector<std::pair<std::string, std::string>> secrets_of(
    const std::map<std::string, std::string>& env, const std::string& toml) {
  std::vector<std::pair<std::string, std::string>> secrets;
  for (const char* name :
       {"HEMS2MQTT_MQTT_PASSWORD", "HEMS2MQTT_METER_ID", "HEMS2MQTT_METER_PASSWORD"}) {
    auto it = env.find(name);
    if (it == env.end() || it->second.size() < 6)
      continue;
    const std::string& value = it->second;
    bool elsewhere = toml.find(value) != std::string::npos ||
                     std::string("<redacted>").find(value) != std::string::npos;
    for (const auto& [other_name, other] : env) {
      if (other_name.find(value) != std::string::npos ||
          (other_name != name && other.find(value) != std::string::npos))
        elsewhere = true;
    }
    if (!elsewhere)
      secrets.emplace_back(name, value);
  }
  return secrets;
}

// The secret with every letter and digit moved on by one within its class (0-9, A-F, G-Z, a-f,
// g-z): the same length, as valid or invalid a meter ID or password, and different wherever it
// holds a letter or digit.
std::string other_secret(std::string secret) {
  const auto next = [](char c, char first, char last) {
    return c >= first && c <= last ? static_cast<char>(c == last ? first : c + 1) : c;
  };
  for (char& c : secret) {
    if (c >= '0' && c <= '9')
      c = next(c, '0', '9');
    else if (c >= 'A' && c <= 'F')
      c = next(c, 'A', 'F');
    else if (c >= 'G' && c <= 'Z')
      c = next(c, 'G', 'Z');
    else if (c >= 'a' && c <= 'f')
      c = next(c, 'a', 'f');
    else if (c >= 'g' && c <= 'z')
      c = next(c, 'g', 'z');
  }
  return secret;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  const std::string toml = in.until(0);
  std::map<std::string, std::string> env;
  while (!in.empty()) {
    std::string line = in.until('\n');
    const auto equals = line.find('=');
    if (equals == std::string::npos)
      continue;
    std::string name = line.substr(0, equals);
    if (!name.starts_with("HEMS2MQTT_"))
      name = "HEMS2MQTT_" + name;
    env[name] = line.substr(equals + 1);
  }
  // Registered after config_path() made its string, so that the string outlives the cleanup.
  const std::string& path = config_path();
  static const bool cleanup_registered = std::atexit(remove_config_dir) == 0;
  (void)cleanup_registered;
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << toml;
  }

  const auto first = hems::app::load_config(path, env);
  const auto second = hems::app::load_config(path, env);
  const std::string text = describe(first);
  if (text != describe(second) || first.has_value() != second.has_value())
    fail("two loads of the same input differ");

  int lines = 1;
  for (char c : toml)
    lines += c == '\n' ? 1 : 0;
  const auto& problems = first ? first->warnings : first.error();
  for (const auto& problem : problems) {
    if (problem.line < 0 || problem.line > lines)
      fail("a problem on line " + std::to_string(problem.line) + " of " + std::to_string(lines));
  }
  for (const auto& [name, secret] : secrets_of(env, toml)) {
    const std::size_t shown = count_of(text, secret);
    if (shown == 0)
      continue;
    // Shown where a different secret is not: the secret itself, not text that happens to match.
    const std::string other = other_secret(secret);
    if (other == secret)
      continue;  // no letter or digit: nothing tells the secret from the text around it
    auto other_env = env;
    other_env[name] = other;
    if (shown > count_of(describe(hems::app::load_config(path, other_env)), secret))
      fail("a secret from the environment shows in: " + text);
  }
  return 0;
}
