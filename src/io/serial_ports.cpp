#include "hems/io/serial_ports.hpp"

#include <libserialport.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace hems::io {

namespace {

std::string text_or_empty(const char* text) {
  return text != nullptr ? text : "";
}

// /dev/ttyUSB0 -> /dev/serial/by-id/usb-...: the name that survives re-plugging and reboots.
std::map<std::string, std::string> stable_names() {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it("/dev/serial/by-id", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code resolve_ec;
    const auto target = fs::canonical(it->path(), resolve_ec);
    if (!resolve_ec)
      names.emplace(target.string(), it->path().string());
  }
  return names;
}

}  // namespace

std::vector<SerialPortInfo> list_serial_ports() {
  std::vector<SerialPortInfo> ports;
  sp_port** list = nullptr;
  if (sp_list_ports(&list) != SP_OK || list == nullptr)
    return ports;
  const auto by_id = stable_names();
  for (sp_port** entry = list; *entry != nullptr; ++entry) {
    const sp_port* port = *entry;
    SerialPortInfo info;
    info.path = text_or_empty(sp_get_port_name(port));
    info.description = text_or_empty(sp_get_port_description(port));
    if (sp_get_port_transport(port) == SP_TRANSPORT_USB) {
      info.manufacturer = text_or_empty(sp_get_port_usb_manufacturer(port));
      info.product = text_or_empty(sp_get_port_usb_product(port));
      info.serial_number = text_or_empty(sp_get_port_usb_serial(port));
      int vid = -1;
      int pid = -1;
      if (sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK) {
        info.usb_vid = vid;
        info.usb_pid = pid;
      }
    }
    if (auto found = by_id.find(info.path); found != by_id.end())
      info.stable_path = found->second;
    ports.push_back(std::move(info));
  }
  sp_free_port_list(list);
  std::ranges::sort(ports, {}, &SerialPortInfo::path);
  return ports;
}

}  // namespace hems::io
