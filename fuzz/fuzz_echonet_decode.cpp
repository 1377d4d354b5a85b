// Fuzzes the ECHONET Lite frame decoder: any input must decode or fail cleanly, and a decoded
// frame must survive encode() and decode() unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "hems/common/bytes.hpp"
#include "hems/echonet/frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const hems::ByteView input(data, size);
  auto frame = hems::echonet::decode(input);
  if (!frame)
    return 0;
  const hems::Bytes encoded = hems::echonet::encode(*frame);
  auto again = hems::echonet::decode(encoded);
  if (!again || !(*again == *frame))
    std::abort();
  return 0;
}
