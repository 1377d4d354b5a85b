#include <cmath>

#include "defs_codec.hpp"
#include "hems/echonet/definitions.hpp"

namespace hems::echonet::defs {

namespace {

using detail::append_be;
using detail::hex_code;
using detail::text;
using detail::type_at;
using nlohmann::json;

Result<void> encode_type(std::uint16_t type_index, const json& value, Bytes& out);

Result<void> prefixed(std::string_view prefix, const Error& error) {
  return fail(std::string(prefix) + ": " + error.message);
}

// "s" with its quotes. Built by appending: GCC 12 at -O2 reports a false -Wrestrict on
// `"\"" + std::string(s)`.
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

std::string shown(const json& value) {
  std::string dumped = value.dump();
  return dumped.size() > 40 ? dumped.substr(0, 37) + "..." : dumped;
}

// The raw integer for a number given in its unit, if it is a whole multiple of the step.
Result<std::int64_t> raw_number(const TypeDef& type, const json& value) {
  if (!value.is_number())
    return fail(shown(value) + " is not a number");
  if (value.is_number_integer() && type.exponent <= 0) {
    // Integers are exact; only their size needs checking before scaling.
    auto v = value.is_number_unsigned() ? static_cast<std::int64_t>(value.get<std::uint64_t>())
                                        : value.get<std::int64_t>();
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > (1ULL << 62))
      return fail(shown(value) + " is outside " + detail::range_text(type));
    auto factor = static_cast<std::int64_t>(detail::power_of_ten(-type.exponent));
    if (v > (std::int64_t{1} << 52) || v < -(std::int64_t{1} << 52))
      return fail(shown(value) + " is outside " + detail::range_text(type));
    return v * factor;
  }
  double scaled = value.get<double>() / detail::power_of_ten(type.exponent);
  if (!std::isfinite(scaled) || std::fabs(scaled) > 9.0e15)
    return fail(shown(value) + " is outside " + detail::range_text(type));
  double rounded = std::round(scaled);
  // Allow for the binary representation of decimals (1234.567 / 0.001), nothing more.
  if (std::fabs(scaled - rounded) > 1e-9 * std::fmax(1.0, std::fabs(scaled)))
    return fail(shown(value) + " is not a multiple of " +
                text("%g", detail::power_of_ten(type.exponent)));
  return static_cast<std::int64_t>(rounded);
}

Result<void> encode_number(const TypeDef& type, const json& value, Bytes& out) {
  auto raw = raw_number(type, value);
  if (!raw)
    return std::unexpected(raw.error());
  if (type.value_first == 1) {
    bool listed = false;
    for (std::int64_t v : tables().allowed.subspan(type.extra_first, type.extra_count))
      listed = listed || v == *raw;
    if (!listed)
      return fail(shown(value) + " is not one of the defined values");
  } else if (*raw < type.min || *raw > type.max) {
    return fail(shown(value) + " is outside " + detail::range_text(type));
  }
  append_be(out, static_cast<std::uint64_t>(*raw), type.size);
  return {};
}

std::string names_of(const TypeDef& type) {
  std::string names;
  for (const EnumEntry& e : tables().enums.subspan(type.first, type.count)) {
    if (e.read_only)
      continue;
    std::string name = e.meaning == EnumMeaning::yes        ? "true"
                       : e.meaning == EnumMeaning::no       ? "false"
                       : e.meaning == EnumMeaning::sentinel ? "null"
                                                            : std::string(e.name);
    names += (names.empty() ? "" : ", ") + name;
  }
  return names.empty() ? "nothing (read-only)" : names;
}

bool entry_matches(const EnumEntry& e, const json& value) {
  switch (e.meaning) {
    case EnumMeaning::yes:
      return value.is_boolean() && value.get<bool>();
    case EnumMeaning::no:
      return value.is_boolean() && !value.get<bool>();
    case EnumMeaning::sentinel:
      return value.is_null();
    case EnumMeaning::name:
      return value.is_string() && value.get_ref<const std::string&>() == e.name;
  }
  return false;
}

// The code of a state, numeric value or level (the whole EDT, or a bitmap field's bits).
Result<std::uint64_t> encode_code(const TypeDef& type, const json& value) {
  if (type.kind == Kind::state) {
    for (const EnumEntry& e : tables().enums.subspan(type.first, type.count)) {
      if (!entry_matches(e, value))
        continue;
      if (e.read_only)
        continue;      // another entry may carry the same meaning and be settable
      return e.first;  // a range of codes is set by its first code
    }
    return fail(shown(value) + " is not a settable value (expected " + names_of(type) + ")");
  }
  if (type.kind == Kind::numeric_value) {
    if (value.is_number()) {
      double v = value.get<double>();
      for (const NumericValueEntry& e : tables().numeric_values.subspan(type.first, type.count))
        if (std::fabs(v - e.value) <= 1e-9 * std::fabs(e.value))
          return e.edt;
    }
    return fail(shown(value) + " is not one of the defined values");
  }
  std::int64_t last = type.value_first + (type.max - type.min);  // a level
  // Whole numbers only, but 3.0 is accepted as 3: number entities send floats.
  double whole = value.is_number() ? value.get<double>() : 0.5;
  if (std::floor(whole) != whole || std::fabs(whole) > 1e15)
    return fail(shown(value) + " is not a level");
  auto level = static_cast<std::int64_t>(whole);
  if (level < type.value_first || level > last)
    return fail(shown(value) + " is outside " + detail::range_text(type));
  return static_cast<std::uint64_t>(type.min + (level - type.value_first));
}

Result<void> encode_bitmap(const TypeDef& type, const json& value, Bytes& out) {
  if (!value.is_object())
    return fail(shown(value) + " is not an object of bit fields");
  Bytes bytes(type.size, 0);
  for (const BitmapField& f : tables().bitmap_fields.subspan(type.first, type.count)) {
    auto it = value.find(std::string(f.name));
    if (it == value.end())
      return fail("missing field " + std::string(f.name));
    auto code = encode_code(type_at(f.type), *it);
    if (!code)
      return prefixed(f.name, code.error());
    unsigned shift = 0;
    while (((f.mask >> shift) & 1) == 0)
      ++shift;
    if (((*code << shift) & ~std::uint64_t{f.mask}) != 0)
      return fail(std::string(f.name) + ": " + shown(*it) + " does not fit its bits");
    bytes[f.byte_index] = static_cast<std::uint8_t>(bytes[f.byte_index] | (*code << shift));
  }
  out.insert(out.end(), bytes.begin(), bytes.end());
  return {};
}

// Reads `digits` decimal digits (or, with digits == 0, one to three) at `pos`.
std::optional<unsigned> read_digits(std::string_view s, std::size_t& pos, std::size_t digits) {
  std::size_t start = pos;
  std::size_t limit = digits == 0 ? 3 : digits;
  unsigned value = 0;
  while (pos < s.size() && pos - start < limit && s[pos] >= '0' && s[pos] <= '9')
    value = value * 10 + static_cast<unsigned>(s[pos++] - '0');
  if (pos == start || (digits != 0 && pos - start != digits))
    return std::nullopt;
  return value;
}

bool expect_char(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c)
    return false;
  ++pos;
  return true;
}

