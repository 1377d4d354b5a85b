#include "hems/app/announced.hpp"

#include "hems/ha/removals.hpp"

namespace hems::app {

std::string payload_fingerprint(std::string_view payload) {
  if (payload.empty())
    return {};
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : payload) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4)
    out[static_cast<std::size_t>(i)] = kDigits[hash & 0xF];
  return out;
}

Announced::Update Announced::update(std::vector<ha::DiscoveryMessage> next, bool force) {
  std::vector<ha::DiscoveryMessage> fingerprinted;
  fingerprinted.reserve(next.size());
  for (const auto& m : next)
    fingerprinted.push_back({m.topic, payload_fingerprint(m.payload)});
  Update out;
  out.changed = fingerprinted != told_;
  if (!force && !out.changed)
    return out;
  for (const auto& removal : ha::removals(told_, fingerprinted))
    out.messages.push_back(mqtt::Message{removal.topic, "", 1, true});
  for (auto& m : next)
    out.messages.push_back(mqtt::Message{std::move(m.topic), std::move(m.payload), 1, true});
  told_ = std::move(fingerprinted);
  return out;
}

}  // namespace hems::app
