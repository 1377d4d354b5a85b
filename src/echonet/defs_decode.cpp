#include <bit>
#include <cstdarg>
#include <cstdio>

#include "defs_codec.hpp"
#include "hems/echonet/definitions.hpp"

namespace hems::echonet::defs {

namespace detail {

std::string text(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::va_list copy;
  va_copy(copy, args);
  int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string out(length > 0 ? static_cast<std::size_t>(length) : 0, '\0');
  if (length > 0)
    std::vsnprintf(out.data(), out.size() + 1, format, args);
  va_end(args);
  return out;
}

std::string hex_code(std::uint64_t code, std::size_t size) {
  int digits = size == 0 ? 2 : static_cast<int>(2 * size);
  return text("0x%0*llX", digits, static_cast<unsigned long long>(code));
}

std::string range_text(const TypeDef& type) {
  std::string out;
  if (type.kind == Kind::number && type.exponent < 0) {
    double scale = power_of_ten(type.exponent);
    int decimals = -type.exponent;
    out = text("%.*f..%.*f", decimals, static_cast<double>(type.min) * scale, decimals,
               static_cast<double>(type.max) * scale);
  } else if (type.kind == Kind::number) {
    auto scale = static_cast<long long>(power_of_ten(type.exponent));
    out = text("%lld..%lld", static_cast<long long>(type.min) * scale,
               static_cast<long long>(type.max) * scale);
  } else if (type.kind == Kind::level) {
    out = text("%lld..%lld", static_cast<long long>(type.value_first),
               static_cast<long long>(type.value_first + (type.max - type.min)));
  } else {
    out = text("%lld..%lld", static_cast<long long>(type.min), static_cast<long long>(type.max));
  }
  if (type.kind == Kind::number && type.unit != 0) {
    // Appended piece by piece: GCC 12 at -O2 reports a false -Wrestrict on `" " + std::string`.
    out += ' ';
    out += tables().units[type.unit];
  }
  return out;
}

}  // namespace detail

namespace {

using detail::hex_code;
using detail::read_be;
using detail::text;
using detail::type_at;
using nlohmann::json;

Result<json> decode_type(std::uint16_t type_index, ByteView edt);

Result<json> wrong_size(const TypeDef& type, std::size_t got) {
  return fail(text("expected %u bytes, got %zu", unsigned{type.size}, got));
}

Result<json> prefixed(std::string_view prefix, const Error& error) {
  return fail(std::string(prefix) + ": " + error.message);
}

std::int64_t signed_value(std::uint64_t raw, std::size_t size, bool is_signed) {
  if (!is_signed || size >= 8)
    return static_cast<std::int64_t>(raw);
  std::uint64_t sign = 1ULL << (8 * size - 1);
  return static_cast<std::int64_t>(raw ^ sign) - static_cast<std::int64_t>(sign);
}

json scaled(std::int64_t raw, int exponent) {
  if (exponent >= 0)
    return raw * static_cast<std::int64_t>(detail::power_of_ten(exponent));
  // Dividing by an exact power of ten gives the double nearest the decimal value (23.5, 0.1).
  return static_cast<double>(raw) / detail::power_of_ten(-exponent);
}

Result<json> decode_number(const TypeDef& type, ByteView edt) {
  if (edt.size() != type.size)
    return wrong_size(type, edt.size());
  std::int64_t raw = signed_value(read_be(edt), type.size, type.is_signed);
  if (type.value_first == 1) {  // only the listed values
    for (std::int64_t v : tables().allowed.subspan(type.extra_first, type.extra_count))
      if (v == raw)
        return scaled(raw, type.exponent);
    return fail(text("%lld is not one of the defined values", static_cast<long long>(raw)));
  }
  if (raw >= type.min && raw <= type.max)
    return scaled(raw, type.exponent);
  if ((type.overflow_code && raw == detail::overflow_code(type.size, type.is_signed)) ||
      (type.underflow_code && raw == detail::underflow_code(type.size, type.is_signed)))
    return json(nullptr);
  return fail(hex_code(read_be(edt), type.size) + " is outside " + detail::range_text(type));
}

json entry_value(const EnumEntry& entry) {
  switch (entry.meaning) {
    case EnumMeaning::yes:
      return true;
    case EnumMeaning::no:
      return false;
    case EnumMeaning::sentinel:
      return nullptr;
    case EnumMeaning::name:
      break;
  }
  return std::string(entry.name);
}

// A state, numeric value or level given its code (the whole EDT, or a bitmap field's bits).
Result<json> decode_code(const TypeDef& type, std::uint64_t code) {
  if (type.kind == Kind::state) {
    for (const EnumEntry& e : tables().enums.subspan(type.first, type.count))
      if (code >= e.first && code <= e.last)
        return entry_value(e);
    return fail(hex_code(code, type.size) + " is not a defined code");
  }
  if (type.kind == Kind::numeric_value) {
    for (const NumericValueEntry& e : tables().numeric_values.subspan(type.first, type.count))
      if (code == e.edt)
        return e.value;
    return fail(hex_code(code, type.size) + " is not a defined code");
  }
  auto signed_code = static_cast<std::int64_t>(code);  // a level
  if (signed_code < type.min || signed_code > type.max)
    return fail(hex_code(code, type.size) + " is not a level code (" +
                hex_code(static_cast<std::uint64_t>(type.min), type.size) + ".." +
                hex_code(static_cast<std::uint64_t>(type.max), type.size) + ")");
  return type.value_first + (signed_code - type.min);
}

Result<json> decode_bitmap(const TypeDef& type, ByteView edt) {
  if (edt.size() != type.size)
    return wrong_size(type, edt.size());
  json out = json::object();
  for (const BitmapField& f : tables().bitmap_fields.subspan(type.first, type.count)) {
    auto shift = static_cast<unsigned>(std::countr_zero(f.mask));
    auto bits = static_cast<std::uint64_t>((edt[f.byte_index] & f.mask) >> shift);
    auto value = decode_code(type_at(f.type), bits);
    if (!value)
      return prefixed(f.name, value.error());
    out[std::string(f.name)] = std::move(*value);
  }
  return out;
}

bool valid_day(unsigned month, unsigned day) {
  // 29 February is accepted in any year: checking a device's calendar is not our job.
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 && day >= 1 && day <= kDays[month - 1];
}

Result<std::string> decode_clock(ByteView edt, unsigned max_hour) {
  unsigned hour = edt[0];
  unsigned minute = edt[1];
  unsigned second = edt.size() > 2 ? edt[2] : 0;
  if (hour > max_hour || minute > 59 || second > 59)
    return fail(to_hex(edt) + " is not a valid time");
  if (edt.size() > 2)
    return text("%02u:%02u:%02u", hour, minute, second);
  return text("%02u:%02u", hour, minute);
}

Result<json> decode_date_time(const TypeDef& type, ByteView edt) {
  if (edt.size() != type.size)
    return wrong_size(type, edt.size());
  auto year = static_cast<unsigned>(read_be(edt.first(2)));
  unsigned month = edt[2];
  unsigned day = edt[3];
  if (!valid_day(month, day))
    return fail(to_hex(edt) + " is not a valid date");
  std::string date = text("%04u-%02u-%02u", year, month, day);
  if (type.kind == Kind::date)
    return date;
  auto clock = decode_clock(edt.subspan(4), 23);
  if (!clock)
    return fail(to_hex(edt) + " is not a valid date and time");
  return date + "T" + *clock;
}

Result<json> decode_array(const TypeDef& type, ByteView edt) {
  auto item_size = static_cast<std::size_t>(type.value_first);
  if (edt.size() % item_size != 0)
    return fail(text("%zu bytes is not a whole number of %zu-byte items", edt.size(), item_size));
  auto items = static_cast<std::int64_t>(edt.size() / item_size);
  if (items < type.min || items > type.max)
    return fail(text("%lld items, expected %lld..%lld", static_cast<long long>(items),
                     static_cast<long long>(type.min), static_cast<long long>(type.max)));
  json out = json::array();
  for (std::size_t i = 0; i < edt.size(); i += item_size) {
    auto value = decode_type(type.item, edt.subspan(i, item_size));
    if (!value)
      return prefixed(text("item %zu", i / item_size), value.error());
    out.push_back(std::move(*value));
  }
  return out;
}

Result<json> decode_object(const TypeDef& type, ByteView edt) {
  if (type.size != 0 && edt.size() != type.size)
    return wrong_size(type, edt.size());
  json out = json::object();
  std::size_t offset = 0;
  auto fields = tables().object_fields.subspan(type.first, type.count);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const TypeDef& field_type = type_at(fields[i].type);
    // Only the last field may vary in size (the generator checks that); it takes the rest.
    std::size_t size = field_type.size != 0 ? field_type.size : edt.size() - offset;
    if (offset + size > edt.size())
      return fail(text("%zu bytes is too short", edt.size()));
    auto value = decode_type(fields[i].type, edt.subspan(offset, size));
    if (!value)
      return prefixed(fields[i].name, value.error());
    out[std::string(fields[i].name)] = std::move(*value);
    offset += size;
  }
  if (offset != edt.size())
    return fail(text("%zu bytes, expected %zu", edt.size(), offset));
  return out;
}

Result<json> decode_one_of(const TypeDef& type, ByteView edt) {
  auto alternatives = tables().alternatives.subspan(type.first, type.count);
  bool out_of_range = false;  // a number's overflow code, unless another reading fits
  std::string errors;
  // Enumerated codes are exact, so they go before numbers whose codes might cover them.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < alternatives.size(); ++i) {
      const TypeDef& alt = type_at(alternatives[i].type);
      if ((alt.kind == Kind::state) != (pass == 0))
        continue;
      if (alt.size != 0 && alt.size != edt.size())
        continue;
      auto value = decode_type(alternatives[i].type, edt);
      if (!value) {
        errors += (errors.empty() ? "" : "; ") + value.error().message;
        continue;
      }
      if (alt.kind == Kind::number && value->is_null()) {
        out_of_range = true;
        continue;
      }
      if (alternatives[i].tagged)
        return json{{"alternative", i}, {"value", std::move(*value)}};
      return value;
    }
  }
  if (out_of_range)
    return json(nullptr);
  if (errors.empty())
    return fail(text("no definition is %zu bytes long", edt.size()));
  return fail(errors);
}

