// Round trips over every property of every class: a valid EDT built from the definition decodes,
// encodes back to the same bytes, and every kind of value in the tables is exercised.

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "hems/echonet/definitions.hpp"

namespace hems::echonet::defs {
namespace {

void append_be(Bytes& out, std::uint64_t value, std::size_t size) {
  for (std::size_t i = size; i-- > 0;)
    out.push_back(static_cast<std::uint8_t>((value >> (8 * i)) & 0xFF));
}

// A code a device may send and a controller may set, so it survives decode and encode.
std::uint64_t sample_code(const TypeDef& type) {
  const Tables& t = tables();
  if (type.kind == Kind::state) {
    for (const EnumEntry& e : t.enums.subspan(type.first, type.count))
      if (!e.read_only && e.meaning != EnumMeaning::sentinel)
        return e.first;
    return t.enums[type.first].first;
  }
  if (type.kind == Kind::numeric_value)
    return t.numeric_values[type.first].edt;
  return static_cast<std::uint64_t>(type.max);  // a level: the top one
}

Bytes sample_edt(std::uint16_t type_index, std::size_t variable_items = 2) {
  const Tables& t = tables();
  const TypeDef& type = t.types[type_index];
  Bytes out;
  switch (type.kind) {
    case Kind::number: {
      std::int64_t raw = type.value_first == 1
                             ? t.allowed[std::size_t{type.extra_first} + type.extra_count - 1u]
                             : type.max;
      append_be(out, static_cast<std::uint64_t>(raw), type.size);
      break;
    }
    case Kind::state:
    case Kind::numeric_value:
    case Kind::level:
      append_be(out, sample_code(type), type.size);
      break;
    case Kind::bitmap: {
      out.assign(type.size, 0);
      for (const BitmapField& f : t.bitmap_fields.subspan(type.first, type.count)) {
        unsigned shift = 0;
        while (((f.mask >> shift) & 1) == 0)
          ++shift;
        out[f.byte_index] = static_cast<std::uint8_t>(
            out[f.byte_index] | ((sample_code(t.types[f.type]) << shift) & f.mask));
      }
      break;
    }
    case Kind::raw:
      out.assign(static_cast<std::size_t>(std::max<std::int64_t>(type.min, 1)), 0xA5);
      break;
    case Kind::date:
    case Kind::date_time:
      out = {0x07, 0xE8, 0x02, 0x1D, 0x17, 0x3B, 0x3A};  // 2024-02-29 23:59:58
      out.resize(type.size);
      break;
    case Kind::time:
      out = {static_cast<std::uint8_t>(type.max), 0x3B, 0x3A};
      out.resize(type.size);
      break;
    case Kind::array: {
      auto items = static_cast<std::size_t>(
          std::clamp<std::int64_t>(static_cast<std::int64_t>(variable_items), type.min, type.max));
      for (std::size_t i = 0; i < items; ++i) {
        Bytes item = sample_edt(type.item);
        out.insert(out.end(), item.begin(), item.end());
      }
      break;
    }
    case Kind::object:
      for (const ObjectField& f : t.object_fields.subspan(type.first, type.count)) {
        Bytes field = sample_edt(f.type);
        out.insert(out.end(), field.begin(), field.end());
      }
      break;
    case Kind::one_of:
      return sample_edt(t.alternatives[type.first].type);
  }
  return out;
}

// A state whose every code is one a device reports but never accepts.
bool only_reported(const TypeDef& type) {
  if (type.kind != Kind::state)
    return false;
  for (const EnumEntry& e : tables().enums.subspan(type.first, type.count))
    if (!e.read_only)
      return false;
  return true;
}

void collect_kinds(std::uint16_t type_index, std::set<Kind>& kinds) {
  const Tables& t = tables();
  const TypeDef& type = t.types[type_index];
  kinds.insert(type.kind);
  if (type.kind == Kind::array)
    collect_kinds(type.item, kinds);
  if (type.kind == Kind::object)
    for (const ObjectField& f : t.object_fields.subspan(type.first, type.count))
      collect_kinds(f.type, kinds);
  if (type.kind == Kind::bitmap)
    for (const BitmapField& f : t.bitmap_fields.subspan(type.first, type.count))
      collect_kinds(f.type, kinds);
  if (type.kind == Kind::one_of)
    for (const Alternative& a : t.alternatives.subspan(type.first, type.count))
      collect_kinds(a.type, kinds);
}

TEST(DefsRoundTrip, EveryPropertyDecodesAndEncodesBack) {
  std::set<Kind> kinds;
  std::size_t checked = 0;
  for (const ClassDef& cls : all_classes()) {
    for (const PropertyDef& p : cls.properties) {
      collect_kinds(p.type, kinds);
      Bytes edt = sample_edt(p.type);
      auto value = decode_value(cls.code, p, edt);
      ASSERT_TRUE(value) << value.error().message;
      auto bytes = encode_value(cls.code, p, *value);
      ASSERT_TRUE(bytes) << cls.name << "." << p.name << " " << value->dump() << ": "
                         << bytes.error().message;
      EXPECT_EQ(to_hex(*bytes), to_hex(edt)) << cls.name << "." << p.name << " " << value->dump();
      auto again = decode_value(cls.code, p, *bytes);
      ASSERT_TRUE(again);
      EXPECT_EQ(*again, *value);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 920U);
  // Every kind of value the MRA uses was exercised.
  EXPECT_EQ(kinds, (std::set<Kind>{Kind::number, Kind::state, Kind::numeric_value, Kind::level,
                                   Kind::bitmap, Kind::raw, Kind::date, Kind::date_time, Kind::time,
                                   Kind::array, Kind::object, Kind::one_of}));
}

// Each alternative of a choice round-trips on its own (tagged ones in their tagged form).
TEST(DefsRoundTrip, EveryAlternativeOfEveryChoice) {
  const Tables& t = tables();
  std::size_t checked = 0;
  for (const ClassDef& cls : all_classes()) {
    for (const PropertyDef& p : cls.properties) {
      const TypeDef& type = t.types[p.type];
      if (type.kind != Kind::one_of)
        continue;
      for (const Alternative& alt : t.alternatives.subspan(type.first, type.count)) {
        Bytes edt = sample_edt(alt.type);
        auto value = decode_value(cls.code, p, edt);
        ASSERT_TRUE(value) << cls.name << "." << p.name << ": " << value.error().message;
        if (value->is_null() || only_reported(t.types[alt.type]))
          continue;  // a sentinel or a read-only code: reported, never set
        auto bytes = encode_value(cls.code, p, *value);
        ASSERT_TRUE(bytes) << cls.name << "." << p.name << ": " << bytes.error().message;
        EXPECT_EQ(to_hex(*bytes), to_hex(edt)) << cls.name << "." << p.name << " " << *value;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 150U);
}

TEST(DefsRoundTrip, WrongSizesAreErrorsForEveryFixedSizeProperty) {
  for (const ClassDef& cls : all_classes()) {
    for (const PropertyDef& p : cls.properties) {
      if (tables().types[p.type].size == 0)
        continue;
      Bytes edt = sample_edt(p.type);
      Bytes longer = edt;
      longer.push_back(0);
      EXPECT_FALSE(decode_value(cls.code, p, longer)) << cls.name << "." << p.name;
      EXPECT_FALSE(decode_value(cls.code, p, ByteView(edt).first(edt.size() - 1)))
          << cls.name << "." << p.name;
    }
  }
}

// Random EDTs of every length up to 40 bytes: decoding answers (a value or an error) and whatever
// decodes encodes to bytes that decode to the same value.
TEST(DefsRoundTrip, RandomBytesNeverBreakTheCodec) {
  std::mt19937 random(20240531);
  std::size_t decoded = 0;
  for (const ClassDef& cls : all_classes()) {
    for (const PropertyDef& p : cls.properties) {
      for (int attempt = 0; attempt < 12; ++attempt) {
        Bytes edt(static_cast<std::size_t>(random() % 41));
        for (auto& b : edt)
          b = static_cast<std::uint8_t>(random());
        auto value = decode_value(cls.code, p, edt);
        if (!value)
          continue;
        ++decoded;
        auto bytes = encode_value(cls.code, p, *value);
        if (!bytes)
          continue;  // e.g. a read-only sentinel
        auto again = decode_value(cls.code, p, *bytes);
        ASSERT_TRUE(again) << cls.name << "." << p.name;
        EXPECT_EQ(*again, *value) << cls.name << "." << p.name;
      }
    }
  }
  EXPECT_GT(decoded, 100U);
}

}  // namespace
}  // namespace hems::echonet::defs
