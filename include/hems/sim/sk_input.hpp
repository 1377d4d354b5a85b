#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hems/common/bytes.hpp"

namespace hems::sim {

// One unit of host input: a command line, or an SKSENDTO header plus its raw payload.
struct SkInput {
  enum class Kind {
    line,               // `text` is the line without its terminator
    sendto,             // `text` is the header including its trailing space; `data` the payload
    sendto_bad_length,  // SKSENDTO header whose DATALEN is 0 or above 0x04D0
    overlong,           // a line too long for the dongle's buffer; discarded
  };
  Kind kind = Kind::line;
  std::string text;
  Bytes data;
};

// Splits the host's byte stream the way the dongle reads it: lines end at CR or LF (empty
// lines vanish, so a CRLF after SKSENDTO data is harmless), except that an SKSENDTO header
// with `sendto_tokens` tokens and a trailing space switches to reading exactly DATALEN raw bytes.
class SkInputAssembler {
 public:
  explicit SkInputAssembler(std::size_t sendto_tokens) : sendto_tokens_(sendto_tokens) {}

  std::vector<SkInput> feed(ByteView bytes);
  void reset();

  static constexpr std::size_t kMaxLine = 2048;
  static constexpr std::size_t kMaxData = 0x04D0;

 private:
  void check_sendto_header(std::vector<SkInput>& out);

  std::size_t sendto_tokens_;
  std::string line_;
  bool overlong_ = false;
  bool in_data_ = false;
  std::size_t data_remaining_ = 0;
  SkInput pending_;
};

// Splits on runs of spaces.
std::vector<std::string> split_tokens(std::string_view text);

}  // namespace hems::sim
