#pragma once

// Identifier cleaning shared by the discovery builders (internal to the ha module).

#include <string>
#include <string_view>

namespace hems::ha::detail {

// Lower-case ASCII letters and digits kept, every other byte (punctuation, NUL padding, UTF-8) a
// single '_' between words, none at either end. "" when nothing usable is left.
std::string slug(std::string_view text);

// `text` without the NUL padding and blanks meters put around ASCII fields (0x8D serial number).
std::string_view trim_padding(std::string_view text);

}  // namespace hems::ha::detail
