#include "hems/ha/language.hpp"

namespace hems::ha {

std::optional<Language> language_from(std::string_view code) {
  if (code == "en")
    return Language::en;
  if (code == "ja")
    return Language::ja;
  return std::nullopt;
}

}  // namespace hems::ha
