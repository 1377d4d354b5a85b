#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <ios>
#include <iterator>
#include <string>

#include "config_steps.hpp"

namespace hems::app::detail {
namespace {

struct SecretFile {
  std::string secret_name;  // "meter.password"
  std::string file_name;    // "meter.password_file"
  std::string& secret;
  const std::string& file;
};

void read_secret_file(const SecretFile& entry, LoadContext& context) {
  if (entry.file.empty())
    return;
  if (!entry.secret.empty()) {
    context.error(entry.file_name, entry.secret_name + " and " + entry.file_name +
                                       " are both set; use only one of them");
    return;
  }
  // Both a failed open and a failed read (a directory opens, then cannot be read) end here.
  const auto unreadable = [&] {
    context.error(entry.file_name, "cannot read " + entry.file_name + " '" + entry.file +
                                       "': " + std::strerror(errno));
  };
  std::ifstream in(entry.file, std::ios::binary);
  if (!in) {
    unreadable();
    return;
  }
  std::string contents;
  try {
    contents.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {
    // libstdc++'s filebuf throws on a failed read whatever the stream's exception mask says
    // (errno is still EISDIR, or whatever read() set).
    unreadable();
    return;
  }
  // Secret files usually end with a newline (echo, Docker and systemd credentials).
  while (!contents.empty() && (contents.back() == '\n' || contents.back() == '\r')) {
    contents.pop_back();
  }
  entry.secret = std::move(contents);
  context.copy_origin(entry.file_name, entry.secret_name);
}

}  // namespace

void read_secret_files(Config& config, LoadContext& context) {
  const std::array entries{
      SecretFile{"mqtt.password", "mqtt.password_file", config.mqtt.password,
                 config.mqtt.password_file},
      SecretFile{"meter.password", "meter.password_file", config.meter.password,
                 config.meter.password_file},
      SecretFile{"meter.id", "meter.id_file", config.meter.id, config.meter.id_file},
  };
  for (const SecretFile& entry : entries)
    read_secret_file(entry, context);
}

}  // namespace hems::app::detail
