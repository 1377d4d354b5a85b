#pragma once

#include <expected>
#include <string>
#include <utility>

namespace hems {

// An error inside a protocol core: a message a person can act on.
struct Error {
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

}  // namespace hems
