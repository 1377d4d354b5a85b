// What the controller does with datagrams: answers to its requests, discovery answers,
// notifications; and what it learns from them (identity, instance lists, maps, values).

#include <algorithm>
#include <utility>

#include "controller_internal.hpp"
#include "hems/echonet/property_map.hpp"
#include "hems/lan/controller.hpp"
#include "hems/lan/device_id.hpp"

namespace hems::lan {
using namespace detail;
namespace esv = echonet::esv;

void Controller::on_datagram(const std::string& from, ByteView payload, TimePoint now) {
  auto decoded = echonet::decode(payload);
  if (!decoded) {
    log(LogLevel::debug, "dropped a datagram from " + from + ": " + decoded.error().message);
    return;
  }
  const echonet::Frame& frame = *decoded;
  if (is_own_multicast(payload)) {
    log(LogLevel::debug, "dropped our own " + echonet::esv_name(frame.esv) + " TID " +
                             hex16(frame.tid) + ", come back from " + from);
    return;
  }
  if (is_request(frame.esv)) {
    on_request(from, frame);
    return;
  }
  if (auto it = nodes_.find(from); it != nodes_.end()) {
    Node& node = it->second;
    heard_from(node, now);
    // Every copy of a request carries its TID, so an answer to an earlier copy counts too.
    auto asked = std::find_if(
        node.in_flight.begin(), node.in_flight.end(), [&frame](const Request& request) {
          return request.frame.tid == frame.tid && is_answer_to(request.frame.esv, frame.esv) &&
                 answers_for(request.frame.deoj, frame.seoj) && frame.deoj == request.frame.seoj;
        });
    if (asked != node.in_flight.end()) {
      Request request = std::move(*asked);
      node.in_flight.erase(asked);
      node.split_futile = false;
      note_answer(node, request, now);
      complete(node, std::move(request), frame, now);
      pump(now);
      return;
    }
  }
  if (frame.esv == esv::get_res || frame.esv == esv::get_sna) {
    if (auto sent_at = discovery_sent_at(frame.tid); sent_at && is_node_profile(frame.seoj)) {
      on_discovery_answer(from, frame, now);
      // Each round has its own TID, so its answer is a clean round-trip sample.
      Node& node = node_for(from);
      node.round_trip.sample(std::chrono::duration_cast<Duration>(now - *sent_at));
      grow_window(node);
      pump(now);
      return;
    }
  }
  if (frame.esv == esv::inf || frame.esv == esv::infc) {
    on_notification(from, frame, now);
    pump(now);
    return;
  }
  log(LogLevel::debug, "dropped " + echonet::esv_name(frame.esv) + " TID " + hex16(frame.tid) +
                           " from " + from + " " + frame.seoj.to_string() +
                           ": not an answer to anything in flight");
}

void Controller::on_discovery_answer(const std::string& from, const echonet::Frame& frame,
                                     TimePoint now) {
  Node& node = node_for(from);
  if (!node.discovered)
    log(LogLevel::info, "node at " + from + " answered discovery");
  node.discovered = true;
  node.split_futile = false;
  node.last_heard = now;
  // What the answer lists (even without a value) need not be asked again.
  for (const echonet::Property& prop : frame.properties) {
    if (std::find(node.asked.begin(), node.asked.end(), prop.epc) == node.asked.end())
      node.asked.push_back(prop.epc);
  }
  apply_node_profile(node, frame.properties);
  advance_identity(node, now);
}

void Controller::on_notification(const std::string& from, const echonet::Frame& frame,
                                 TimePoint now) {
  const bool needs_answer = frame.esv == esv::infc;
  auto answer = [&] {
    if (needs_answer)
      actions_.push_back(
          SendDatagram{from, false, echonet::encode(echonet::make_infc_response(frame))});
  };
  const echonet::Property* instances =
      is_node_profile(frame.seoj) ? frame.find(kInstanceNotice) : nullptr;
  auto it = nodes_.find(from);
  if (instances != nullptr) {
    // A node announcing its objects: a late joiner, or one that gained an object.
    if (it == nodes_.end())
      log(LogLevel::info, "node at " + from + " announced itself");
    Node& node = node_for(from);
    node.discovered = true;
    node.last_heard = now;
    apply_node_profile(node, {*instances});
    advance_identity(node, now);
    answer();
    return;
  }
  if (it == nodes_.end() || !it->second.discovered) {
    log(LogLevel::debug,
        "dropped " + echonet::esv_name(frame.esv) + " from unknown sender " + from);
    return;
  }
  Node& node = it->second;
  node.split_futile = false;
  if (is_node_profile(frame.seoj)) {
    answer();
    return;
  }
  ObjectState* object = object_for(node, frame.seoj);
  if (object == nullptr || !object->announced) {
    log(LogLevel::debug, "dropped " + echonet::esv_name(frame.esv) + " from " + from +
                             ": no device " + frame.seoj.to_string() + " known there");
    return;
  }
  mark_alive(*object);
  PropertiesUpdated update{object->info.id, {}};
  for (const echonet::Property& prop : frame.properties) {
    if (!prop.edt.empty())
      update.properties.push_back(prop);
  }
  if (!update.properties.empty())
    actions_.push_back(std::move(update));
  answer();
}

void Controller::complete(Node& node, Request request, const echonet::Frame& reply, TimePoint now) {
  if (request.split_group) {
    // A part of a split Get was answered: this node wants one EPC per Get from now on, unless
    // it has answered Gets of several EPCs before. Then the split came from an absence (it was
    // back in time for the parts, not for the whole Get) and it is polled as before.
    if (!node.single_epc && !node.multi_epc_answered) {
      log(LogLevel::info, node.address + ": answers single-EPC Gets only; polling it that way");
      node.single_epc = true;
    }
    leave_group(request, true);
  }
  ObjectState* object = object_for(node, request.frame.deoj);
  if (object != nullptr && answers_for(object->info.eoj, reply.seoj))
    mark_alive(*object);

  switch (request.purpose) {
    case Purpose::probe: {
      const echonet::Property* id = reply.find(kIdentification);
      probe_answered(node.address, id != nullptr && id->edt == node.node_id, now);
      return;
    }
    case Purpose::identify:
      apply_node_profile(node, reply.properties);
      if (--node.identify_outstanding <= 0) {
        node.identify_outstanding = 0;
        advance_identity(node, now);
      }
      return;
    case Purpose::maps:
      if (object == nullptr)
        return;
      object->maps_answered = true;
      for (const echonet::Property& prop : reply.properties) {
        if (prop.edt.empty())
          continue;
        if (prop.epc == kInstallationLocation) {
          // One byte, or the long form: 0x01 and 16 bytes of position information.
          if (prop.edt.size() == 1 || prop.edt.size() == 17)
            object->info.installation_location = prop.edt;
          continue;
        }
        auto epcs = echonet::decode_property_map(prop.edt);
        if (!epcs) {
          log(LogLevel::warning, object->info.id + ": bad property map " + hex8(prop.epc) + ": " +
                                     epcs.error().message);
          continue;
        }
        if (prop.epc == kGetMap)
          object->info.get_map = std::move(*epcs);
        else if (prop.epc == kSetMap)
          object->info.set_map = std::move(*epcs);
        else if (prop.epc == kInfMap)
          object->info.inf_map = std::move(*epcs);
      }
      if (--object->outstanding <= 0)
        maps_round_done(node, *object, now);
      return;
    case Purpose::poll: {
      if (object == nullptr)
        return;
      object->poll_answered = true;
      PropertiesUpdated update{object->info.id, {}};
      for (const echonet::Property& prop : reply.properties) {
        const bool asked =
            std::any_of(request.frame.properties.begin(), request.frame.properties.end(),
                        [&](const echonet::Property& p) { return p.epc == prop.epc; });
        if (asked && !prop.edt.empty())
          update.properties.push_back(prop);
      }
      if (!update.properties.empty())
        actions_.push_back(std::move(update));
      if (--object->outstanding <= 0)
        poll_round_done(node, *object, now);
      return;
    }
    case Purpose::user_get:
    case Purpose::user_set:
    case Purpose::raw:
      break;
  }

  if (!request.operation)
    return;
  auto found = operations_.find(*request.operation);
  if (found == operations_.end())
    return;
  Operation& op = found->second;
  if (op.esv == 0 || echonet::is_failure_esv(reply.esv))
    op.esv = reply.esv;
  if (request.purpose == Purpose::raw) {
    const bool write = is_write_answer(reply.esv);
    for (const echonet::Property& prop : reply.properties) {
      const bool ok = write ? prop.edt.empty() : !prop.edt.empty();
      op.results.emplace_back(prop, ok ? PropertyOutcome::accepted : PropertyOutcome::rejected);
    }
  } else if (request.purpose == Purpose::user_get) {
    PropertiesUpdated update{op.device_id, {}};
    for (const echonet::Property& asked : request.frame.properties) {
      const echonet::Property* got = reply.find(asked.epc);
      if (got != nullptr && !got->edt.empty()) {
        op.results.emplace_back(*got, PropertyOutcome::accepted);
        update.properties.push_back(*got);
      } else {
        op.results.emplace_back(asked, PropertyOutcome::rejected);
      }
    }
    if (!update.properties.empty() && object != nullptr && object->announced)
      actions_.push_back(std::move(update));
  } else {
    // Set_Res: everything taken. SetC_SNA / SetI_SNA: a property echoed with its EDT was refused,
    // one with PDC 0 was taken; one left out of the answer counts as refused.
    for (const echonet::Property& asked : request.frame.properties) {
      bool ok = reply.esv == esv::set_res;
      if (!ok) {
        const echonet::Property* got = reply.find(asked.epc);
        ok = got != nullptr && got->edt.empty();
      }
      op.results.emplace_back(asked, ok ? PropertyOutcome::accepted : PropertyOutcome::rejected);
    }
  }
  finish_part(*request.operation);
}

// ---- identification ------------------------------------------------------------------------

Controller::Node& Controller::node_for(const std::string& address) {
  auto [it, inserted] = nodes_.try_emplace(address);
  if (inserted) {
    it->second.address = address;
    it->second.ceiling = config_.max_in_flight;
  }
  return it->second;
}

Controller::ObjectState* Controller::object_for(Node& node, echonet::Eoj eoj) {
  auto it = node.objects.find(eoj);
  return it == node.objects.end() ? nullptr : &it->second;
}

void Controller::apply_node_profile(Node& node, const std::vector<echonet::Property>& props) {
  for (const echonet::Property& prop : props) {
    if (prop.edt.empty())
      continue;
    switch (prop.epc) {
      case kIdentification:
        if (node.node_id.empty())
          node.node_id = prop.edt;
        else if (node.node_id != prop.edt)
          log(LogLevel::warning, node.address + ": identification number changed from " +
                                     to_hex(node.node_id) + " to " + to_hex(prop.edt) +
                                     "; keeping the first");
        break;
      case kManufacturer:
        if (prop.edt.size() == 3)
          node.manufacturer = (std::uint32_t{prop.edt[0]} << 16) |
                              (std::uint32_t{prop.edt[1]} << 8) | std::uint32_t{prop.edt[2]};
        break;
      case kInstanceList:
      case kInstanceNotice:
        for (echonet::Eoj eoj : parse_instance_list(prop.edt)) {
          if (std::find(node.instances.begin(), node.instances.end(), eoj) == node.instances.end())
            node.instances.push_back(eoj);
        }
        break;
      default:
        break;
    }
  }
}

void Controller::advance_identity(Node& node, TimePoint now) {
  if (node.identified) {
    create_objects(node, now);
    return;
  }
  if (node.identify_outstanding > 0 || node.held_by)
    return;
  auto asked = [&node](std::uint8_t epc) {
    return std::find(node.asked.begin(), node.asked.end(), epc) != node.asked.end();
  };
  const bool want[] = {node.instances.empty() && !asked(kInstanceList),
                       node.node_id.empty() && !asked(kIdentification),
                       !node.manufacturer && !asked(kManufacturer)};
  static constexpr std::uint8_t kEpcs[] = {kInstanceList, kIdentification, kManufacturer};
  std::vector<std::uint8_t> missing;
  missing.reserve(3);
  for (std::size_t i = 0; i < 3; ++i) {
    if (want[i])
      missing.push_back(kEpcs[i]);
  }
  if (!missing.empty()) {
    node.asked.insert(node.asked.end(), missing.begin(), missing.end());
    node.identify_outstanding = enqueue_gets(node, Purpose::identify, echonet::kNodeProfile,
                                             missing, std::nullopt, node.interrogation);
    return;
  }
  if (const std::string why = why_no_uid(node.node_id); !why.empty())
    log(LogLevel::warning, node.address + ": " + why + "; its ids follow its address");
  if (node.instances.empty())
    log(LogLevel::warning, node.address + ": lists no device objects");
  resolve_identity(node, now);
}

// One identification number, two addresses: the same device moved when the other address has gone
// quiet (its devices offline, or no answer to a probe), two devices when both answer. Only a
// number that identifies (node_uid) is compared; unset ones say nothing about identity.
void Controller::resolve_identity(Node& node, TimePoint now) {
  node.held_by.reset();
  Node* twin = nullptr;
  if (!node_uid(node.node_id).empty()) {
    for (auto& [address, other] : nodes_) {
      if (&other != &node && other.identified && other.node_id == node.node_id &&
          std::find(node.live_twins.begin(), node.live_twins.end(), address) ==
              node.live_twins.end()) {
        twin = &other;
        break;
      }
    }
  }
  if (twin != nullptr && !is_quiet(*twin)) {
    // Asked again before deciding: an answer says both are there.
    node.held_by = twin->address;
    log(LogLevel::info, node.address + ": has the identification number of " + twin->address +
                            "; asking that address again before deciding");
    Request probe;
    probe.purpose = Purpose::probe;
    static constexpr std::uint8_t kAsk[] = {kIdentification};
    probe.frame = echonet::make_get(0, echonet::kController, echonet::kNodeProfile, kAsk);
    twin->urgent.push_back(std::move(probe));
    return;
  }
  if (twin != nullptr) {
    take_over(node, *twin, now);
    return;
  }
  if (!node.live_twins.empty()) {
    std::string others;
    for (const std::string& address : node.live_twins) {
      if (!others.empty())
        others += ", ";
      others += address;
    }
    log(LogLevel::warning, "identification number " + to_hex(node.node_id) + " answers from " +
                               node.address + " and from " + others +
                               " at once; they are distinct devices");
  }
  node.identified = true;
  create_objects(node, now);
}

bool Controller::is_quiet(const Node& node) const {
  bool any = false;
  for (const auto& [eoj, object] : node.objects) {
    if (!object.announced)
      continue;
    if (object.online)
      return false;
    any = true;
  }
  return any;
}

void Controller::probe_answered(const std::string& address, bool same_identity, TimePoint now) {
  std::vector<std::string> waiting;
  for (const auto& [other_address, other] : nodes_) {
    if (other.held_by == address && !other.retired)
      waiting.push_back(other_address);
  }
  for (const std::string& waiting_address : waiting) {
    auto found = nodes_.find(waiting_address);
    if (found == nodes_.end() || found->second.held_by != address)
      continue;
    Node& node = found->second;
    auto probed = nodes_.find(address);
    if (probed == nodes_.end() || probed->second.retired) {
      release_held_by(address, now);
      continue;
    }
    if (same_identity) {
      node.live_twins.push_back(address);
      resolve_identity(node, now);
      continue;
    }
    // Silent, or someone else now: the device moved.
    node.held_by.reset();
    take_over(node, probed->second, now);
  }
}

void Controller::release_held_by(const std::string& address, TimePoint now) {
  for (auto& [other_address, other] : nodes_) {
    if (other.held_by == address && !other.retired)
      resolve_identity(other, now);
  }
}

void Controller::take_over(Node& node, Node& previous, TimePoint now) {
  const std::string previous_address = previous.address;
  adopt(node, previous);
  for (auto& [eoj, object] : node.objects) {
    if (object.announced && object.outstanding == 0)
      object.next_due = now;  // read at once where it is now, not at its old turn
  }
  node.identified = true;
  create_objects(node, now);
  release_held_by(previous_address, now);  // others waiting on the old address decide again
}

void Controller::adopt(Node& node, Node& previous) {
  log(LogLevel::info,
      "node " + node_uid(node.node_id) + " moved from " + previous.address + " to " + node.address);
  node.objects = std::move(previous.objects);
  node.single_epc = previous.single_epc;
  node.multi_epc_answered = previous.multi_epc_answered;
  if (!node.manufacturer)
    node.manufacturer = previous.manufacturer;
  for (echonet::Eoj eoj : previous.instances) {
    if (std::find(node.instances.begin(), node.instances.end(), eoj) == node.instances.end())
      node.instances.push_back(eoj);
  }
  for (auto& [eoj, object] : node.objects) {
    object.info.address = node.address;
    if (object.announced) {
      devices_[object.info.id] = object.info;
      actions_.push_back(DeviceFound{object.info});
    }
  }
  // Unfinished work follows the node; what was in flight is sent again with a new TID. A probe
  // of the old address is not: it was about the address, not the device.
  auto follows = [](const Request& request) { return request.purpose != Purpose::probe; };
  for (auto it = previous.in_flight.rbegin(); it != previous.in_flight.rend(); ++it) {
    if (!follows(*it))
      continue;
    Request again = std::move(*it);
    again.sends = 0;
    queue_for(node, again.purpose).push_front(std::move(again));
  }
  for (std::deque<Request>* from : {&previous.urgent, &previous.polls, &previous.interrogation}) {
    for (Request& request : *from) {
      if (follows(request))
        queue_for(node, request.purpose).push_back(std::move(request));
    }
  }
  // Erased at the next pump: this may run while the caller walks the nodes.
  const std::string previous_address = previous.address;
  previous = Node{};
  previous.address = previous_address;
  previous.retired = true;
}

std::string Controller::device_id_for(const Node& node, echonet::Eoj eoj) const {
  if (auto name = configured_name(config_.names, node.node_id, node.address, eoj))
    return *name;
  return default_device_id(node.node_id, node.address, eoj);
}

void Controller::create_objects(Node& node, TimePoint now) {
  for (echonet::Eoj eoj : node.instances) {
    if (node.objects.contains(eoj))
      continue;
    if (eoj.group == 0x05 && eoj.cls == 0xFF)
      continue;  // another controller (a HEMS, another bridge): nothing to read or to show
    ObjectState object;
    object.info.eoj = eoj;
    object.info.address = node.address;
    object.info.hardware_id = default_device_id(node.node_id, node.address, eoj);
    object.info.id = device_id_for(node, eoj);
    object.next_due = now;  // the maps are read at the next pump
    node.objects.emplace(eoj, std::move(object));
  }
}

void Controller::maps_round_done(Node& node, ObjectState& object, TimePoint now) {
  object.outstanding = 0;
  if (object.maps_answered) {
    announce(node, object, now);
    return;
  }
  // Forgotten until an instance list names it again (every discovery round asks for one), so
  // an object that is not there, or a corrupted announcement, cannot keep the node's queue busy.
  const echonet::Eoj eoj = object.info.eoj;
  log(LogLevel::warning,
      node.address + ": " + eoj.to_string() + " did not answer; dropped until listed again");
  node.instances.erase(std::remove(node.instances.begin(), node.instances.end(), eoj),
                       node.instances.end());
  node.objects.erase(eoj);
}

void Controller::announce(Node& node, ObjectState& object, TimePoint now) {
  object.info.address = node.address;
  object.info.node_id = node.node_id;
  object.info.manufacturer = node.manufacturer;
  make_ids_unique(node, object);
  object.announced = true;
  object.online = true;
  object.failures = 0;
  object.next_due = now;  // first poll right away
  devices_[object.info.id] = object.info;
  log(LogLevel::info,
      "found " + object.info.id + " (" + object.info.eoj.to_string() + ") at " + node.address);
  actions_.push_back(DeviceFound{object.info});
  actions_.push_back(AvailabilityChanged{object.info.id, true});
}

// Two devices never share an id (topics) or a hardware id (Home Assistant's unique ids): the
// second of two with the same identity, or the same configured name, gets the first free "_2",
// "_3" ... on both, so the suffix depends on the order found, not on the address.
void Controller::make_ids_unique(const Node& node, ObjectState& object) {
  auto used = [&](const std::string& candidate, std::string DeviceInfo::*field) {
    return std::any_of(devices_.begin(), devices_.end(), [&](const auto& entry) {
      const DeviceInfo& other = entry.second;
      const bool itself = other.address == node.address && other.eoj == object.info.eoj;
      return !itself && other.*field == candidate;
    });
  };
  const std::string id = object.info.id, hardware_id = object.info.hardware_id;
  for (int n = 2; used(object.info.id, &DeviceInfo::id) ||
                  used(object.info.hardware_id, &DeviceInfo::hardware_id);
       ++n) {
    object.info.id = id;  // appended, not `id + "_" + ...`: a false -Wrestrict with GCC 12
    object.info.id += '_';
    object.info.id += std::to_string(n);
    object.info.hardware_id = hardware_id;
    object.info.hardware_id += '_';
    object.info.hardware_id += std::to_string(n);
  }
  if (object.info.id != id)
    log(LogLevel::warning, "device id " + id + " is taken by another device at another address; " +
                               object.info.eoj.to_string() + " at " + node.address + " is " +
                               object.info.id);
}

void Controller::mark_alive(ObjectState& object) {
  object.failures = 0;
  if (object.announced && !object.online) {
    object.online = true;
    log(LogLevel::info, object.info.id + " is back online");
    actions_.push_back(AvailabilityChanged{object.info.id, true});
  }
}

}  // namespace hems::lan