Result<json> decode_type(std::uint16_t type_index, ByteView edt) {
  const TypeDef& type = type_at(type_index);
  switch (type.kind) {
    case Kind::number:
      return decode_number(type, edt);
    case Kind::state:
    case Kind::numeric_value:
    case Kind::level:
      if (edt.size() != type.size)
        return wrong_size(type, edt.size());
      return decode_code(type, read_be(edt));
    case Kind::bitmap:
      return decode_bitmap(type, edt);
    case Kind::raw:
      if (static_cast<std::int64_t>(edt.size()) < type.min ||
          static_cast<std::int64_t>(edt.size()) > type.max)
        return fail(text("expected %lld..%lld bytes, got %zu", static_cast<long long>(type.min),
                         static_cast<long long>(type.max), edt.size()));
      return to_hex(edt);
    case Kind::date:
    case Kind::date_time:
      return decode_date_time(type, edt);
    case Kind::time: {
      if (edt.size() != type.size)
        return wrong_size(type, edt.size());
      auto clock = decode_clock(edt, static_cast<unsigned>(type.max));
      if (!clock)
        return std::unexpected(clock.error());
      return *clock;
    }
    case Kind::array:
      return decode_array(type, edt);
    case Kind::object:
      return decode_object(type, edt);
    case Kind::one_of:
      return decode_one_of(type, edt);
  }
  return fail("unknown definition kind");
}

}  // namespace

Result<json> decode_value(std::uint16_t class_code, const PropertyDef& property, ByteView edt) {
  (void)class_code;  // the definition already belongs to its class
  auto value = decode_type(property.type, edt);
  if (!value)
    return fail(std::string(property.name) + " (" + hex_key(property.epc) +
                "): " + value.error().message);
  return value;
}

}  // namespace hems::echonet::defs
