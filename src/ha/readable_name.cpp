// The general rule that turns an ECHONET property name into one a home owner reads: sentence
// case, no "measured"/"instantaneous" (every sensor is a measurement of now), and the word that
// matches the unit. The curated names (curated_names.cpp) cover what this rule does not.

#include <array>
#include <string>
#include <utility>

#include "hems/ha/appliance_names.hpp"

namespace hems::ha {
namespace {

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
char to_lower(char c) {
  return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}
char to_upper(char c) {
  return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}

// "AC", "CO2", "H/P", "(EV": two capitals or more and no small letter. ON and OFF are words.
bool is_acronym(std::string_view word) {
  int capitals = 0;
  std::string letters;
  for (char c : word) {
    if (is_lower(c))
      return false;
    if (is_upper(c)) {
      ++capitals;
      letters.push_back(c);
    }
  }
  return capitals >= 2 && letters != "ON" && letters != "OFF";
}

// Every word in small letters but acronyms; blanks squeezed; a digit glued to a word
// ("setting4", "battery1") set apart; a final full stop dropped.
std::string lower_words(std::string_view text) {
  while (!text.empty() && (text.back() == '.' || text.back() == ' '))
    text.remove_suffix(1);
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && text[at] == ' ')
      ++at;
    std::size_t end = text.find(' ', at);
    if (end == std::string_view::npos)
      end = text.size();
    if (end == at)
      break;
    std::string word(text.substr(at, end - at));
    if (!is_acronym(word)) {
      for (char& c : word)
        c = to_lower(c);
      // "setting4" -> "setting 4"; "co2" never gets here (an acronym).
      std::size_t digits = word.size();
      while (digits > 0 && is_digit(word[digits - 1]))
        --digits;
      if (digits >= 3 && digits < word.size() && is_lower(word[digits - 1])) {
        // Built anew rather than insert()ed: GCC 12 at -O3 reports a false -Wrestrict on that.
        std::string spaced;
        spaced.reserve(word.size() + 1);
        spaced.append(word, 0, digits);
        spaced.push_back(' ');
        spaced.append(word, digits, std::string::npos);
        word = std::move(spaced);
      }
    }
    if (!out.empty())
      out.push_back(' ');
    out += word;
    at = end;
  }
  return out;
}

// Single blanks, none at the ends or inside brackets.
void squeeze(std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool after_blank = !out.empty() && out.back() == ' ';
    if (c == ' ' && (out.empty() || after_blank || out.back() == '('))
      continue;
    if (c == ')' && after_blank)
      out.pop_back();
    out.push_back(c);
  }
  if (!out.empty() && out.back() == ' ')
    out.pop_back();
  text = std::move(out);
}

// `from` only as whole words: a blank, a bracket, a slash or an end on both sides.
void replace_words(std::string& text, std::string_view from, std::string_view to) {
  auto edge = [](char c) { return c == ' ' || c == '(' || c == ')' || c == '/' || c == ','; };
  for (std::size_t at = text.find(from); at != std::string::npos;) {
    const std::size_t end = at + from.size();
    if ((at == 0 || edge(text[at - 1])) && (end == text.size() || edge(text[end]))) {
      text.replace(at, from.size(), to);
      at = text.find(from, at + to.size());
    } else {
      at = text.find(from, at + 1);
    }
  }
  squeeze(text);  // what a removed phrase leaves behind
}

bool is_power_unit(std::string_view unit) {
  return unit == "W" || unit == "kW";
}
bool is_energy_unit(std::string_view unit) {
  return unit == "Wh" || unit == "kWh" || unit == "MJ";
}
bool is_current_unit(std::string_view unit) {
  return unit == "A" || unit == "mA";
}

// Phrases that only say how the Appendix files a value: a sensor always shows a measurement of
// now, a setting is a setting without "value". Longer phrases first.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kFiller{{
    {"measured value of", ""},
    {"measurement value of", ""},
    {"measurement value", ""},
    {"measured value", ""},
    {"measured", ""},
    {"instantaneous", ""},
    {"setting value", "setting"},
    {"set temperature value", "target temperature"},
}};

// The words for the unit: a value in W is a power, in Wh an energy, in A a current.
void unit_words(std::string& text, std::string_view unit) {
  if (is_power_unit(unit)) {
    for (std::string_view phrase :
         {"amount of electric energy", "amount of electricity", "electric energy", "electric power",
          "electrical power", "electricity"})
      replace_words(text, phrase, "power");
  } else if (is_energy_unit(unit)) {
    // The state class already says that a total only grows.
    replace_words(text, "cumulative amount of", "");
    replace_words(text, "cumulative", "");
    for (std::string_view phrase : {"amount of electric energy", "amount of electricity",
                                    "electric energy", "electric power"})
      replace_words(text, phrase, "energy");
  } else if (is_current_unit(unit)) {
    replace_words(text, "electric current", "current");
    replace_words(text, "current value", "current");
  } else if (unit == "V") {
    replace_words(text, "voltage value", "voltage");
    replace_words(text, "effective voltage", "voltage");
  }
}

}  // namespace

std::string readable_name(std::string_view spec_name, std::string_view unit) {
  std::string text = lower_words(spec_name);
  replace_words(text, "amounts of", "amount of");
  for (const auto& [from, to] : kFiller)
    replace_words(text, from, to);
  unit_words(text, unit);
  // A trailing "value" adds nothing ("effective voltage value", "temperature value").
  if (text.ends_with(" value"))
    text.resize(text.size() - 6);
  if (!text.empty())
    text.front() = to_upper(text.front());
  return text;
}

}  // namespace hems::ha
