// The ECHONET Lite services of the simulated node: Get, SetC, SetI, INF_REQ and SetGet.
#include <algorithm>

#include "hems/sim/lan_node.hpp"

namespace hems::sim {
namespace {

// Readable EPCs carry their value; the rest come back with PDC 0. With `leave_some_out`, every
// second EPC is treated as unreadable (--partial). False when anything was missing.
bool read_list(const LanObject& target, const std::vector<ElProperty>& asked, bool leave_some_out,
               std::vector<ElProperty>& out) {
  bool complete = true;
  for (std::size_t i = 0; i < asked.size(); ++i) {
    const std::uint8_t epc = asked[i].epc;
    std::optional<Bytes> value = target.read(epc);
    if (leave_some_out && i % 2 == 1)
      value.reset();
    complete = complete && value.has_value();
    out.push_back(ElProperty{epc, value.value_or(Bytes{})});
  }
  return complete;
}

// Accepted properties come back with PDC 0; rejected ones carry the EDT that was sent.
// Announced EPCs whose value changed are added to `changed`. False when anything was rejected.
bool write_list(LanObject& target, const std::vector<ElProperty>& writes,
                std::vector<ElProperty>& out, std::vector<std::uint8_t>& changed) {
  bool all_accepted = true;
  for (const auto& p : writes) {
    const LanProperty* before = target.find(p.epc);
    const Bytes old = before ? before->value : Bytes{};
    if (target.write(p.epc, p.edt)) {
      out.push_back(ElProperty{p.epc, {}});
      if (old != p.edt && target.announces(p.epc) &&
          std::ranges::find(changed, p.epc) == changed.end()) {
        changed.push_back(p.epc);
      }
    } else {
      all_accepted = false;
      out.push_back(p);
    }
  }
  return all_accepted;
}

}  // namespace

std::optional<ElFrame> LanNode::serve(LanObject& target, const ElFrame& request,
                                      std::vector<std::uint8_t>& changed) {
  switch (request.esv) {
    case esv::kGet:
      return serve_get(target, request, esv::kGetRes, esv::kGetSna);
    case esv::kInfReq:
      // The notification answers the requester (unicast), like a Get_Res.
      return serve_get(target, request, esv::kInf, esv::kInfSna);
    case esv::kSetC:
      return serve_set(target, request, true, changed);
    case esv::kSetI:
      return serve_set(target, request, false, changed);
    default:
      return std::nullopt;
  }
}

std::optional<ElFrame> LanNode::serve_get(const LanObject& target, const ElFrame& request,
                                          std::uint8_t ok_esv, std::uint8_t sna_esv) const {
  ElFrame reply{request.tid, target.eoj(), request.seoj, ok_esv, {}};
  const bool leave_some_out =
      options_.partial && request.esv == esv::kGet && request.properties.size() > 1;
  if (!read_list(target, request.properties, leave_some_out, reply.properties))
    reply.esv = sna_esv;
  return reply;
}

// SetI is answered only when something was rejected.
std::optional<ElFrame> LanNode::serve_set(LanObject& target, const ElFrame& request,
                                          bool reply_wanted, std::vector<std::uint8_t>& changed) {
  ElFrame reply{request.tid, target.eoj(), request.seoj, esv::kSetRes, {}};
  if (write_list(target, request.properties, reply.properties, changed))
    return reply_wanted ? std::optional<ElFrame>(reply) : std::nullopt;
  reply.esv = reply_wanted ? esv::kSetCSna : esv::kSetISna;
  return reply;
}

// The Set list is applied first, then the Get list is read (so it sees the new values).
LanSetGetFrame LanNode::serve_setget(LanObject& target, const LanSetGetFrame& request,
                                     std::vector<std::uint8_t>& changed) {
  LanSetGetFrame reply{request.tid, target.eoj(), request.seoj, kSetGetRes, {}, {}};
  const bool set_ok = write_list(target, request.set_properties, reply.set_properties, changed);
  const bool get_ok = read_list(target, request.get_properties, false, reply.get_properties);
  if (!set_ok || !get_ok)
    reply.esv = kSetGetSna;
  return reply;
}

}  // namespace hems::sim
