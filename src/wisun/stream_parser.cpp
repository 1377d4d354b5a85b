// Framing of the SKSTACK IP byte stream (REFERENCE.md §1, §5).
//
// Rules, in the order a parse step applies them:
// - After bad input the parser drops bytes up to the next CR or LF (resynchronisation).
// - CR and LF each end a line; empty lines (including the LF of a CRLF) are dropped.
// - Non-printable bytes at the start of a line are line noise: dropped with one warning.
// - An open EPANDESC block ends at the first byte of the next non-indented line, or at its
//   PairID line (the last field every dongle sends).
// - "ERXUDP " and "SKSENDTO " lines carry a payload after DATALEN that may hold any byte, so
//   they are framed by length (see parse_erxudp / parse_sksendto_echo). Every other line is text
//   up to the next line end, at most kMaxLineLength bytes.
//
// ERXUDP payload format with PayloadFormat::unknown, decided per payload from its first byte:
// an ASCII hex digit means hex mode; any other byte means binary. ECHONET Lite frames start
// with 0x10 and PANA messages with 0x00, neither of which is an ASCII hex digit.
//
// A payload is accepted only when a line end follows right after its declared length. When
// one does not (the payload was cut, or DATALEN is wrong), the record is dropped with a warning
// and parsing resumes at the first line end after the payload start, so good lines that
// followed a cut payload are not lost.
#include "hems/wisun/stream_parser.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "line_records.hpp"

namespace hems::wisun {
namespace {

using detail::as_text;
using detail::is_line_end;
using detail::is_printable;

// The largest UDP payload the dongles handle (1280-byte IPv6 MTU minus headers; SKSENDTO's
// documented maximum). A larger DATALEN is corruption, not data.
constexpr std::size_t kMaxUdpPayload = 0x04D0;

// Where the 4-hex-digit DATALEN field may sit, counted in fields after the keyword (1-based).
struct FramedLayout {
  std::string_view keyword;
  std::size_t first_length_field;
  std::size_t last_length_field;
};

// ERXUDP: SENDER DEST RPORT LPORT SENDERLLA, then 1-3 fields (SECURED; SECURED SIDE; RSSI
// SECURED SIDE), then DATALEN. The first field after SENDERLLA is never DATALEN, which keeps a
// 4-digit RSSI from being mistaken for it.
constexpr FramedLayout kErxudp{"ERXUDP ", 7, 9};
// SKSENDTO: HANDLE IPADDR PORT SEC [SIDE] DATALEN. PORT is 4 hex digits too, hence field 5+.
constexpr FramedLayout kSksendto{"SKSENDTO ", 5, 6};

struct HeaderScan {
  enum class Outcome { need_more, not_framed, framed };
  Outcome outcome = Outcome::need_more;
  std::size_t length_end = 0;  // offset of the single space after DATALEN
  std::size_t data_length = 0;
};

// Finds DATALEN in a framed header. The header is printable text without line ends, so any
// other byte, or too many fields, means this is not a framed record after all.
HeaderScan scan_header(ByteView view, const FramedLayout& layout) {
  std::size_t field = 0;
  std::size_t field_start = layout.keyword.size();
  for (std::size_t i = field_start; i < view.size(); ++i) {
    if (i > StreamParser::kMaxLineLength)
      return {HeaderScan::Outcome::not_framed};
    const std::uint8_t byte = view[i];
    if (byte != ' ') {
      if (!is_printable(byte))
        return {HeaderScan::Outcome::not_framed};
      continue;
    }
    ++field;
    const std::string_view text = as_text(view.subspan(field_start, i - field_start));
    if (field >= layout.first_length_field && text.size() == 4) {
      if (auto length = detail::parse_hex(text, 4)) {
        return {HeaderScan::Outcome::framed, i, *length};
      }
    }
    if (field >= layout.last_length_field)
      return {HeaderScan::Outcome::not_framed};
    field_start = i + 1;
  }
  return {HeaderScan::Outcome::need_more};
}

enum class KeywordMatch { none, partial, erxudp, sksendto };

KeywordMatch match_framed_keyword(ByteView view) {
  const std::string_view text = as_text(view);
  for (const FramedLayout* layout : {&kErxudp, &kSksendto}) {
    const std::string_view keyword = layout->keyword;
    if (text.size() < keyword.size()) {
      if (keyword.starts_with(text))
        return KeywordMatch::partial;
    } else if (text.starts_with(keyword)) {
      return layout == &kErxudp ? KeywordMatch::erxudp : KeywordMatch::sksendto;
    }
  }
  return KeywordMatch::none;
}

std::size_t count_leading_noise(ByteView view) {
  std::size_t count = 0;
  while (count < view.size() && !is_printable(view[count]) && !is_line_end(view[count])) {
    ++count;
  }
  return count;
}

}  // namespace

void StreamParser::feed(ByteView bytes) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  const ByteView all(buffer_);
  std::size_t consumed = 0;
  while (consumed < all.size()) {
    const std::size_t step = parse_step(all.subspan(consumed));
    if (step == 0)
      break;
    consumed += step;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed));
}

