#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hems/common/bytes.hpp"

// One ECHONET Lite object of the LAN simulator: its properties, their access rules and the
// checks a Set must pass.
namespace hems::sim {

namespace lan_access {
inline constexpr std::uint8_t kGet = 0x01;
inline constexpr std::uint8_t kSet = 0x02;
inline constexpr std::uint8_t kAnno = 0x04;  // listed in 0x9D: a change is announced by INF
}  // namespace lan_access

// What a Set must look like to be accepted. A value passes when its size matches and it is one
// of `codes` (1-byte enumerations) or inside `min`..`max` (a big-endian number).
struct LanSetRule {
  std::uint8_t size = 1;  // 0: any size from 1 to 32 bytes (maker-specific raw data)
  std::vector<std::uint8_t> codes;
  bool has_range = false;
  bool is_signed = false;
  std::int64_t min = 0;
  std::int64_t max = 0;
  // A second accepted form: `alt_size` bytes beginning with `alt_lead` (0x81's 17-byte form).
  std::uint8_t alt_size = 0;
  std::uint8_t alt_lead = 0;
};

struct LanProperty {
  std::uint8_t epc = 0;
  std::uint8_t access = 0;
  Bytes value;
  LanSetRule rule;
};

class LanObject {
 public:
  LanObject(std::uint32_t eoj, std::vector<LanProperty> properties);

  std::uint32_t eoj() const { return eoj_; }
  std::uint16_t class_code() const { return static_cast<std::uint16_t>(eoj_ >> 8); }

  const LanProperty* find(std::uint8_t epc) const;
  // The value a Get sees; nullopt when the property is missing or not readable.
  std::optional<Bytes> read(std::uint8_t epc) const;
  // A Set from the network: true when accepted (the value is stored).
  bool write(std::uint8_t epc, ByteView edt);
  // Stores a value without any checks (stdin `set`, the model); adds the property if missing.
  void force(std::uint8_t epc, Bytes value);
  bool announces(std::uint8_t epc) const;

  // EPCs that have all of `access` bits, ascending.
  std::vector<std::uint8_t> epcs_with(std::uint8_t access) const;

 private:
  LanProperty* find_mutable(std::uint8_t epc);
  void refresh_maps();

  std::uint32_t eoj_;
  std::vector<LanProperty> properties_;
};

// Helpers for big-endian numbers in EDTs.
Bytes lan_be_bytes(std::int64_t value, std::size_t size);
std::int64_t lan_be_value(ByteView bytes, bool is_signed);

}  // namespace hems::sim
