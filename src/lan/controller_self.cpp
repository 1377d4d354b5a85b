// The controller's own node: answering other controllers' Gets and INF_REQs of our node profile
// and controller object, and remembering what we multicast so that it is never taken for
// someone else's request if it comes back to us.

#include <algorithm>

#include "controller_internal.hpp"
#include "hems/lan/controller.hpp"
#include "self_node.hpp"

namespace hems::lan {
using namespace detail;
namespace esv = echonet::esv;

namespace {
constexpr std::size_t kOwnMulticastsKept = 8;
}  // namespace

void Controller::on_request(const std::string& from, const echonet::Frame& frame) {
  std::optional<echonet::Frame> answer = answer_self_request(frame);
  if (!answer) {
    log(LogLevel::debug, "ignored " + echonet::esv_name(frame.esv) + " from " + from + " to " +
                             frame.deoj.to_string() + " with " +
                             std::to_string(frame.properties.size()) + " properties");
    return;
  }
  // A group source is forged or broken: an answer there would go to everyone, or nowhere.
  if (is_group_or_unspecified(from)) {
    log(LogLevel::debug, "ignored " + echonet::esv_name(frame.esv) + " from group address " + from);
    return;
  }
  const Bytes payload = echonet::encode(*answer);
  log(LogLevel::debug, "answered " + echonet::esv_name(frame.esv) + " TID " + hex16(frame.tid) +
                           " from " + from + " with " + echonet::esv_name(answer->esv));
  // An INF answering an INF_REQ goes to every node, in the requester's address family; the
  // family's group when we use it, else the requester alone. Everything else goes back to the
  // requester.
  const bool v6 = from.find(':') != std::string::npos;
  if (answer->esv == esv::inf && (v6 ? config_.ipv6 : config_.ipv4)) {
    send_multicast(v6 ? kMulticastV6 : kMulticastV4, payload);
    return;
  }
  actions_.push_back(SendDatagram{from, false, payload});
}

void Controller::send_multicast(const char* group, const Bytes& payload) {
  if (std::find(own_multicasts_.begin(), own_multicasts_.end(), payload) == own_multicasts_.end())
    own_multicasts_.push_back(payload);
  while (own_multicasts_.size() > kOwnMulticastsKept)
    own_multicasts_.pop_front();
  actions_.push_back(SendDatagram{group, true, payload});
}

// The same bytes, TID included, from another node would be a coincidence we accept: at worst one
// of its requests goes unanswered, and it asks again with another TID.
bool Controller::is_own_multicast(ByteView payload) const {
  return std::any_of(own_multicasts_.begin(), own_multicasts_.end(), [&](const Bytes& sent) {
    return std::equal(sent.begin(), sent.end(), payload.begin(), payload.end());
  });
}

}  // namespace hems::lan
