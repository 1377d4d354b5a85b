#pragma once

// Why the broker cannot be reached, in words. Paho reports a failed TCP connect as a bare
// "Failure"; one connect of our own tells "connection refused" from "no answer" and from a host
// name that does not resolve, which is what a user needs to fix the address.

#include <chrono>
#include <cstdint>
#include <string>

namespace hems::mqtt {

// Tries a TCP connection to host:port (every address the name resolves to) and closes it.
// Returns "" when one succeeds, else the reason, e.g. "connection refused" or
// "no answer within 3 s". Blocks for at most about `timeout` per address.
std::string tcp_unreachable_reason(const std::string& host, std::uint16_t port,
                                   std::chrono::milliseconds timeout);

}  // namespace hems::mqtt
