#pragma once

// A varied set of frames built with our encoder's inputs, together with what each one is meant
// to say, for another implementation to parse.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hems/echonet/frame.hpp"

namespace hems::crosscheck {

struct SampleFrame {
  std::string name;
  echonet::Frame frame;
  // For each property-map property (0x9D/0x9E/0x9F), the EPCs it is meant to list, ascending.
  std::map<std::uint8_t, std::vector<std::uint8_t>> maps;
};

std::vector<SampleFrame> sample_frames();

}  // namespace hems::crosscheck
