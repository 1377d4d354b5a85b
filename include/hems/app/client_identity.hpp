#pragma once

// The MQTT client id this bridge connects with. A broker keeps one connection per client id and
// closes the older one when a second client connects with the same id, so two bridges sharing an
// id throw each other off every few seconds. When [mqtt] client_id is left empty the id is made
// unique per instance and kept stable across restarts:
//   - made once as "hems2mqtt-<host>-<6 random hex digits>" and kept in
//     <state_dir>/mqtt-client-id (so a container whose host name changes keeps its id);
//   - that file is locked while the bridge runs; a second bridge started on the same state_dir
//     cannot take the kept id and connects with a suffix of its own, and says why;
//   - when the state_dir cannot be written, a fresh id is made for this run, and that is said.

#include <string>
#include <string_view>
#include <vector>

#include "hems/app/config.hpp"

namespace hems::app {

class ClientIdentity {
 public:
  static constexpr const char* kFileName = "mqtt-client-id";

  static ClientIdentity resolve(const MqttConfig& mqtt, const std::string& state_dir);

  ClientIdentity(ClientIdentity&& other) noexcept;
  ClientIdentity& operator=(ClientIdentity&& other) noexcept;
  ClientIdentity(const ClientIdentity&) = delete;
  ClientIdentity& operator=(const ClientIdentity&) = delete;
  ~ClientIdentity();  // releases the lock

  const std::string& id() const { return id_; }
  // What the user should know about the choice (logged as warnings when the bridge starts).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  ClientIdentity() = default;
  std::string id_;
  std::vector<std::string> warnings_;
  int lock_fd_ = -1;
};

// "hems2mqtt-<host>-<suffix>", with the host name reduced to letters, digits and '-' (client ids
// end up in broker logs and ACL patterns) and shortened so the id stays readable.
std::string make_client_id(std::string_view host, std::string_view suffix);
// Six lower-case hex digits from the system's random source.
std::string random_suffix();

}  // namespace hems::app
