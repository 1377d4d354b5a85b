// Historical data: E2/E4 with E5, EC with ED, EE with EF, and the SetC values that select them.

#include <string>
#include <string_view>

#include "smart_meter_fields.hpp"

namespace hems::echonet::smart_meter {
namespace {

constexpr std::size_t kHistoryDaySlots = 48;
constexpr std::uint8_t kDayNotSet = 0xFF;
constexpr std::uint16_t kYearNotSet = 0xFFFF;

// The two "history N" families differ only in EPCs, slot limit and minute granularity.
struct PairsFormat {
  std::uint8_t data_epc;
  std::uint8_t setting_epc;
  std::uint8_t max_count;
  bool half_hours_only;  // history 2 starts on :00 or :30
};
constexpr PairsFormat kHistory2{epc::history2, epc::history2_setting, 12, true};
constexpr PairsFormat kHistory3{epc::history3, epc::history3_setting, 10, false};

std::string who(std::uint8_t epc) {
  return "EPC " + detail::hex_byte(epc);
}

Result<void> check_start(const PairsFormat& format, std::string_view label, const DateTime& at) {
  if (format.half_hours_only && at.minute != 0 && at.minute != 30) {
    return fail(std::string(label) + ": minute " + std::to_string(at.minute) + " must be 0 or 30");
  }
  return {};
}

// Reads YYYY MM DD hh mm n (6 + 1 bytes) and checks them against `format`.
Result<HistorySetting> read_setting(const PairsFormat& format, ByteView edt) {
  const std::string label = who(format.setting_epc);
  HistorySetting setting;
  setting.count = edt[6];
  if (detail::read_u16(edt, 0) == kYearNotSet)
    return setting;
  auto at = detail::read_date_time(label, edt, 0, false);
  if (!at)
    return std::unexpected(at.error());
  if (auto ok = check_start(format, label, *at); !ok)
    return std::unexpected(ok.error());
  if (auto ok = detail::check_range(label, "slot count", setting.count, 1, format.max_count); !ok) {
    return std::unexpected(ok.error());
  }
  setting.at = *at;
  return setting;
}

Result<HistoryPairs> decode_pairs(const PairsFormat& format, ByteView edt) {
  const std::string label = who(format.data_epc);
  if (edt.size() < 7) {
    return fail(label + ": EDT is " + std::to_string(edt.size()) +
                " bytes, expected at least 7 (date, time, slot count)");
  }
  const std::size_t count = edt[6];
  if (auto ok = detail::check_range(label, "slot count", static_cast<unsigned>(count), 1,
                                    format.max_count);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = detail::expect_size(format.data_epc, edt, 7 + 8 * count); !ok) {
    return std::unexpected(ok.error());
  }
  auto at = detail::read_date_time(label, edt, 0, false);
  if (!at)
    return std::unexpected(at.error());
  if (auto ok = check_start(format, label, *at); !ok)
    return std::unexpected(ok.error());

  HistoryPairs pairs{*at, {}};
  pairs.slots.reserve(count);
  for (std::size_t slot = 0; slot < count; ++slot) {
    const std::size_t offset = 7 + 8 * slot;
    auto normal = detail::read_counter(label, edt, offset);
    if (!normal)
      return std::unexpected(normal.error());
    auto reverse = detail::read_counter(label, edt, offset + 4);
    if (!reverse)
      return std::unexpected(reverse.error());
    pairs.slots.push_back(EnergyPair{*normal, *reverse});
  }
  return pairs;
}

Result<HistorySetting> decode_setting(const PairsFormat& format, ByteView edt) {
  if (auto ok = detail::expect_size(format.setting_epc, edt, 7); !ok) {
    return std::unexpected(ok.error());
  }
  return read_setting(format, edt);
}

Result<Property> make_setting(const PairsFormat& format, const DateTime& at, std::uint8_t count) {
  const std::string label = who(format.setting_epc);
  DateTime start = at;
  start.second = 0;  // the property has no seconds field
  if (auto ok = detail::check_date_time(label, start); !ok)
    return std::unexpected(ok.error());
  if (auto ok = check_start(format, label, start); !ok)
    return std::unexpected(ok.error());
  if (auto ok = detail::check_range(label, "slot count", count, 1, format.max_count); !ok) {
    return std::unexpected(ok.error());
  }
  Property property{format.setting_epc, {}};
  echonet::detail::append_u16(property.edt, start.year);
  property.edt.insert(property.edt.end(),
                      {start.month, start.day, start.hour, start.minute, count});
  return property;
}

}  // namespace

Result<HistoryDay> decode_history_day(ByteView edt) {
  // E2 and E4 share the format, so errors name both.
  const std::string label = "EPC 0xE2/0xE4";
  const std::size_t expected = 2 + 4 * kHistoryDaySlots;
  if (edt.size() != expected) {
    return fail(label + ": EDT is " + std::to_string(edt.size()) + " bytes, expected " +
                std::to_string(expected));
  }
  HistoryDay history;
  history.day = detail::read_u16(edt, 0);
  if (history.day != HistoryDay::kNotSet) {
    if (auto ok = detail::check_range(label, "day", history.day, 0, 99); !ok) {
      return std::unexpected(ok.error());
    }
  }
  history.slots.reserve(kHistoryDaySlots);
  for (std::size_t slot = 0; slot < kHistoryDaySlots; ++slot) {
    auto value = detail::read_counter(label, edt, 2 + 4 * slot);
    if (!value)
      return std::unexpected(value.error());
    history.slots.push_back(*value);
  }
  return history;
}

Result<std::optional<std::uint8_t>> decode_history_day_setting(ByteView edt) {
  if (auto ok = detail::expect_size(epc::history_day, edt, 1); !ok) {
    return std::unexpected(ok.error());
  }
  if (edt[0] == kDayNotSet)
    return std::optional<std::uint8_t>{};
  if (auto ok = detail::check_range("EPC 0xE5", "day", edt[0], 0, 99); !ok) {
    return std::unexpected(ok.error());
  }
  return std::optional<std::uint8_t>{edt[0]};
}

Result<HistoryPairs> decode_history2(ByteView edt) {
  return decode_pairs(kHistory2, edt);
}
Result<HistoryPairs> decode_history3(ByteView edt) {
  return decode_pairs(kHistory3, edt);
}

Result<HistorySetting> decode_history2_setting(ByteView edt) {
  return decode_setting(kHistory2, edt);
}
Result<HistorySetting> decode_history3_setting(ByteView edt) {
  return decode_setting(kHistory3, edt);
}

Result<Property> make_history_day_setting(std::uint8_t day) {
  if (auto ok = detail::check_range("EPC 0xE5", "day", day, 0, 99); !ok) {
    return std::unexpected(ok.error());
  }
  return Property{epc::history_day, Bytes{day}};
}

Result<Property> make_history2_setting(const DateTime& at, std::uint8_t count) {
  return make_setting(kHistory2, at, count);
}
Result<Property> make_history3_setting(const DateTime& at, std::uint8_t count) {
  return make_setting(kHistory3, at, count);
}

}  // namespace hems::echonet::smart_meter
