// Device superclass properties as the meter answers them: 80, 81, 82, 88, 8A, 8D, 97, 98.

#include <string>

#include "smart_meter_fields.hpp"

namespace hems::echonet::smart_meter {

using detail::expect_size;

Result<bool> decode_operation_status(ByteView edt) {
  if (auto ok = expect_size(epc::operation_status, edt, 1); !ok) {
    return std::unexpected(ok.error());
  }
  if (edt[0] == 0x30)
    return true;
  if (edt[0] == 0x31)
    return false;
  return fail("EPC 0x80: operation status " + detail::hex_byte(edt[0]) +
              " is neither 0x30 (ON) nor 0x31 (OFF)");
}

Result<InstallationLocation> decode_installation_location(ByteView edt) {
  if (edt.size() == 1)
    return InstallationLocation{edt[0], {}};
  if (edt.size() == 17) {
    if (edt[0] != 0x01) {
      return fail("EPC 0x81: the 17-byte form must start with 0x01, not " +
                  detail::hex_byte(edt[0]));
    }
    return InstallationLocation{edt[0], Bytes(edt.begin() + 1, edt.end())};
  }
  return fail("EPC 0x81: EDT is " + std::to_string(edt.size()) + " bytes, expected 1 or 17");
}

Result<StandardVersion> decode_standard_version(ByteView edt) {
  if (auto ok = expect_size(epc::standard_version, edt, 4); !ok) {
    return std::unexpected(ok.error());
  }
  if (edt[0] != 0 || edt[1] != 0) {
    return fail("EPC 0x82: bytes 1 and 2 must be 00 00, got " + to_hex(edt.first(2)));
  }
  if (edt[2] < 'A' || edt[2] > 'Z') {
    return fail("EPC 0x82: release " + detail::hex_byte(edt[2]) + " is not an ASCII letter A..Z");
  }
  return StandardVersion{static_cast<char>(edt[2]), edt[3]};
}

Result<bool> decode_fault_status(ByteView edt) {
  if (auto ok = expect_size(epc::fault_status, edt, 1); !ok)
    return std::unexpected(ok.error());
  if (edt[0] == 0x41)
    return true;
  if (edt[0] == 0x42)
    return false;
  return fail("EPC 0x88: fault status " + detail::hex_byte(edt[0]) +
              " is neither 0x41 (fault) nor 0x42 (no fault)");
}

Result<std::uint32_t> decode_manufacturer_code(ByteView edt) {
  if (auto ok = expect_size(epc::manufacturer_code, edt, 3); !ok) {
    return std::unexpected(ok.error());
  }
  return (std::uint32_t{edt[0]} << 16) | (std::uint32_t{edt[1]} << 8) | std::uint32_t{edt[2]};
}

Result<std::string> decode_serial_number(ByteView edt) {
  // The Appendix says 12 bytes; be lenient with meters that pad or shorten it.
  if (edt.empty() || edt.size() > 16)
    return fail("EPC 0x8D: expected 1 to 16 bytes, got " + std::to_string(edt.size()));
  const auto is_padding = [](std::uint8_t byte) { return byte == 0x00 || byte == ' '; };
  std::size_t begin = 0;
  std::size_t end = edt.size();
  while (begin < end && is_padding(edt[begin]))
    ++begin;
  while (end > begin && is_padding(edt[end - 1]))
    --end;
  std::string serial;
  for (std::size_t i = begin; i < end; ++i) {
    if (edt[i] < 0x20 || edt[i] > 0x7E) {
      return fail("EPC 0x8D: byte " + detail::hex_byte(edt[i]) + " at offset " + std::to_string(i) +
                  " is not printable ASCII");
    }
    serial.push_back(static_cast<char>(edt[i]));
  }
  return serial;
}

Result<TimeOfDay> decode_current_time(ByteView edt) {
  if (auto ok = expect_size(epc::current_time, edt, 2); !ok)
    return std::unexpected(ok.error());
  if (auto ok = detail::check_range("EPC 0x97", "hour", edt[0], 0, 23); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = detail::check_range("EPC 0x97", "minute", edt[1], 0, 59); !ok) {
    return std::unexpected(ok.error());
  }
  return TimeOfDay{edt[0], edt[1]};
}

Result<Date> decode_current_date(ByteView edt) {
  if (auto ok = expect_size(epc::current_date, edt, 4); !ok)
    return std::unexpected(ok.error());
  const Date date{detail::read_u16(edt, 0), edt[2], edt[3]};
  if (auto ok = detail::check_date("EPC 0x98", date.year, date.month, date.day); !ok) {
    return std::unexpected(ok.error());
  }
  return date;
}

}  // namespace hems::echonet::smart_meter
