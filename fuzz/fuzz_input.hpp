#pragma once

// Reads a fuzz input front to back as small numbers and byte runs. Past the end it returns
// zeros and empty runs, so a target can always finish the step it started.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "hems/common/bytes.hpp"

namespace hems::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  std::size_t left() const { return size_ - pos_; }

  std::uint8_t byte() { return empty() ? 0 : data_[pos_++]; }
  std::uint16_t u16() { return static_cast<std::uint16_t>((byte() << 8) | byte()); }

  // Up to `count` bytes (fewer at the end).
  ByteView take(std::size_t count) {
    count = std::min(count, left());
    const ByteView run(data_ + pos_, count);
    pos_ += count;
    return run;
  }
  ByteView rest() { return take(left()); }

  // The bytes up to the next `separator` (which is consumed) or to the end.
  std::string until(std::uint8_t separator) {
    std::string text;
    while (!empty()) {
      const std::uint8_t c = byte();
      if (c == separator)
        break;
      text.push_back(static_cast<char>(c));
    }
    return text;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// Fuzz targets report a broken invariant by aborting, which the fuzzer records as a crash. The
// message says which one, for whoever replays the input.
[[noreturn]] void fail(const std::string& invariant);

}  // namespace hems::fuzz