// "hh:mm" or "hh:mm:ss" by `size`; hours may be longer than two digits when max_hour allows.
Result<void> encode_clock(std::string_view s, std::size_t& pos, std::size_t size, unsigned max_hour,
                          Bytes& out) {
  auto hour = read_digits(s, pos, max_hour > 99 ? 0 : 2);
  std::optional<unsigned> minute, second{0};
  if (hour && expect_char(s, pos, ':'))
    minute = read_digits(s, pos, 2);
  if (minute && size == 3)
    second = expect_char(s, pos, ':') ? read_digits(s, pos, 2) : std::nullopt;
  if (!hour || !minute || !second || pos != s.size())
    return fail(quoted(s) + " is not a time like " + (size == 3 ? "\"hh:mm:ss\"" : "\"hh:mm\""));
  if (*hour > max_hour || *minute > 59 || *second > 59)
    return fail(quoted(s) + " is not a valid time");
  out.push_back(static_cast<std::uint8_t>(*hour));
  out.push_back(static_cast<std::uint8_t>(*minute));
  if (size == 3)
    out.push_back(static_cast<std::uint8_t>(*second));
  return {};
}

Result<void> encode_date_time(const TypeDef& type, const json& value, Bytes& out) {
  const char* shape = type.kind == Kind::date ? "\"YYYY-MM-DD\""
                      : type.size == 6        ? "\"YYYY-MM-DDThh:mm\""
                                              : "\"YYYY-MM-DDThh:mm:ss\"";
  if (!value.is_string())
    return fail(shown(value) + " is not a string like " + shape);
  std::string_view s = value.get_ref<const std::string&>();
  std::size_t pos = 0;
  auto year = read_digits(s, pos, 4);
  std::optional<unsigned> month, day;
  if (year && expect_char(s, pos, '-'))
    month = read_digits(s, pos, 2);
  if (month && expect_char(s, pos, '-'))
    day = read_digits(s, pos, 2);
  bool shaped = day && (type.kind == Kind::date ? pos == s.size() : expect_char(s, pos, 'T'));
  if (!shaped)
    return fail(shown(value) + " is not a string like " + shape);
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*month < 1 || *month > 12 || *day < 1 || *day > kDays[*month - 1])
    return fail(shown(value) + " is not a valid date");
  append_be(out, *year, 2);
  out.push_back(static_cast<std::uint8_t>(*month));
  out.push_back(static_cast<std::uint8_t>(*day));
  if (type.kind == Kind::date)
    return {};
  return encode_clock(s, pos, type.size - 4u, 23, out);
}