std::optional<Record> StreamParser::next() {
  if (ready_.empty())
    return std::nullopt;
  Record record = std::move(ready_.front());
  ready_.pop_front();
  return record;
}

std::vector<std::string> StreamParser::take_warnings() {
  return std::exchange(warnings_, {});
}

void StreamParser::reset() {
  buffer_.clear();
  open_block_.reset();
  skipping_ = false;
}

std::size_t StreamParser::parse_step(ByteView view) {
  if (skipping_) {
    auto end = std::find_if(view.begin(), view.end(), is_line_end);
    if (end == view.end())
      return view.size();
    skipping_ = false;
    return static_cast<std::size_t>(end - view.begin()) + 1;
  }
  if (is_line_end(view[0]))
    return 1;

  // Wait for the end of a noise run so that one run gives one warning however it is split.
  const std::size_t noise = count_leading_noise(view);
  if (noise > 0) {
    if (noise == view.size() && noise <= kMaxLineLength)
      return 0;
    warn("dropped " + std::to_string(noise) + " non-printable byte(s) between lines");
    return noise;
  }

  if (open_block_ && view[0] != ' ')
    close_block();

  switch (match_framed_keyword(view)) {
    case KeywordMatch::partial:
      return 0;
    case KeywordMatch::erxudp:
      return parse_erxudp(view);
    case KeywordMatch::sksendto:
      return parse_sksendto_echo(view);
    case KeywordMatch::none:
      break;
  }
  return parse_plain_line(view);
}

std::size_t StreamParser::parse_plain_line(ByteView view) {
  const std::size_t limit = std::min(view.size(), kMaxLineLength + 1);
  const auto end =
      std::find_if(view.begin(), view.begin() + static_cast<std::ptrdiff_t>(limit), is_line_end);
  const auto length = static_cast<std::size_t>(end - view.begin());
  if (length == limit) {
    if (view.size() <= kMaxLineLength)
      return 0;
    warn("dropped a line longer than " + std::to_string(kMaxLineLength) + " bytes");
    skipping_ = true;
    return limit;
  }
  const ByteView line = view.first(length);
  const auto noisy = std::count_if(line.begin(), line.end(),
                                   [](std::uint8_t byte) { return !is_printable(byte); });
  if (noisy > 0) {
    warn("dropped a " + std::to_string(length) + "-byte line holding " + std::to_string(noisy) +
         " non-printable byte(s)");
  } else {
    handle_line(as_text(line));
  }
  return length + 1;
}

