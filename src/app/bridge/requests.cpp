#include "hems/app/requests.hpp"

#include <map>

#include "hems/common/bytes.hpp"

namespace hems::app {
namespace {

std::string without_0x(const std::string& text) {
  return text.starts_with("0x") || text.starts_with("0X") ? text.substr(2) : text;
}

}  // namespace

nlohmann::json response_envelope(const nlohmann::json& transaction, bool ok,
                                 const nlohmann::json& data, const std::string& error) {
  nlohmann::json envelope = {{"status", ok ? "ok" : "error"}, {"data", data}};
  if (!transaction.is_null())
    envelope["transaction"] = transaction;
  if (!ok)
    envelope["error"] = error;
  return envelope;
}

std::expected<echonet::Frame, std::string> parse_raw_frame(const nlohmann::json& request) {
  using Fail = std::unexpected<std::string>;
  if (!request.contains("eoj") || !request["eoj"].is_string())
    return Fail("\"eoj\" must be a string like \"0x028801\"");
  auto eoj = from_hex(without_0x(request["eoj"].get<std::string>()));
  if (!eoj || eoj->size() != 3)
    return Fail("\"eoj\" must be 3 bytes of hex");
  static const std::map<std::string, std::uint8_t> kEsv = {
      {"get", echonet::esv::get}, {"setc", echonet::esv::set_c}, {"seti", echonet::esv::set_i}};
  if (!request.contains("esv") || !request["esv"].is_string() ||
      !kEsv.contains(request["esv"].get<std::string>())) {
    return Fail("\"esv\" must be get, setc or seti");
  }
  const auto& properties = request.contains("properties") ? request["properties"] : nullptr;
  if (!properties.is_object() || properties.empty() || properties.size() > 32)
    return Fail("\"properties\" must be an object of 1 to 32 EPCs");
  echonet::Frame frame;
  frame.seoj = echonet::kController;
  frame.deoj = echonet::Eoj{(*eoj)[0], (*eoj)[1], (*eoj)[2]};
  frame.esv = kEsv.at(request["esv"].get<std::string>());
  for (const auto& [key, value] : properties.items()) {
    auto epc = from_hex(without_0x(key));
    if (!epc || epc->size() != 1)
      return Fail("property " + key + " is not an EPC like 0x80");
    if (!value.is_string())
      return Fail("property " + key + " must have a hex string value");
    auto edt = from_hex(without_0x(value.get<std::string>()));
    if (!edt || edt->size() > 255)
      return Fail("property " + key + " value is not hex");
    if (frame.esv == echonet::esv::get)
      edt->clear();
    frame.properties.push_back(echonet::Property{(*epc)[0], *edt});
  }
  return frame;
}

}  // namespace hems::app