Result<void> encode_array(const TypeDef& type, const json& value, Bytes& out) {
  if (!value.is_array())
    return fail(shown(value) + " is not an array");
  auto items = static_cast<std::int64_t>(value.size());
  if (items < type.min || items > type.max)
    return fail(text("%lld items, expected %lld..%lld", static_cast<long long>(items),
                     static_cast<long long>(type.min), static_cast<long long>(type.max)));
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto done = encode_type(type.item, value[i], out);
    if (!done)
      return prefixed(text("item %zu", i), done.error());
  }
  return {};
}

Result<void> encode_object(const TypeDef& type, const json& value, Bytes& out) {
  if (!value.is_object())
    return fail(shown(value) + " is not an object");
  for (const ObjectField& f : tables().object_fields.subspan(type.first, type.count)) {
    auto it = value.find(std::string(f.name));
    if (it == value.end())
      return fail("missing field " + std::string(f.name));
    auto done = encode_type(f.type, *it, out);
    if (!done)
      return prefixed(f.name, done.error());
  }
  return {};
}

Result<void> encode_one_of(const TypeDef& type, const json& value, Bytes& out) {
  auto alternatives = tables().alternatives.subspan(type.first, type.count);
  // {"alternative": i, "value": v} picks one explicitly (decode_value writes it that way for
  // alternatives whose numbers overlap an earlier one's).
  if (value.is_object() && value.size() == 2 && value.contains("alternative") &&
      value.contains("value")) {
    const json& index = value["alternative"];
    if (!index.is_number_integer() || index.get<std::int64_t>() < 0 ||
        index.get<std::uint64_t>() >= alternatives.size())
      return fail(text("\"alternative\" must be 0..%zu", alternatives.size() - 1));
    return encode_type(alternatives[index.get<std::size_t>()].type, value["value"], out);
  }
  std::string errors;
  for (int pass = 0; pass < 2; ++pass) {
    for (const Alternative& alt : alternatives) {
      if ((type_at(alt.type).kind == Kind::state) != (pass == 0) || alt.tagged)
        continue;
      Bytes attempt;
      auto done = encode_type(alt.type, value, attempt);
      if (done) {
        out.insert(out.end(), attempt.begin(), attempt.end());
        return {};
      }
      errors += (errors.empty() ? "" : "; ") + done.error().message;
    }
  }
  return fail(errors);
}

Result<void> encode_type(std::uint16_t type_index, const json& value, Bytes& out) {
  const TypeDef& type = type_at(type_index);
  switch (type.kind) {
    case Kind::number:
      return encode_number(type, value, out);
    case Kind::state:
    case Kind::numeric_value:
    case Kind::level: {
      auto code = encode_code(type, value);
      if (!code)
        return std::unexpected(code.error());
      append_be(out, *code, type.size);
      return {};
    }
    case Kind::bitmap:
      return encode_bitmap(type, value, out);
    case Kind::raw: {
      std::optional<Bytes> bytes;
      if (value.is_string())
        bytes = from_hex(value.get_ref<const std::string&>());
      if (!bytes)
        return fail(shown(value) + " is not a hex string");
      auto size = static_cast<std::int64_t>(bytes->size());
      if (size < type.min || size > type.max)
        return fail(text("%lld bytes, expected %lld..%lld", static_cast<long long>(size),
                         static_cast<long long>(type.min), static_cast<long long>(type.max)));
      out.insert(out.end(), bytes->begin(), bytes->end());
      return {};
    }
    case Kind::date:
    case Kind::date_time:
      return encode_date_time(type, value, out);
    case Kind::time: {
      if (!value.is_string())
        return fail(shown(value) + " is not a time string");
      std::size_t pos = 0;
      return encode_clock(value.get_ref<const std::string&>(), pos, type.size,
                          static_cast<unsigned>(type.max), out);
    }
    case Kind::array:
      return encode_array(type, value, out);
    case Kind::object:
      return encode_object(type, value, out);
    case Kind::one_of:
      return encode_one_of(type, value, out);
  }
  return fail("unknown definition kind");
}

}  // namespace

Result<Bytes> encode_value(std::uint16_t class_code, const PropertyDef& property,
                           const nlohmann::json& value) {
  (void)class_code;  // the definition already belongs to its class
  Bytes out;
  auto done = encode_type(property.type, value, out);
  if (!done)
    return fail(std::string(property.name) + " (" + hex_key(property.epc) +
                "): " + done.error().message);
  return out;
}

}  // namespace hems::echonet::defs
