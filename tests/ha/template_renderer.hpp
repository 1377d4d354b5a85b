#pragma once

// Renders Home Assistant templates with Python's Jinja2 in a sandbox like Home Assistant's, for
// the tests that check what discovery templates produce. Tests that need it skip when python3
// with jinja2 is not installed.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hems::ha::test {

// Reads a JSON list of {"template", "variables"} and writes the list of renderings (or
// "ERROR: ..."). Callers pass `value_json` already parsed, as Home Assistant does for state
// templates.
inline constexpr const char* kRenderer = R"PY(
import json, sys
from jinja2.sandbox import ImmutableSandboxedEnvironment
env = ImmutableSandboxedEnvironment()
out = []
for case in json.load(open(sys.argv[1])):
    try:
        out.append(env.from_string(case["template"]).render(**case["variables"]))
    except Exception as e:
        out.append("ERROR: %s: %s" % (type(e).__name__, e))
json.dump(out, open(sys.argv[2], "w"))
)PY";

inline bool have_jinja() {
  static const bool available =
      std::system("python3 -c 'import jinja2' >/dev/null 2>&1") == 0;  // NOLINT(cert-env33-c)
  return available;
}

struct Case {
  std::string template_text;
  nlohmann::json variables;
};

// One rendering per case, in order; empty when python3 could not run.
inline std::vector<std::string> render(const std::vector<Case>& cases) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() /
                       ("hems_ha_templates_" + std::to_string(static_cast<long>(getpid())));
  fs::create_directories(dir);
  nlohmann::json input = nlohmann::json::array();
  for (const Case& c : cases)
    input.push_back({{"template", c.template_text}, {"variables", c.variables}});
  std::ofstream(dir / "script.py") << kRenderer;
  std::ofstream(dir / "in.json") << input.dump();
  const std::string command = "python3 '" + (dir / "script.py").string() + "' '" +
                              (dir / "in.json").string() + "' '" + (dir / "out.json").string() +
                              "'";
  std::vector<std::string> out;
  if (std::system(command.c_str()) == 0) {  // NOLINT(cert-env33-c)
    std::ifstream in(dir / "out.json");
    out = nlohmann::json::parse(in).get<std::vector<std::string>>();
  }
  fs::remove_all(dir);
  return out;
}

}  // namespace hems::ha::test
