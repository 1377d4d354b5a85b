#pragma once

// A strict reader of Prometheus' text exposition format 0.0.4 for tests: it lists what breaks the
// format (or Prometheus' naming rules) and collects the samples, so a test can check the text
// without promtool and then read values out of it.

#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace hems::test {

struct Exposition {
  std::vector<std::string> problems;
  // "name{label=\"value\",...}" (labels as written) -> value
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;  // family -> counter | gauge | ...
  std::map<std::string, std::string> helps;  // family -> HELP text, unescaped

  bool has(const std::string& series) const { return samples.count(series) != 0; }
  double value(const std::string& series) const {
    auto it = samples.find(series);
    return it == samples.end() ? std::nan("") : it->second;
  }
};

namespace exposition_detail {

inline bool is_metric_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':')
      return false;
  }
  return true;
}

inline bool is_label_name(const std::string& name) {
  return is_metric_name(name) && name.find(':') == std::string::npos && !name.starts_with("__");
}

inline bool parse_value(const std::string& text, double& value) {
  if (text == "NaN" || text == "+Inf" || text == "-Inf") {
    value = text == "NaN" ? std::nan("") : (text == "+Inf" ? INFINITY : -INFINITY);
    return true;
  }
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc{} && stop == end;
}

inline bool refuse(std::string& problem, std::string text) {
  problem = std::move(text);
  return false;
}

// Reads `{a="x",b="y"}` from `line` at `pos`; false on any departure from the format.
inline bool parse_labels(const std::string& line, std::size_t& pos, std::string& problem) {
  std::set<std::string> seen;
  ++pos;  // '{'
  while (pos < line.size() && line[pos] != '}') {
    const std::size_t equals = line.find('=', pos);
    if (equals == std::string::npos)
      return refuse(problem, "a label without '='");
    const std::string name = line.substr(pos, equals - pos);
    if (!is_label_name(name))
      return refuse(problem, "bad label name '" + name + "'");
    if (!seen.insert(name).second)
      return refuse(problem, "label '" + name + "' twice");
    pos = equals + 1;
    if (pos >= line.size() || line[pos] != '"')
      return refuse(problem, "label value not quoted");
    for (++pos; pos < line.size() && line[pos] != '"'; ++pos) {
      if (line[pos] == '\\') {
        ++pos;
        if (pos >= line.size() || (line[pos] != '\\' && line[pos] != '"' && line[pos] != 'n'))
          return refuse(problem, "bad escape in a label value");
      }
    }
    if (pos >= line.size())
      return refuse(problem, "unterminated label value");
    ++pos;  // closing quote
    if (pos < line.size() && line[pos] == ',')
      ++pos;
  }
  if (pos >= line.size())
    return refuse(problem, "unterminated label set");
  ++pos;  // '}'
  return true;
}

inline std::string unescape_help(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      ++i;
      out += text[i] == 'n' ? '\n' : text[i];
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace exposition_detail

inline Exposition read_exposition(const std::string& text) {
  using namespace exposition_detail;
  Exposition out;
  if (!text.empty() && text.back() != '\n')
    out.problems.push_back("the text does not end with a line feed");
  std::istringstream lines(text);
  std::string current;             // the family whose samples may follow
  std::set<std::string> finished;  // families closed by another one
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const std::string at = "line " + std::to_string(number) + ": ";
    if (line.empty()) {
      out.problems.push_back(at + "empty line");
      continue;
    }
    if (line.starts_with("#")) {
      std::istringstream words(line);
      std::string hash, keyword, name;
      words >> hash >> keyword >> name;
      if (keyword != "HELP" && keyword != "TYPE")
        continue;  // a plain comment
      if (!is_metric_name(name)) {
        out.problems.push_back(at + "bad family name '" + name + "'");
        continue;
      }
      if (name != current) {
        if (finished.count(name) || out.types.count(name) || out.helps.count(name))
          out.problems.push_back(at + "family " + name + " appears twice");
        if (!current.empty())
          finished.insert(current);
        current = name;
      }
      std::string rest;
      std::getline(words, rest);
      if (!rest.empty() && rest.front() == ' ')
        rest.erase(0, 1);
      if (keyword == "HELP") {
        if (out.helps.count(name))
          out.problems.push_back(at + "second HELP for " + name);
        out.helps[name] = unescape_help(rest);
      } else {
        static const std::set<std::string> kTypes{"counter", "gauge", "histogram", "summary",
                                                  "untyped"};
        if (!kTypes.count(rest))
          out.problems.push_back(at + "unknown type '" + rest + "'");
        if (out.types.count(name))
          out.problems.push_back(at + "second TYPE for " + name);
        out.types[name] = rest;
        if (rest == "counter" && !name.ends_with("_total"))
          out.problems.push_back(at + "counter " + name + " does not end in _total");
        if (rest != "counter" && name.ends_with("_total"))
          out.problems.push_back(at + "non-counter " + name + " ends in _total");
      }
      continue;
    }
    std::size_t pos = 0;
    while (pos < line.size() && line[pos] != '{' && line[pos] != ' ')
      ++pos;
    const std::string name = line.substr(0, pos);
    if (!is_metric_name(name)) {
      out.problems.push_back(at + "bad metric name '" + name + "'");
      continue;
    }
    std::string problem;
    if (pos < line.size() && line[pos] == '{' && !parse_labels(line, pos, problem)) {
      out.problems.push_back(at + problem);
      continue;
    }
    const std::string series = line.substr(0, pos);
    if (pos >= line.size() || line[pos] != ' ') {
      out.problems.push_back(at + "no space before the value");
      continue;
    }
    std::string value_text = line.substr(pos + 1);
    if (const auto space = value_text.find(' '); space != std::string::npos)
      value_text.resize(space);  // a timestamp may follow
    double value = 0;
    if (!parse_value(value_text, value))
      out.problems.push_back(at + "bad value '" + value_text + "'");
    if (name != current)
      out.problems.push_back(at + "sample " + name + " outside its family " + current);
    if (!out.types.count(name))
      out.problems.push_back(at + name + " has no TYPE");
    if (!out.helps.count(name))
      out.problems.push_back(at + name + " has no HELP");
    if (out.samples.count(series))
      out.problems.push_back(at + "series " + series + " twice");
    out.samples[series] = value;
  }
  return out;
}

}  // namespace hems::test
