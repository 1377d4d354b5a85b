#pragma once

// Private helpers shared by the smart-meter decoders: date/time fields and counter values, each
// checked against its documented range, with errors that name the EPC.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "big_endian.hpp"
#include "hems/echonet/smart_meter.hpp"

namespace hems::echonet::smart_meter::detail {

using echonet::detail::epc_prefix;
using echonet::detail::expect_size;
using echonet::detail::hex_byte;
using echonet::detail::read_u16;
using echonet::detail::read_u32;

inline constexpr std::uint32_t kNoData32 = 0xFFFFFFFE;

// Checks every field of `at` (year 1..9999, a real calendar day, hh:mm:ss in range).
// `who` starts every error message, e.g. "EPC 0xEA/0xEB".
Result<void> check_date_time(std::string_view who, const DateTime& at);
Result<void> check_date(std::string_view who, std::uint16_t year, std::uint8_t month,
                        std::uint8_t day);
Result<void> check_range(std::string_view who, std::string_view field, unsigned value, unsigned low,
                         unsigned high);

// Reads YYYY(2) MM DD hh mm [ss] at `offset` (7 bytes with seconds, 6 without) and checks it.
Result<DateTime> read_date_time(std::string_view who, ByteView edt, std::size_t offset,
                                bool with_seconds);

// A cumulative counter value: 0xFFFFFFFE is "no data", above 99,999,999 is an error.
Result<Measured<std::uint32_t>> read_counter(std::string_view who, ByteView edt,
                                             std::size_t offset);

}  // namespace hems::echonet::smart_meter::detail
