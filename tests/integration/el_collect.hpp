#pragma once

// Gathering ECHONET Lite frames from several senders on a rig socket, with bounded waits.

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "el_bytes.hpp"
#include "netns.hpp"

namespace hems::testing::el {

struct Answer {
  NetnsDatagram datagram;
  Frame frame;
};

// Receives until every address in `from` has sent a frame that `match` accepts, or the deadline.
// Matching frames from `also_from` are kept too but not waited for. `resend` (if set) runs at the
// start and every 2 s, as a real controller repeats a discovery.
inline std::map<std::string, Answer> collect(NetnsUdpSocket& socket,
                                             const std::set<std::string>& from,
                                             const std::function<bool(const Frame&)>& match,
                                             std::chrono::milliseconds timeout,
                                             const std::function<void()>& resend = {},
                                             const std::set<std::string>& also_from = {}) {
  std::map<std::string, Answer> answers;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto next_send = std::chrono::steady_clock::now();
  auto complete = [&] {
    return std::ranges::all_of(from, [&](const auto& a) { return answers.contains(a); });
  };
  while (!complete()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      break;
    if (resend && now >= next_send) {
      resend();
      next_send = now + std::chrono::seconds(2);
    }
    const auto wait = std::min(deadline, resend ? next_send : deadline) - now;
    auto d = socket.receive(std::chrono::ceil<std::chrono::milliseconds>(wait));
    if (!d || !(from.contains(d->from) || also_from.contains(d->from)))
      continue;
    auto frame = parse(d->payload);
    if (frame && match(*frame)) {
      const std::string address = d->from;  // before *d is moved into the answer
      answers.emplace(address, Answer{std::move(*d), std::move(*frame)});
    }
  }
  return answers;
}

}  // namespace hems::testing::el