// ERXUDP <6-8 header fields> <DATALEN> <payload>, then a line end. See the file comment.
std::size_t StreamParser::parse_erxudp(ByteView view) {
  const HeaderScan scan = scan_header(view, kErxudp);
  if (scan.outcome == HeaderScan::Outcome::need_more)
    return 0;
  if (scan.outcome == HeaderScan::Outcome::not_framed)
    return parse_plain_line(view);

  const std::size_t payload_start = scan.length_end + 1;
  const auto fields = detail::split_fields(as_text(view.first(scan.length_end)));
  // fields: "ERXUDP", the header fields, DATALEN.
  auto record = detail::parse_udp_header(std::span(fields).subspan(1, fields.size() - 2));
  if (!record || scan.data_length > kMaxUdpPayload) {
    warn("dropped ERXUDP: " + (record ? "DATALEN " + std::to_string(scan.data_length) +
                                            " exceeds the largest UDP payload"
                                      : record.error().message));
    skipping_ = true;
    return payload_start;
  }

  PayloadFormat format = format_;
  if (format == PayloadFormat::unknown) {
    if (scan.data_length == 0) {
      format = PayloadFormat::binary;  // nothing to read either way
    } else if (view.size() <= payload_start) {
      return 0;
    } else {
      const bool hex_digit = hex_digit_value(static_cast<char>(view[payload_start])).has_value();
      format = hex_digit ? PayloadFormat::hex : PayloadFormat::binary;
    }
  }

  const bool hex = format == PayloadFormat::hex;
  const std::size_t encoded_length = hex ? 2 * scan.data_length : scan.data_length;
  const std::size_t payload_end = payload_start + encoded_length;
  if (hex) {
    // A hex payload cannot hold a line end, so a cut one is seen at once, not after DATALEN.
    const std::size_t available = std::min(view.size(), payload_end);
    for (std::size_t i = payload_start; i < available; ++i) {
      if (!hex_digit_value(static_cast<char>(view[i]))) {
        warn("dropped ERXUDP: hex payload cut after " + std::to_string(i - payload_start) + " of " +
             std::to_string(encoded_length) + " digits");
        skipping_ = true;
        return payload_start;
      }
    }
  }
  if (view.size() <= payload_end)
    return 0;
  if (!is_line_end(view[payload_end])) {
    warn("dropped ERXUDP: no line end after its " + std::to_string(scan.data_length) +
         "-byte payload");
    skipping_ = true;
    return payload_start;
  }

  const ByteView payload = view.subspan(payload_start, encoded_length);
  if (hex) {
    record->data = from_hex(as_text(payload)).value_or(Bytes{});
  } else {
    record->data.assign(payload.begin(), payload.end());
  }
  emit(std::move(*record));
  return payload_end;  // the line end is consumed as an empty line
}

// Our own SKSENDTO echoed back. Dongles echo only the header and a CRLF (REFERENCE.md §1); some
// logs show the payload echoed too, so a payload is skipped by DATALEN when one follows. As for
// ERXUDP, a DATALEN above the largest UDP payload is never waited for.
std::size_t StreamParser::parse_sksendto_echo(ByteView view) {
  const HeaderScan scan = scan_header(view, kSksendto);
  if (scan.outcome == HeaderScan::Outcome::need_more)
    return 0;
  if (scan.outcome == HeaderScan::Outcome::not_framed)
    return parse_plain_line(view);

  const std::size_t payload_start = scan.length_end + 1;
  if (view.size() <= payload_start)
    return 0;
  const std::string header(as_text(view.first(scan.length_end)));
  if (is_line_end(view[payload_start])) {
    emit(EchoRecord{header});
    return payload_start;
  }
  if (scan.data_length > kMaxUdpPayload) {
    // No SKSENDTO carries that much, so the header is damaged. Waiting for that many bytes would
    // hold back every answer behind the echo (the OK, EVENT 21) until the dongle said that much.
    emit(EchoRecord{header});
    warn("SKSENDTO echo declares DATALEN " + std::to_string(scan.data_length) +
         ", more than the largest UDP payload; reading on after the header");
    return payload_start;
  }
  const std::size_t payload_end = payload_start + scan.data_length;
  if (view.size() <= payload_end)
    return 0;
  emit(EchoRecord{header});
  if (!is_line_end(view[payload_end])) {
    // Not a payload after all: read what follows the header as a new line.
    warn("SKSENDTO echo not followed by a line end or its payload; reading on after the header");
    return payload_start;
  }
  return payload_end;
}

void StreamParser::handle_line(std::string_view line) {
  if (open_block_ && line.starts_with(' ')) {
    auto field = detail::apply_pan_field(line, *open_block_);
    if (!field) {
      warn(field.error().message);
    } else if (*field == detail::PanField::pair_id) {
      close_block();
    }
    return;
  }
  if (detail::trim_trailing_spaces(line) == "EPANDESC") {
    open_block_.emplace();
    return;
  }
  emit(detail::classify_line(line, dual_stack_));
}

void StreamParser::close_block() {
  emit(std::move(*open_block_));
  open_block_.reset();
}

void StreamParser::emit(Record record) {
  ready_.push_back(std::move(record));
}

void StreamParser::warn(std::string message) {
  warnings_.push_back(std::move(message));
}

}  // namespace hems::wisun
