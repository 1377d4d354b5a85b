#include <array>
#include <cstdio>

#include "big_endian.hpp"
#include "hems/echonet/frame.hpp"

namespace hems::echonet {

std::string Eoj::to_string() const {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "0x%06X", static_cast<unsigned>(code()));
  return buffer.data();
}

bool is_failure_esv(std::uint8_t esv) {
  return esv >= 0x50 && esv <= 0x5F;
}

bool has_two_lists(std::uint8_t esv) {
  return esv == esv::set_get || esv == esv::set_get_res || esv == esv::set_get_sna;
}

std::string esv_name(std::uint8_t code) {
  switch (code) {
    case esv::set_i:
      return "SetI";
    case esv::set_c:
      return "SetC";
    case esv::get:
      return "Get";
    case esv::inf_req:
      return "INF_REQ";
    case esv::set_get:
      return "SetGet";
    case esv::set_res:
      return "Set_Res";
    case esv::get_res:
      return "Get_Res";
    case esv::inf:
      return "INF";
    case esv::infc:
      return "INFC";
    case esv::infc_res:
      return "INFC_Res";
    case esv::set_get_res:
      return "SetGet_Res";
    case esv::set_i_sna:
      return "SetI_SNA";
    case esv::set_c_sna:
      return "SetC_SNA";
    case esv::get_sna:
      return "Get_SNA";
    case esv::inf_sna:
      return "INF_SNA";
    case esv::set_get_sna:
      return "SetGet_SNA";
    default:
      return detail::hex_byte(code);
  }
}

namespace detail {

std::string hex_byte(std::uint8_t value) {
  const std::uint8_t one[] = {value};
  return "0x" + to_hex(one);
}

std::string epc_prefix(std::uint8_t epc) {
  return "EPC " + hex_byte(epc) + ": ";
}

Result<void> expect_size(std::uint8_t epc, ByteView edt, std::size_t expected) {
  if (edt.size() == expected)
    return {};
  return fail(epc_prefix(epc) + "EDT is " + std::to_string(edt.size()) + " bytes, expected " +
              std::to_string(expected));
}

}  // namespace detail
}  // namespace hems::echonet
