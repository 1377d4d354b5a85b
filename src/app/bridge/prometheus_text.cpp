#include "hems/app/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace hems::app::prometheus {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc{} ? std::string(buffer, end) : std::string("NaN");
}

void TextWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escape_help(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void TextWriter::sample(std::string_view name, double value, Labels labels) {
  name_and_labels(name, labels);
  out_ += format_value(value);
  out_ += '\n';
}

void TextWriter::sample(std::string_view name, std::uint64_t value, Labels labels) {
  name_and_labels(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void TextWriter::name_and_labels(std::string_view name, Labels labels) {
  out_ += name;
  if (labels.size() > 0) {
    out_ += '{';
    bool first = true;
    for (const auto& [label, value] : labels) {
      if (!first)
        out_ += ',';
      first = false;
      out_ += label;
      out_ += "=\"";
      out_ += escape_label_value(value);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

}  // namespace hems::app::prometheus
