#include "hems/io/known_dongles.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hems::io {

namespace {

struct KnownDongle {
  std::string_view product_fragment;  // matched case-insensitively anywhere in the product
  std::string_view label;
};

// First match wins: the "-J11" variants share their names with supported dongles, so they
// come first. Dialects follow the project's protocol reference (RL7023 D/IPS is single-hop,
// D/DSS dual-stack); a plain "RL7023" could be either, so it leaves the dialect to detection.
constexpr std::array kKnownDongles{
    KnownDongle{"J11",
                "Wi-SUN dongle with the binary J11 protocol (RS-WSUHA-J11 / BP35C2-J11): "
                "NOT supported, hems2mqtt needs an SKSTACK IP (text command) dongle"},
    KnownDongle{"WSUHA", "Wi-SUN dongle: RATOC RS-WSUHA-P (dialect bp35c0)"},
    KnownDongle{"BP35C2", "Wi-SUN dongle: ROHM BP35C2 (dialect bp35c0)"},
    KnownDongle{"BP35C0", "Wi-SUN dongle: ROHM BP35C0 (dialect bp35c0)"},
    KnownDongle{"BP35A1", "Wi-SUN dongle: ROHM BP35A1 (dialect bp35a1)"},
    KnownDongle{"WSR35A1", "Wi-SUN dongle: JORJIN WSR35A1 (dialect bp35a1)"},
    KnownDongle{"RL7023 Stick-D/DSS", "Wi-SUN dongle: Tessera RL7023 Stick-D/DSS (dialect bp35c0)"},
    KnownDongle{"RL7023 Stick-D/IPS", "Wi-SUN dongle: Tessera RL7023 Stick-D/IPS (dialect bp35a1)"},
    KnownDongle{"RL7023", "Wi-SUN dongle: Tessera RL7023 Stick-D (dialect auto)"},
};

bool contains_ignoring_case(std::string_view text, std::string_view fragment) {
  const auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  return !std::ranges::search(text, fragment, {}, lower, lower).empty();
}

bool is_usb_id(int id) {
  return id >= 0 && id <= 0xFFFF;
}

}  // namespace

std::optional<std::string> known_dongle(int vid, int pid, std::string_view product) {
  if (!is_usb_id(vid) || !is_usb_id(pid) || product.empty())
    return std::nullopt;
  for (const auto& dongle : kKnownDongles) {
    if (contains_ignoring_case(product, dongle.product_fragment))
      return std::string(dongle.label);
  }
  return std::nullopt;
}

}  // namespace hems::io
